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
