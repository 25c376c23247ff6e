"""Settings, database, security helpers and rate limits of the service."""
