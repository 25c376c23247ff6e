"""The decision register as one CSV file, for import, export and ``aad analyze --register``.

UTF-8, comma or semicolon separated, with the header :data:`HEADER`. The ``kind`` of a
line says which fields it uses (the others stay empty):

* ``decision`` — ``decision`` (the id), ``dimension``, ``label en``, ``label de``;
* ``design`` — ``decision``, ``unit path``, ``team`` (both empty: the whole
  organization; only the path: a unit), ``decider``;
* ``agreement`` — ``unit path``, ``team``, ``partner unit path``, ``partner team``,
  ``decision`` (may be empty), ``subject``, ``owner``, ``review date``.

A file is stored only when every line is valid; otherwise each bad line is named.
"""

from __future__ import annotations

import csv
import io
import re

from sqlmodel import Session

from app.catalogue import N_
from app.models import Organization, RegisterVersion
from app.problems import Problem
from app.register_texts import message
from app.services import Invalid
from app.services.register import AT, REGISTER_INVALID, check_document, save_register, structure_keys
from app.services.teams import _cell as csv_cell, _uncell as csv_uncell

MAX_CSV_BYTES = 1_000_000
HEADER = (
    "kind",
    "decision",
    "dimension",
    "label en",
    "label de",
    "unit path",
    "team",
    "decider",
    "partner unit path",
    "partner team",
    "subject",
    "owner",
    "review date",
)
KINDS = {"decision": "decisions", "design": "designs", "agreement": "agreements"}
_FIELDS = {  # document field -> CSV column
    "decisions": {"id": "decision", "dimension": "dimension", "label_en": "label en", "label_de": "label de"},
    "designs": {"decision": "decision", "unit_path": "unit path", "team": "team", "decider": "decider"},
    "agreements": {
        "unit_path": "unit path",
        "team": "team",
        "partner_unit_path": "partner unit path",
        "partner_team": "partner team",
        "decision": "decision",
        "subject": "subject",
        "owner": "owner",
        "review_date": "review date",
    },
}


def parse_register_csv(data: bytes, *, name: str = "") -> tuple[dict, object, list[Problem]]:
    """The register document of a CSV file, a ``where(section, index)`` that names an
    entry's line (for :func:`app.services.register.check_document`) and the lines that
    could not be read at all.

    :class:`Invalid` when the file as a whole cannot be read; ``name`` (a file name)
    prefixes each line reference when given.
    """

    def in_file(problem: Problem) -> Problem:
        return message(N_("%(file)s, %(problem)s"), file=name, problem=problem) if name else problem

    def at(line: int) -> Problem:
        return (
            message(N_("%(file)s, line %(line)s"), file=name, line=line)
            if name
            else message(N_("line %(line)s"), line=line)
        )

    if len(data) > MAX_CSV_BYTES:
        raise Invalid(
            REGISTER_INVALID, errors=[in_file(message(N_("the file is larger than %(max)s bytes"), max=MAX_CSV_BYTES))]
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Invalid(
            REGISTER_INVALID,
            errors=[in_file(message(N_("the file is not UTF-8 text (byte %(byte)s)"), byte=exc.start))],
        ) from None
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    document: dict = {section: [] for section in KINDS.values()}
    lines: dict = {section: [] for section in KINDS.values()}
    errors: list[Problem] = []
    try:
        header = [h.strip().lower().replace("_", " ") for h in next(reader, [])]
        if tuple(header) != HEADER:
            raise Invalid(
                REGISTER_INVALID,
                errors=[
                    message(
                        AT,
                        where=at(1),
                        problem=message(N_("expected the header '%(header)s'"), header=",".join(HEADER)),
                    )
                ],
            )
        for fields in reader:
            line = reader.line_num
            if not any(f.strip() for f in fields):
                continue
            if len(fields) != len(HEADER):
                errors.append(
                    message(
                        AT,
                        where=at(line),
                        problem=message(
                            N_("expected %(expected)s fields, found %(found)s"), expected=len(HEADER), found=len(fields)
                        ),
                    )
                )
                continue
            row = dict(zip(HEADER, (csv_uncell(f.strip()) for f in fields)))
            section = KINDS.get(row["kind"].lower())
            if section is None:
                errors.append(
                    message(
                        AT,
                        where=at(line),
                        problem=message(
                            N_("kind '%(value)s' is not one of %(choices)s"),
                            value=row["kind"][:20],
                            choices=", ".join(KINDS),
                        ),
                    )
                )
                continue
            document[section].append({field: row[column] for field, column in _FIELDS[section].items()})
            lines[section].append(line)
            if len(errors) >= 100:
                break
    except csv.Error as exc:
        errors.append(message(AT, where=at(reader.line_num), problem=str(exc)))
    return document, lambda section, i: at(lines[section][i]), errors


def read_register_csv(data: bytes, structure, *, name: str = "") -> dict:
    """The checked register of a CSV file, or :class:`Invalid` naming every bad line in
    line order (``structure`` from :func:`app.services.register.structure_keys`)."""
    document, where, errors = parse_register_csv(data, name=name)
    try:
        document = check_document(document, structure, where=where)
    except Invalid as exc:
        errors = errors + exc.problems
    if errors:
        line = re.compile(r"line (\d+)")
        errors.sort(key=lambda e: int(m.group(1)) if (m := line.search(str(e))) else 0)
        raise Invalid(REGISTER_INVALID, errors=errors[:100])
    return document


def register_csv(document: dict) -> str:
    """The register in the import format (ready to edit and import again)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for kind, section in KINDS.items():
        for entry in document.get(section, []):
            row = dict.fromkeys(HEADER, "")
            row["kind"] = kind
            row.update({column: csv_cell(entry[field]) for field, column in _FIELDS[section].items()})
            writer.writerow(row[column] for column in HEADER)
    return out.getvalue()


def import_register(session: Session, *, organization: Organization, data: bytes, author: str) -> RegisterVersion:
    """Store the file as the register's next version, or name every bad line (nothing stored)."""
    document = read_register_csv(data, structure_keys(session, organization=organization))
    return save_register(session, organization=organization, document=document, author=author)
