"""Question-level tables (docs/methodology.md §20), shared by the dashboard and every
report format: one row per item with its n, mean, share favourable and the share of
each answer option, for the organization, a unit or a team. Only released figures of
:mod:`analysis.items` are formatted here; a hidden cell carries its reason.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.reports.common import dimension_names, fmt, fmt_pct, hidden_label, hidden_text, misconception_names
from app.catalogue import N_
from app.reports.texts import L

__all__ = ["QTEXTS", "QuestionRow", "ScopeTable", "question_tables", "scope_table", "qt"]

QTEXTS = {
    "questions": L(N_("Questions")),
    "question": L(N_("Question")),
    "topic": L(N_("Topic")),
    "mean": L(N_("Mean")),
    "favourable": L(N_("Favourable")),
    "distribution": L(N_("Answers")),
    "favourable_means": L(N_("Favourable means")),
    "reverse": L(N_("reverse-keyed")),
    "scope": L(N_("Group")),
    "organization": L(N_("Organization")),
    "unit": L(N_("Unit")),
    "team": L(N_("Team")),
    "hidden_group": L(N_("Not shown: {why}.")),
    "level": L(N_("Level")),
    "answer_n": L(N_("Answer {i}")),
    "options": L(N_("Answers in order")),
    "note": L(N_("Note")),
    "questions_intro": L(
        N_(
            "Every question on its own: how many answered it (n), the mean answer (1–5 as ticked, for structure questions the mean score 0–100 without “don't know”), the share of favourable answers and the share of each answer. Favourable follows the question: on a reverse-keyed question it is disagreeing, on a misconception it is disagreeing (the misconception is not held), on a structure question an answer scored above 50 of 100. A question answered by fewer than {k} people in a group is not shown, nor is one whose figures would let such a group be worked out by subtraction."
        )
    ),
    "teams_note": L(
        N_("The questions of every team are on the dashboard, in the XLSX and CSV reports and in each team's report.")
    ),
    "slide_note": L(
        N_(
            "Favourable: agreeing; on reverse-keyed questions and misconceptions, disagreeing; on structure questions, an answer scored above 50 of 100. Shares of the answers in the order of the options. Fewer than {k} answers: not shown."
        )
    ),
    "kind_perception": L(N_("perception")),
    "kind_structure": L(N_("structure")),
    "kind_misconception": L(N_("misconception")),
    "kind_outcome": L(N_("litmus question")),
}


def qt(key: str, lang: str, **values) -> str:
    """Question-table text ``key`` in ``lang``."""
    text = QTEXTS[key][lang]
    return text.format(**values) if values else text


@dataclass(frozen=True)
class Share:
    """One answer option of a row: its label, the released share (None when hidden),
    whether it counts as favourable and whether it is "don't know"."""

    label: str
    share: float | None
    text: str
    favourable: bool
    dont_know: bool


@dataclass(frozen=True)
class QuestionRow:
    """One item in one group, formatted (and ``n_value``, ``mean_value``,
    ``favourable_share`` and the shares as numbers); ``hidden`` is the reason text of a
    hidden cell, ``mean_note`` that of a hidden mean."""

    id: str
    text: str
    topic: str
    favourable_means: str
    n: str
    mean: str
    favourable: str
    favourable_share: float | None
    shares: tuple
    hidden: str | None
    mean_note: str | None
    n_value: int | None
    mean_value: float | None


@dataclass(frozen=True)
class ScopeTable:
    """The question table of one group (``rows`` is empty when the group is hidden)."""

    level: str
    label: str
    unit: str | None
    title: str
    hidden: str | None
    rows: tuple


def _topic(q: dict, dims: dict, mcs: dict, lang: str) -> str:
    kind = qt(f"kind_{q['kind']}", lang)
    where = dims.get(q["dimension"]) or mcs.get(q["misconception"])
    base = f"{where} · {kind}" if where else kind
    return f"{base} · {qt('reverse', lang)}" if q["reverse"] and q["kind"] != "misconception" else base


def _rows(questions: list, record: dict, dims: dict, mcs: dict, k: int, lang: str) -> tuple:
    out = []
    for q in questions:
        cell = record["items"][q["id"]]
        hidden = None if not cell["suppressed"] else hidden_text(cell["suppression_reason"], k, lang)
        decimals = 0 if q["mean_range"][1] == 100 else 1
        shares = tuple(
            Share(
                o["label"][lang],
                None if hidden else s,
                fmt_pct(None if hidden else s, lang),
                o["favourable"],
                o["dont_know"],
            )
            for o, s in zip(q["options"], cell["distribution"] or [None] * len(q["options"]))
        )
        out.append(
            QuestionRow(
                id=q["id"],
                text=q["text"][lang],
                topic=_topic(q, dims, mcs, lang),
                favourable_means=q["favourable"][lang],
                n=hidden_label(cell["suppression_reason"], k, lang) if hidden else str(cell["n"]),
                mean=fmt(cell["mean"], decimals, lang),
                favourable=fmt_pct(cell["favourable"], lang),
                favourable_share=cell["favourable"],
                shares=shares,
                hidden=hidden,
                mean_note=hidden_text(cell["mean_suppression_reason"], k, lang)
                if cell["mean_suppression_reason"]
                else None,
                n_value=cell["n"],
                mean_value=cell["mean"],
            )
        )
    return tuple(out)


def _table(level, record, label, unit, questions, dims, mcs, k, lang) -> ScopeTable:
    title = qt("organization", lang) if level == "organization" else f"{qt(level, lang)}: {label}"
    if record["suppressed"]:
        why = hidden_text(record["suppression_reason"], k, lang)
        return ScopeTable(level, label, unit, title, qt("hidden_group", lang, why=why), ())
    return ScopeTable(level, label, unit, title, None, _rows(questions, record, dims, mcs, k, lang))


def question_tables(diagnosis, lang: str, *, teams: bool = True) -> list[ScopeTable]:
    """The question tables of the organization, every unit and (with ``teams``) every
    team of a diagnosis, in that order (teams sorted by unit, then label)."""
    items = diagnosis.items.to_dict()
    k = diagnosis.settings["min_group_size"]
    dims, mcs = dimension_names(diagnosis, lang), misconception_names(diagnosis, lang)
    qs = items["questions"]
    out = [_table("organization", items["organization"], "", None, qs, dims, mcs, k, lang)]
    out += [_table("unit", r, r["unit"], None, qs, dims, mcs, k, lang) for r in items["units"]]
    if teams:
        ordered = sorted(items["teams"], key=lambda r: (r["unit"] or "", r["team"]))
        out += [_table("team", r, r["team"], r["unit"], qs, dims, mcs, k, lang) for r in ordered]
    return out


def scope_table(diagnosis, lang: str, *, unit: str | None = None, team: str | None = None) -> ScopeTable:
    """The question table of one team, else one unit, else the organization
    (``KeyError`` for a label the diagnosis does not have)."""
    items = diagnosis.items.to_dict(unit=unit if team is None else None, team=team)
    k = diagnosis.settings["min_group_size"]
    dims, mcs = dimension_names(diagnosis, lang), misconception_names(diagnosis, lang)
    level, key = ("team", team) if team is not None else ("unit", unit) if unit is not None else ("organization", None)
    record = items["organization"] if key is None else items[level + "s"][0]
    return _table(
        level,
        record,
        key or "",
        record.get("unit") if level == "team" else None,
        items["questions"],
        dims,
        mcs,
        k,
        lang,
    )
