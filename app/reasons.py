"""The texts of the codes that ``analysis`` returns with a figure it does not show — why a
group, a change or a benchmark cell is withheld — and of its fixed notes, for the pages.

``analysis`` gives a code and its parameters (``fewer_than_k`` with ``k``, …); the page
translates them here, in the language of the request (docs/architecture.md,
"Languages"). The English texts are those of the JSON API's ``reason_text``.
"""

from __future__ import annotations

from analysis.benchmark import _QUANTILE_MIN_N
from app.catalogue import N_, gettext, ngettext
from app.problems import local_value as _local

#: Why a group's figures are not released (:mod:`analysis.privacy`).
PRIVACY = {
    "complementary": N_("hidden so that a smaller group cannot be worked out by subtraction"),
    "no_data": N_("no answers"),
}
#: Why the change between two waves is not shown (:mod:`analysis.waves`).
WAVES = {
    "not_comparable": N_("not comparable between the questionnaires of the two waves"),
    "no_interval": N_("no confidence interval in one of the waves, so change cannot be judged"),
}
NOT_RELEASED_IN = N_("not released in %(wave)s (%(reason)s)")
#: Why a benchmark cell or one of its figures is withheld (:mod:`analysis.benchmark`).
BENCHMARK = {
    "not_comparable": N_("not comparable between the questionnaires"),
    "tie": N_("it equals the figure of the highest or lowest organization"),
    "no_value": N_("the organization has no released figure for this"),
    "no_interval": N_("no confidence interval is available for this figure"),
}
#: The note when forms or versions of the questionnaire compare on scores only.
SCORES_NOTE = N_(
    "Forms of different kind (the pulse form and the full form) or different versions of the "
    "questionnaire are compared on dimension scores only; their structure index, ICC(1) and "
    "maturity level are not comparable."
)
#: The benchmark's quantiles and the definitions of its figures.
QUANTILES = {"median": N_("median"), "p75": N_("top 25 %"), "p90": N_("top 10 %")}
DEFINITIONS = {
    "percentile_rank": N_("Share of the comparable organizations with a lower figure, in %."),
    "interval": N_(
        "Percentile ranks of the lower and upper end of the organization's own confidence interval "
        "(95 % unless set otherwise); the other organizations' figures are taken as fixed."
    ),
    "quantiles": N_(
        "Median, 75th percentile (top 25 %) and 90th percentile (top 10 %) of the comparable "
        "organizations, linear interpolation (Hyndman & Fan type 7)."
    ),
}


def privacy_reason(code: str | None, k: int) -> str:
    """Why a group's figure is not released, in the current language."""
    if code is None:
        return ""
    if code == "fewer_than_k":
        return ngettext("fewer than %(num)s response", "fewer than %(num)s responses", k) % {"num": _local(k)}
    return gettext(PRIVACY[code]) if code in PRIVACY else code


def wave_reason(change: dict, ks: dict[str, int]) -> str:
    """Why the change of one group between two waves is not shown; ``ks``: each wave's k."""
    if change["reason"] in WAVES:
        return gettext(WAVES[change["reason"]])
    parts = []
    for wave, why in ((change["from_wave"], change["reason_before"]), (change["to_wave"], change["reason_after"])):
        if why is not None:
            parts.append(gettext(NOT_RELEASED_IN) % {"wave": wave, "reason": privacy_reason(why, ks.get(wave, 5))})
    return "; ".join(parts) or str(change["reason"] or "")


def benchmark_reason(code: str | None, k: int, figure: str | None = None) -> str:
    """Why a benchmark cell, or one of its figures, is withheld."""
    if code is None:
        return ""
    if code == "fewer_than_k":
        return ngettext(
            "fewer than %(num)s comparable organization", "fewer than %(num)s comparable organizations", k
        ) % {"num": _local(k)}
    if code == "complementary":
        return ngettext(
            "this comparison differs from another one shown here by fewer than %(num)s organization",
            "this comparison differs from another one shown here by fewer than %(num)s organizations",
            k,
        ) % {"num": _local(k)}
    if code == "extreme":
        m = _QUANTILE_MIN_N.get(figure or "", 0)
        return ngettext(
            "needs at least %(num)s organization, so that it is never the figure of the highest or lowest organization",
            "needs at least %(num)s organizations, so that it is never the figure of the highest or "
            "lowest organization",
            m,
        ) % {"num": _local(m)}
    return gettext(BENCHMARK[code]) if code in BENCHMARK else code
