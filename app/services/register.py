"""The decision register of an organization (docs/methodology.md §18).

A register is a document of three lists:

* ``decisions`` — the decision types (``id``, ``dimension``, ``label_en``, ``label_de``;
  the label completes "Who decides about … in your team?");
* ``designs`` — the designed decider of a decision type for the whole organization
  (empty unit path and team), for a unit (its path, empty team) or for one team:
  one of :data:`analysis.decisions.DECIDERS` or ``not_decided``. A team takes its own
  entry, else that of its nearest unit, else the organization's; without any entry the
  decision is not decided;
* ``agreements`` — agreements between two teams: what they decide at their interface
  (``subject``, optionally a decision type), its ``owner`` and ``review_date``.

Every save adds a new :class:`~app.models.RegisterVersion`; nothing saved is changed
afterwards. Launching a campaign resolves the current version for the campaign's teams
and freezes it (:func:`freeze_register`), so later edits never reach a launched campaign.
"""

from __future__ import annotations

import re
import uuid
from datetime import date
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from analysis.decisions import DECIDERS, NOT_DECIDED, STARTER_DECISIONS
from app.core.inputs import control_character
from app.models import Campaign, CampaignRegister, Organization, RegisterVersion, Team
from app.catalogue import N_
from app.problems import Problem
from app.register_texts import message
from app.services import Conflict, Invalid, NotFound
from app.services.teams import join_path, split_path, team_rows, unit_names

NOT_DECIDED_NAME = "not_decided"
DECIDER_NAMES = DECIDERS + (NOT_DECIDED_NAME,)
DIMENSIONS = ("direction", "decision_rights", "feedback")
MAX_DECISIONS = 50
MAX_DESIGNS = 20_000
MAX_AGREEMENTS = 2_000
MAX_TEXT = 200
REGISTER_INVALID = N_("the register has errors; nothing was stored")
VERSION_NOT_FOUND = N_("register version not found")
SAVED_MEANWHILE = N_("the register was saved by someone else meanwhile; reload and try again")
UNKNOWN_DECISION = N_("unknown decision type")
#: Names of fields in the messages below.
FIELD_NAMES = {
    "label en": N_("label en"),
    "label de": N_("label de"),
    "unit path": N_("unit path"),
    "team": N_("team"),
    "subject": N_("subject"),
    "owner": N_("owner"),
}
_ID = re.compile(r"[a-z][a-z0-9_]{0,39}")
_SAVE_ATTEMPTS = 3
NOT_A_DECISION = N_("decision '%(value)s' is not a decision type of the register")
#: An error at an entry: ``designs[3]: …`` or, in a CSV import, ``line 4: …``.
AT = N_("%(where)s: %(problem)s")


def starter_document() -> dict:
    """The bundled starter catalogue, with no designed decider yet."""
    return {
        "decisions": [
            {"id": i, "dimension": dim, "label_en": en, "label_de": de} for i, dim, en, de, _ in STARTER_DECISIONS
        ],
        "designs": [],
        "agreements": [],
    }


# ------------------------------------------------------------------ checks


def _field(name: str) -> Problem:
    return message(FIELD_NAMES[name])


def _text_problem(value, name: str, *, required: bool = True) -> Problem | None:
    if not isinstance(value, str):
        return message(N_("%(name)s must be text"), name=_field(name))
    if required and not value.strip():
        return message(N_("%(name)s is empty"), name=_field(name))
    if len(value) > MAX_TEXT:
        return message(N_("%(name)s has more than %(max)s characters"), name=_field(name), max=MAX_TEXT)
    if char := control_character(value, line_breaks=False):
        return message(N_("%(name)s: control character %(char)s is not allowed"), name=_field(name), char=char)
    return None


def _path_problem(value, name: str) -> Problem | None:
    if not isinstance(value, str) or len(value) > 1100:
        return message(N_("%(name)s must be text of at most 1100 characters"), name=_field(name))
    if char := control_character(value, line_breaks=False):
        return message(N_("%(name)s: control character %(char)s is not allowed"), name=_field(name), char=char)
    return None


def decision_problem(rec: dict) -> Problem | None:
    """What is wrong with a decision type, or None."""
    if not isinstance(rec.get("id"), str) or not _ID.fullmatch(rec["id"]):
        return message(
            N_("decision id '%(id)s' must be 1-40 lower-case letters, digits or _, starting with a letter"),
            id=str(rec.get("id"))[:40],
        )
    if rec.get("dimension") not in DIMENSIONS:
        return message(
            N_("dimension '%(value)s' is not one of %(choices)s"),
            value=str(rec.get("dimension"))[:40],
            choices=", ".join(DIMENSIONS),
        )
    return _text_problem(rec.get("label_en"), "label en") or _text_problem(rec.get("label_de"), "label de")


def design_problem(rec: dict, ids: set[str], structure) -> Problem | None:
    """What is wrong with a designed decider, or None (``structure`` from :func:`structure_keys`)."""
    if rec.get("decision") not in ids:
        return message(NOT_A_DECISION, value=str(rec.get("decision"))[:40])
    if rec.get("decider") not in DECIDER_NAMES:
        return message(
            N_("decider '%(value)s' is not one of %(choices)s"),
            value=str(rec.get("decider"))[:40],
            choices=", ".join(DECIDER_NAMES),
        )
    return _place_problem(rec.get("unit_path"), rec.get("team"), structure, team_required=False)


def agreement_problem(rec: dict, ids: set[str], structure) -> Problem | None:
    """What is wrong with an agreement between teams, or None."""
    if rec.get("decision") not in ids | {""}:
        return message(NOT_A_DECISION, value=str(rec.get("decision"))[:40])
    problem = (
        _place_problem(rec.get("unit_path"), rec.get("team"), structure, team_required=True)
        or _place_problem(rec.get("partner_unit_path"), rec.get("partner_team"), structure, team_required=True)
        or _text_problem(rec.get("subject"), "subject")
        or _text_problem(rec.get("owner"), "owner")
    )
    if problem:
        return problem
    if _key(rec["unit_path"], rec["team"]) == _key(rec["partner_unit_path"], rec["partner_team"]):
        return message(N_("an agreement needs two different teams"))
    try:
        review = rec.get("review_date")
        date.fromisoformat(review if isinstance(review, str) else "")
    except ValueError:
        return message(N_("review date '%(value)s' is not a date (YYYY-MM-DD)"), value=str(rec.get("review_date"))[:20])
    return None


def _place_problem(path, team, structure, *, team_required: bool) -> Problem | None:
    problem = _path_problem(path, "unit path") or (
        _text_problem(team, "team", required=team_required) if team_required or team else None
    )
    if problem:
        return problem
    teams, units = structure
    if team and _key(path, team) not in teams:
        return message(
            N_("team '%(team)s' in '%(path)s' is not in the team structure"),
            team=team,
            path=join_path(split_path(path)),
        )
    if not team and split_path(path) and _key(path, "")[0] not in units:
        return message(N_("unit '%(path)s' is not in the team structure"), path=join_path(split_path(path)))
    return None


def _key(path: str, team: str) -> tuple[tuple[str, ...], str]:
    return tuple(p.casefold() for p in split_path(path)), team.strip().casefold()


def structure_keys(
    session: Session, *, organization: Organization
) -> tuple[set[tuple[tuple[str, ...], str]], set[tuple[str, ...]]]:
    """Case-folded keys of the organization's teams and of every unit path above them."""
    teams: set[tuple[tuple[str, ...], str]] = set()
    units: set[tuple[str, ...]] = set()
    for team in session.exec(select(Team).where(Team.organization_id == organization.id)).all():
        path = tuple(p.casefold() for p in unit_names(session, team.unit_id))
        teams.add((path, team.name.casefold()))
        units.update(path[:depth] for depth in range(1, len(path) + 1))
    return teams, units


def check_document(document, structure, *, where=None) -> dict:
    """The normalized register, or :class:`Invalid` naming every bad entry.

    ``where(section, index)`` names an entry in an error (default ``designs[3]``); the
    CSV import passes its line numbers.
    """
    where = where or (lambda section, i: f"{section}[{i}]")
    if not isinstance(document, dict) or set(document) - {"decisions", "designs", "agreements"}:
        raise Invalid(
            REGISTER_INVALID, errors=[message(N_("the register has the lists decisions, designs and agreements"))]
        )
    sections = {s: document.get(s, []) for s in ("decisions", "designs", "agreements")}
    limits = {"decisions": MAX_DECISIONS, "designs": MAX_DESIGNS, "agreements": MAX_AGREEMENTS}
    errors: list[Problem | str] = []
    for section, items in sections.items():
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise Invalid(
                REGISTER_INVALID, errors=[message(N_("%(section)s must be a list of entries"), section=section)]
            )
        if len(items) > limits[section]:
            raise Invalid(
                REGISTER_INVALID,
                errors=[message(N_("%(section)s: more than %(max)s entries"), section=section, max=limits[section])],
            )
    out: dict[str, list[dict[str, Any]]] = {"decisions": [], "designs": [], "agreements": []}
    ids: dict[str, int] = {}
    for i, rec in enumerate(sections["decisions"]):
        if problem := decision_problem(rec):
            errors.append(message(AT, where=where("decisions", i), problem=problem))
        elif rec["id"] in ids:
            errors.append(
                message(
                    AT,
                    where=where("decisions", i),
                    problem=message(
                        N_("decision '%(id)s' repeats %(other)s"),
                        id=rec["id"],
                        other=where("decisions", ids[rec["id"]]),
                    ),
                )
            )
        else:
            ids[rec["id"]] = i
            out["decisions"].append(
                {
                    f: rec[f].strip() if f.startswith("label") else rec[f]
                    for f in ("id", "dimension", "label_en", "label_de")
                }
            )
    seen: dict[tuple, int] = {}
    for i, rec in enumerate(sections["designs"]):
        rec = {"unit_path": "", "team": "", **rec}
        if problem := design_problem(rec, set(ids), structure):
            errors.append(message(AT, where=where("designs", i), problem=problem))
            continue
        key = (rec["decision"], _key(rec["unit_path"], rec["team"]))
        if key in seen:
            errors.append(
                message(
                    AT,
                    where=where("designs", i),
                    problem=message(
                        N_("the design of '%(decision)s' for this place repeats %(other)s"),
                        decision=rec["decision"],
                        other=where("designs", seen[key]),
                    ),
                )
            )
            continue
        seen[key] = i
        out["designs"].append(
            {
                "decision": rec["decision"],
                "unit_path": join_path(split_path(rec["unit_path"])),
                "team": rec["team"].strip(),
                "decider": rec["decider"],
            }
        )
    for i, rec in enumerate(sections["agreements"]):
        rec = {"unit_path": "", "partner_unit_path": "", "decision": "", **rec}
        if problem := agreement_problem(rec, set(ids), structure):
            errors.append(message(AT, where=where("agreements", i), problem=problem))
            continue
        out["agreements"].append(
            {
                "unit_path": join_path(split_path(rec["unit_path"])),
                "team": rec["team"].strip(),
                "partner_unit_path": join_path(split_path(rec["partner_unit_path"])),
                "partner_team": rec["partner_team"].strip(),
                "decision": rec["decision"],
                "subject": rec["subject"].strip(),
                "owner": rec["owner"].strip(),
                "review_date": rec["review_date"],
            }
        )
    if errors:
        raise Invalid(REGISTER_INVALID, errors=errors[:100])
    return out


# ------------------------------------------------------------------ versions


def latest_version(session: Session, *, organization: Organization) -> RegisterVersion | None:
    return session.exec(
        select(RegisterVersion)
        .where(RegisterVersion.organization_id == organization.id)
        .order_by(col(RegisterVersion.number).desc())
        .limit(1)
    ).first()


def current_document(session: Session, *, organization: Organization) -> tuple[int | None, dict]:
    """The number and document of the latest version, or (None, the starter document)."""
    version = latest_version(session, organization=organization)
    return (None, starter_document()) if version is None else (version.number, version.document)


def save_register(
    session: Session, *, organization: Organization, document, author: str, base: int | None = None, where=None
) -> RegisterVersion:
    """Check ``document`` against the team structure and store it as the next version.

    ``base`` is the version the editor started from: when another save came in between,
    :class:`Conflict` (nothing is stored)."""
    clean = check_document(document, structure_keys(session, organization=organization), where=where)
    for attempt in range(_SAVE_ATTEMPTS):
        latest = latest_version(session, organization=organization)
        number = latest.number if latest else 0
        if base is not None and base != number:
            raise Conflict(SAVED_MEANWHILE)
        version = RegisterVersion(
            organization_id=organization.id, number=number + 1, created_by=author[:254], document=clean
        )
        try:
            with session.begin_nested():  # a savepoint: a lost race is retried in the same transaction
                session.add(version)
            break
        except IntegrityError:  # a concurrent save took this number
            # an edit of a given version conflicts; a save without one (an import, an API
            # call without ``base``) simply becomes the next version
            if base is not None or attempt == _SAVE_ATTEMPTS - 1:
                raise Conflict(SAVED_MEANWHILE) from None
    session.refresh(version)
    return version


def history(session: Session, *, organization: Organization) -> list[dict]:
    """Every version, newest first, with its size."""
    rows = session.exec(
        select(RegisterVersion)
        .where(RegisterVersion.organization_id == organization.id)
        .order_by(col(RegisterVersion.number).desc())
    ).all()
    return [
        {
            "number": v.number,
            "created_at": v.created_at,
            "created_by": v.created_by,
            **{s: len(v.document.get(s, [])) for s in ("decisions", "designs", "agreements")},
        }
        for v in rows
    ]


def get_version(session: Session, *, organization: Organization, number: int) -> RegisterVersion:
    version = session.exec(
        select(RegisterVersion).where(
            RegisterVersion.organization_id == organization.id, RegisterVersion.number == number
        )
    ).first()
    if version is None:
        raise NotFound(VERSION_NOT_FOUND)
    return version


# ------------------------------------------------------------------ resolving and freezing


def resolve(document: dict, teams) -> tuple[list[list[int]], list[list[str]]]:
    """Designed decider codes (:data:`DECIDERS` index, -1 not decided) of ``teams``
    (``(unit path text, name)`` pairs) per decision type, and where each comes from:
    ``team``, ``unit`` (an entry of a unit above the team), ``organization`` or ``""``."""
    entries = {(d["decision"], _key(d["unit_path"], d["team"])): d["decider"] for d in document["designs"]}
    codes, sources = [], []
    for path_text, name in teams:
        path = _key(path_text, "")[0]
        places = [((path, name.casefold()), "team")]
        places += [((path[:depth], ""), "unit") for depth in range(len(path), 0, -1)]
        places.append((((), ""), "organization"))
        row_codes, row_sources = [], []
        for decision in document["decisions"]:
            found = next(
                ((entries[(decision["id"], p)], src) for p, src in places if (decision["id"], p) in entries),
                (NOT_DECIDED_NAME, ""),
            )
            row_codes.append(NOT_DECIDED if found[0] == NOT_DECIDED_NAME else DECIDERS.index(found[0]))
            row_sources.append(found[1])
        codes.append(row_codes)
        sources.append(row_sources)
    return codes, sources


def freeze_register(
    session: Session, *, campaign: Campaign, organization: Organization, campaign_teams, asked: list[str]
) -> CampaignRegister | None:
    """Copy the current register, resolved for the campaign's teams, into the campaign
    (part of the launch transaction; nothing is committed here). None without a saved
    register; :class:`Invalid` when ``asked`` names a decision type it does not have."""
    version = latest_version(session, organization=organization)
    if version is None:
        if asked:
            raise Invalid(UNKNOWN_DECISION)
        return None
    document = version.document
    ids = [d["id"] for d in document["decisions"]]
    if any(a not in ids for a in asked) or len(set(asked)) != len(asked):
        raise Invalid(UNKNOWN_DECISION)
    codes, _ = resolve(document, [(t.unit_path, t.name) for t in campaign_teams])
    frozen = CampaignRegister(
        campaign_id=campaign.id,
        register_number=version.number,
        decisions=document["decisions"],
        design={str(t.id): row for t, row in zip(campaign_teams, codes)},
        agreements=document["agreements"],
        asked=[i for i in ids if i in asked],
    )
    session.add(frozen)
    return frozen


def campaign_register(session: Session, *, campaign_id: uuid.UUID) -> CampaignRegister | None:
    return session.get(CampaignRegister, campaign_id)


def launch_register(session: Session, *, campaign: Campaign, organization: Organization) -> dict | None:
    """What the campaign page shows of the register: for a draft the current version's
    decision types to choose from, after launch the frozen version and what it asks."""
    frozen = campaign_register(session, campaign_id=campaign.id)
    if frozen is not None:
        return {"frozen": True, "number": frozen.register_number, "decisions": frozen.decisions, "asked": frozen.asked}
    version = latest_version(session, organization=organization) if campaign.launched_at is None else None
    if version is None:
        return None
    return {"frozen": False, "number": version.number, "decisions": version.document["decisions"], "asked": []}


# ------------------------------------------------------------------ edits (each saves a new version)


def with_decisions(document: dict, decisions: list[dict]) -> dict:
    """``document`` with the decision types replaced; designs and agreements of a
    removed decision type go with it."""
    ids = {d.get("id") for d in decisions}
    return {
        "decisions": decisions,
        "designs": [d for d in document["designs"] if d["decision"] in ids],
        "agreements": [a for a in document["agreements"] if a["decision"] in ids | {""}],
    }


def with_place(document: dict, *, unit_path: str, team: str, deciders: dict[str, str]) -> dict:
    """``document`` with the entries of one place (the organization, a unit or a team)
    replaced by ``deciders`` (decision id → decider name; an empty name inherits)."""
    key = _key(unit_path, team)
    kept = [d for d in document["designs"] if _key(d["unit_path"], d["team"]) != key]
    added = [
        {"decision": i, "unit_path": unit_path, "team": team, "decider": name} for i, name in deciders.items() if name
    ]
    return {**document, "designs": kept + added}


def with_agreement(document: dict, agreement: dict) -> dict:
    return {**document, "agreements": [*document["agreements"], agreement]}


def without_agreement(document: dict, index: int) -> dict:
    if not 0 <= index < len(document["agreements"]):
        raise NotFound("agreement not found")
    return {**document, "agreements": [a for i, a in enumerate(document["agreements"]) if i != index]}


def places(session: Session, *, organization: Organization, document: dict) -> list[dict]:
    """The rows of the register page: the organization, every unit and every team, each
    with its own entries and (teams) the decider it gets and from where."""
    teams = team_rows(session, organization=organization)
    units = sorted(
        {
            join_path(split_path(t["unit_path"])[:depth])
            for t in teams
            for depth in range(1, len(split_path(t["unit_path"])) + 1)
        },
        key=str.casefold,
    )
    own: dict = {}
    for d in document["designs"]:
        own.setdefault(_key(d["unit_path"], d["team"]), {})[d["decision"]] = d["decider"]
    codes, sources = resolve(document, [(t["unit_path"], t["name"]) for t in teams])
    rows = [{"kind": "organization", "unit_path": "", "team": "", "own": own.get(_key("", ""), {})}]
    rows += [{"kind": "unit", "unit_path": u, "team": "", "own": own.get(_key(u, ""), {})} for u in units]
    ids = [d["id"] for d in document["decisions"]]
    for t, row_codes, row_sources in zip(teams, codes, sources):
        effective = {
            i: (DECIDER_NAMES[c] if c >= 0 else NOT_DECIDED_NAME, src) for i, c, src in zip(ids, row_codes, row_sources)
        }
        rows.append(
            {
                "kind": "team",
                "unit_path": t["unit_path"],
                "team": t["name"],
                "own": own.get(_key(t["unit_path"], t["name"]), {}),
                "effective": effective,
            }
        )
    return rows
