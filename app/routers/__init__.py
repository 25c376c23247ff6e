"""One router per resource; each serves its pages and their JSON twins under ``/api/v1``."""
