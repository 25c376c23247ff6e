r"""Intraclass correlations ICC(1) and ICC(2) from the one-way random-effects ANOVA.

ICC(1) is the share of the variance of a score that lies between groups (teams);
ICC(2) is the reliability of the group means. Both come from one one-way ANOVA computed
for all groups at once with ``np.bincount`` (no loop over groups or respondents), with
exactly the formulas of R package ``multilevel`` (``ICC1``, ``ICC2`` applied to
``aov``); the test suite compares against fixtures written by
``tests/fixtures/r/agreement.R``.

Every ICC comes with its confidence interval from the F distribution of the ANOVA
(exact for equal group sizes and normal data; Searle's approximation with Bartko's
:math:`n_0` for unequal sizes, see :func:`icc`), checked against ``psych::ICC`` by
``tests/fixtures/r/icc_intervals.R``. :func:`group_reliability` gives the reliability
of the mean of a group of any size (the Spearman–Brown form of ICC(2)) with its
interval, and :func:`icc1_bands` says which of the conventional sizes of ICC(1) an
interval is compatible with — the basis of the plain-language reading
(:func:`analysis.narrative.icc_reading`, ``docs/methodology.md`` §5).

Between-group variance is not the same as "structure": teams can differ because they
have different structures, but also because of their leaders or their composition;
and a structure that is the same for the whole organization produces no between-team
variance at all.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any
from collections.abc import Hashable, Iterable

import numpy as np
from scipy import special
from numpy.typing import ArrayLike

from analysis.groups import Groups, encode_groups
from analysis.arrays import FloatArray, IntArray

__all__ = [
    "ICCResult",
    "icc",
    "GroupReliabilityResult",
    "group_reliability",
    "ICC1_CUTS",
    "ICC1_BANDS",
    "icc1_bands",
]

_NAN_POLICIES = ("omit", "raise", "propagate")

#: Cut points of ICC(1) between "little", "moderate" and "substantial" between-team
#: variance (``docs/methodology.md`` §5): below 0.05 perceptions hardly differ between
#: teams; from 0.10 the team is a large part of the picture (Bliese 2000; LeBreton &
#: Senter 2008 call 0.10 a medium effect).
ICC1_CUTS = (0.05, 0.10)
#: Names of the bands separated by :data:`ICC1_CUTS`, lowest first.
ICC1_BANDS = ("little", "moderate", "substantial")


@dataclass(frozen=True)
class ICCResult:
    r"""Result of :func:`icc`.

    Attributes
    ----------
    icc1 : float
        ICC(1), share of variance between groups; may be negative (then no evidence of
        group-level variance). NaN when undefined.
    icc2 : float
        ICC(2), reliability of the group means; may be negative, ``-inf`` when the group
        means are all equal while answers vary within groups. NaN when undefined.
    f : float
        F statistic ``ms_between / ms_within`` (``inf`` when there is no within-group
        variance but the group means differ).
    df_between, df_within : int
        Degrees of freedom ``n_groups - 1`` and ``n_obs - n_groups``.
    pvalue : float
        Upper-tail p-value of ``f`` under F(df_between, df_within).
    ms_between, ms_within : float
        Mean squares between and within groups.
    n_groups : int
        Groups with at least one observed score.
    n_obs : int
        Observed scores used.
    n0 : float
        Bartko's (1976) adjusted group size :math:`n_0 = (N - \sum_g n_g^2/N)/(G - 1)`;
        equal to :math:`N/G` when all groups have the same size. NaN with fewer than
        two groups.
    icc1_n0 : float
        ICC(1) with :math:`n_0` in place of :math:`N/G`, the ANOVA estimator of the
        intraclass correlation (Searle 1971) and the value the interval is built
        around; equal to ``icc1`` for equal group sizes and slightly larger than it
        (when positive) for unequal ones. Use it to quote a share together with its
        interval.
    icc1_ci_low, icc1_ci_high : float
        Confidence interval of ICC(1) (see :func:`icc`); the lower limit can be
        negative (then the data are compatible with no between-group variance).
    icc2_ci_low, icc2_ci_high : float
        Confidence interval of ICC(2), the reliability of a group mean over
        :math:`n_0` members.
    confidence : float
        Level of the intervals.
    """

    icc1: float
    icc2: float
    f: float
    df_between: int
    df_within: int
    pvalue: float
    ms_between: float
    ms_within: float
    n_groups: int
    n_obs: int
    n0: float = math.nan
    icc1_n0: float = math.nan
    icc1_ci_low: float = math.nan
    icc1_ci_high: float = math.nan
    icc2_ci_low: float = math.nan
    icc2_ci_high: float = math.nan
    confidence: float = 0.95

    def to_dict(self) -> dict[str, Any]:
        """All fields as plain Python ``float``/``int`` (NaN and inf kept as floats)."""
        return asdict(self)


def _as_scores(scores: ArrayLike) -> FloatArray:
    try:
        arr = np.asarray(scores)
    except ValueError as exc:
        raise ValueError(f"scores: cannot be read as an array ({exc})") from None
    if arr.dtype.kind in "biuf":
        arr = arr.astype(float, copy=False)
    elif arr.dtype.kind == "O":
        try:
            arr = arr.astype(float)
        except (TypeError, ValueError):
            raise TypeError(f"scores: must be numeric, got dtype {arr.dtype}") from None
    else:
        raise TypeError(f"scores: must be numeric, got dtype {arr.dtype}")
    if arr.ndim != 1:
        raise ValueError(f"scores: must be one-dimensional, got shape {arr.shape}")
    return arr


def _check_confidence(confidence: object) -> float:
    if (
        isinstance(confidence, bool)
        or not isinstance(confidence, (int, float, np.integer, np.floating))
        or not 0 < float(confidence) < 1
    ):
        raise ValueError(f"confidence: must lie strictly between 0 and 1, got {confidence!r}")
    return float(confidence)


def _f_limits(f: float, df_b: float, df_w: float, confidence: float) -> tuple[float, float]:
    """Lower and upper confidence limits of the population variance ratio from an F."""
    q = 0.5 + confidence / 2.0
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        f_low = f / special.fdtri(df_b, df_w, q)
        f_high = f * special.fdtri(df_w, df_b, q)
    return np.float64(f_low), np.float64(f_high)  # numpy's division semantics downstream


def _icc1_from_f(f: float, size: float) -> float:
    """ICC(1) as a function of the F ratio at group size ``size`` (inf -> 1)."""
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        out = (f - 1.0) / (f + size - 1.0)
    return float(np.where(np.isinf(f), 1.0, out))


def _icc2_from_f(f: float) -> float:
    with np.errstate(invalid="ignore", divide="ignore"):
        return float(1.0 - 1.0 / np.float64(f))


def icc(
    scores: ArrayLike,
    groups: Iterable[Hashable] | ArrayLike | Groups,
    *,
    nan_policy: str = "omit",
    confidence: float = 0.95,
) -> ICCResult:
    r"""ICC(1) and ICC(2) of a score from the one-way ANOVA, with confidence intervals.

    With :math:`N` observed scores in :math:`G` groups of sizes :math:`n_g`, group means
    :math:`\bar y_g` and grand mean :math:`\bar y`,

    .. math::

        MS_B = \frac{\sum_g n_g(\bar y_g - \bar y)^2}{G - 1}, \qquad
        MS_W = \frac{\sum_g\sum_{i \in g}(y_i - \bar y_g)^2}{N - G}, \qquad
        F = \frac{MS_B}{MS_W},

    .. math::

        \mathrm{ICC}(1) = \frac{MS_B - MS_W}{MS_B + (\bar k - 1)\,MS_W}, \qquad
        \mathrm{ICC}(2) = \frac{MS_B - MS_W}{MS_B} = 1 - \frac{1}{F},

    where :math:`\bar k = N / G` is the *mean* group size. This is exactly what
    ``multilevel::ICC1`` computes from ``aov`` (it takes the group size as
    ``(df_W + df_B + 1) / (df_B + 1) = N / G``), also for unequal group sizes; it is
    not Bartko's adjusted size :math:`n_0 = (N - \sum_g n_g^2 / N)/(G - 1)`. ICC(1) is
    the share of the variance that lies between groups (Bliese 2000); ICC(2) the
    reliability of the group means, :math:`\bar k\,\mathrm{ICC}(1) /
    (1 + (\bar k - 1)\,\mathrm{ICC}(1))` by Spearman-Brown. Negative values are
    returned as they are, as in ``multilevel``.

    **Intervals.** Under the one-way random-effects model with normal group effects
    and errors and equal group sizes :math:`k`,
    :math:`F\,(1 - \rho)/(1 + (k - 1)\rho) \sim F(G - 1, N - G)`. Inverting it gives the
    exact limits (Searle 1971; Shrout & Fleiss 1979, ICC(1,1) and ICC(1,k); McGraw &
    Wong 1996, case 1):

    .. math::

        F_L = \frac{F}{F_{1-\alpha/2}(G - 1, N - G)}, \qquad
        F_U = F \cdot F_{1-\alpha/2}(N - G, G - 1),

    .. math::

        \mathrm{ICC}(1) \in \left[\frac{F_L - 1}{F_L + k - 1},\
        \frac{F_U - 1}{F_U + k - 1}\right], \qquad
        \mathrm{ICC}(2) \in \left[1 - \frac{1}{F_L},\ 1 - \frac{1}{F_U}\right].

    These are ``psych::ICC``'s ``ICC1`` and ``ICC1k`` intervals (its ``ICC1``
    is this ICC(1), its ``ICC1k`` this ICC(2)). For unequal group sizes
    :math:`F` is no longer exactly a scaled F variable; the interval uses
    :math:`n_0` in place of :math:`k` ("Searle's method" with :math:`n_0`; R package
    ``ICC``, ``ICCest(CI.type = "THD")``), which keeps close to the nominal coverage
    for small to moderate :math:`\rho` (Donner & Wells 1986; Ukoumunne 2002). The
    coverage measured for this library (``docs/methodology.md`` §5; 20,000 normal
    data sets each) is 94.8 % and 94.9 % for 15 teams of 8 at :math:`\rho` = 0.05 and
    0.20 (exact up to simulation error), and 94.6 % and 94.1 % for 50 teams of 5–20
    members. The interval is centred on ``icc1_n0``, the ANOVA
    estimator with :math:`n_0`; ICC(2) = :math:`1 - 1/F` needs no group size and its
    interval is the reliability of a mean over :math:`n_0` members.

    Parameters
    ----------
    scores : array_like, shape (n,)
        One score per respondent (e.g. a dimension score); NaN marks a missing score.
    groups : array_like, shape (n,), or Groups
        Group label of each respondent, or a :class:`~analysis.groups.Groups` from
        :func:`~analysis.groups.encode_groups` (encode once, reuse for many calls).
    nan_policy : {'omit', 'raise', 'propagate'}, optional
        ``'omit'`` (default) drops missing scores, as ``aov`` does (``na.omit``); a
        group left without scores does not count. ``'raise'`` raises on NaN.
        ``'propagate'`` returns NaN statistics if any score is missing (degrees of
        freedom and counts then describe all rows).
    confidence : float, optional
        Level of the confidence intervals (default 0.95).

    Returns
    -------
    ICCResult
        ``icc1``, ``icc2``, ``f``, ``df_between``, ``df_within``, ``pvalue``,
        ``ms_between``, ``ms_within``, ``n_groups``, ``n_obs``, ``n0``, ``icc1_n0``,
        ``icc1_ci_low``, ``icc1_ci_high``, ``icc2_ci_low``, ``icc2_ci_high``,
        ``confidence``.

    Notes
    -----
    Edge cases (no error is raised; the data decide):

    * fewer than two groups (e.g. everyone in one group, or no data): ``df_between``
      is 0, ``ms_between`` and every statistic that needs it are NaN;
    * every group of size 1: ``df_within`` is 0, ``ms_within`` and everything that
      needs it are NaN;
    * no variance within groups but group means differ: ``ms_within = 0``,
      ``f = inf``, ``pvalue = 0``, ``icc1 = icc2 = 1`` and both intervals [1, 1];
    * no variance at all (all scores equal): ``f``, ``pvalue``, ``icc1``, ``icc2`` and
      the intervals NaN;
    * group means all equal but variance within: ``f = 0``, ``pvalue = 1``,
      ``icc1 = -1/(k̄ - 1)``, ``icc2 = -inf``; the intervals are
      :math:`[-1/(n_0 - 1), -1/(n_0 - 1)]` and :math:`[-\infty, -\infty]`.

    Raises
    ------
    ValueError
        ``scores`` not one-dimensional, length mismatch with ``groups``, infinite
        values, missing group labels, unknown ``nan_policy``, NaN with
        ``nan_policy='raise'``, or ``confidence`` outside (0, 1).
    TypeError
        Non-numeric scores.

    References
    ----------
    .. [1] Bliese, P. D. (2000). Within-group agreement, non-independence, and
       reliability: Implications for data aggregation and analysis. In K. J. Klein &
       S. W. J. Kozlowski (Eds.), *Multilevel theory, research, and methods in
       organizations* (pp. 349-381). San Francisco, CA: Jossey-Bass.
    .. [2] Bartko, J. J. (1976). On various intraclass correlation reliability
       coefficients. *Psychological Bulletin*, 83(5), 762-765.
       https://doi.org/10.1037/0033-2909.83.5.762
    .. [3] James, L. R. (1982). Aggregation bias in estimates of perceptual agreement.
       *Journal of Applied Psychology*, 67(2), 219-229.
       https://doi.org/10.1037/0021-9010.67.2.219
    .. [4] LeBreton, J. M., & Senter, J. L. (2008). Answers to 20 questions about
       interrater reliability and interrater agreement. *Organizational Research
       Methods*, 11(4), 815-852. https://doi.org/10.1177/1094428106296642
    .. [5] Bliese, P. D. (2022). *multilevel: Multilevel Functions* (functions ``ICC1``,
       ``ICC2``). R package version 2.7. https://CRAN.R-project.org/package=multilevel
    .. [6] Searle, S. R. (1971). *Linear models*. Wiley (ch. 9, the one-way random
       model).
    .. [7] Shrout, P. E., & Fleiss, J. L. (1979). Intraclass correlations: Uses in
       assessing rater reliability. *Psychological Bulletin*, 86(2), 420-428.
       https://doi.org/10.1037/0033-2909.86.2.420
    .. [8] McGraw, K. O., & Wong, S. P. (1996). Forming inferences about some intraclass
       correlation coefficients. *Psychological Methods*, 1(1), 30-46.
       https://doi.org/10.1037/1082-989X.1.1.30
    .. [9] Donner, A., & Wells, G. (1986). A comparison of confidence interval methods
       for the intraclass correlation coefficient. *Biometrics*, 42(2), 401-412.
       https://doi.org/10.2307/2531060
    .. [10] Ukoumunne, O. C. (2002). A comparison of confidence interval methods for the
       intraclass correlation coefficient in cluster randomized trials. *Statistics in
       Medicine*, 21(24), 3757-3774. https://doi.org/10.1002/sim.1330
    .. [11] Revelle, W. (2022). *psych: Procedures for Psychological, Psychometric, and
       Personality Research* (function ``ICC``). R package version 2.2.9.
       https://CRAN.R-project.org/package=psych

    Examples
    --------
    >>> from analysis.icc import icc
    >>> r = icc([1, 2, 3, 4, 5, 6], ["a", "a", "b", "b", "c", "c"])
    >>> r.ms_between, r.ms_within, r.f
    (8.0, 0.5, 16.0)
    >>> round(r.icc1, 6), round(r.icc2, 6)
    (0.882353, 0.9375)
    >>> round(r.icc1_ci_low, 4), round(r.icc1_ci_high, 4)
    (-0.0014, 0.9968)
    """
    if not isinstance(nan_policy, str) or nan_policy not in _NAN_POLICIES:
        raise ValueError(f"nan_policy: must be one of 'omit', 'raise', 'propagate', got {nan_policy!r}")
    confidence = _check_confidence(confidence)
    y = _as_scores(scores)
    g = encode_groups(groups, n=y.shape[0], name="groups")
    missing = np.isnan(y)
    infinite = np.isinf(y)
    if infinite.any():
        pos = int(np.argmax(infinite))
        raise ValueError(
            f"scores: contains non-finite value {float(y[pos])!r} at position {pos} (only NaN marks a missing score)"
        )
    propagate_nan = False
    if missing.any():
        if nan_policy == "raise":
            raise ValueError(
                f"scores: contains missing values (NaN), first at position "
                f"{int(np.argmax(missing))}, and nan_policy='raise'"
            )
        if nan_policy == "omit":
            keep = ~missing
            y = y[keep]
            codes = g.codes[keep]
        else:
            propagate_nan = True
            codes = g.codes
    else:
        codes = g.codes

    ng = g.n_groups
    counts = np.bincount(codes, minlength=ng)
    n_obs = int(counts.sum())
    n_groups = int(np.count_nonzero(counts))
    df_b = max(n_groups - 1, 0)
    df_w = n_obs - n_groups
    nan = float("nan")
    n0 = (n_obs - float(np.dot(counts, counts)) / n_obs) / df_b if df_b > 0 else nan
    if propagate_nan or n_obs == 0:
        return ICCResult(
            nan,
            nan,
            nan,
            df_b,
            df_w,
            nan,
            nan,
            nan,
            n_groups,
            n_obs,
            n0=nan if propagate_nan else n0,
            confidence=confidence,
        )

    sums = np.bincount(codes, weights=y, minlength=ng)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where(counts > 0, sums / np.maximum(counts, 1), 0.0)
    grand = sums.sum() / n_obs
    dev = y - means[codes]
    ss_within = float(np.dot(dev, dev))
    ss_between = float(np.dot(counts, (means - grand) ** 2))
    msb = ss_between / df_b if df_b > 0 else nan
    msw = ss_within / df_w if df_w > 0 else nan
    kbar = n_obs / n_groups
    with np.errstate(invalid="ignore", divide="ignore"):
        f = np.float64(msb) / np.float64(msw)
        icc1 = (np.float64(msb) - msw) / (msb + (kbar - 1.0) * msw)
        icc2 = (np.float64(msb) - msw) / np.float64(msb)
    defined = df_b > 0 and df_w > 0 and not np.isnan(f)
    pvalue = float(special.fdtrc(df_b, df_w, f)) if defined else nan
    if defined:
        f_low, f_high = _f_limits(f, df_b, df_w, confidence)
        lims = (
            float(_icc1_from_f(f, n0)),
            float(_icc1_from_f(f_low, n0)),
            float(_icc1_from_f(f_high, n0)),
            float(_icc2_from_f(f_low)),
            float(_icc2_from_f(f_high)),
        )
    else:
        lims = (nan,) * 5
    return ICCResult(
        icc1=float(icc1),
        icc2=float(icc2),
        f=float(f),
        df_between=df_b,
        df_within=df_w,
        pvalue=pvalue,
        ms_between=float(msb),
        ms_within=float(msw),
        n_groups=n_groups,
        n_obs=n_obs,
        n0=float(n0),
        icc1_n0=lims[0],
        icc1_ci_low=lims[1],
        icc1_ci_high=lims[2],
        icc2_ci_low=lims[3],
        icc2_ci_high=lims[4],
        confidence=confidence,
    )


# ----------------------------------------------------------------- reliability by size


@dataclass(frozen=True, eq=False)
class GroupReliabilityResult:
    r"""Result of :func:`group_reliability`.

    Attributes
    ----------
    sizes : ndarray
        The group sizes asked about.
    reliability : ndarray, same shape as ``sizes``
        :math:`\lambda(n) = n\rho / (1 + (n - 1)\rho)` with :math:`\rho` = ICC(1)
        truncated at 0 (a reliability is not negative); NaN where the size is NaN
        or below 1.
    ci_low, ci_high : ndarray, same shape as ``sizes``
        :math:`\lambda(n)` at the limits of the ICC(1) interval (NaN without one).
    icc1, icc1_ci_low, icc1_ci_high : float or ndarray
        The ICC(1) used and its interval.
    target : float
        The reliability a group mean should reach (default 0.70).
    min_size : float or ndarray
        Smallest whole group size with :math:`\lambda(n) \ge` ``target``
        (``inf`` when ICC(1) ≤ 0).
    min_size_ci_low, min_size_ci_high : float or ndarray
        The same at the upper and the lower limit of ICC(1): the range of sizes the
        interval leaves open (``inf`` when the lower limit is ≤ 0).
    confidence : float or None
    """

    sizes: IntArray
    reliability: FloatArray
    ci_low: FloatArray
    ci_high: FloatArray
    icc1: float | FloatArray
    icc1_ci_low: float | FloatArray
    icc1_ci_high: float | FloatArray
    target: float
    min_size: float | FloatArray
    min_size_ci_low: float | FloatArray
    min_size_ci_high: float | FloatArray
    confidence: float | None

    def to_dict(self) -> dict[str, Any]:
        """Plain lists and floats (``inf`` and NaN kept as floats)."""

        def plain(x: object) -> Any:
            a = np.asarray(x)
            return a.tolist() if a.ndim else float(a)

        return {
            k: (plain(getattr(self, k)) if k not in ("confidence",) else self.confidence)
            for k in (
                "sizes",
                "reliability",
                "ci_low",
                "ci_high",
                "icc1",
                "icc1_ci_low",
                "icc1_ci_high",
                "target",
                "min_size",
                "min_size_ci_low",
                "min_size_ci_high",
                "confidence",
            )
        }


def _spearman_brown(rho: FloatArray, n: FloatArray) -> FloatArray:
    rho = np.clip(rho, 0.0, 1.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = n * rho / (1.0 + (n - 1.0) * rho)
    res: FloatArray = np.where(np.isnan(rho) | ~(n >= 1), np.nan, np.where(rho == 0, 0.0, out))
    return res


def _min_size(rho_in: ArrayLike, target: float) -> FloatArray:
    rho = np.asarray(rho_in, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        need = target * (1.0 - rho) / ((1.0 - target) * rho)
        # the tiny tolerance keeps an exact boundary (e.g. 7.000000000001) at its size
        n = np.maximum(np.ceil(need - 1e-9), 1.0)
    res: FloatArray = np.where(np.isnan(rho), np.nan, np.where(rho <= 0, np.inf, n))
    return res


def group_reliability(
    sizes: ArrayLike,
    icc1: ICCResult | ArrayLike,
    *,
    ci: tuple[ArrayLike, ArrayLike] | None = None,
    target: float = 0.70,
) -> GroupReliabilityResult:
    r"""Reliability of the mean of a group of a given size (ICC(2) at that size).

    ICC(2) from :func:`icc` is the reliability of a group mean over :math:`n_0`
    members (about the mean group size); a team of 5 has a much less reliable mean than
    a team of 30. By the Spearman–Brown formula (Bliese 2000; Spearman 1910; Brown
    1910) the reliability of the mean of :math:`n_j` members is

    .. math:: \lambda_j = \frac{n_j\,\rho}{1 + (n_j - 1)\,\rho},

    with :math:`\rho` = ICC(1), truncated at 0. :math:`\lambda` increases with
    :math:`\rho`, so the limits of an interval of ICC(1) give an interval of
    :math:`\lambda_j` (for :math:`n_j = n_0` these are exactly the ICC(2) limits of
    :func:`icc`). The smallest size that reaches ``target`` is
    :math:`\lceil \text{target}\,(1 - \rho) / ((1 - \text{target})\,\rho) \rceil`.
    This is also :math:`\lambda_g` of the empirical-Bayes shrinkage
    (``docs/methodology.md`` §6): :math:`\tau^2/(\tau^2 + \sigma^2/n_j)` with
    :math:`\rho = \tau^2/(\tau^2 + \sigma^2)`.

    Vectorized: ``sizes`` may have any shape (e.g. teams × dimensions) and ``icc1``
    broadcasts against it (e.g. one value per dimension).

    Parameters
    ----------
    sizes : array_like
        Group sizes (members with an answer); NaN or sizes below 1 give NaN.
    icc1 : float, array_like or ICCResult
        ICC(1). An :class:`ICCResult` supplies ``icc1_n0`` (the centre of its
        interval) and its interval.
    ci : tuple of (low, high), optional
        Interval of ICC(1) when ``icc1`` is a number.
    target : float
        Reliability to reach (0.70 by convention, LeBreton & Senter 2008).

    Returns
    -------
    GroupReliabilityResult

    Raises
    ------
    ValueError
        ``target`` outside (0, 1), or ``ci`` given with an :class:`ICCResult`.
    TypeError
        Non-numeric sizes.

    References
    ----------
    .. [1] Bliese, P. D. (2000). Within-group agreement, non-independence, and
       reliability. In K. J. Klein & S. W. J. Kozlowski (Eds.), *Multilevel theory,
       research, and methods in organizations* (pp. 349-381). Jossey-Bass.
    .. [2] Spearman, C. (1910). Correlation calculated from faulty data. *British
       Journal of Psychology*, 3(3), 271-295.
    .. [3] Brown, W. (1910). Some experimental results in the correlation of mental
       abilities. *British Journal of Psychology*, 3(3), 296-322.
    .. [4] LeBreton, J. M., & Senter, J. L. (2008). Answers to 20 questions about
       interrater reliability and interrater agreement. *Organizational Research
       Methods*, 11(4), 815-852.

    Examples
    --------
    >>> r = group_reliability([4, 9, 16], 0.2, ci=(0.1, 0.35))
    >>> r.reliability.round(3).tolist()
    [0.5, 0.692, 0.8]
    >>> int(r.min_size), int(r.min_size_ci_low), int(r.min_size_ci_high)
    (10, 5, 21)
    """
    if isinstance(target, bool) or not isinstance(target, (int, float, np.floating)) or not 0 < target < 1:
        raise ValueError(f"target: must lie strictly between 0 and 1, got {target!r}")
    try:
        n = np.asarray(sizes, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"sizes: must be numeric, got {sizes!r}") from None
    confidence = None
    if isinstance(icc1, ICCResult):
        if ci is not None:
            raise ValueError("ci: give it only with a numeric icc1; an ICCResult has its own interval")
        res = icc1
        rho_in: ArrayLike = res.icc1_n0
        lo_in: ArrayLike = res.icc1_ci_low
        hi_in: ArrayLike = res.icc1_ci_high
        confidence = res.confidence
    else:
        rho_in = np.asarray(icc1, dtype=float)
        if ci is None:
            lo_in = hi_in = np.full(np.shape(rho_in), np.nan)
        else:
            lo_in, hi_in = (np.asarray(c, dtype=float) for c in ci)
    rho, lo, hi = (np.asarray(x, dtype=float) for x in (rho_in, lo_in, hi_in))

    def out(x: FloatArray) -> FloatArray | float:
        return x if np.ndim(x) else float(x)

    return GroupReliabilityResult(
        sizes=n,
        reliability=_spearman_brown(rho, n),
        ci_low=_spearman_brown(lo, n),
        ci_high=_spearman_brown(hi, n),
        icc1=out(rho),
        icc1_ci_low=out(lo),
        icc1_ci_high=out(hi),
        target=float(target),
        min_size=out(_min_size(rho, target)),
        min_size_ci_low=out(_min_size(hi, target)),
        min_size_ci_high=out(_min_size(lo, target)),
        confidence=confidence,
    )


def icc1_bands(ci_low: float, ci_high: float, *, cuts: tuple[float, float] = ICC1_CUTS) -> tuple[str, ...]:
    """The sizes of between-group variance an interval of ICC(1) is compatible with.

    The bands are :data:`ICC1_BANDS` — ``little`` (below ``cuts[0]``), ``moderate``
    (``cuts[0]`` up to ``cuts[1]``) and ``substantial`` (from ``cuts[1]``). A band is
    compatible when the interval overlaps it. One band: the data tell it apart from
    the others; several: they cannot be told apart (the reading says so,
    :func:`analysis.narrative.icc_reading`).

    Parameters
    ----------
    ci_low, ci_high : float
        Interval of ICC(1) (e.g. ``icc1_ci_low``, ``icc1_ci_high`` of :func:`icc`).
    cuts : tuple of two floats
        Increasing cut points (default :data:`ICC1_CUTS` = (0.05, 0.10)).

    Returns
    -------
    tuple of str
        Compatible bands, lowest first; empty when the interval is NaN.

    Examples
    --------
    >>> icc1_bands(-0.04, 0.25)
    ('little', 'moderate', 'substantial')
    >>> icc1_bands(0.12, 0.20)
    ('substantial',)
    """
    if len(cuts) != 2 or not cuts[0] < cuts[1]:
        raise ValueError(f"cuts: must be two increasing numbers, got {cuts!r}")
    lo, hi = float(ci_low), float(ci_high)
    if math.isnan(lo) or math.isnan(hi):
        return ()
    if lo > hi:
        raise ValueError(f"ci_low: must not exceed ci_high, got {lo!r} > {hi!r}")
    edges = (-math.inf, float(cuts[0]), float(cuts[1]), math.inf)
    return tuple(b for b, a, z in zip(ICC1_BANDS, edges[:-1], edges[1:]) if lo < z and hi >= a)
