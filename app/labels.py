"""Names of codes shown to people: roles, campaign states, link kinds and industries, as catalogue
messages (English ids, translated by :mod:`app.catalogue`)."""

from __future__ import annotations

from app.catalogue import N_, gettext


ROLES = {"consultant": N_("Consultant"), "hr_admin": N_("HR admin"), "viewer": N_("Viewer")}
STATUSES = {"draft": N_("draft"), "open": N_("open"), "closed": N_("closed")}
LINK_KINDS = {"personal": N_("personal links"), "open": N_("open link")}
#: The industries an organization chooses from (benchmark codes, docs/methodology.md §15).
INDUSTRIES = {
    "manufacturing": N_("Manufacturing"),
    "logistics": N_("Logistics and transport"),
    "retail": N_("Retail and wholesale"),
    "software": N_("Software and IT services"),
    "telecommunications": N_("Telecommunications and media"),
    "finance": N_("Finance and insurance"),
    "healthcare": N_("Health and social care"),
    "public_sector": N_("Public administration"),
    "education": N_("Education and research"),
    "utilities": N_("Energy and utilities"),
    "construction": N_("Construction and real estate"),
    "professional_services": N_("Professional services"),
    "hospitality": N_("Hospitality and tourism"),
    "nonprofit": N_("Non-profit organizations"),
    "other": N_("Other"),
}


def role_label(code: str) -> str:
    return gettext(ROLES.get(code, code))


def status_label(code: str) -> str:
    return gettext(STATUSES.get(code, code))


def link_kind_label(code: str) -> str:
    return gettext(LINK_KINDS.get(code, code))


def industry_label(code: str) -> str:
    """The industry's name; a free-text industry of an older organization as it is."""
    return gettext(INDUSTRIES[code]) if code in INDUSTRIES else code


#: The three dimensions and the measures compared for them.
DIMENSIONS = {"direction": N_("Direction"), "decision_rights": N_("Decision rights"), "feedback": N_("Feedback")}
MEASURES = {"score": N_("Perception score"), "structure": N_("Structure index"), "icc1": N_("ICC(1)")}
#: Levels of a group (units and teams), in the singular and the plural.
LEVELS = {"organization": N_("Organization"), "unit": N_("unit"), "team": N_("team")}
LEVELS_PLURAL = {"unit": N_("Units"), "team": N_("Teams")}


def dimension_label(code: str) -> str:
    """The dimension's name; a dimension of another questionnaire by its id."""
    return gettext(DIMENSIONS[code]) if code in DIMENSIONS else code


def measure_label(code: str) -> str:
    return gettext(MEASURES[code]) if code in MEASURES else code


def level_label(code: str, plural: bool = False) -> str:
    table = LEVELS_PLURAL if plural else LEVELS
    return gettext(table[code]) if code in table else code


#: The comparisons of the benchmark (:data:`analysis.benchmark.SCOPES`).
BENCHMARK_SCOPES = {
    "all": N_("All comparable organizations"),
    "industry": N_("Same industry"),
    "size_band": N_("Same size band"),
    "industry_and_size_band": N_("Same industry and size band"),
}


def scope_label(code: str) -> str:
    return gettext(BENCHMARK_SCOPES[code]) if code in BENCHMARK_SCOPES else code
