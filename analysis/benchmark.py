r"""Benchmarks: an organization's dimension figures among other organizations (DESIGN §3.10).

A :class:`BenchmarkPool` keeps organization-level aggregates only — one
:class:`BenchmarkEntry` per closed campaign of an organization that opted in: per
dimension the perception score, the structure index, the number of answers, ICC(1) and
the maturity level; the typology; industry and size band; questionnaire id and version;
an opaque random entry id and the month the campaign closed. No organization name, no
team figure, no raw response. Entries are built from a released :class:`Diagnosis`
(:func:`entry_from_diagnosis`), so nothing in a pool can reveal a suppressed group.

:func:`benchmark` places one organization among the others, per dimension and measure
(``score``, ``structure``, ``icc1``), overall and filtered by industry and size band.

Percentile rank
    For the organization's figure :math:`s` and the :math:`n` comparable figures
    :math:`x_1, \dots, x_n` of a benchmark cell,

    .. math:: PR(s) = 100 \cdot \frac{\#\{i : x_i < s\}}{n},

    the share of organizations with a lower figure ("higher than PR % of the
    organizations") — ``scipy.stats.percentileofscore(x, s, kind="strict")``. Without
    ties it equals the mid-rank definition :math:`100\,(\#\{x_i < s\} + \tfrac12
    \#\{x_i = s\})/n` (``kind="mean"``); it is chosen over the mid-rank because the
    mid-rank tells the organization that another organization has *exactly* its figure
    whenever there is a tie, which would disclose that organization's figure.

Interval of the percentile rank
    The organization's own confidence interval :math:`[l, u]` (the released ``ci_low``
    / ``ci_high`` of the diagnosis) is propagated: :math:`[PR(l), PR(u)]`. Because
    :math:`PR` is non-decreasing, the interval covers the percentile rank of the
    organization's true score whenever :math:`[l, u]` covers the true score, so it has
    at least the confidence of :math:`[l, u]` (95 % by default). It treats the other
    organizations' figures as fixed (their own sampling error is not propagated). ICC(1)
    has no released interval, and a :class:`BenchmarkEntry` keeps none, so in those
    cases the interval is not given (``withheld``: ``no_interval``).

Quantiles (median, top 25 %, top 10 %)
    The 50th, 75th and 90th percentiles of the cell with Hyndman & Fan's (1996) type 7
    definition — the default of R's ``quantile`` and of ``numpy.quantile``
    (``method="linear"``): with the sorted figures :math:`x_{(1)} \le \dots \le
    x_{(n)}`, :math:`h = (n - 1)p + 1` and

    .. math:: Q(p) = x_{(\lfloor h \rfloor)} + (h - \lfloor h \rfloor)
              \bigl(x_{(\lfloor h \rfloor + 1)} - x_{(\lfloor h \rfloor)}\bigr).

    "Top 25 %" is :math:`Q(0.75)`, "top 10 %" is :math:`Q(0.90)`: the figure an
    organization must reach to belong to the best quarter / tenth of the cell.

Disclosure rules (DESIGN §5 applied to organizations)
    1. A cell with fewer than ``min_organizations`` (default 5) comparable organizations
       shows no figure, only the reason; its exact size is not shown either.
    2. A quantile is shown only when it does not depend on the highest or the lowest
       organization of the cell: its type-7 interpolation must put zero weight on
       :math:`x_{(1)}` and :math:`x_{(n)}` (then no combination of the shown quantiles
       recovers the minimum or maximum either). The median needs :math:`n \ge 3`, the
       75th percentile :math:`n \ge 5`, the 90th percentile :math:`n \ge 11`; with 5 to
       10 organizations "top 10 %" would be (a mix with) the best organization's own
       figure, so it is withheld with that reason. For the same reason a quantile that
       *ties* with the cell's minimum or maximum (several organizations with the same
       extreme figure) is withheld: a shown quantile always lies strictly between them.
    3. No minimum, maximum, list of figures or organization name is ever returned.
    4. Complementary rule between filtered views: every two shown cells :math:`A, B` of
       one result (same dimension and measure) must satisfy :math:`|A \setminus B| \in
       \{0\} \cup [k, \infty)` and :math:`|B \setminus A| \in \{0\} \cup [k, \infty)`,
       so a cell and its filtered sub-cell never differ by 1 to :math:`k - 1`
       organizations (which could be recovered by comparing their quantiles). Cells are
       admitted in the order all → industry → size band → industry and size band; a
       cell that would break the rule is withheld with the reason ``complementary``.
    5. The organization itself is never part of its own comparison: an entry with the
       same entry id (and any id passed in ``exclude``) is removed from every cell; a
       :class:`Diagnosis` has no entry id, so for it the entry with identical aggregates
       (the one :func:`entry_from_diagnosis` made from it) is removed.

Comparability
    Two measurements are comparable only with the same dimension ids and a compatible
    questionnaire: the same questionnaire id and version compare on everything
    (``score``, ``structure``, ``icc1``); two forms of one instrument family (the full
    form ``aligned-autonomy-v1`` and the pulse form ``aligned-autonomy-pulse-v1``, or two
    versions of one questionnaire id) compare on dimension scores only — their structure
    items differ, so the structure index, ICC(1) and the maturity level are not
    comparable. Anything else is not compared at all.

Benchmark file
    :func:`dump_benchmark` / :func:`load_benchmark`: UTF-8 JSON
    ``{"format": "aad-benchmark", "version": 2, "entries": [...]}``, at most
    :data:`MAX_FILE_BYTES` (10 MiB) and :data:`MAX_ENTRIES` entries, validated against a
    strict schema (extra fields forbidden, numbers finite and in range). See
    :func:`load_benchmark` for the layout. Version 2 adds the generalized values below;
    version 1 files (month, industry code, size band always given) are read unchanged.

Generalized entries (files that leave an installation)
    Industry, size band and closing date are quasi-identifiers: a rare combination could
    point at a known organization. :func:`generalize` coarsens them until every
    combination of the three that occurs is shared by at least ``k`` (5) entries
    (k-anonymity by generalization, [4]_):

    1. Profile. Entries whose (industry, size band) combination has fewer than ``k``
       entries lose their size band (:data:`ANY`); those still in a combination of
       fewer than ``k`` lose their industry too. Should the fully generalized
       combination then hold 1 to ``k - 1`` entries, the combination nearest to it
       (fewest specific fields, then fewest entries) moves up by the same steps until
       it holds ``k``.
    2. Closing period, within each resulting (industry, size band) combination: the
       month becomes its quarter (``"2024-Q2"``); a quarter with fewer than ``k``
       entries becomes its year (``"2024"``), a year with fewer than ``k`` becomes
       :data:`ANY`, by the same steps.

    Entry ids and all figures stay as they are. A generalized value never matches a
    filter: an entry with industry ``"any"`` counts among all organizations and in its
    size band's cell, never in an industry cell (and likewise for the size band).

References
----------
.. [1] Hyndman, R. J., & Fan, Y. (1996). Sample quantiles in statistical packages.
   *The American Statistician*, 50(4), 361–365.
.. [2] Crocker, L., & Algina, J. (1986). *Introduction to Classical and Modern Test
   Theory*. Holt, Rinehart and Winston, ch. 19 (percentile ranks).
.. [3] Hundepool, A., Domingo-Ferrer, J., Franconi, L., Giessing, S., Schulte Nordholt,
   E., Spicer, K., & de Wolf, P.-P. (2012). *Statistical Disclosure Control*. Wiley,
   ch. 4 (threshold rule, secondary suppression, disclosure by differencing).
.. [4] Samarati, P., & Sweeney, L. (1998). *Protecting privacy when disclosing
   information: k-anonymity and its enforcement through generalization and
   suppression*. Technical report SRI-CSL-98-04, SRI International.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from types import MappingProxyType
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from analysis.diagnosis import Diagnosis
from analysis.benchmark_schema import (  # noqa: F401 (re-exported: the import path of callers)
    ANY,
    DEFINITIONS,
    FORMAT,
    FORMAT_VERSION,
    INSTRUMENT_FAMILIES,
    MAX_ENTRIES,
    MAX_FILE_BYTES,
    MEASURES,
    QUANTILES,
    READ_VERSIONS,
    SCOPES,
    SIZE_BANDS,
    _FULL,
    _MIN_K,
    _SCORES,
)
from analysis.benchmark_pool import (  # noqa: F401 (re-exported: the import path of callers)
    BenchmarkEntry,
    BenchmarkPool,
    DimensionAggregate,
    _check_industry,
    _check_k,
    _qkey,
    _round,
    entry_from_diagnosis,
)
from analysis.benchmark_generalize import (  # noqa: F401 (re-exported: the import path of callers)
    _DIM_ORDER,
    generalize,
)
from analysis.benchmark_file import (  # noqa: F401 (re-exported: the import path of callers)
    dump_benchmark,
    load_benchmark,
)
from analysis.arrays import BoolArray, FloatArray

__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "MAX_FILE_BYTES",
    "MAX_ENTRIES",
    "SIZE_BANDS",
    "ANY",
    "MEASURES",
    "SCOPES",
    "QUANTILES",
    "INSTRUMENT_FAMILIES",
    "DEFINITIONS",
    "DimensionAggregate",
    "BenchmarkEntry",
    "BenchmarkPool",
    "BenchmarkCell",
    "BenchmarkResult",
    "entry_from_diagnosis",
    "benchmark",
    "generalize",
    "dump_benchmark",
    "load_benchmark",
    "percentile_rank",
    "type7_quantile",
    "comparable_measures",
]

# ----------------------------------------------------------------- the statistics


def percentile_rank(values: ArrayLike, score: ArrayLike) -> float | FloatArray:
    r"""Percentile rank of ``score`` among ``values``: :math:`100\,\#\{x_i < s\}/n`.

    Parameters
    ----------
    values : array_like of float, shape (n,)
        Finite figures of the comparison group (n >= 1).
    score : float or array_like of float
        Figure(s) to place.

    Returns
    -------
    float or ndarray
        Percent of ``values`` strictly below ``score`` (0–100); equal to
        ``scipy.stats.percentileofscore(values, score, kind="strict")``.

    Notes
    -----
    Strictly-below counting is used rather than the mid-rank (``kind="mean"``), which
    agrees with it whenever ``score`` ties with no value, because the mid-rank reveals
    ties and thereby another organization's exact figure (see the module docstring).

    References
    ----------
    .. [1] Crocker, L., & Algina, J. (1986). *Introduction to Classical and Modern Test
       Theory*. Holt, Rinehart and Winston, ch. 19.

    Examples
    --------
    >>> percentile_rank([10, 20, 30, 40], 25.0)
    50.0
    >>> percentile_rank([10, 20, 30, 40], 20.0)
    25.0
    """
    x = np.sort(np.asarray(values, dtype=float).ravel())
    if x.size == 0 or not np.isfinite(x).all():
        raise ValueError(f"values: must be a non-empty array of finite numbers, got {x.size} values")
    s = np.asarray(score, dtype=float)
    out = 100.0 * np.searchsorted(x, s, side="left") / x.size
    return float(out) if out.ndim == 0 else out


def _quantile_weights(n: int, p: Fraction) -> tuple[int, int, float]:
    """Type-7 position of ``p`` in a sorted sample of ``n``: (lo, hi, weight of hi), exact."""
    h = (n - 1) * Fraction(p)
    lo = math.floor(h)
    frac = h - lo
    return lo, (lo + 1 if frac else lo), float(frac)


def type7_quantile(values: ArrayLike, p: float | Fraction) -> float:
    r"""Sample quantile of Hyndman & Fan (1996), type 7 (R's default, ``numpy.quantile``).

    Parameters
    ----------
    values : array_like of float, shape (n,)
        Finite figures (n >= 1).
    p : float or Fraction
        Probability in [0, 1]; the position is computed exactly when ``p`` is a
        :class:`fractions.Fraction` (or a float with an exact short decimal form).

    Returns
    -------
    float
        :math:`x_{(j)} + g\,(x_{(j+1)} - x_{(j)})` with :math:`h = (n - 1)p`,
        :math:`j = \lfloor h \rfloor` (0-based) and :math:`g = h - j`.

    References
    ----------
    .. [1] Hyndman, R. J., & Fan, Y. (1996). Sample quantiles in statistical packages.
       *The American Statistician*, 50(4), 361–365.

    Examples
    --------
    >>> type7_quantile([1, 2, 3, 4, 10], 0.9)
    7.6
    """
    x = np.sort(np.asarray(values, dtype=float).ravel())
    if x.size == 0 or not np.isfinite(x).all():
        raise ValueError(f"values: must be a non-empty array of finite numbers, got {x.size} values")
    q = p if isinstance(p, Fraction) else Fraction(str(float(p)))
    if not 0 <= q <= 1:
        raise ValueError(f"p: must be in [0, 1], got {p!r}")
    lo, hi, g = _quantile_weights(x.size, q)
    return float(x[lo] + g * (x[hi] - x[lo])) if g else float(x[lo])


def _quantile_safe(n: int, p: Fraction) -> bool:
    """Disclosure rule 2: the type-7 quantile puts no weight on the min or max."""
    lo, hi, _ = _quantile_weights(n, p)
    return lo >= 1 and hi <= n - 2


def _min_n(p: Fraction) -> int:
    """Smallest n from which on the quantile never touches the min or max."""
    n = 3
    for m in range(3, 1000):
        if not _quantile_safe(m, p):
            n = m + 1
    return n


_QUANTILE_MIN_N = {name: _min_n(p) for name, p, _ in QUANTILES}


# ----------------------------------------------------------------- comparability


def _compatibility(a: tuple[Any, ...], b: tuple[Any, ...]) -> str | None:
    """``'full'``, ``'scores'`` or None for two ``(id, version, dims)`` keys."""
    if a[2] != b[2]:
        return None
    if a[0] == b[0] and a[1] == b[1]:
        return _FULL
    if a[0] == b[0]:
        return _SCORES
    fa, fb = INSTRUMENT_FAMILIES.get(a[0]), INSTRUMENT_FAMILIES.get(b[0])
    if fa is not None and fa == fb:
        return _SCORES
    return None


def comparable_measures(
    a: Mapping[str, Any] | tuple[Any, ...],
    b: Mapping[str, Any] | tuple[Any, ...],
    *,
    measures: Sequence[str] = MEASURES,
) -> tuple[str, ...]:
    """Measures on which two questionnaires may be compared.

    Parameters
    ----------
    a, b : mapping or tuple
        ``{"id", "version", "dimensions"}`` (a mapping whose ``dimensions`` are the
        dimension ids) or ``(id, version, dimension_ids)``.
    measures : sequence of str
        All measures of the comparison (default :data:`MEASURES`).

    Returns
    -------
    tuple of str
        ``measures`` for the same id, version and dimension ids; ``("score",)`` for two
        forms of one family (full and pulse form) or two versions of one id with the same
        dimension ids; ``()`` otherwise.
    """
    ka, kb = (_as_key(x) for x in (a, b))
    level = _compatibility(ka, kb)
    if level == _FULL:
        return tuple(measures)
    if level == _SCORES:
        return ("score",)
    return ()


def _as_key(x: Mapping[str, Any] | tuple[Any, ...]) -> tuple[Any, ...]:
    if isinstance(x, Mapping):
        return _qkey(x["id"], x["version"], x["dimensions"])
    qid, version, dims = x
    return _qkey(qid, version, dims)


_SCORES_NOTE = {
    "en": "Forms of different kind (the pulse form and the full form) or different versions of "
    "the questionnaire are compared on dimension scores only; their structure index, ICC(1) "
    "and maturity level are not comparable.",
    "de": "Unterschiedliche Formen (Pulse- und Vollform) oder Versionen des Fragebogens werden nur "
    "über die Dimensionswerte verglichen; Strukturindex, ICC(1) und Reifegrad sind zwischen "
    "ihnen nicht vergleichbar.",
}


# ------------------------------------------------------------------------ results


def _reason_text(code: str | None, k: int, figure: str | None = None) -> dict[str, Any] | None:
    if code is None:
        return None
    if code == "fewer_than_k":
        return {"en": f"fewer than {k} comparable organizations", "de": f"weniger als {k} vergleichbare Organisationen"}
    if code == "complementary":
        return {
            "en": f"this comparison differs from another one shown here by fewer than {k} organizations",
            "de": f"dieser Vergleich unterscheidet sich von einem anderen hier "
            f"gezeigten um weniger als {k} Organisationen",
        }
    if code == "not_comparable":
        return {"en": "not comparable between the questionnaires", "de": "zwischen den Fragebögen nicht vergleichbar"}
    if code == "extreme":
        m = _QUANTILE_MIN_N.get(figure, 0) if figure is not None else 0
        return {
            "en": f"needs at least {m} organizations, so that it is never the figure of the "
            f"highest or lowest organization",
            "de": f"braucht mindestens {m} Organisationen, damit er nie der Wert der höchsten "
            f"oder niedrigsten Organisation ist",
        }
    if code == "tie":
        return {
            "en": "it equals the figure of the highest or lowest organization",
            "de": "er ist gleich dem Wert der höchsten oder niedrigsten Organisation",
        }
    if code == "no_value":
        return {
            "en": "the organization has no released figure for this",
            "de": "für die Organisation gibt es hierzu keinen freigegebenen Wert",
        }
    if code == "no_interval":
        return {
            "en": "no confidence interval is available for this figure",
            "de": "für diesen Wert gibt es kein Konfidenzintervall",
        }
    raise KeyError(code)


@dataclass(frozen=True, eq=False)
class BenchmarkCell:
    """One benchmark comparison: a dimension and measure within one scope.

    Attributes
    ----------
    scope : str
        One of :data:`SCOPES`.
    industry, size_band : str or None
        The filter of the scope.
    dimension, measure : str
    released : bool
        False when the cell shows no figure (see ``reason``).
    reason : str or None
        ``"fewer_than_k"``, ``"complementary"`` or ``"not_comparable"``.
    n_organizations : int or None
        Comparable organizations in the cell (None when not released).
    n_simulated : int or None
        How many of them are simulated (None when not released).
    value : float or None
        The organization's own figure.
    percentile_rank, percentile_rank_low, percentile_rank_high : float or None
        :math:`PR(s)` and the interval :math:`[PR(l), PR(u)]` (module docstring).
    median, p75, p90 : float or None
        Type-7 quantiles of the cell ("top 25 %" = ``p75``, "top 10 %" = ``p90``).
    withheld : mapping of str to str
        Figures of a released cell that are not given and why: ``"extreme"`` (too few
        organizations) or ``"tie"`` (equal to the minimum or maximum) for a quantile
        (disclosure rule 2), ``"no_value"`` / ``"no_interval"`` for the rank or its
        interval (key ``"percentile_rank_interval"``).
    k : int
        ``min_organizations`` (for the reason texts).
    """

    scope: str
    industry: str | None
    size_band: str | None
    dimension: str
    measure: str
    released: bool
    reason: str | None
    n_organizations: int | None
    value: float | None
    percentile_rank: float | None
    percentile_rank_low: float | None
    percentile_rank_high: float | None
    median: float | None
    p75: float | None
    p90: float | None
    withheld: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    k: int = _MIN_K
    n_simulated: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready; figures on 0–100 rounded to 4 decimals, ICC(1) to 6."""
        dec = 6 if self.measure == "icc1" else 4
        return {
            "scope": self.scope,
            "industry": self.industry,
            "size_band": self.size_band,
            "dimension": self.dimension,
            "measure": self.measure,
            "released": self.released,
            "reason": self.reason,
            "reason_text": _reason_text(self.reason, self.k),
            "n_organizations": self.n_organizations,
            "n_simulated": self.n_simulated,
            "value": _round(self.value, dec),
            "percentile_rank": _round(self.percentile_rank, 4),
            "percentile_rank_low": _round(self.percentile_rank_low, 4),
            "percentile_rank_high": _round(self.percentile_rank_high, 4),
            "median": _round(self.median, dec),
            "p75": _round(self.p75, dec),
            "p90": _round(self.p90, dec),
            "withheld": {
                f: {"reason": r, "text": _reason_text(r, self.k, f)} for f, r in sorted(self.withheld.items())
            },
        }


@dataclass(frozen=True, eq=False)
class BenchmarkResult:
    """Result of :func:`benchmark`.

    Attributes
    ----------
    questionnaire : mapping
        ``{"id", "version"}`` of the organization being benchmarked.
    comparable_on : tuple of str
        Measures compared (some of :data:`MEASURES`).
    note : mapping or None
        en/de note when some organizations are compared on dimension scores only.
    min_organizations : int
    filters : mapping
        ``{"industry", "size_band"}`` as requested.
    dimensions : tuple of str
    cells : tuple of BenchmarkCell
        Scope-major, then dimension, then measure (:data:`MEASURES` order).
    """

    questionnaire: Mapping[str, Any]
    comparable_on: tuple[Any, ...]
    note: Mapping[str, Any] | None
    min_organizations: int
    filters: Mapping[str, Any]
    dimensions: tuple[Any, ...]
    cells: tuple[BenchmarkCell, ...]

    def cell(self, dimension: str, measure: str = "score", scope: str = "all") -> BenchmarkCell:
        """The cell of one dimension, measure and scope (``KeyError`` if absent)."""
        for c in self.cells:
            if c.dimension == dimension and c.measure == measure and c.scope == scope:
                return c
        raise KeyError((scope, dimension, measure))

    @property
    def scopes(self) -> tuple[Any, ...]:
        return tuple(dict.fromkeys(c.scope for c in self.cells))

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data, deterministic:
        ``{"questionnaire", "comparable_on", "note", "min_organizations", "filters",
        "definitions", "quantile_labels", "scopes": {scope: {"industry", "size_band",
        "dimensions": {dim: {measure: cell}}}}}``."""
        scopes: dict[str, dict[str, Any]] = {}
        for c in self.cells:
            s = scopes.setdefault(c.scope, {"industry": c.industry, "size_band": c.size_band, "dimensions": {}})
            s["dimensions"].setdefault(c.dimension, {})[c.measure] = c.to_dict()
        return {
            "questionnaire": dict(self.questionnaire),
            "comparable_on": list(self.comparable_on),
            "note": dict(self.note) if self.note else None,
            "min_organizations": self.min_organizations,
            "filters": dict(self.filters),
            "definitions": {k: dict(v) for k, v in DEFINITIONS.items()},
            "quantile_labels": {name: dict(lab) for name, _, lab in QUANTILES},
            "scopes": scopes,
        }


def _target(obj: object) -> dict[str, Any]:
    """Questionnaire key, entry id and figures (value, low, high) of the organization."""
    figs: dict[tuple[str, str], tuple[Any, ...]] = {}  # (value, low, high); n and level are not floats
    if isinstance(obj, BenchmarkEntry):
        for d, a in obj.dimensions.items():
            for m in MEASURES:
                figs[(d, m)] = (getattr(a, m), None, None)
        return {
            "key": _qkey(obj.questionnaire_id, obj.questionnaire_version, obj.dimensions),
            "entry_id": obj.entry_id,
            "figures": figs,
        }
    if isinstance(obj, Diagnosis):
        if obj.n_respondents is None:
            raise ValueError(
                "diagnosis_or_entry: the organization is not released (fewer than k "
                "responses); there is nothing to benchmark"
            )
        for d, f in obj.dimensions.items():
            figs[(d, "score")] = tuple(_round(f.get(x), 4) for x in ("score", "ci_low", "ci_high"))
            figs[(d, "structure")] = tuple(
                _round(f.get(x), 4) for x in ("structure", "structure_ci_low", "structure_ci_high")
            )
            figs[(d, "icc1")] = (_round(f.get("icc1"), 6), None, None)
            for x in ("n", "level"):
                figs[(d, x)] = (f.get(x), None, None)
        q = obj.questionnaire
        return {"key": _qkey(q["id"], q["version"], obj.dimensions), "entry_id": None, "figures": figs}
    raise TypeError(f"diagnosis_or_entry: must be a Diagnosis or a BenchmarkEntry, got {type(obj).__name__}")


def _figures(vals: FloatArray, target: tuple[Any, ...], withheld: dict[str, Any]) -> dict[str, Any]:
    """Percentile rank with interval and the quantiles of one released cell."""
    x = np.sort(vals)
    n = x.size
    out: dict[str, float | None] = {"percentile_rank": None, "percentile_rank_low": None, "percentile_rank_high": None}
    value, low, high = target
    if value is None:
        withheld["percentile_rank"] = "no_value"
    else:
        pts = [value] + ([low, high] if low is not None and high is not None else [])
        pr = (100.0 * np.searchsorted(x, np.asarray(pts, float), side="left") / n).tolist()
        out["percentile_rank"] = pr[0]
        if len(pr) == 3:
            out["percentile_rank_low"], out["percentile_rank_high"] = pr[1], pr[2]
        else:
            withheld["percentile_rank_interval"] = "no_interval"
    for name, p, _ in QUANTILES:
        q = None
        if _quantile_safe(n, p):
            lo, hi, g = _quantile_weights(n, p)
            q = float(x[lo] + g * (x[hi] - x[lo])) if g else float(x[lo])
            if not x[0] < q < x[-1]:  # ties with the lowest or highest organization
                q = None
                withheld[name] = "tie"
        else:
            withheld[name] = "extreme"
        out[name] = q
    return out


def benchmark(
    pool: BenchmarkPool,
    diagnosis_or_entry: Diagnosis | BenchmarkEntry,
    *,
    industry: str | None = None,
    size_band: str | None = None,
    min_organizations: int = 5,
    exclude: Iterable[str] = (),
) -> BenchmarkResult:
    r"""Place an organization among comparable organizations, per dimension and measure.

    Parameters
    ----------
    pool : BenchmarkPool
        Entries of other organizations (organization-level aggregates only).
    diagnosis_or_entry : Diagnosis or BenchmarkEntry
        The organization to place. A :class:`Diagnosis` brings its released confidence
        intervals (the percentile rank gets an interval); an entry brings none.
    industry : str, optional
        Adds the scope ``"industry"`` (entries with this industry code; not
        :data:`ANY`, which entries with a generalized industry carry).
    size_band : str, optional
        Adds the scope ``"size_band"`` (one of :data:`SIZE_BANDS`), and with
        ``industry`` the scope ``"industry_and_size_band"``.
    min_organizations : int
        Smallest cell that shows figures (at least 5).
    exclude : iterable of str
        Further entry ids to leave out (e.g. earlier campaigns of the same
        organization). The organization's own entry is always left out: for a
        :class:`BenchmarkEntry` the entry with its id; for a :class:`Diagnosis`, which
        has no entry id, an entry of the same questionnaire whose aggregates are all
        identical to the diagnosis's (the entry made from it by
        :func:`entry_from_diagnosis`).

    Returns
    -------
    BenchmarkResult
        One :class:`BenchmarkCell` per scope, dimension and measure with the
        percentile rank :math:`PR(s) = 100\,\#\{x_i < s\}/n`, its interval
        :math:`[PR(l), PR(u)]` from the organization's own confidence interval, and the
        type-7 median, 75th and 90th percentiles of the cell — subject to the disclosure
        rules of the module docstring (fewer than ``min_organizations`` → reason only;
        quantiles touching the minimum or maximum withheld; filtered cells differing by
        1 to ``min_organizations - 1`` organizations withheld).

    Raises
    ------
    ValueError
        No entry of a non-empty pool uses a questionnaire comparable with the
        organization's (same dimension ids and the same questionnaire, or the pulse/full
        counterpart), or an invalid option (named).
    TypeError
        Wrong argument types.

    Notes
    -----
    Entries of a questionnaire that is comparable on dimension scores only (pulse vs full
    form) take part in the ``score`` cells only; the result says so in ``note``. Entries
    of incomparable questionnaires take part in nothing.

    References
    ----------
    .. [1] Hyndman, R. J., & Fan, Y. (1996). Sample quantiles in statistical packages.
       *The American Statistician*, 50(4), 361–365.
    .. [2] Hundepool, A., et al. (2012). *Statistical Disclosure Control*. Wiley, ch. 4.
    """
    if not isinstance(pool, BenchmarkPool):
        raise TypeError(f"pool: must be a BenchmarkPool, got {type(pool).__name__}")
    k = _check_k(min_organizations)
    if industry is not None:
        _check_industry(industry)
    if size_band is not None and size_band not in SIZE_BANDS:
        raise ValueError(f"size_band: must be one of {', '.join(SIZE_BANDS)}, got {size_band!r}")
    excluded = {exclude} if isinstance(exclude, str) else set(exclude)
    t = _target(diagnosis_or_entry)
    if t["entry_id"] is not None:
        excluded.add(t["entry_id"])

    cols = pool._columns
    N = len(pool)
    keep = ~np.isin(cols["entry_id"], list(excluded)) if excluded and N else np.ones(N, bool)
    level = np.array([_compatibility(t["key"], q) for q in cols["questionnaire"]], dtype=object)
    if t["entry_id"] is None and N:
        # a Diagnosis has no entry id: its own campaign's entry is the one with identical aggregates
        same = level == _FULL
        for d in t["key"][2]:
            for m in MEASURES + ("n", "level"):
                v = t["figures"][(d, m)][0]
                col = cols["values"].get((d, m), np.full(N, np.nan))
                same &= np.isnan(col) if v is None else (col == float(v))
        keep &= ~same
    full = (level == _FULL) & keep
    scores = ((level == _FULL) | (level == _SCORES)) & keep
    if keep.any() and not scores.any():
        held = sorted({f"{q[0]!r} version {q[1]}" for q, kp in zip(cols["questionnaire"], keep) if kp})
        raise ValueError(
            f"diagnosis_or_entry: questionnaire {t['key'][0]!r} version {t['key'][1]} is not comparable "
            f"with any entry of the pool (it holds {', '.join(held)}); comparisons need the same "
            f"dimension ids and the same questionnaire or its pulse/full counterpart"
        )
    eligible = {"score": scores, "structure": full, "icc1": full}
    comparable_on = tuple(m for m in MEASURES if eligible[m].any()) or MEASURES
    note = MappingProxyType(dict(_SCORES_NOTE)) if (scores & ~full).any() else None

    scopes: list[tuple[str, str | None, str | None]] = [("all", None, None)]
    if industry is not None:
        scopes.append(("industry", industry, None))
    if size_band is not None:
        scopes.append(("size_band", None, size_band))
    if industry is not None and size_band is not None:
        scopes.append(("industry_and_size_band", industry, size_band))
    scope_mask: dict[str, BoolArray] = {}
    for name, ind, sb in scopes:
        in_scope = np.ones(N, bool)
        if ind is not None:
            in_scope &= cols["industry"] == ind
        if sb is not None:
            in_scope &= cols["size_band"] == sb
        scope_mask[name] = in_scope

    dims = tuple(sorted(t["key"][2], key=lambda d: (_DIM_ORDER.get(d, 99), d)))
    cells = {}
    for d in dims:
        for m in MEASURES:
            vals = cols["values"].get((d, m), np.full(N, np.nan))
            base = eligible[m] & np.isfinite(vals)
            shown: list[Any] = []
            for name, ind, sb in scopes:
                member = base & scope_mask[name]
                n = int(member.sum())
                target = t["figures"].get((d, m), (None, None, None))
                common = dict(scope=name, industry=ind, size_band=sb, dimension=d, measure=m, value=target[0], k=k)
                if m not in comparable_on:
                    reason = "not_comparable"
                elif n < k:
                    reason = "fewer_than_k"
                elif any(0 < int((member & ~o).sum()) < k or 0 < int((o & ~member).sum()) < k for o in shown):
                    reason = "complementary"
                else:
                    reason = None
                if reason is not None:
                    cells[(name, d, m)] = BenchmarkCell(
                        released=False,
                        reason=reason,
                        n_organizations=None,
                        percentile_rank=None,
                        percentile_rank_low=None,
                        percentile_rank_high=None,
                        median=None,
                        p75=None,
                        p90=None,
                        **common,
                    )
                    continue
                shown.append(member)
                withheld: dict[str, Any] = {}
                figs = _figures(vals[member], target, withheld)
                cells[(name, d, m)] = BenchmarkCell(
                    released=True,
                    reason=None,
                    n_organizations=n,
                    n_simulated=int((member & cols["simulated"]).sum()),
                    **figs,
                    withheld=MappingProxyType(withheld),
                    **common,
                )
    ordered = tuple(cells[(s, d, m)] for s, _, _ in scopes for d in dims for m in MEASURES)
    return BenchmarkResult(
        questionnaire=MappingProxyType({"id": t["key"][0], "version": t["key"][1]}),
        comparable_on=comparable_on,
        note=note,
        min_organizations=k,
        filters=MappingProxyType({"industry": industry, "size_band": size_band}),
        dimensions=dims,
        cells=ordered,
    )
