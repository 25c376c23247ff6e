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

from app.catalogue import N_, translations
from app.reports.common import fmt

__all__ = ["ADVICE", "advice", "headline", "pattern_line", "tr", "trn"]


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


#: What to do, per dimension and finding.
ADVICE: dict[tuple[str, str | None], str] = {
    ("direction", "structural_gap"): N_(
        "Write down the direction teams can decide against: the three to five current priorities in ranked "
        "order, the outcome each serves, and the rule for when two of them collide. Publish it where teams "
        "plan their work and review it with the team leads every quarter."
    ),
    ("direction", "proclaimed_not_anchored"): N_(
        "People say they know the direction, but it is not written down or not used. Test it: ask five teams "
        "separately to name the top priority and the trade-off rule, and compare the answers. Turn the spoken "
        "direction into a written, ranked list that planning and reviews refer to."
    ),
    ("direction", "unseen_structure"): N_(
        "Priorities and goals exist but do not reach the teams. Do not write a new strategy: walk each team "
        "through the existing priorities, link them in planning tools and meeting templates, and explain "
        "recent decisions by pointing to them."
    ),
    ("direction", "anchored_strength"): N_(
        "Keep the direction current: re-rank the priorities when circumstances change and announce every "
        "change with its reason. Let teams that work well with it show others how they use it."
    ),
    ("direction", "divided"): N_(
        "Members of the same team read the direction differently. In each affected team, let every member "
        "write down the top priority on their own, compare the answers and agree on one reading with the "
        "lead."
    ),
    ("direction", "mixed"): N_(
        "The direction is partly written down and partly felt. Go through the direction questions one by "
        "one, pick the weakest (for example the trade-off rule, or the link from goals to a team's work) and "
        "fix that first."
    ),
    ("direction", "not_precise"): N_(
        "The answers do not support a clear statement about direction. Discuss the direction questions with "
        "the teams before deciding on measures, and measure again with more responses."
    ),
    ("decision_rights", "structural_gap"): N_(
        "Decisions are taken above the teams, and nobody has written down who decides what. Draw up a list "
        "of the recurring decisions (spending up to a limit, hiring, tools, releases, commitments to "
        "customers) with who decides, who is consulted and who is informed, and hand the first of them to "
        "the teams this quarter."
    ),
    ("decision_rights", "proclaimed_not_anchored"): N_(
        "Teams are told they may decide, but approvals still rule in practice. Count the decisions that "
        "needed approval from outside the team last month; for each recurring one, either write down that "
        "the team decides or name the approver openly, and remove approval steps the written rights no "
        "longer require."
    ),
    ("decision_rights", "unseen_structure"): N_(
        "Decision rights are written down, but teams do not know or trust them. Go through the list with "
        "every team, name the decisions it may take alone, and let leads visibly refrain from overruling "
        "decisions within these rights."
    ),
    ("decision_rights", "anchored_strength"): N_(
        "Teams know and use their decision rights. Extend them step by step to the next kind of decision and "
        "review the list once a year so that it keeps pace with the work."
    ),
    ("decision_rights", "divided"): N_(
        "Some members believe they may decide, others do not: the rights apply unevenly within teams, often "
        "to the lead and not to the members. Clarify in each affected team which decisions every member may "
        "take, not only the lead."
    ),
    ("decision_rights", "mixed"): N_(
        "Decision rights are clear for some decisions and not for others. Use the decision-rights questions "
        "to find the kinds of decision without a clear owner and settle those first."
    ),
    ("decision_rights", "not_precise"): N_(
        "The answers do not show clearly how decisions are made. Go through a few recent decisions with the "
        "teams (who decided, who had to approve) before changing any rights."
    ),
    ("feedback", "structural_gap"): N_(
        "Nobody checks decisions against their results. Introduce a regular review, monthly or quarterly, in "
        "which each team compares two or three recent decisions with what they were meant to achieve, records "
        "what it learned and adjusts priorities or rights."
    ),
    ("feedback", "proclaimed_not_anchored"): N_(
        "People feel they learn from results, but there is no regular review. Put one in the calendar with a "
        "fixed agenda (decision, expected result, actual result, what changes) and keep its notes where the "
        "next decision will see them."
    ),
    ("feedback", "unseen_structure"): N_(
        "Reviews and measures exist, but teams do not see them. Share the results with the teams that made "
        "the decisions as soon as they are available, and show what changed because of them."
    ),
    ("feedback", "anchored_strength"): N_(
        "Feedback works. Protect the time for reviews when the workload rises, and share what teams learn across units."
    ),
    ("feedback", "divided"): N_(
        "Members experience feedback very differently: some see the results of their decisions, others never "
        "do. Make sure every member, not only the lead, receives the results and takes part in the reviews."
    ),
    ("feedback", "mixed"): N_(
        "Some feedback exists, but it does not reach every decision. Find from the feedback questions which "
        "part is missing (measures, reviews or learning from them) and add that part."
    ),
    ("feedback", "not_precise"): N_(
        "The answers do not show clearly whether decisions are reviewed. Ask teams how they learned the "
        "result of their last important decision before setting up new reviews."
    ),
}


def advice(dimension: str, finding: str | None, lang: str, fallback: str = "") -> str:
    """What to do about ``finding`` in ``dimension`` (``fallback`` for a dimension the
    advice does not know, e.g. of another questionnaire)."""
    message = ADVICE.get((dimension, finding))
    return tr(message, lang) if message else fallback
