"""The texts of the figures (:mod:`analysis.figures`): catalogue messages in English and
German, HTML escaping for plotly's labels and the formatting of numbers.

Part of :mod:`analysis.figures`.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from analysis.translate import N_, translated

__all__ = ["LANGS", "TEXT", "SHORT_FINDING_EN", "escape_text", "escape_label", "number", "signed", "wrap", "formatted"]

#: Languages of the figures.
LANGS = ("en", "de")
#: Longest row label on an axis (the hover shows it in full).
_LABEL_MAX = 28

#: Texts of the figures: English catalogue messages, translated where used (analysis.translate).
_TEXT_EN = {
    "perception": N_("Perception: how clear it feels (0–100)"),
    "structure": N_("Structure index: what exists and happens (0–100)"),
    "finding": N_("Perception vs structure: finding"),
    "misconception": N_("Misconceptions: share who agree"),
    "by_team": N_("by team"),
    "by_unit": N_("by unit"),
    "in_unit": N_("unit {unit}"),
    "sorted_best": N_("best combined score first"),
    "sorted_weakest": N_("lowest combined score first"),
    "sorted_attention": N_("most findings needing action first"),
    "sorted_name": N_("by name"),
    "sorted_dimension": N_("lowest {dimension} first"),
    "rows": N_("{what} {a}–{b} of {n}"),
    "teams": N_("teams"),
    "units": N_("units"),
    "vs_org": N_("vs organization"),
    "org": N_("org."),
    "st_primary": N_("n < {k}"),
    "st_hidden": N_("hidden"),
    "st_no_data": N_("no data"),
    "st_unknown": N_("–"),
    "lg_primary": N_("n < {k}: fewer than {k} responses"),
    "lg_hidden": N_("hidden: protects a smaller group"),
    "lg_no_data": N_("no data: no answers"),
    "lg_divided": N_("÷ divided: members disagree{bar}"),
    "lg_beyond_chance": N_(" beyond chance (α = {a})"),
    "lg_flag": N_("▲▼ difference that matters"),
    "lg_unknown": N_("–: not shown (too few answers to these questions)"),
    "score": N_("perception"),
    "structure_s": N_("structure"),
    "ci": N_("{p} % CI"),
    "level": N_("level {l} of 5"),
    "finding_h": N_("finding"),
    "n": N_("n"),
    "share": N_("share who agree"),
    "organization": N_("organization"),
    "n_teams": N_("{n} teams"),
    "flag_up": N_("▲ {m} higher than in the rest of the organization (a difference that matters)"),
    "flag_down": N_("▼ {m} lower than in the rest of the organization (a difference that matters)"),
    "not_shown": N_("not shown: {why}"),
    "mc_unknown": N_("not shown: too few answers to these questions"),
    "overview": N_("Organization: perception vs structure per building block"),
    "overview_unit": N_("Unit {unit}: perception vs structure per building block"),
    "overview_hidden": N_("Organization results not shown: {why}"),
    "perception_bar": N_("Perception (how clear it feels)"),
    "structure_bar": N_("Structure index (what exists and happens)"),
    "score_axis": N_("score 0–100"),
    "role_gap": N_("Team leads vs members (perception, 0–100)"),
    "role_gap_some": N_("Team leads vs members (perception, 0–100): the {m} {what} with the largest gaps of {n}"),
    "role_none": N_("No role comparison can be shown: leads and members reach {k} responses in no group."),
    "role_interim": N_("Role comparisons are shown with the final results, when the survey closes."),
    "lead": N_("team leads"),
    "member": N_("members"),
    "gap": N_("gap"),
    "significant": N_("* = a difference that matters"),
    "whole_org": N_("Organization"),
}


class _Texts(dict[str, dict[str, str]]):
    """``TEXT[lang]``: the figure texts in ``lang`` (computed once per language)."""

    def __missing__(self, lang: str) -> dict[str, str]:
        self[lang] = translated(_TEXT_EN, lang)
        return self[lang]


#: The texts of the figures per language, key → text.
TEXT = _Texts()

#: Short cell labels of the findings (English catalogue messages).
SHORT_FINDING_EN = {
    "divided": N_("÷ divided"),
    "anchored_strength": N_("anchored"),
    "structural_gap": N_("gap"),
    "proclaimed_not_anchored": N_("proclaimed"),
    "unseen_structure": N_("unseen"),
    "mixed": N_("mixed"),
    "not_precise": N_("? unclear"),
}


def escape_text(text: object) -> str:
    """Text for plotly's labels, which render a subset of HTML: the five markup
    characters become entities that plotly decodes back for display."""
    return (
        str(text)
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&#34;")
        .replace("'", "&#39;")
    )


def escape_label(label: object, limit: int | None = _LABEL_MAX) -> str:
    """A user-provided label, shortened to ``limit`` characters, then HTML-escaped."""
    text = str(label)
    if limit is not None and len(text) > limit:
        text = text[: limit - 1] + "…"
    return escape_text(text)


def number(x: float, digits: int, lang: str) -> str:
    """``x`` with ``digits`` decimals and the decimal mark of ``lang``."""
    s = f"{x:.{digits}f}"
    return s.replace(".", ",") if lang == "de" else s


def signed(x: float) -> str:
    """``x`` as a whole number with its sign (``±0`` for zero)."""
    s = f"{x:+.0f}".replace("-", "−")
    return "±0" if s in ("+0", "−0") else s


def wrap(text: str, width: int) -> str:
    """Escape ``text`` and break it into lines of about ``width`` characters (``<br>``)."""
    lines: list[str] = []
    line = ""
    for word in str(text).split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "<br>".join(escape_text(x) for x in lines)


def formatted(a: ArrayLike, digits: int, lang: str) -> list[str]:
    """Flat list of formatted numbers ('' for NaN), in row-major order."""
    values: list[float] = np.asarray(a, dtype=float).ravel().tolist()
    return ["" if x != x else number(x, digits, lang) for x in values]
