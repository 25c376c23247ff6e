"""The unit/team structure of an organization and its CSV import.

The CSV has a header ``unit path,team,headcount`` (comma or semicolon separated, UTF-8);
a unit path names nested units separated by ``/`` (e.g. ``Operations / Plant North``)
and may be empty for a team directly under the organization. An import replaces the
whole structure, and only once every line is valid: otherwise nothing is stored and
each bad line is named.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import delete, insert, update
from sqlmodel import Session, col, select

from app.catalogue import N_
from app.core.csvfile import open_csv, read_rows
from app.csv_files import Separator, csv_text
from app.core.inputs import control_character
from app.models import Organization, Team, Unit
from app.problems import Problem, at_line
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
            raise Invalid(CSV_INVALID, errors=[Problem("header_expected", {"header": ",".join(HEADER)}, at_line(1))])

    def parse(line: int, fields: list[str]) -> TeamRow | Problem:
        if len(fields) != 3:
            return Problem("fields_count", {"expected": 3, "found": len(fields)})
        path_text, name, count = (_uncell(f.strip()) for f in fields)
        path = split_path(path_text)
        if problem := _control_problem(fields) or _row_problem(path, name, count):
            return problem
        key = (tuple(p.casefold() for p in path), name.casefold())
        if key in seen:
            return Problem("team_repeats", {"team": name, "path": join_path(path), "line": seen[key]})
        seen[key] = line
        return TeamRow(path, name, int(count))

    return read_rows(reader, header=header, parse=parse, detail=CSV_INVALID, limit=MAX_TEAMS, noun=N_("teams"))


def _control_problem(texts) -> Problem | None:
    """Names are one line of text: no control character at all, not even a tab."""
    char = next(filter(None, (control_character(text, line_breaks=False) for text in texts)), None)
    return Problem("control_character", {"char": char}) if char else None


def _row_problem(path: tuple[str, ...], name: str, count: str) -> Problem | None:
    if problem := _control_problem((*path, name, count)):
        return problem
    if not name:
        return Problem("team_name_empty")
    if len(name) > 100 or any(len(p) > 100 for p in path):
        return Problem("names_too_long", {"max": 100})
    if len(path) > MAX_DEPTH:
        return Problem("path_too_deep", {"max": MAX_DEPTH})
    if not count.isdigit() or not count.isascii():
        return Problem("headcount_not_whole", {"value": count[:20]})
    if int(count) > MAX_HEADCOUNT:
        return Problem("headcount_too_large", {"value": count, "max": MAX_HEADCOUNT})
    return None


def import_teams(session: Session, *, organization: Organization, data: bytes) -> ImportReport:
    """Replace the organization's structure with the file's (teams keep their ids).

    Set-based: one query reads the units, one the teams; new units are inserted one
    statement per level, new teams in one statement, changed teams in one batch, removed
    teams in one statement and unused units one statement per level, deepest first."""
    rows = parse_team_csv(data)
    units = _unit_index(session, organization.id)
    paths = {unit.id: key for key, unit in units.items()}
    existing = {
        (paths.get(unit_id, ()), t_key(name)): (team_id, name, headcount)
        for team_id, unit_id, name, headcount in session.execute(
            select(Team.id, Team.unit_id, Team.name, Team.headcount).where(Team.organization_id == organization.id)
        )
    }
    row_keys = [tuple(p.casefold() for p in row.unit_path) for row in rows]
    _add_units(session, organization.id, {row.unit_path for row in rows}, units)
    new, changed, keep = [], [], set()
    for row, key in zip(rows, row_keys):
        old = existing.get((key, t_key(row.name)))
        if old is None:
            new.append(
                {
                    "id": uuid.uuid4(),
                    "organization_id": organization.id,
                    "name": row.name,
                    "unit_id": units[key].id if key else None,
                    "headcount": row.headcount,
                }
            )
            continue
        keep.add(old[0])
        if (old[1], old[2]) != (row.name, row.headcount):
            changed.append({"id": old[0], "name": row.name, "headcount": row.headcount})
    gone = [team_id for team_id, _, _ in existing.values() if team_id not in keep]
    if gone:
        session.execute(delete(Team).where(col(Team.id).in_(gone)), execution_options={"synchronize_session": False})
    if changed:
        session.execute(update(Team), changed)
    if new:
        session.execute(insert(Team), new)
    used = {key[:depth] for key in row_keys for depth in range(1, len(key) + 1)}
    for depth in sorted({len(key) for key in units}, reverse=True):
        unused = [u.id for key, u in units.items() if len(key) == depth and key not in used]
        if unused:
            session.execute(
                delete(Unit).where(col(Unit.id).in_(unused)), execution_options={"synchronize_session": False}
            )
    session.flush()
    return ImportReport(created=len(new), updated=len(changed), removed=len(gone))


def t_key(name: str) -> str:
    return name.casefold()


def _unit_index(session: Session, organization_id: uuid.UUID) -> dict[tuple, Unit]:
    """The organization's units keyed by their case-folded path (one query)."""
    rows = session.exec(select(Unit).where(Unit.organization_id == organization_id)).all()
    return {tuple(name.casefold() for name in path): unit for unit, path in _paths(rows).values()}


def _paths(units) -> dict[uuid.UUID, tuple[Unit, tuple[str, ...]]]:
    """Each unit with the names on its path from the top, memoized so that every unit
    is visited once."""
    by_id = {u.id: u for u in units}
    out: dict[uuid.UUID, tuple[Unit, tuple[str, ...]]] = {}

    def path(unit: Unit) -> tuple[str, ...]:
        chain = []
        while unit.id not in out:
            chain.append(unit)
            parent = by_id.get(unit.parent_id)
            if parent is None:
                break
            unit = parent
        prefix = out[unit.id][1] if unit.id in out else ()
        for node in reversed(chain):
            prefix = (*prefix, node.name)
            out[node.id] = (node, prefix)
        return prefix

    for unit in units:
        path(unit)
    return out


def _add_units(session: Session, organization_id: uuid.UUID, unit_paths, units: dict) -> None:
    """Create the missing units of ``unit_paths`` (original spelling), one insert per
    level; ``units`` (by case-folded path) gains them."""
    depth = 1
    while level := {
        tuple(p.casefold() for p in path[:depth]): path[:depth] for path in unit_paths if len(path) >= depth
    }:
        new = {
            key: Unit(
                id=uuid.uuid4(),
                organization_id=organization_id,
                name=path[-1],
                parent_id=units[key[:-1]].id if depth > 1 else None,
            )
            for key, path in sorted(level.items())
            if key not in units
        }
        if new:
            session.execute(insert(Unit), [u.model_dump() for u in new.values()])
            units.update(new)
        depth += 1


def _ensure_unit(session: Session, organization_id: uuid.UUID, path: tuple[str, ...], units: dict) -> Unit | None:
    _add_units(session, organization_id, {path}, units)
    return units[tuple(p.casefold() for p in path)] if path else None


def unit_names(session: Session, unit_id: uuid.UUID | None) -> list[str]:
    """The names on a unit's path from the top (one query per level)."""
    parts = []
    while unit_id is not None:
        unit = session.get(Unit, unit_id)
        if unit is None:
            raise LookupError(f"unit {unit_id} does not exist")
        parts.append(unit.name)
        unit_id = unit.parent_id
    return list(reversed(parts))


def team_rows(session: Session, *, organization: Organization) -> list[dict]:
    """Teams with their unit path, sorted by path and name."""
    units = session.exec(select(Unit).where(Unit.organization_id == organization.id)).all()
    paths = {unit_id: join_path(path) for unit_id, (_, path) in _paths(units).items()}
    rows = [
        {"id": team_id, "unit_path": paths.get(unit_id, ""), "name": name, "headcount": headcount}
        for team_id, unit_id, name, headcount in session.execute(
            select(Team.id, Team.unit_id, Team.name, Team.headcount).where(Team.organization_id == organization.id)
        )
    ]
    return sorted(rows, key=lambda r: (r["unit_path"].casefold(), r["name"].casefold()))


def get_team(session: Session, *, organization_ids, team_id: uuid.UUID) -> Team:
    """A team of one of ``organization_ids`` (else 404)."""
    team = session.get(Team, team_id)
    if team is None or team.organization_id not in organization_ids:
        raise NotFound(TEAM_NOT_FOUND)
    return team


def update_team(
    session: Session,
    *,
    team: Team,
    name: str | None = None,
    headcount: int | None = None,
    unit_path_text: str | None = None,
) -> Team:
    """Rename a team, change its headcount or move it to another unit path."""
    new_name = team.name if name is None else name.strip()
    new_path = split_path(unit_path_text) if unit_path_text is not None else tuple(unit_names(session, team.unit_id))
    problem = _row_problem(new_path, new_name, str(team.headcount if headcount is None else headcount))
    if problem:
        raise Invalid(problem)
    units = _unit_index(session, team.organization_id)
    unit = _ensure_unit(session, team.organization_id, new_path, units)
    clash = session.exec(
        select(Team).where(
            Team.organization_id == team.organization_id,
            Team.id != team.id,
            Team.unit_id == (unit.id if unit else None),
        )
    ).all()
    if any(t.name.casefold() == new_name.casefold() for t in clash):
        raise Invalid(Problem("team_name_taken"))
    team.name, team.unit_id = new_name, unit.id if unit else None
    if headcount is not None:
        team.headcount = headcount
    session.add(team)
    session.flush()
    session.refresh(team)
    return team


def delete_team(session: Session, *, team: Team) -> None:
    session.delete(team)
    session.flush()


def teams_csv(session: Session, *, organization: Organization, sep: Separator = "comma") -> str:
    """The current structure in the import format (ready to edit and import again), with
    a byte-order mark for spreadsheet programs."""
    rows = (
        [_cell(row["unit_path"]), _cell(row["name"]), row["headcount"]]
        for row in team_rows(session, organization=organization)
    )
    return csv_text(HEADER, rows, sep=sep, bom=True)


def _uncell(text: str) -> str:
    """Undo :func:`_cell` when a downloaded file is imported again."""
    return text[1:] if text[:1] == "'" and text[1:2] in ("=", "+", "-", "@") else text


def _cell(text: str) -> str:
    """Neutralize spreadsheet formulas in names taken from an uploaded file."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def create_team(
    session: Session, *, organization: Organization, name: str, headcount: int, unit_path_text: str = ""
) -> Team:
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
