"""Plain-language texts of a diagnosis, from the translation catalogue.

The labels of findings and typologies, the reading of ICC(1) and ICC(2) with their
intervals, the statement on the drivers of the outcome, and the short list of the most
important findings. Every text is a catalogue message (English message id marked with
``N_()``, plurals with :func:`analysis.translate.ntranslate`; docs/architecture.md
"Languages") filled with figures in the conventions of each language; the readings and
findings keep their ``{"en": …, "de": …}`` shape, both languages built from the
catalogue. Every text is built from figures that are already released (after
suppression), so nothing here can reveal a hidden group; and no text claims more than
its interval supports (``docs/methodology.md`` §5, §11, §12).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from analysis.icc import ICC1_BANDS, ICC1_CUTS, ICCResult, group_reliability, icc1_bands
from analysis.translate import LANGUAGES, N_, ntranslate, translate

if TYPE_CHECKING:
    from analysis.diagnosis_result import GroupTable

__all__ = [
    "ADVICE",
    "HEADLINE_TEXTS",
    "LABELS",
    "TYPOLOGY_CLAIMS",
    "advice",
    "driver_finding",
    "headline",
    "icc_reading",
    "key_findings",
    "label",
    "label_table",
    "typology_confirmed",
]

#: A text in every language of the product: ``{"en": …, "de": …}``.
Texts = dict[str, str]

#: The names of findings and typologies (catalogue messages, translated with :func:`label`).
LABELS: dict[str, dict[str, str]] = {
    "finding": {
        "divided": N_("divided (members disagree)"),
        "anchored_strength": N_("anchored strength"),
        "structural_gap": N_("structural gap"),
        "proclaimed_not_anchored": N_("proclaimed, not anchored"),
        "unseen_structure": N_("unseen structure"),
        "mixed": N_("mixed"),
        "not_precise": N_("not precise enough to classify"),
    },
    "typology": {
        "aligned_autonomy": N_("aligned autonomy"),
        "ambiguity": N_("ambiguity (direction without decision rights)"),
        "fragmentation": N_("fragmentation (decision rights without direction)"),
        "drift": N_("drift (direction and decision rights without feedback)"),
        "central_control": N_("central control (neither direction nor decision rights)"),
        "not_precise": N_("not precise enough to classify"),
    },
}


def label(kind: str, key: str, lang: str) -> str:
    """The name of a finding or typology (``kind`` ``'finding'``/``'typology'``) in ``lang``."""
    return translate(LABELS[kind][key], lang)


def label_table() -> dict[str, dict[str, Texts]]:
    """Every label in every language, ``{kind: {key: {"en": …, "de": …}}}`` (the
    ``labels`` of the results' JSON)."""
    return {kind: {key: _each(functools.partial(translate, m)) for key, m in t.items()} for kind, t in LABELS.items()}


def _each(build: Callable[[str], str]) -> Texts:
    """``build(lang)`` for every language of the product."""
    return {lang: build(lang) for lang in LANGUAGES}


def _t(message: str, lang: str, **params: object) -> str:
    """The catalogue message ``message`` in ``lang`` with ``params`` filled in."""
    return translate(message, lang) % params


def _pct(x: float) -> int:
    return int(round(100 * x))


def _num(x: float, lang: str, decimals: int = 2) -> str:
    """A number with the decimal mark of the language."""
    text = f"{x:.{decimals}f}"
    return text.replace(".", ",") if lang == "de" else text


def _count(n: int, lang: str) -> str:
    """A whole number with the thousands separator of the language."""
    text = f"{n:,}"
    return text.replace(",", ".") if lang == "de" else text


def _share(x: float, lang: str) -> str:
    """A share as a percentage without the sign: one decimal below 10 %, else whole,
    negative values (an ICC(1) limit below zero) as 0."""
    p = max(0.0, 100.0 * x)
    if p == 0:
        return "0"
    return _num(p, lang, 1 if p < 9.95 else 0)


def _inline(name: Mapping[str, str], lang: str) -> str:
    """A dimension's name inside a sentence (English lower case; German nouns keep theirs)."""
    return name[lang].lower() if lang == "en" else name[lang]


def _band_name(band: str, cuts: Sequence[float], lang: str, short: bool = False) -> str:
    """The name of an ICC(1) band, with its limits unless ``short``."""
    a, b = (_num(100 * c, lang, 2).rstrip("0").rstrip(",.") for c in cuts)
    if band == "little":
        return _t(N_("'little'"), lang) if short else _t(N_("'little' (below %(a)s %%)"), lang, a=a)
    if band == "moderate":
        return _t(N_("'moderate'"), lang) if short else _t(N_("'moderate' (%(a)s to %(b)s %%)"), lang, a=a, b=b)
    return _t(N_("'substantial'"), lang) if short else _t(N_("'substantial' (%(b)s %% or more)"), lang, b=b)


def _join(items: list[str], lang: str, word: str = "and") -> str:
    """``a, b and c`` (``word`` ``'or'``: ``a, b or c``) in ``lang``."""
    if len(items) == 1:
        return items[0]
    pair = N_("%(first)s or %(last)s") if word == "or" else N_("%(first)s and %(last)s")
    return _t(pair, lang, first=", ".join(items[:-1]), last=items[-1])


def _bands_text(lo: float, hi: float, cuts: Sequence[float], lang: str) -> str:
    """What an interval of ICC(1) allows: one band (told apart) or several (not)."""
    bands = icc1_bands(lo, hi, cuts=(cuts[0], cuts[1]))
    if len(bands) == 1:
        others = [_band_name(b, cuts, lang, short=True) for b in ICC1_BANDS if b not in bands]
        text = _t(
            N_("The interval lies entirely in the band %(band)s, so the data tell it apart from %(others)s."),
            lang,
            band=_band_name(bands[0], cuts, lang),
            others=_join(others, lang, "or"),
        )
    else:
        text = _t(
            N_("The interval spans the bands %(bands)s, so the data cannot tell them apart."),
            lang,
            bands=_join([_band_name(b, cuts, lang) for b in bands], lang),
        )
    if lo <= 0:
        text += " " + _t(N_("It does not rule out that teams do not differ at all."), lang)
    return text


_MEANING = {
    "perception": N_(
        "Differences between teams can reflect a shared team structure, but also leadership style or the team's "
        "composition; a structure that is the same for the whole organization does not show up here at all."
    ),
    "structure": N_(
        "A high share means that the members of a team describe the same structure; differences between teams "
        "can still come from leadership or composition, and a structure that is the same for the whole "
        "organization does not show up here at all."
    ),
}


def _members(n: int, lang: str) -> str:
    """``n`` members (the count of a team size)."""
    return ntranslate("%(count)s member", "%(count)s members", n, lang) % {"count": n}


def _reliability_text(result: ICCResult, target: float, lang: str) -> str:
    """ICC(2) with its interval, and the team size that reaches ``target``."""
    v, lo, hi = (_num(min(1.0, max(0.0, x)), lang) for x in (result.icc2, result.icc2_ci_low, result.icc2_ci_high))
    size = int(round(float(result.n0)))
    bar = _num(target, lang)
    figures = {"icc2": v, "low": lo, "high": hi, "target": bar, "size": size}
    if result.icc2_ci_low >= target:
        text = ntranslate(
            "Team means are reliable enough to compare teams (ICC(2) = %(icc2)s, interval %(low)s to %(high)s, "
            "for teams of about %(size)s member).",
            "Team means are reliable enough to compare teams (ICC(2) = %(icc2)s, interval %(low)s to %(high)s, "
            "for teams of about %(size)s members).",
            size,
            lang,
        )
    elif result.icc2_ci_high < target:
        text = ntranslate(
            "Team means are not reliable enough to rank teams (ICC(2) = %(icc2)s, interval %(low)s to %(high)s, "
            "below %(target)s, for teams of about %(size)s member).",
            "Team means are not reliable enough to rank teams (ICC(2) = %(icc2)s, interval %(low)s to %(high)s, "
            "below %(target)s, for teams of about %(size)s members).",
            size,
            lang,
        )
    else:
        text = ntranslate(
            "Whether team means are reliable enough to rank teams is open (ICC(2) = %(icc2)s, interval %(low)s to "
            "%(high)s includes %(target)s, for teams of about %(size)s member).",
            "Whether team means are reliable enough to rank teams is open (ICC(2) = %(icc2)s, interval %(low)s to "
            "%(high)s includes %(target)s, for teams of about %(size)s members).",
            size,
            lang,
        )
    text %= figures
    g = group_reliability(result.n0, result, target=target)
    if not math.isfinite(float(g.min_size)):
        return (
            text + " " + _t(N_("With so little between-team variance no team size gives a reliable team mean."), lang)
        )
    m, a, b = int(g.min_size), int(g.min_size_ci_low), float(g.min_size_ci_high)
    if not math.isfinite(b):
        span = ntranslate(
            "%(count)s member or more, no upper limit", "%(count)s members or more, no upper limit", a, lang
        ) % {"count": a}
    elif a == int(b):
        span = _members(a, lang)
    else:
        span = ntranslate("%(low)s to %(count)s member", "%(low)s to %(count)s members", int(b), lang) % {
            "low": a,
            "count": int(b),
        }
    reach = ntranslate(
        "A team mean reaches %(target)s from about %(count)s member (interval: %(span)s).",
        "A team mean reaches %(target)s from about %(count)s members (interval: %(span)s).",
        m,
        lang,
    ) % {"target": bar, "count": m, "span": span}
    return text + " " + reach


def icc_reading(
    icc1: float,
    icc2: float,
    name: Mapping[str, str],
    *,
    measure: str = "perception",
    result: ICCResult | None = None,
    cuts: Sequence[float] = ICC1_CUTS,
    target: float = 0.70,
) -> Texts:
    """Plain-language reading of ICC(1) and ICC(2) for one dimension.

    With ``result`` (the :class:`~analysis.icc.ICCResult` of the dimension) the reading
    quotes the share between teams with its confidence interval and claims no more
    than the interval allows: which of the bands "little", "moderate" and
    "substantial" between-team variance (:func:`analysis.icc.icc1_bands`) it is
    compatible with, and whether they can be told apart; what between-team variance
    can mean (shared structure, but also leadership style and composition) and what it
    cannot show (a structure that is the same for the whole organization); whether team
    means are reliable enough to rank teams (ICC(2) with its interval) and from which
    team size a team mean reaches ``target`` (:func:`analysis.icc.group_reliability`).
    See ``docs/methodology.md`` §5.

    Parameters
    ----------
    icc1, icc2 : float
        From :func:`analysis.icc.icc` with teams as groups. With ``result`` the share
        quoted is ``result.icc1_n0`` (the centre of the interval).
    name : mapping
        ``{"en": …, "de": …}`` name of the dimension.
    measure : {'perception', 'structure'}
    result : ICCResult, optional
        The full result with the intervals. Without it the reading gives the point
        estimate only and says that its size cannot be judged.
    cuts : tuple of two floats
        Band limits of ICC(1) (default :data:`analysis.icc.ICC1_CUTS`).
    target : float
        Reliability a team mean should reach (default 0.70).

    Returns
    -------
    dict
        ``{"en": …, "de": …}``, both from the catalogue.
    """
    if measure not in _MEANING:
        raise ValueError(f"measure: must be 'perception' or 'structure', got {measure!r}")
    if result is not None and not isinstance(result, ICCResult):
        raise TypeError(f"result: must be an ICCResult, got {type(result).__name__}")
    if not math.isfinite(icc1):
        return _each(
            lambda lang: _t(
                N_("Not estimable for %(name)s: at least two teams with answers are needed."), lang, name=name[lang]
            )
        )
    ci = (
        result
        if result is not None and math.isfinite(result.icc1_ci_low) and math.isfinite(result.icc1_ci_high)
        else None
    )
    est = ci.icc1_n0 if ci is not None else icc1

    def build(lang: str) -> str:
        if measure == "perception":
            share = N_("%(share)s %% of the differences in perceived %(name)s lie between teams")
        else:
            share = N_("%(share)s %% of the differences in the structure index of %(name)s lie between teams")
        text = _t(share, lang, share=_share(est, lang), name=_inline(name, lang))
        if ci is not None:
            text += _t(
                N_(" (%(conf)s %% interval %(low)s to %(high)s %%). "),
                lang,
                conf=_pct(ci.confidence),
                low=_share(ci.icc1_ci_low, lang),
                high=_share(ci.icc1_ci_high, lang),
            )
            text += _bands_text(ci.icc1_ci_low, ci.icc1_ci_high, cuts, lang)
        else:
            text += _t(N_(" (without an interval its size cannot be judged)."), lang)
        text += " " + translate(_MEANING[measure], lang)
        if ci is not None:
            text += " " + _reliability_text(ci, target, lang)
        elif math.isfinite(icc2):
            text += " " + _t(
                N_("ICC(2), the reliability of a team mean at the usual team size, is %(icc2)s."),
                lang,
                icc2=_num(icc2, lang),
            )
        return text

    return _each(build)


def _finding(fid: str, priority: float, build: Callable[[str], str]) -> dict[str, Any]:
    return {"id": fid, "priority": round(float(priority), 3), **_each(build)}


def driver_finding(block: Mapping[str, Any]) -> Texts | None:
    """The plain-language statement on the predictor most strongly associated with the outcome.

    Relative weights describe association in the respondents' answers, not cause, so
    the text never calls a predictor a "driver" that "drives" the outcome; it gives the
    share of the explained variance with its bootstrap interval, how often the
    predictor ranks first among the bootstrap samples of teams, and whether it can be
    told apart from the runner-up (the interval of their difference excludes zero;
    :func:`analysis.drivers.bootstrap_relative_weights`, ``docs/methodology.md`` §11).

    Parameters
    ----------
    block : mapping
        One released driver block (``drivers["dimensions"]`` of a diagnosis): its
        ``predictors`` (largest weight first, each with ``label`` {en, de} and
        ``percent``; with ``percent_ci_low``/``percent_ci_high`` and a ``top`` and
        ``interval`` entry when bootstrapped).

    Returns
    -------
    dict or None
        ``{"en": …, "de": …}`` from the catalogue, or None without predictors.
    """
    preds = (block or {}).get("predictors")
    if not preds:
        return None
    top = preds[0]
    info: Mapping[str, Any] = block.get("top") or {}
    interval: Mapping[str, Any] = block.get("interval") or {}
    bootstrapped = bool(info) and top.get("percent_ci_low") is not None and top.get("percent_ci_high") is not None

    def build(lang: str) -> str:
        figures = {"name": top["label"][lang], "pct": _num(top["percent"], lang, 0)}
        if not bootstrapped:
            text = _t(
                N_(
                    "Most strongly associated with the litmus question: %(name)s (%(pct)s %% of the explained "
                    "variance; no interval)."
                ),
                lang,
                **figures,
            )
            return text + " " + _t(N_("This is an association, not proof of cause."), lang)
        text = _t(
            N_(
                "Most strongly associated with the litmus question: %(name)s (%(pct)s %% of the explained variance, "
                "%(conf)s %% interval %(low)s to %(high)s %%)."
            ),
            lang,
            conf=_pct(interval.get("confidence", 0.95)),
            low=_num(top["percent_ci_low"], lang, 0),
            high=_num(top["percent_ci_high"], lang, 0),
            **figures,
        )
        if info.get("rank_first") is not None:
            share = _num(100 * info["rank_first"], lang, 0)
            n = interval.get("n_resamples")
            if n:
                text += " " + ntranslate(
                    "It ranks first in %(share)s %% of %(count)s bootstrap sample of teams.",
                    "It ranks first in %(share)s %% of %(count)s bootstrap samples of teams.",
                    int(n),
                    lang,
                ) % {"share": share, "count": _count(int(n), lang)}
            else:
                text += " " + _t(
                    N_("It ranks first in %(share)s %% of the bootstrap samples of teams."), lang, share=share
                )
        runner = next((p for p in preds[1:] if p["name"] == info.get("runner_up")), None)
        if runner is not None and info.get("difference_ci_low") is not None:
            diff = {
                "name": runner["label"][lang],
                "low": _num(info["difference_ci_low"], lang, 0),
                "high": _num(info["difference_ci_high"], lang, 0),
            }
            if info.get("distinguishable"):
                message = N_(
                    "It is clearly ahead of %(name)s (interval of the difference %(low)s to %(high)s percentage points)."
                )
            else:
                message = N_(
                    "It cannot be told apart from %(name)s (interval of the difference %(low)s to %(high)s percentage "
                    "points, including zero)."
                )
            text += " " + _t(message, lang, **diff)
        return text + " " + _t(N_("This is an association, not proof of cause."), lang)

    return _each(build)


def key_findings(
    *,
    dimensions: Mapping[str, Mapping[str, Any]],
    dim_names: Mapping[str, Mapping[str, str]],
    organization: Mapping[str, Any],
    teams: GroupTable,
    differences: Sequence[Mapping[str, Any]],
    role_gaps: Sequence[Mapping[str, Any]],
    drivers: Mapping[str, Any] | None,
    misconception_names: Mapping[str, Mapping[str, str]],
    k: int,
    limit: int = 8,
    confidence: float = 0.95,
    cuts: Sequence[float] = ICC1_CUTS,
) -> list[dict[str, Any]]:
    """The most important findings of a diagnosis, most important first.

    Parameters
    ----------
    dimensions : dict
        The released ``dimensions`` block. Statements on between-team variance need
        the interval of ICC(1) (``icc1_ci_low``, ``icc1_ci_high``; ``icc1_n0`` is
        quoted when present): "hardly differs between teams" only when the whole
        interval lies below ``cuts[0]``, "a matter of the team" only when it lies at
        or above ``cuts[1]``. Without the interval no such statement is made.
    dim_names : dict
        ``{dimension: {"en", "de"}}``.
    organization : dict
        The released organization record.
    teams : GroupTable
        Released team figures.
    differences, role_gaps : list of dict
        Released flagged differences and role gaps.
    drivers : dict
        Released driver analysis (see :func:`driver_finding`).
    misconception_names : dict
        ``{misconception: {"en", "de"}}``.
    k : int
        Minimum group size (for the suppression note).
    limit : int
        At most this many findings.
    confidence : float
        Level of the ICC(1) intervals in ``dimensions``.
    cuts : tuple of two floats
        Band limits of ICC(1) (:data:`analysis.icc.ICC1_CUTS`).

    Returns
    -------
    list of dict
        ``{"id", "priority", "en", "de"}``, each text from the catalogue with the plural
        forms of its language; priority is for ordering only.
    """
    out: list[dict[str, Any]] = []
    org_dims = organization.get("dimensions") or {}
    # 1. weakest building block, and perception vs structure at the organization level:
    # each against its own bands, never one score minus the other
    scored = [(d, v) for d, v in org_dims.items() if v.get("combined") is not None]
    if scored:
        d, v = min(scored, key=lambda dv: (dv[1]["combined"], dv[0]))
        n = dim_names[d]
        figures = {"level": v["level"], "score": f"{v['score']:.0f}", "structure": f"{v['structure']:.0f}"}
        out.append(
            _finding(
                "weakest_dimension",
                90,
                lambda lang: _t(
                    N_(
                        "Weakest building block: %(name)s (level %(level)s of 5, the lower of perception %(score)s "
                        "and structure %(structure)s of 100)."
                    ),
                    lang,
                    name=n[lang],
                    **figures,
                ),
            )
        )
        for d, v in scored:
            n, p = dim_names[d], _pct(v.get("finding_probability") or 0)
            figures = {"p": p, "score": f"{v['score']:.0f}", "structure": f"{v['structure']:.0f}"}
            if v.get("finding") == "proclaimed_not_anchored":
                message = N_(
                    "%(name)s: perception is in the high band (%(score)s) but the structure index in the low band "
                    "(%(structure)s): proclaimed more than anchored (probability %(p)s %%)."
                )
                fid = f"proclaimed_{d}"
            elif v.get("finding") == "unseen_structure":
                message = N_(
                    "%(name)s: the structure index is in the high band (%(structure)s) but perception in the low "
                    "band (%(score)s): structures exist but are not perceived — a communication problem rather "
                    "than a design problem (probability %(p)s %%)."
                )
                fid = f"unseen_{d}"
            else:
                continue
            out.append(
                _finding(
                    fid,
                    70 + p / 10,
                    lambda lang: _t(message, lang, name=n[lang], **figures),
                )
            )
    # 2. team findings that need action
    visible = ~teams.suppressed
    n_visible = int(visible.sum())
    if n_visible:
        for fid, w in (
            ("proclaimed_not_anchored", 75),
            ("structural_gap", 70),
            ("unseen_structure", 60),
            ("divided", 55),
        ):
            hit = (teams.finding == fid) & visible[:, None]
            c = int(hit.any(axis=1).sum())
            if c == 0:
                continue
            per_dim = [dim_names[d] for j, d in enumerate(teams.dimensions) if hit[:, j].any()]
            out.append(
                _finding(
                    f"teams_{fid}",
                    w + 20 * c / n_visible,
                    lambda lang: (
                        ntranslate(
                            "%(count)s of %(total)s teams shows '%(finding)s' in at least one dimension "
                            "(%(dimensions)s).",
                            "%(count)s of %(total)s teams show '%(finding)s' in at least one dimension "
                            "(%(dimensions)s).",
                            c,
                            lang,
                        )
                        % {
                            "count": c,
                            "total": n_visible,
                            "finding": label("finding", fid, lang),
                            "dimensions": ", ".join(x[lang] for x in per_dim),
                        }
                    ),
                )
            )
        # a team's pattern counts only where its findings confirm it (as in the headline)
        confirmed = typologies_confirmed(teams.typology, teams.finding, teams.dimensions)
        typ = teams.typology[visible & confirmed]
        if typ.size:
            values, counts = np.unique(typ.astype(str), return_counts=True)
            top = int(np.argmax(counts))
            common, c, without = str(values[top]), int(counts[top]), n_visible - int(typ.size)
            out.append(
                _finding(
                    "typology",
                    65,
                    lambda lang: (
                        ntranslate(
                            "Most common team pattern: %(pattern)s (%(count)s of %(total)s team shown; %(without)s "
                            "without a pattern their findings confirm).",
                            "Most common team pattern: %(pattern)s (%(count)s of %(total)s teams shown; %(without)s "
                            "without a pattern their findings confirm).",
                            n_visible,
                            lang,
                        )
                        % {
                            "pattern": label("typology", common, lang),
                            "count": c,
                            "total": n_visible,
                            "without": without,
                        }
                    ),
                )
            )
    # 3. between-team variance (ICC(1)), only as far as its interval allows
    conf = _pct(confidence)
    iccs = [
        (d, v) for d, v in dimensions.items() if v.get("icc1_ci_low") is not None and v.get("icc1_ci_high") is not None
    ]
    if iccs:
        d, v = min(iccs, key=lambda x: (x[1]["icc1_ci_high"], x[0]))
        if v["icc1_ci_high"] < cuts[0]:
            n, high = dim_names[d], float(v["icc1_ci_high"])
            out.append(
                _finding(
                    "icc_low",
                    60,
                    lambda lang: _t(
                        N_(
                            "Perceived %(name)s hardly differs between teams: at most %(high)s %% of the differences "
                            "lie between teams (%(conf)s %% interval); they are differences between individuals, "
                            "not between teams."
                        ),
                        lang,
                        name=_inline(n, lang),
                        high=_share(high, lang),
                        conf=conf,
                    ),
                )
            )
        d, v = max(iccs, key=lambda x: (x[1]["icc1_ci_low"], x[0]))
        if v["icc1_ci_low"] >= cuts[1]:
            n = dim_names[d]
            shares = (float(v.get("icc1_n0", v.get("icc1"))), float(v["icc1_ci_low"]), float(v["icc1_ci_high"]))
            out.append(
                _finding(
                    "icc_high",
                    58,
                    lambda lang: _t(
                        N_(
                            "%(share)s %% of the differences in perceived %(name)s lie between teams (%(conf)s %% "
                            "interval %(low)s to %(high)s %%): it differs from team to team — through the team's "
                            "structure, but possibly also its leadership or composition."
                        ),
                        lang,
                        name=_inline(n, lang),
                        conf=conf,
                        share=_share(shares[0], lang),
                        low=_share(shares[1], lang),
                        high=_share(shares[2], lang),
                    ),
                )
            )
    # 4. misconceptions
    held = {m: s for m, s in (organization.get("misconceptions") or {}).items() if s is not None}
    if held:
        m, s = max(held.items(), key=lambda x: (x[1], x[0]))
        if s >= 0.30:
            n = misconception_names[m]
            out.append(
                _finding(
                    "misconception",
                    50 + 30 * s,
                    lambda lang: _t(
                        N_("%(share)s %% hold the misconception: %(name)s."), lang, share=_pct(s), name=n[lang]
                    ),
                )
            )
    # 5. the predictor most strongly associated with the outcome (never "driver")
    text = driver_finding((drivers or {}).get("dimensions") or {})
    if text is not None:
        out.append(_finding("driver", 62, lambda lang: text[lang]))
    # 6. role gaps
    sig = [g for g in role_gaps if g.get("significant")]
    if sig:
        g = max(sig, key=lambda x: (abs(x["gap"]), x["dimension"]))
        n = dim_names[g["dimension"]]
        place = {
            "organization": N_("the organization"),
            "unit": N_("the unit %(group)s"),
            "team": N_("the team %(group)s"),
        }.get(g["level"], N_("%(group)s"))
        group = str(g.get("group"))
        if g["gap"] > 0:
            message = N_("In %(where)s, team leads rate %(name)s %(gap)s points higher than the others.")
        else:
            message = N_("In %(where)s, members rate %(name)s %(gap)s points higher than the others.")
        gap = f"{abs(g['gap']):.0f}"
        out.append(
            _finding(
                "role_gap",
                57,
                lambda lang: _t(message, lang, where=_t(place, lang, group=group), name=_inline(n, lang), gap=gap),
            )
        )
    # 7. differences that matter
    n_diffs = sum(1 for d in differences if d["level"] == "team")
    out.append(
        _finding(
            "differences",
            40 if n_diffs else 30,
            lambda lang: (
                ntranslate(
                    "%(count)s team difference from the rest of the organization is both reliable and large enough to "
                    "matter; all other differences are within noise.",
                    "%(count)s team differences from the rest of the organization are both reliable and large enough to "
                    "matter; all other differences are within noise.",
                    n_diffs,
                    lang,
                )
                % {"count": n_diffs}
            ),
        )
    )
    # 8. suppression
    hidden = int(teams.suppressed.sum())
    if hidden:
        out.append(
            _finding(
                "suppressed",
                20,
                lambda lang: (
                    ntranslate(
                        "%(count)s team is not shown individually to protect anonymity (groups below %(k)s responses, "
                        "and the groups needed to keep them from being worked out).",
                        "%(count)s teams are not shown individually to protect anonymity (groups below %(k)s responses, "
                        "and the groups needed to keep them from being worked out).",
                        hidden,
                        lang,
                    )
                    % {"count": hidden, "k": k}
                ),
            )
        )
    out.sort(key=lambda f: (-f["priority"], f["id"]))
    return out[:limit]


# ------------------------------------------------------------------ the overview's headline

#: What a typology claims about each of direction, decision rights and feedback: True
#: present (perceived and anchored in the high band), False absent, None no claim
#: (:func:`analysis.verdicts.typology_probabilities`).
TYPOLOGY_CLAIMS = {
    "aligned_autonomy": (True, True, True),
    "drift": (True, True, False),
    "ambiguity": (True, False, None),
    "fragmentation": (False, True, None),
    "central_control": (False, False, None),
}

_TYPOLOGY_DIMENSIONS = ("direction", "decision_rights", "feedback")

#: Findings that confirm a typology's claim "present" / "absent" for a dimension: present
#: needs perception and structure in the high band, absent one of them in the low band.
#: A middle band ("mixed"), an imprecise or a divided finding confirms neither.
_CONFIRMS = {
    True: frozenset({"anchored_strength"}),
    False: frozenset({"structural_gap", "proclaimed_not_anchored", "unseen_structure"}),
}

#: The order in which the headline names findings: the one most in need of action first.
HEADLINE_ORDER = (
    "structural_gap",
    "proclaimed_not_anchored",
    "unseen_structure",
    "divided",
    "mixed",
    "not_precise",
    "anchored_strength",
)

#: The headline's reading of each finding, for the dimensions that show it ("%(dimensions)s").
HEADLINE_TEXTS = {
    "structural_gap": N_("%(dimensions)s: felt as unclear and missing in the structure — a structural gap."),
    "proclaimed_not_anchored": N_(
        "%(dimensions)s: perceived as clear, but the structure behind it is thin — proclaimed more than anchored."
    ),
    "unseen_structure": N_(
        "%(dimensions)s: the structure exists but is not perceived — a communication gap rather than a design gap."
    ),
    "divided": N_("%(dimensions)s: members see it very differently — no shared reality."),
    "mixed": N_(
        "%(dimensions)s: perception and structure in the middle band — neither a clear strength nor a clear gap."
    ),
    "not_precise": N_("%(dimensions)s: not precise enough to classify."),
    "anchored_strength": N_("%(dimensions)s: perceived and anchored in structure — a strength."),
}


def headline(record: Mapping[str, Any] | None, dimensions: Iterable[str]) -> dict[str, Any] | None:
    """The headline of an overview, derived only from the figures shown beside it.

    The overview of an organization (or of the one unit a viewer may see) shows one
    row per dimension with its maturity level, perception score, structure index and
    finding. The headline groups the dimensions by that same finding (most in need of
    action first) and names the weakest dimension by the same combined score; the
    typology of the record is part of it only when every claim it makes (a dimension
    "present" or "absent") is confirmed by the finding shown for that dimension, so
    that a pattern like "central control" never stands beside a table that says
    "mixed" (docs/methodology.md, "Typology").

    Parameters
    ----------
    record : dict
        A released record (organization or unit) with ``dimensions`` (each with
        ``finding``, ``level``, ``score``, ``structure``, ``combined``) and ``typology``.
    dimensions : iterable of str
        The dimension ids in the order of the table.

    Returns
    -------
    dict or None
        ``{"groups": [(finding, [dimension, …]), …], "weakest": dimension or None,
        "typology": typology or None, "typology_withheld": typology or None}`` — texts
        come from :data:`HEADLINE_TEXTS` (translated where shown); None when the record
        is suppressed or has no dimension.
    """
    if not record or record.get("suppressed"):
        return None
    cells = record.get("dimensions") or {}
    order = [d for d in dimensions if d in cells]
    if not order:
        return None
    by_finding: dict[str, list[str]] = {}
    for d in order:
        f = cells[d].get("finding") or "not_precise"
        by_finding.setdefault(f, []).append(d)
    groups = [(f, by_finding[f]) for f in HEADLINE_ORDER if f in by_finding]
    scored = [d for d in order if cells[d].get("combined") is not None]
    weakest = min(scored, key=lambda d: (cells[d]["combined"], order.index(d))) if scored else None
    typology = record.get("typology")
    coherent = typology in TYPOLOGY_CLAIMS and typology_confirmed(typology, cells)
    return {
        "groups": groups,
        "weakest": weakest,
        "typology": typology if coherent else None,
        "typology_withheld": typology if typology in TYPOLOGY_CLAIMS and not coherent else None,
    }


def typology_confirmed(typology: str, cells: Mapping[str, Mapping[str, Any]]) -> bool:
    """Whether the finding of every dimension confirms what ``typology`` claims about it
    (:data:`TYPOLOGY_CLAIMS`); ``cells`` are a record's dimension cells."""
    claims = dict(zip(_TYPOLOGY_DIMENSIONS, TYPOLOGY_CLAIMS[typology]))
    if any(d not in cells for d in _TYPOLOGY_DIMENSIONS):
        return False
    return all(claim is None or (cells[d].get("finding") in _CONFIRMS[claim]) for d, claim in claims.items())


def shown_typology(record: dict[str, Any]) -> str | None:
    """The typology of ``record`` where the findings shown beside it confirm it (as in
    :func:`headline`), else None: what pages and reports name as the pattern."""
    typology = record.get("typology")
    confirmed = typology in TYPOLOGY_CLAIMS and typology_confirmed(typology, record.get("dimensions") or {})
    return typology if confirmed else None


#: What to do, per dimension and finding (the team page and the reports): the advice for
#: a finding differs with the building block it concerns.
ADVICE = {
    "direction": {
        "structural_gap": N_(
            "Write down the few priorities that matter this year and the trade-off rules between them (what wins "
            "when two collide), agree them with leadership and the neighbouring teams, and check after one quarter "
            "whether the team can name them without looking."
        ),
        "proclaimed_not_anchored": N_(
            "The direction is believed but not built in: tie the priorities to the team's planning and budget "
            "decisions, name an owner for each priority and review them on a fixed date, so that the direction "
            "does not depend on who happens to explain it."
        ),
        "unseen_structure": N_(
            "The priorities exist on paper but do not reach the team: have leadership explain them in the team's "
            "own work (which of our decisions does this priority change?) and put them where decisions are "
            "prepared, not in a slide deck."
        ),
        "divided": N_(
            "Ask each member to write the team's top priority on a card and compare: where the answers differ, "
            "the direction has not been shared evenly — often the lead knows more than the members."
        ),
        "mixed": N_(
            "Neither a clear strength nor a clear gap: pick the one priority that caused the most rework last "
            "quarter and make its trade-off rule explicit; measure again at the next pulse."
        ),
        "anchored_strength": N_(
            "Keep the priorities current (review them at every planning cycle) and let this team show others how "
            "it turns the direction into daily decisions."
        ),
        "not_precise": N_(
            "The data do not allow a verdict yet: collect more answers or wait for the next wave before acting "
            "on direction."
        ),
    },
    "decision_rights": {
        "structural_gap": N_(
            "List the ten decisions the team meets most often and agree, for each, who decides, who must be "
            "consulted and who is informed; publish the list and review it after one quarter."
        ),
        "proclaimed_not_anchored": N_(
            "Autonomy is announced but decisions still go up: find the approvals and sign-offs that override "
            "the team's calls, remove or delegate them, and record who decided each of the next ten decisions."
        ),
        "unseen_structure": N_(
            "Decision rights are written down but not known: walk the team through the delegation rules with "
            "real cases and make the lead say 'this is yours to decide' when it is."
        ),
        "divided": N_(
            "Members disagree about who may decide: go through recent decisions together and ask who felt "
            "allowed to decide them — the rules may apply to some members and not to others."
        ),
        "mixed": N_(
            "Decision rights are partly clear: pick the decisions that waited longest for approval last quarter "
            "and settle, for each, who decides; check at the next pulse."
        ),
        "anchored_strength": N_(
            "Protect the delegation when people change and let this team explain to others how it agreed who "
            "decides what."
        ),
        "not_precise": N_(
            "The data do not allow a verdict yet: collect more answers or wait for the next wave before changing "
            "decision rights."
        ),
    },
    "feedback": {
        "structural_gap": N_(
            "Set up a regular review (for example monthly) that compares the team's decisions with the goals, "
            "with a few shared measures and a named person who raises drift; try it for one quarter."
        ),
        "proclaimed_not_anchored": N_(
            "Feedback is felt but not built: replace informal impressions with a fixed review of outcomes "
            "against goals, written down, and track whether it leads to a change of course."
        ),
        "unseen_structure": N_(
            "Reviews and measures exist but the team does not notice them: share their results with the team "
            "and show which course corrections they triggered."
        ),
        "divided": N_(
            "Some members get feedback, others do not: check who takes part in the reviews and who sees their "
            "results, and open them to the whole team."
        ),
        "mixed": N_(
            "Feedback works in parts: pick the goal where drift was noticed latest last quarter and add a "
            "measure and a review date for it; check at the next pulse."
        ),
        "anchored_strength": N_(
            "Keep the reviews short and regular and let this team show others how its measures lead to course "
            "corrections."
        ),
        "not_precise": N_(
            "The data do not allow a verdict yet: collect more answers or wait for the next wave before changing "
            "the feedback loops."
        ),
    },
}


def typologies_confirmed(typology: ArrayLike, finding: ArrayLike, dimensions: Iterable[str]) -> NDArray[np.bool_]:
    """Per group, whether its typology is confirmed by its findings (vectorized
    :func:`typology_confirmed`): ``typology`` (G,), ``finding`` (G, D) in the order
    ``dimensions``; False where the typology is missing or imprecise."""
    typology = np.asarray(typology, dtype=object)
    finding = np.asarray(finding, dtype=object).reshape(len(typology), -1)
    ok = np.zeros(len(typology), dtype=bool)
    dims = list(dimensions)
    if any(d not in dims for d in _TYPOLOGY_DIMENSIONS):
        return ok
    for name, claims in TYPOLOGY_CLAIMS.items():
        rows = typology == name
        for d, claim in zip(_TYPOLOGY_DIMENSIONS, claims):
            if claim is not None:
                rows &= np.isin(finding[:, dims.index(d)], list(_CONFIRMS[claim]))
        ok |= rows
    return ok


def advice(dimension: str, finding: str | None) -> str | None:
    """The advice (an English catalogue message, translated where shown) for ``finding``
    in ``dimension``; None for an unknown dimension or no finding."""
    return ADVICE.get(dimension, {}).get(finding) if finding else None
