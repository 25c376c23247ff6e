"""Plain-language texts of a diagnosis, in English and German.

The labels of findings and typologies, the reading of ICC(1) and ICC(2) with their
intervals, the statement on the drivers of the outcome, and the short list of the most
important findings. Every text is built from figures that are already released (after
suppression), so nothing here can reveal a hidden group; and no text claims more than
its interval supports (``docs/methodology.md`` §5, §11, §12).
"""

from __future__ import annotations

import math

import numpy as np

from analysis.translate import N_
from analysis.icc import ICC1_BANDS, ICC1_CUTS, ICCResult, group_reliability, icc1_bands

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
    "typology_confirmed",
]

LABELS = {
    "finding": {
        "divided": {"en": "divided (members disagree)", "de": "uneinig (Mitglieder sehen es verschieden)"},
        "anchored_strength": {"en": "anchored strength", "de": "verankerte Stärke"},
        "structural_gap": {"en": "structural gap", "de": "strukturelle Lücke"},
        "proclaimed_not_anchored": {"en": "proclaimed, not anchored", "de": "proklamiert, nicht verankert"},
        "unseen_structure": {"en": "unseen structure", "de": "unsichtbare Struktur"},
        "mixed": {"en": "mixed", "de": "gemischt"},
        "not_precise": {"en": "not precise enough to classify", "de": "zu ungenau für eine Einordnung"},
    },
    "typology": {
        "aligned_autonomy": {"en": "aligned autonomy", "de": "ausgerichtete Autonomie"},
        "ambiguity": {
            "en": "ambiguity (direction without decision rights)",
            "de": "Mehrdeutigkeit (Ausrichtung ohne Entscheidungsrechte)",
        },
        "fragmentation": {
            "en": "fragmentation (decision rights without direction)",
            "de": "Fragmentierung (Entscheidungsrechte ohne Ausrichtung)",
        },
        "drift": {
            "en": "drift (direction and decision rights without feedback)",
            "de": "Drift (Ausrichtung und Entscheidungsrechte ohne Rückkopplung)",
        },
        "central_control": {
            "en": "central control (neither direction nor decision rights)",
            "de": "zentrale Steuerung (weder Ausrichtung noch Entscheidungsrechte)",
        },
        "not_precise": {"en": "not precise enough to classify", "de": "zu ungenau für eine Einordnung"},
    },
}


def _pct(x: float) -> int:
    return int(round(100 * x))


def _num(x: float, lang: str, decimals: int = 2) -> str:
    """A number with the decimal mark of the language."""
    text = f"{x:.{decimals}f}"
    return text.replace(".", ",") if lang == "de" else text


def _share(x: float, lang: str) -> str:
    """A share as a percentage without the sign: one decimal below 10 %, else whole,
    negative values (an ICC(1) limit below zero) as 0."""
    p = max(0.0, 100.0 * x)
    if p == 0:
        return "0"
    return _num(p, lang, 1 if p < 9.95 else 0)


def _band_names(cuts) -> dict:
    a, b = (f"{100 * c:g}" for c in cuts)
    ad, bd = (x.replace(".", ",") for x in (a, b))
    return {
        "little": {
            "en": f"'little' (below {a} %)",
            "de": f"„gering“ (unter {ad} %)",
            "short_en": "'little'",
            "short_de": "„gering“",
        },
        "moderate": {
            "en": f"'moderate' ({a} to {b} %)",
            "de": f"„mittel“ ({ad} bis {bd} %)",
            "short_en": "'moderate'",
            "short_de": "„mittel“",
        },
        "substantial": {
            "en": f"'substantial' ({b} % or more)",
            "de": f"„deutlich“ (ab {bd} %)",
            "short_en": "'substantial'",
            "short_de": "„deutlich“",
        },
    }


def _join(items: list, lang: str) -> str:
    word = " and " if lang == "en" else " und "
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + word + items[-1]


def _bands_text(lo: float, hi: float, cuts) -> dict:
    """What an interval of ICC(1) allows: one band (told apart) or several (not)."""
    bands = icc1_bands(lo, hi, cuts=cuts)
    names = _band_names(cuts)
    if len(bands) == 1:
        others = [b for b in ICC1_BANDS if b not in bands]
        en = (
            f"The interval lies entirely in the band {names[bands[0]]['en']}, so the data tell it apart "
            f"from {_join([names[b]['short_en'] for b in others], 'en').replace(' and ', ' or ')}."
        )
        de = (
            f"Das Intervall liegt ganz im Bereich {names[bands[0]]['de']}; die Daten unterscheiden das "
            f"von {_join([names[b]['short_de'] for b in others], 'de').replace(' und ', ' oder ')}."
        )
    else:
        en = (
            f"The interval spans the bands {_join([names[b]['en'] for b in bands], 'en')}, so the data "
            f"cannot tell them apart."
        )
        de = (
            f"Das Intervall reicht über die Bereiche {_join([names[b]['de'] for b in bands], 'de')}; die "
            f"Daten können sie nicht unterscheiden."
        )
    if lo <= 0:
        en += " It does not rule out that teams do not differ at all."
        de += " Es schließt nicht aus, dass sich die Teams gar nicht unterscheiden."
    return {"en": en, "de": de}


_MEANING = {
    "perception": {
        "en": (
            "Differences between teams can reflect a shared team structure, but also leadership style or "
            "the team's composition; a structure that is the same for the whole organization does not show "
            "up here at all."
        ),
        "de": (
            "Unterschiede zwischen Teams können eine gemeinsame Teamstruktur widerspiegeln, aber auch "
            "Führungsstil oder Zusammensetzung des Teams; eine Struktur, die für die ganze Organisation "
            "gleich ist, zeigt sich hier gar nicht."
        ),
    },
    "structure": {
        "en": (
            "A high share means that the members of a team describe the same structure; differences between "
            "teams can still come from leadership or composition, and a structure that is the same for the "
            "whole organization does not show up here at all."
        ),
        "de": (
            "Ein hoher Anteil heißt, dass die Mitglieder eines Teams dieselbe Struktur beschreiben; "
            "Unterschiede zwischen Teams können trotzdem von Führung oder Zusammensetzung kommen, und eine "
            "Struktur, die für die ganze Organisation gleich ist, zeigt sich hier gar nicht."
        ),
    },
}


def _reliability_text(result: ICCResult, target: float) -> dict:
    """ICC(2) with its interval, and the team size that reaches ``target``."""
    v, lo, hi = (min(1.0, max(0.0, x)) for x in (result.icc2, result.icc2_ci_low, result.icc2_ci_high))
    size = f"{result.n0:.0f}"
    f = {lang: (_num(v, lang), _num(lo, lang), _num(hi, lang), _num(target, lang)) for lang in ("en", "de")}
    if result.icc2_ci_low >= target:
        en = (
            f"Team means are reliable enough to compare teams (ICC(2) = {f['en'][0]}, interval {f['en'][1]} "
            f"to {f['en'][2]}, for teams of about {size} members)."
        )
        de = (
            f"Die Teammittelwerte sind verlässlich genug, um Teams zu vergleichen (ICC(2) = {f['de'][0]}, "
            f"Intervall {f['de'][1]} bis {f['de'][2]}, für Teams von etwa {size} Mitgliedern)."
        )
    elif result.icc2_ci_high < target:
        en = (
            f"Team means are not reliable enough to rank teams (ICC(2) = {f['en'][0]}, interval {f['en'][1]} "
            f"to {f['en'][2]}, below {f['en'][3]}, for teams of about {size} members)."
        )
        de = (
            f"Die Teammittelwerte sind für eine Rangfolge nicht verlässlich genug (ICC(2) = {f['de'][0]}, "
            f"Intervall {f['de'][1]} bis {f['de'][2]}, unter {f['de'][3]}, für Teams von etwa {size} "
            f"Mitgliedern)."
        )
    else:
        en = (
            f"Whether team means are reliable enough to rank teams is open (ICC(2) = {f['en'][0]}, interval "
            f"{f['en'][1]} to {f['en'][2]} includes {f['en'][3]}, for teams of about {size} members)."
        )
        de = (
            f"Ob die Teammittelwerte für eine Rangfolge verlässlich genug sind, ist offen (ICC(2) = "
            f"{f['de'][0]}, Intervall {f['de'][1]} bis {f['de'][2]} schließt {f['de'][3]} ein, für Teams "
            f"von etwa {size} Mitgliedern)."
        )
    g = group_reliability(result.n0, result, target=target)
    if not math.isfinite(g.min_size):
        en += " With so little between-team variance no team size gives a reliable team mean."
        de += " Bei so wenig Varianz zwischen Teams wird ein Teammittelwert bei keiner Teamgröße verlässlich."
    else:
        m, a, b = int(g.min_size), int(g.min_size_ci_low), g.min_size_ci_high

        def members(x, lang, dative=False):
            if lang == "en":
                return f"{x} member" if x == 1 else f"{x} members"
            return f"{x} Mitglied" if x == 1 else (f"{x} Mitgliedern" if dative else f"{x} Mitglieder")

        if not math.isfinite(b):
            span_en = f"{members(a, 'en')} or more, no upper limit"
            span_de = f"ab {members(a, 'de', True)}, ohne obere Grenze"
        elif a == int(b):
            span_en, span_de = members(a, "en"), members(a, "de")
        else:
            span_en, span_de = f"{a} to {members(int(b), 'en')}", f"{a} bis {members(int(b), 'de')}"
        en += f" A team mean reaches {f['en'][3]} from about {members(m, 'en')} (interval: {span_en})."
        de += f" Ein Teammittelwert erreicht {f['de'][3]} ab etwa {members(m, 'de', True)} (Intervall: {span_de})."
    return {"en": en, "de": de}


def icc_reading(
    icc1: float,
    icc2: float,
    name: dict,
    *,
    measure: str = "perception",
    result: ICCResult | None = None,
    cuts=ICC1_CUTS,
    target: float = 0.70,
) -> dict:
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
    name : dict
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
        ``{"en": …, "de": …}``.
    """
    if measure not in _MEANING:
        raise ValueError(f"measure: must be 'perception' or 'structure', got {measure!r}")
    if result is not None and not isinstance(result, ICCResult):
        raise TypeError(f"result: must be an ICCResult, got {type(result).__name__}")
    if not math.isfinite(icc1):
        return {
            "en": f"Not estimable for {name['en']}: at least two teams with answers are needed.",
            "de": f"Für „{name['de']}“ nicht schätzbar: Es braucht mindestens zwei Teams mit Antworten.",
        }
    has_ci = result is not None and math.isfinite(result.icc1_ci_low) and math.isfinite(result.icc1_ci_high)
    est = result.icc1_n0 if has_ci else icc1
    if measure == "perception":
        en = f"{_share(est, 'en')} % of the differences in perceived {name['en'].lower()} lie between teams"
        de = f"{_share(est, 'de')} % der Unterschiede in der Wahrnehmung von „{name['de']}“ liegen zwischen den Teams"
    else:
        en = (
            f"{_share(est, 'en')} % of the differences in the structure index of {name['en'].lower()} lie between teams"
        )
        de = f"{_share(est, 'de')} % der Unterschiede im Strukturindex „{name['de']}“ liegen zwischen den Teams"
    if has_ci:
        conf = _pct(result.confidence)
        lo, hi = result.icc1_ci_low, result.icc1_ci_high
        en += f" ({conf} % interval {_share(lo, 'en')} to {_share(hi, 'en')} %). "
        de += f" ({conf}-%-Intervall {_share(lo, 'de')} bis {_share(hi, 'de')} %). "
        bands = _bands_text(lo, hi, cuts)
        en += bands["en"]
        de += bands["de"]
    else:
        en += " (without an interval its size cannot be judged)."
        de += " (ohne Intervall lässt sich die Größe nicht beurteilen)."
    en += " " + _MEANING[measure]["en"]
    de += " " + _MEANING[measure]["de"]
    if has_ci:
        rel = _reliability_text(result, target)
        en += " " + rel["en"]
        de += " " + rel["de"]
    elif math.isfinite(icc2):
        en += f" ICC(2), the reliability of a team mean at the usual team size, is {_num(icc2, 'en')}."
        de += f" ICC(2), die Verlässlichkeit eines Teammittelwerts bei üblicher Teamgröße, ist {_num(icc2, 'de')}."
    return {"en": en, "de": de}


def _finding(fid: str, priority: float, en: str, de: str) -> dict:
    return {"id": fid, "priority": round(float(priority), 3), "en": en, "de": de}


def driver_finding(block: dict) -> dict | None:
    """The plain-language statement on the predictor most strongly associated with the outcome.

    Relative weights describe association in the respondents' answers, not cause, so
    the text never calls a predictor a "driver" that "drives" the outcome; it gives the
    share of the explained variance with its bootstrap interval, how often the
    predictor ranks first among the bootstrap samples of teams, and whether it can be
    told apart from the runner-up (the interval of their difference excludes zero;
    :func:`analysis.drivers.bootstrap_relative_weights`, ``docs/methodology.md`` §11).

    Parameters
    ----------
    block : dict
        One released driver block (``drivers["dimensions"]`` of a diagnosis): its
        ``predictors`` (largest weight first, each with ``label`` {en, de} and
        ``percent``; with ``percent_ci_low``/``percent_ci_high`` and a ``top`` and
        ``interval`` entry when bootstrapped).

    Returns
    -------
    dict or None
        ``{"en": …, "de": …}``, or None without predictors.
    """
    preds = (block or {}).get("predictors")
    if not preds:
        return None
    top = preds[0]
    lab = top["label"]
    pct = {lang: _num(top["percent"], lang, 0) for lang in ("en", "de")}
    en = f"Most strongly associated with the litmus question: {lab['en']} ({pct['en']} % of the explained variance"
    de = f"Am stärksten mit der Lackmusfrage verbunden: {lab['de']} ({pct['de']} % der erklärten Varianz"
    info = block.get("top")
    interval = block.get("interval") or {}
    if info and top.get("percent_ci_low") is not None and top.get("percent_ci_high") is not None:
        conf = _pct(interval.get("confidence", 0.95))
        lo, hi = top["percent_ci_low"], top["percent_ci_high"]
        en += f", {conf} % interval {_num(lo, 'en', 0)} to {_num(hi, 'en', 0)} %)."
        de += f", {conf}-%-Intervall {_num(lo, 'de', 0)} bis {_num(hi, 'de', 0)} %)."
        if info.get("rank_first") is not None:
            share = {lang: _num(100 * info["rank_first"], lang, 0) for lang in ("en", "de")}
            n = interval.get("n_resamples")
            of_en = f" of {n:,}" if n else ""
            of_de = f" von {n:,}".replace(",", ".") if n else ""
            en += f" It ranks first in {share['en']} %{of_en} bootstrap samples of teams."
            de += f" In {share['de']} %{of_de} Bootstrap-Stichproben der Teams liegt dieser Prädiktor vorn."
        runner = next((p for p in preds[1:] if p["name"] == info.get("runner_up")), None)
        if runner is not None and info.get("difference_ci_low") is not None:
            a, b = info["difference_ci_low"], info["difference_ci_high"]
            rl = runner["label"]
            if info.get("distinguishable"):
                en += (
                    f" It is clearly ahead of {rl['en']} (interval of the difference {_num(a, 'en', 0)} to "
                    f"{_num(b, 'en', 0)} percentage points)."
                )
                de += (
                    f" Der Vorsprung vor {rl['de']} ist klar (Intervall des Unterschieds {_num(a, 'de', 0)} "
                    f"bis {_num(b, 'de', 0)} Prozentpunkte)."
                )
            else:
                en += (
                    f" It cannot be told apart from {rl['en']} (interval of the difference {_num(a, 'en', 0)} "
                    f"to {_num(b, 'en', 0)} percentage points, including zero)."
                )
                de += (
                    f" Von {rl['de']} ist dieser Prädiktor nicht zu unterscheiden (Intervall des Unterschieds "
                    f"{_num(a, 'de', 0)} bis {_num(b, 'de', 0)} Prozentpunkte, schließt null ein)."
                )
    else:
        en += "; no interval)."
        de += "; ohne Intervall)."
    en += " This is an association, not proof of cause."
    de += " Das ist ein Zusammenhang, kein Nachweis einer Ursache."
    return {"en": en, "de": de}


def key_findings(
    *,
    dimensions: dict,
    dim_names: dict,
    organization: dict,
    teams,
    differences: list,
    role_gaps: list,
    drivers: dict,
    misconception_names: dict,
    k: int,
    limit: int = 8,
    confidence: float = 0.95,
    cuts=ICC1_CUTS,
) -> list:
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
        ``{"id", "priority", "en", "de"}``; priority is for ordering only.
    """
    out = []
    org_dims = organization.get("dimensions") or {}
    # 1. weakest building block, and perception vs structure at the organization level:
    # each against its own bands, never one score minus the other
    scored = [(d, v) for d, v in org_dims.items() if v.get("combined") is not None]
    if scored:
        d, v = min(scored, key=lambda dv: (dv[1]["combined"], dv[0]))
        n = dim_names[d]
        out.append(
            _finding(
                "weakest_dimension",
                90,
                f"Weakest building block: {n['en']} (level {v['level']} of 5, the lower of perception "
                f"{v['score']:.0f} and structure {v['structure']:.0f} of 100).",
                f"Schwächster Baustein: {n['de']} (Stufe {v['level']} von 5, die niedrigere aus "
                f"Wahrnehmung {v['score']:.0f} und Struktur {v['structure']:.0f} von 100).",
            )
        )
        for d, v in scored:
            n, p = dim_names[d], _pct(v.get("finding_probability") or 0)
            if v.get("finding") == "proclaimed_not_anchored":
                out.append(
                    _finding(
                        f"proclaimed_{d}",
                        70 + p / 10,
                        f"{n['en']}: perception is in the high band ({v['score']:.0f}) but the structure "
                        f"index in the low band ({v['structure']:.0f}): proclaimed more than anchored "
                        f"(probability {p} %).",
                        f"{n['de']}: Die Wahrnehmung liegt im hohen Bereich ({v['score']:.0f}), der "
                        f"Strukturindex im niedrigen ({v['structure']:.0f}): eher proklamiert als "
                        f"verankert (Wahrscheinlichkeit {p} %).",
                    )
                )
            elif v.get("finding") == "unseen_structure":
                out.append(
                    _finding(
                        f"unseen_{d}",
                        70 + p / 10,
                        f"{n['en']}: the structure index is in the high band ({v['structure']:.0f}) but "
                        f"perception in the low band ({v['score']:.0f}): structures exist but are not "
                        f"perceived — a communication problem rather than a design problem (probability {p} %).",
                        f"{n['de']}: Der Strukturindex liegt im hohen Bereich ({v['structure']:.0f}), die "
                        f"Wahrnehmung im niedrigen ({v['score']:.0f}): Strukturen sind da, werden aber "
                        f"nicht wahrgenommen — eher ein Kommunikations- als ein Gestaltungsproblem "
                        f"(Wahrscheinlichkeit {p} %).",
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
            lab = LABELS["finding"][fid]
            out.append(
                _finding(
                    f"teams_{fid}",
                    w + 20 * c / n_visible,
                    f"{c} of {n_visible} teams show '{lab['en']}' in at least one dimension "
                    f"({', '.join(x['en'] for x in per_dim)}).",
                    f"{c} von {n_visible} Teams zeigen „{lab['de']}“ in mindestens einer Dimension "
                    f"({', '.join(x['de'] for x in per_dim)}).",
                )
            )
        # a team's pattern counts only where its findings confirm it (as in the headline)
        confirmed = typologies_confirmed(teams.typology, teams.finding, teams.dimensions)
        typ = teams.typology[visible & confirmed]
        if typ.size:
            values, counts = np.unique(typ.astype(str), return_counts=True)
            top = int(np.argmax(counts))
            lab = LABELS["typology"][values[top]]
            out.append(
                _finding(
                    "typology",
                    65,
                    f"Most common team pattern: {lab['en']} ({counts[top]} of {n_visible} teams shown; "
                    f"{n_visible - typ.size} without a pattern their findings confirm).",
                    f"Häufigstes Teammuster: {lab['de']} ({counts[top]} von {n_visible} gezeigten Teams; "
                    f"{n_visible - typ.size} ohne ein Muster, das ihre Befunde bestätigen).",
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
            n = dim_names[d]
            hi = {lang: _share(v["icc1_ci_high"], lang) for lang in ("en", "de")}
            out.append(
                _finding(
                    "icc_low",
                    60,
                    f"Perceived {n['en'].lower()} hardly differs between teams: at most {hi['en']} % of the "
                    f"differences lie between teams ({conf} % interval); they are differences between "
                    f"individuals, not between teams.",
                    f"Die Wahrnehmung von „{n['de']}“ unterscheidet sich kaum zwischen den Teams: höchstens "
                    f"{hi['de']} % der Unterschiede liegen zwischen den Teams ({conf}-%-Intervall); es sind "
                    f"Unterschiede zwischen Personen, nicht zwischen Teams.",
                )
            )
        d, v = max(iccs, key=lambda x: (x[1]["icc1_ci_low"], x[0]))
        if v["icc1_ci_low"] >= cuts[1]:
            n = dim_names[d]
            est = v.get("icc1_n0", v.get("icc1"))
            sh = {
                lang: (_share(est, lang), _share(v["icc1_ci_low"], lang), _share(v["icc1_ci_high"], lang))
                for lang in ("en", "de")
            }
            out.append(
                _finding(
                    "icc_high",
                    58,
                    f"{sh['en'][0]} % of the differences in perceived {n['en'].lower()} lie between teams "
                    f"({conf} % interval {sh['en'][1]} to {sh['en'][2]} %): it differs from team to team — "
                    f"through the team's structure, but possibly also its leadership or composition.",
                    f"{sh['de'][0]} % der Unterschiede in der Wahrnehmung von „{n['de']}“ liegen zwischen den "
                    f"Teams ({conf}-%-Intervall {sh['de'][1]} bis {sh['de'][2]} %): Sie unterscheidet sich von "
                    f"Team zu Team — durch die Struktur des Teams, möglicherweise aber auch durch Führung oder "
                    f"Zusammensetzung.",
                )
            )
    # 4. misconceptions
    shares = {m: s for m, s in (organization.get("misconceptions") or {}).items() if s is not None}
    if shares:
        m, s = max(shares.items(), key=lambda x: (x[1], x[0]))
        if s >= 0.30:
            n = misconception_names[m]
            out.append(
                _finding(
                    "misconception",
                    50 + 30 * s,
                    f"{_pct(s)} % hold the misconception: {n['en']}.",
                    f"{_pct(s)} % teilen das Missverständnis: {n['de']}.",
                )
            )
    # 5. the predictor most strongly associated with the outcome (never "driver")
    text = driver_finding((drivers or {}).get("dimensions") or {})
    if text is not None:
        out.append(_finding("driver", 62, text["en"], text["de"]))
    # 6. role gaps
    sig = [g for g in role_gaps if g.get("significant")]
    if sig:
        g = max(sig, key=lambda x: (abs(x["gap"]), x["dimension"]))
        n = dim_names[g["dimension"]]
        where_en = "the organization" if g["level"] == "organization" else f"{g['level']} {g['group']}"
        where_de = "der Organisation" if g["level"] == "organization" else f"{g['group']}"
        higher_en, higher_de = ("team leads", "Teamleitungen") if g["gap"] > 0 else ("members", "Mitglieder")
        out.append(
            _finding(
                "role_gap",
                57,
                f"In {where_en}, {higher_en} rate {n['en'].lower()} {abs(g['gap']):.0f} points higher than the others.",
                f"In {where_de} bewerten {higher_de} „{n['de']}“ um {abs(g['gap']):.0f} Punkte höher als die anderen.",
            )
        )
    # 7. differences that matter
    team_diffs = [d for d in differences if d["level"] == "team"]
    out.append(
        _finding(
            "differences",
            40 if team_diffs else 30,
            f"{len(team_diffs)} team differences from the rest of the organization are both reliable "
            f"and large enough to matter; all other differences are within noise.",
            f"{len(team_diffs)} Teamunterschiede zum Rest der Organisation sind verlässlich und groß "
            f"genug, um relevant zu sein; alle anderen liegen im Rauschen.",
        )
    )
    # 8. suppression
    hidden = int(teams.suppressed.sum())
    if hidden:
        out.append(
            _finding(
                "suppressed",
                20,
                f"{hidden} teams are not shown individually to protect anonymity (groups below "
                f"{k} responses, and the groups needed to keep them from being worked out).",
                f"{hidden} Teams werden zum Schutz der Anonymität nicht einzeln gezeigt (Gruppen "
                f"unter {k} Antworten und die Gruppen, die nötig sind, damit diese nicht errechnet "
                f"werden können).",
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


def headline(record: dict, dimensions) -> dict | None:
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
    by_finding: dict = {}
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


def typology_confirmed(typology: str, cells: dict) -> bool:
    """Whether the finding of every dimension confirms what ``typology`` claims about it
    (:data:`TYPOLOGY_CLAIMS`); ``cells`` are a record's dimension cells."""
    claims = dict(zip(_TYPOLOGY_DIMENSIONS, TYPOLOGY_CLAIMS[typology]))
    if any(d not in cells for d in _TYPOLOGY_DIMENSIONS):
        return False
    return all(claim is None or (cells[d].get("finding") in _CONFIRMS[claim]) for d, claim in claims.items())


def shown_typology(record: dict) -> str | None:
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


def typologies_confirmed(typology, finding, dimensions) -> np.ndarray:
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
