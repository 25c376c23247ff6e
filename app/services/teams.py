"""The unit/team structure of an organization and its CSV import.

The CSV has a header ``unit path,team,headcount`` (comma or semicolon separated, UTF-8);
a unit path names nested units separated by ``/`` (e.g. ``Operations / Plant North``)
and may be empty for a team directly under the organization. An import replaces the
whole structure, and only once every line is valid: otherwise nothing is stored and
each bad line is named.
"""

from __future__ import annotations

import csv
import io
import uuid
from dataclasses import dataclass

from sqlmodel import Session, select

from app.catalogue import N_
from app.core.csvfile import open_csv, read_rows
from app.core.inputs import control_character
from app.models import Organization, Team, Unit
from app.services import Invalid, NotFound

MAX_CSV_BYTES = 1_000_000
MAX_TEAMS = 5_000
MAX_DEPTH = 10
MAX_HEADCOUNT = 100_000
HEADER = ("unit path", "team", "headcount")
TEAM_NOT_FOUND = N_("team not found")
CSV_INVALID = N_("the file has errors; nothing was stored")


@dataclass(frozen=True)
class TeamRow:
    unit_path: tuple[str, ...]
    name: str
    headcount: int


@dataclass(frozen=True)
class ImportReport:
    created: int
    updated: int
    removed: int

    def to_dict(self) -> dict:
        return {"created": self.created, "updated": self.updated, "removed": self.removed}


def split_path(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split("/") if part.strip())


def join_path(parts) -> str:
    return " / ".join(parts)


def parse_team_csv(data: bytes) -> list[TeamRow]:
    """Validated rows of a team CSV; :class:`Invalid` lists every bad line."""
    reader = open_csv(data, max_bytes=MAX_CSV_BYTES, detail=CSV_INVALID, header=",".join(HEADER))
    seen: dict[tuple, int] = {}

    def header(fields: list[str]) -> None:
        if tuple(h.strip().lower().replace("_", " ") for h in fields) != HEADER:
            raise Invalid(CSV_INVALID, errors=[f"line 1: expected the header '{','.join(HEADER)}'"])

    def parse(line: int, fields: list[str]) -> TeamRow | str:
        if len(fields) != 3:
            return f"expected 3 fields, found {len(fields)}"
        path_text, name, count = (_uncell(f.strip()) for f in fields)
        path = split_path(path_text)
        if problem := _control_problem(fields) or _row_problem(path, name, count):
            return problem
        key = (tuple(p.casefold() for p in path), name.casefold())
        if key in seen:
            return f"team '{name}' in '{join_path(path)}' repeats line {seen[key]}"
        seen[key] = line
        return TeamRow(path, name, int(count))

    return read_rows(reader, header=header, parse=parse, detail=CSV_INVALID, limit=MAX_TEAMS, noun="teams")


def _control_problem(texts) -> str | None:
    """Names are one line of text: no control character at all, not even a tab."""
    char = next(filter(None, (control_character(text, line_breaks=False) for text in texts)), None)
    return f"control character {char} is not allowed" if char else None


def _row_problem(path: tuple[str, ...], name: str, count: str) -> str | None:
    if problem := _control_problem((*path, name, count)):
        return problem
    if not name:
        return "the team name is empty"
    if len(name) > 100 or any(len(p) > 100 for p in path):
        return "names may have at most 100 characters"
    if len(path) > MAX_DEPTH:
        return f"the unit path is deeper than {MAX_DEPTH} levels"
    if not count.isdigit() or not count.isascii():
        return f"headcount '{count[:20]}' is not a whole number"
    if int(count) > MAX_HEADCOUNT:
        return f"headcount {count} is larger than {MAX_HEADCOUNT}"
    return None


def import_teams(session: Session, *, organization: Organization, data: bytes) -> ImportReport:
    """Replace the organization's structure with the file's (teams keep their ids)."""
    rows = parse_team_csv(data)
    existing = {(unit_path(session, team), t_key(team.name)): team for team in list_teams(session, organization=organization)}
    units = _unit_index(session, organization.id)
    created = updated = 0
    keep: set[uuid.UUID] = set()
    used_units: set[uuid.UUID] = set()
    for row in rows:
        unit = _ensure_unit(session, organization.id, row.unit_path, units)
        node = unit
        while node is not None:
            used_units.add(node.id)
            node = units_by_id(units).get(node.parent_id)
        key = (tuple(p.casefold() for p in row.unit_path), t_key(row.name))
        team = existing.get(key)
        if team is None:
            team = Team(organization_id=organization.id, unit_id=unit.id if unit else None, name=row.name, headcount=row.headcount)
            created += 1
        else:
            updated += int(team.headcount != row.headcount or team.name != row.name)
            team.headcount, team.name = row.headcount, row.name
        session.add(team)
        session.flush()
        keep.add(team.id)
    removed = 0
    for team in existing.values():
        if team.id not in keep:
            session.delete(team)
            removed += 1
    session.flush()
    for unit in sorted(units.values(), key=lambda u: -_depth(u, units)):
        if unit.id not in used_units:
            session.delete(unit)
            session.flush()
    session.commit()
    return ImportReport(created=created, updated=updated, removed=removed)


def t_key(name: str) -> str:
    return name.casefold()


def units_by_id(units: dict) -> dict:
    return {u.id: u for u in units.values()}


def _depth(unit: Unit, units: dict) -> int:
    by_id, depth = units_by_id(units), 0
    while unit.parent_id is not None:
        unit, depth = by_id[unit.parent_id], depth + 1
    return depth


def _unit_index(session: Session, organization_id: uuid.UUID) -> dict[tuple, Unit]:
    """Units keyed by their case-folded path."""
    rows = session.exec(select(Unit).where(Unit.organization_id == organization_id)).all()
    by_id = {u.id: u for u in rows}
    index = {}
    for unit in rows:
        parts, node = [], unit
        while node is not None:
            parts.append(node.name.casefold())
            node = by_id.get(node.parent_id)
        index[tuple(reversed(parts))] = unit
    return index


def _ensure_unit(session: Session, organization_id: uuid.UUID, path: tuple[str, ...], units: dict) -> Unit | None:
    parent = None
    for depth in range(1, len(path) + 1):
        key = tuple(p.casefold() for p in path[:depth])
        unit = units.get(key)
        if unit is None:
            unit = Unit(organization_id=organization_id, parent_id=parent.id if parent else None, name=path[depth - 1])
            session.add(unit)
            session.flush()
            units[key] = unit
        parent = unit
    return parent


def unit_path(session: Session, team: Team) -> tuple[str, ...]:
    """The case-folded unit path of a team (for matching)."""
    return tuple(p.casefold() for p in unit_names(session, team.unit_id))


def unit_names(session: Session, unit_id: uuid.UUID | None) -> list[str]:
    parts = []
    while unit_id is not None:
        unit = session.get(Unit, unit_id)
        parts.append(unit.name)
        unit_id = unit.parent_id
    return list(reversed(parts))


def list_teams(session: Session, *, organization: Organization) -> list[Team]:
    return list(session.exec(select(Team).where(Team.organization_id == organization.id)).all())


def team_rows(session: Session, *, organization: Organization) -> list[dict]:
    """Teams with their unit path, sorted by path and name."""
    rows = [
        {"id": t.id, "unit_path": join_path(unit_names(session, t.unit_id)), "name": t.name, "headcount": t.headcount}
        for t in list_teams(session, organization=organization)
    ]
    return sorted(rows, key=lambda r: (r["unit_path"].casefold(), r["name"].casefold()))


def get_team(session: Session, *, organization_ids, team_id: uuid.UUID) -> Team:
    """A team of one of ``organization_ids`` (else 404)."""
    team = session.get(Team, team_id)
    if team is None or team.organization_id not in organization_ids:
        raise NotFound(TEAM_NOT_FOUND)
    return team


def update_team(session: Session, *, team: Team, name: str | None = None, headcount: int | None = None, unit_path_text: str | None = None) -> Team:
    """Rename a team, change its headcount or move it to another unit path."""
    new_name = team.name if name is None else name.strip()
    new_path = split_path(unit_path_text) if unit_path_text is not None else tuple(unit_names(session, team.unit_id))
    problem = _row_problem(new_path, new_name, str(team.headcount if headcount is None else headcount))
    if problem:
        raise Invalid(problem)
    units = _unit_index(session, team.organization_id)
    unit = _ensure_unit(session, team.organization_id, new_path, units)
    clash = session.exec(select(Team).where(
        Team.organization_id == team.organization_id, Team.id != team.id,
        Team.unit_id == (unit.id if unit else None),
    )).all()
    if any(t.name.casefold() == new_name.casefold() for t in clash):
        raise Invalid("another team in this unit has this name")
    team.name, team.unit_id = new_name, unit.id if unit else None
    if headcount is not None:
        team.headcount = headcount
    session.add(team)
    session.commit()
    session.refresh(team)
    return team


def delete_team(session: Session, *, team: Team) -> None:
    session.delete(team)
    session.commit()


def teams_csv(session: Session, *, organization: Organization) -> str:
    """The current structure in the import format (ready to edit and import again)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for row in team_rows(session, organization=organization):
        writer.writerow([_cell(row["unit_path"]), _cell(row["name"]), row["headcount"]])
    return out.getvalue()


def _uncell(text: str) -> str:
    """Undo :func:`_cell` when a downloaded file is imported again."""
    return text[1:] if text[:1] == "'" and text[1:2] in ("=", "+", "-", "@") else text


def _cell(text: str) -> str:
    """Neutralize spreadsheet formulas in names taken from an uploaded file."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def create_team(session: Session, *, organization: Organization, name: str, headcount: int, unit_path_text: str = "") -> Team:
    if problem := _control_problem((name, unit_path_text)):
        raise Invalid(problem)
    team = Team(organization_id=organization.id, name=name.strip() or "?", headcount=0)
    session.add(team)
    session.flush()
    try:
        return update_team(session, team=team, name=name, headcount=headcount, unit_path_text=unit_path_text)
    except Invalid:
        session.rollback()
        raise
