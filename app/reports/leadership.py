"""What the leadership part of a report says in words: the headline of the executive
summary and what to do per dimension and finding.

The headline is built from the same released cells the summary table shows beside it,
in the report's scope (the organization, or the unit of a unit reader's report), so it
cannot contradict them: each dimension is named with its finding, and the pattern is
explained by which dimensions reach the threshold for "present". The advice is specific
to a dimension and a finding (docs/methodology.md, "Findings"): a structural gap in
decision rights asks for something else than one in feedback.

Texts are messages of the catalogue (:mod:`app.catalogue`); placeholders are
``{name}`` fields filled after translation.
"""

from __future__ import annotations

from analysis.narrative import advice as narrative_advice
from app.catalogue import N_, translations
from app.reports.common import fmt

__all__ = ["advice", "headline", "pattern_line", "tr", "trn"]


def tr(message: str, lang: str, **values) -> str:
    """``message`` translated into ``lang`` with ``values`` filled in."""
    text = translations(lang).gettext(message)
    return text.format(**values) if values else text


def trn(singular: str, plural: str, n: int, lang: str, **values) -> str:
    """The singular (``n == 1``) or the plural message, translated into ``lang`` and
    filled in; both are catalogue messages of their own, which serves the report
    languages, whose plural rule is the same (one vs. other)."""
    return tr(singular if n == 1 else plural, lang, n=n, **values)


# What each finding says about a scope's dimension, as part of the headline: the
# dimensions with that finding are the subject ({names}).
_PHRASES = {
    "anchored_strength": (N_("{names} is felt and anchored"), N_("{names} are felt and anchored")),
    "proclaimed_not_anchored": (
        N_("{names} is felt more than it is anchored"),
        N_("{names} are felt more than they are anchored"),
    ),
    "unseen_structure": (
        N_("{names} exists in structure but is not felt"),
        N_("{names} exist in structure but are not felt"),
    ),
    "structural_gap": (N_("{names} is neither felt nor anchored"), N_("{names} are neither felt nor anchored")),
    "mixed": (
        N_("{names} is only partly felt and partly anchored"),
        N_("{names} are only partly felt and partly anchored"),
    ),
    "divided": (N_("people disagree about {names}"), N_("people disagree about {names}")),
    "not_precise": (
        N_("{names} cannot be classified with confidence"),
        N_("{names} cannot be classified with confidence"),
    ),
}
# Order of the parts of the headline: what needs action first.
_ORDER = (
    "structural_gap",
    "proclaimed_not_anchored",
    "divided",
    "unseen_structure",
    "mixed",
    "not_precise",
    "anchored_strength",
)


def _join(names: list, lang: str) -> str:
    if len(names) == 1:
        return names[0]
    return tr(N_("{first} and {last}"), lang, first=", ".join(names[:-1]), last=names[-1])


def headline(subject: dict, names: dict, lang: str, scope_name: str) -> str | None:
    """One sentence on the scope's three dimensions, from their findings (None when no
    dimension is released).

    ``subject`` is the released record of the scope (organization or unit), ``names``
    ``{dimension: name}``, ``scope_name`` how the sentence names the scope.
    """
    if subject.get("suppressed"):
        return None
    dims = subject.get("dimensions") or {}
    by_finding: dict = {}
    for d in names:
        cell = dims.get(d)
        if cell and not cell.get("suppressed") and cell.get("finding"):
            by_finding.setdefault(cell["finding"], []).append(names[d])
    if not by_finding:
        return None
    parts = []
    for fid in _ORDER:
        hit = by_finding.get(fid)
        if hit:
            one, many = _PHRASES[fid]
            parts.append(trn(one, many, len(hit), lang, names=_join(hit, lang)))
    text = "; ".join(parts)
    return tr(N_("{scope}: {findings}."), lang, scope=scope_name, findings=text[0].upper() + text[1:])


def pattern_line(subject: dict, names: dict, present: float | None, lang: str) -> str | None:
    """Why the scope has its pattern, from the same figures: which dimensions reach the
    bar for "present" (perception and structure both at least ``present``)."""
    if subject.get("suppressed") or present is None:
        return None
    dims = subject.get("dimensions") or {}
    found = [(d, dims.get(d)) for d in names]
    cells = [
        (d, c)
        for d, c in found
        if c and not c.get("suppressed") and c.get("score") is not None and c.get("structure") is not None
    ]
    if not cells:
        return None
    hit = [names[d] for d, c in cells if c["score"] >= present and c["structure"] >= present]
    bar = fmt(present, 0, lang)
    if not hit:
        return tr(
            N_(
                "A building block counts as present when perception and structure both reach {bar}; "
                "none of the {n} does."
            ),
            lang,
            bar=bar,
            n=len(cells),
        )
    return trn(
        N_("A building block counts as present when perception and structure both reach {bar}; {n} does: {names}."),
        N_("A building block counts as present when perception and structure both reach {bar}; {n} do: {names}."),
        len(hit),
        lang,
        bar=bar,
        names=_join(hit, lang),
    )


def advice(dimension: str, finding: str | None, lang: str, fallback: str = "") -> str:
    """What to do about ``finding`` in ``dimension``, the same advice as the team page
    (:data:`analysis.narrative.ADVICE`), in ``lang`` (``fallback`` for a dimension the
    advice does not know, e.g. of another questionnaire)."""
    message = narrative_advice(dimension, finding)
    return tr(message, lang) if message else fallback
