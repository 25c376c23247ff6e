r"""Differences that matter: each group vs the rest, and role gaps.

A heatmap that colours every team by its raw difference from the organization flags
noise; here a difference is *flagged* only when it is both statistically reliable after
a multiple-comparison correction over the whole family of comparisons and at least a
minimum standardized effect size.

For two independent samples with sizes :math:`n_1, n_2`, means :math:`m_1, m_2` and
variances :math:`s_1^2, s_2^2` (``ddof=1``):

* Welch's test: :math:`t = (m_1 - m_2)/\sqrt{s_1^2/n_1 + s_2^2/n_2}` with
  Welch–Satterthwaite degrees of freedom
  :math:`\nu = (s_1^2/n_1 + s_2^2/n_2)^2 / \bigl[(s_1^2/n_1)^2/(n_1-1) +
  (s_2^2/n_2)^2/(n_2-1)\bigr]`, two-sided p-value (Welch 1947);
* Cohen's :math:`d = (m_1 - m_2)/s_p` with the pooled
  :math:`s_p^2 = [(n_1-1)s_1^2 + (n_2-1)s_2^2]/(n_1+n_2-2)` (Cohen 1988).

p-values are adjusted with Holm's step-down method (family-wise error, default) or
Benjamini–Hochberg (false discovery rate), identical to R's ``p.adjust``.

Units (groups of teams) are compared with the rest **at team level**
(:func:`unit_vs_rest`, :func:`compare_units_with_rest`): respondents of one team share
their team, so a respondent-level test of a unit against the rest treats hundreds of
correlated answers as independent and flags differences that are only the luck of which
teams a unit happens to hold (with no unit effect, 57 % of such tests gave p < 0.05 in
the review of the diagnosis). The team means are the units of analysis; see
:func:`unit_vs_rest` and ``docs/methodology.md`` §9.

References
----------
.. [1] Holm, S. (1979). A simple sequentially rejective multiple test procedure.
   *Scandinavian Journal of Statistics*, 6(2), 65–70.
.. [2] Benjamini, Y., & Hochberg, Y. (1995). Controlling the false discovery rate: a
   practical and powerful approach to multiple testing. *Journal of the Royal
   Statistical Society B*, 57(1), 289–300.
.. [3] Welch, B. L. (1947). The generalization of "Student's" problem when several
   different population variances are involved. *Biometrika*, 34(1–2), 28–35.
.. [4] Cohen, J. (1988). *Statistical Power Analysis for the Behavioral Sciences*
   (2nd ed.). Erlbaum.
.. [5] Donner, A., & Klar, N. (2000). *Design and Analysis of Cluster Randomization
   Trials in Health Research*. Arnold (ch. 6, cluster-level analyses).
.. [6] Hayes, R. J., & Moulton, L. H. (2017). *Cluster Randomised Trials* (2nd ed.).
   CRC Press (ch. 9, analysis based on cluster-level summaries).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any
from collections.abc import Hashable, Iterable, Sequence

import numpy as np
from scipy import special
from numpy.typing import ArrayLike

from analysis.groups import Groups, encode_groups
from analysis.arrays import BoolArray, FloatArray, IntArray

__all__ = [
    "CORRECTIONS",
    "adjust_pvalues",
    "TwoSampleResult",
    "two_sample",
    "GroupVsRestResult",
    "group_vs_rest",
    "compare_with_rest",
    "UnitVsRestResult",
    "unit_vs_rest",
    "compare_units_with_rest",
    "subgroup_moments",
    "moments",
    "grouped_sums",
]

CORRECTIONS = ("holm", "bh")


def adjust_pvalues(pvalues: ArrayLike, *, method: str = "holm") -> FloatArray:
    """Multiple-comparison adjusted p-values (as R's ``p.adjust``); NaN entries are ignored.

    Parameters
    ----------
    pvalues : array_like of float
        Raw p-values of one family of tests; NaN marks a test that was not made and is
        not counted in the family.
    method : {'holm', 'bh'}
        Holm (1979) step-down or Benjamini–Hochberg (1995).

    Returns
    -------
    ndarray of float, same shape

    Examples
    --------
    >>> adjust_pvalues([0.01, 0.04, 0.03, float("nan")], method="holm").tolist()
    [0.03, 0.06, 0.06, nan]
    >>> adjust_pvalues([0.01, 0.04, 0.03], method="bh").tolist()
    [0.03, 0.04, 0.04]
    """
    if method not in CORRECTIONS:
        raise ValueError(f"method: must be one of {', '.join(CORRECTIONS)}, got {method!r}")
    p = np.asarray(pvalues, dtype=float)
    flat = p.ravel()
    out = np.full(flat.shape, np.nan)
    idx = np.flatnonzero(~np.isnan(flat))
    m = idx.size
    if m == 0:
        return out.reshape(p.shape)
    if np.any((flat[idx] < 0) | (flat[idx] > 1)):
        raise ValueError("pvalues: must lie in [0, 1]")
    if method == "holm":
        order = idx[np.argsort(flat[idx], kind="stable")]
        adj = np.maximum.accumulate((m - np.arange(m)) * flat[order])
    else:
        order = idx[np.argsort(flat[idx], kind="stable")[::-1]]
        adj = np.minimum.accumulate(m / np.arange(m, 0, -1) * flat[order])
    out[order] = np.minimum(adj, 1.0)
    return out.reshape(p.shape)


@dataclass(frozen=True, eq=False)
class TwoSampleResult:
    """Welch test and Cohen's d, element-wise over arrays of comparisons.

    Attributes
    ----------
    difference : ndarray
        :math:`m_1 - m_2`.
    d : ndarray
        Cohen's d (pooled SD); NaN when the pooled SD is 0 or undefined.
    t, df, pvalue : ndarray
        Welch's t, its degrees of freedom and the two-sided p-value; NaN when either
        sample has fewer than 2 values or both variances are 0.
    """

    difference: FloatArray
    d: FloatArray
    t: FloatArray
    df: FloatArray
    pvalue: FloatArray

    def to_dict(self) -> dict[str, Any]:
        return {k: np.asarray(getattr(self, k)).tolist() for k in ("difference", "d", "t", "df", "pvalue")}


def two_sample(
    n1: ArrayLike, m1: ArrayLike, v1: ArrayLike, n2: ArrayLike, m2: ArrayLike, v2: ArrayLike
) -> TwoSampleResult:
    """Welch's t-test and Cohen's d from summary statistics (element-wise).

    Parameters
    ----------
    n1, m1, v1, n2, m2, v2 : array_like
        Sizes, means and variances (``ddof=1``) of the two samples.

    Returns
    -------
    TwoSampleResult

    Examples
    --------
    >>> r = two_sample(10, 5.0, 4.0, 20, 4.0, 4.0)
    >>> float(r.d), round(float(r.t), 4)
    (0.5, 1.291)
    """
    n1, m1, v1, n2, m2, v2 = (np.asarray(a, dtype=float) for a in (n1, m1, v1, n2, m2, v2))
    with np.errstate(invalid="ignore", divide="ignore"):
        diff = m1 - m2
        ok = (n1 >= 2) & (n2 >= 2)
        pooled = ((n1 - 1) * v1 + (n2 - 1) * v2) / (n1 + n2 - 2)
        d = np.where(ok & (pooled > 0), diff / np.sqrt(pooled), np.nan)
        a, b = v1 / n1, v2 / n2
        se2 = a + b
        t = np.where(ok & (se2 > 0), diff / np.sqrt(se2), np.nan)
        df = np.where(ok & (se2 > 0), se2**2 / (a**2 / (n1 - 1) + b**2 / (n2 - 1)), np.nan)
        p = 2.0 * special.stdtr(df, -np.abs(t))
    return TwoSampleResult(difference=diff, d=d, t=t, df=df, pvalue=p)


def subgroup_moments(values: ArrayLike, codes: IntArray, n_codes: int) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Per-code count, sum and sum of squares of each column, ignoring NaN.

    Parameters
    ----------
    values : ndarray, shape (n, V)
    codes : ndarray of int, shape (n,)
        Group code per row (``0 … n_codes - 1``); rows with a negative code are skipped.
    n_codes : int

    Returns
    -------
    n, s, ss : ndarray, shape (n_codes, V)
        Observed values, their sum and their sum of squares per code and column.
    """
    x = np.asarray(values, dtype=float)
    codes = np.asarray(codes, dtype=np.intp)
    keep = codes >= 0
    if not keep.all():
        x, codes = x[keep], codes[keep]
    V = x.shape[1]
    n = np.empty((n_codes, V))
    s = np.empty((n_codes, V))
    ss = np.empty((n_codes, V))
    for j in range(V):  # loop over columns only
        col = x[:, j]
        obs = ~np.isnan(col)
        if obs.all():
            c, v = codes, col
        else:
            c, v = codes[obs], col[obs]
        n[:, j] = np.bincount(c, minlength=n_codes)
        s[:, j] = np.bincount(c, weights=v, minlength=n_codes)
        ss[:, j] = np.bincount(c, weights=v * v, minlength=n_codes)
    return n, s, ss


def grouped_sums(matrix: ArrayLike, codes: IntArray, n_codes: int) -> FloatArray:
    """Column sums of ``matrix`` (n, V) per code, in one sorted pass (``np.add.reduceat``).

    Rows with a negative code are skipped; codes without rows get 0.
    """
    m = np.asarray(matrix, dtype=float)
    codes = np.asarray(codes, dtype=np.intp)
    out = np.zeros((n_codes, m.shape[1]))
    keep = codes >= 0
    if not keep.all():
        m, codes = m[keep], codes[keep]
    if codes.size == 0:
        return out
    order = np.argsort(codes, kind="stable")
    counts = np.bincount(codes, minlength=n_codes)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    nonempty = counts > 0
    out[nonempty] = np.add.reduceat(m[order], starts[nonempty], axis=0)
    return out


def moments(n: FloatArray, s: FloatArray, ss: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Means and variances (``ddof=1``) from counts, sums and sums of squares."""
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(n > 0, s / n, np.nan)
        var = np.where(n > 1, np.maximum(ss - n * mean**2, 0.0) / (n - 1), np.nan)
    return mean, var


@dataclass(frozen=True, eq=False)
class GroupVsRestResult:
    """Every group compared with the rest of the population, per variable.

    Attributes
    ----------
    groups : tuple
        Group labels (sorted).
    variables : tuple of str
    n, mean : ndarray, shape (n_groups, n_variables)
        Size and mean of the group.
    rest_n, rest_mean : ndarray, shape (n_groups, n_variables)
        Size and mean of everyone else.
    test : TwoSampleResult
        Group minus rest; arrays of shape (n_groups, n_variables).
    p_adjusted : ndarray, shape (n_groups, n_variables)
        Adjusted over all tests of the family (groups in ``include`` x variables).
    flagged : ndarray of bool, shape (n_groups, n_variables)
        ``p_adjusted < alpha`` and ``|d| >= min_effect``.
    correction : str
    alpha, min_effect : float
    """

    groups: tuple[Any, ...]
    variables: tuple[Any, ...]
    n: FloatArray  # counts, as floats (sums of weights)
    mean: FloatArray
    rest_n: FloatArray
    rest_mean: FloatArray
    test: TwoSampleResult
    p_adjusted: FloatArray
    flagged: BoolArray
    correction: str
    alpha: float
    min_effect: float

    def to_dict(self) -> dict[str, Any]:
        """Flagged differences as a list of plain dicts, largest effect first."""
        rows = []
        for g, v in zip(*np.nonzero(self.flagged)):
            rows.append(
                {
                    "group": self.groups[g],
                    "variable": self.variables[v],
                    "difference": float(self.test.difference[g, v]),
                    "d": float(self.test.d[g, v]),
                    "p_adjusted": float(self.p_adjusted[g, v]),
                }
            )
        rows.sort(key=lambda r: (-abs(r["d"]), str(r["group"]), r["variable"]))
        return {"correction": self.correction, "alpha": self.alpha, "min_effect": self.min_effect, "flagged": rows}


def group_vs_rest(
    values: ArrayLike,
    groups: Iterable[Hashable] | ArrayLike | Groups,
    *,
    variables: Sequence[str] | None = None,
    include: ArrayLike | None = None,
    correction: str = "holm",
    alpha: float = 0.05,
    min_effect: float = 0.5,
) -> GroupVsRestResult:
    """Compare every group with the rest of the population on every variable.

    Parameters
    ----------
    values : array_like, shape (n, V) or (n,)
        One row per respondent; NaN = missing (ignored per variable).
    groups : array_like or Groups, shape (n,)
        Group label per respondent.
    variables : sequence of str, optional
        Names of the columns (default ``"0"``, ``"1"`` …).
    include : array_like of bool, shape (n_groups,) or (n_groups, V), optional
        Groups (or group x variable cells) whose tests form the family for the
        correction, e.g. only the cells that will be shown; the p-values of the others
        are NaN and they are never flagged.
    correction : {'holm', 'bh'}
        Holm (family-wise error rate) or Benjamini–Hochberg (false discovery rate).
    alpha : float
        Level applied to the adjusted p-values.
    min_effect : float
        Smallest ``|d|`` (Cohen's d) that counts as a difference that matters; 0.5 is a
        "medium" effect (Cohen 1988).

    Returns
    -------
    GroupVsRestResult

    Notes
    -----
    Computed from per-group sums and sums of squares (``np.bincount``): the rest of
    group :math:`g` is the total minus the group, so all groups cost one pass.
    """
    x = np.asarray(values, dtype=float)
    if x.ndim == 1:
        x = x[:, None]
    if x.ndim != 2:
        raise ValueError(f"values: must be one- or two-dimensional, got shape {x.shape}")
    if correction not in CORRECTIONS:
        raise ValueError(f"correction: must be one of {', '.join(CORRECTIONS)}, got {correction!r}")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha: must lie in (0, 1), got {alpha!r}")
    if min_effect < 0:
        raise ValueError(f"min_effect: must be >= 0, got {min_effect!r}")
    g = groups if isinstance(groups, Groups) else encode_groups(groups, n=x.shape[0])
    names = tuple(variables) if variables is not None else tuple(str(j) for j in range(x.shape[1]))
    if len(names) != x.shape[1]:
        raise ValueError(f"variables: has {len(names)} names for {x.shape[1]} columns")
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns
        center = np.nan_to_num(np.nanmean(x, axis=0))  # centring avoids cancellation
    n, s, ss = subgroup_moments(x - center, g.codes, g.n_groups)
    return compare_with_rest(
        n,
        s,
        ss,
        center=center,
        labels=g.labels,
        variables=names,
        include=include,
        correction=correction,
        alpha=alpha,
        min_effect=min_effect,
    )


def _guarded(
    welch: TwoSampleResult, n: FloatArray, s: FloatArray, ss: FloatArray, rn: FloatArray, rvar: FloatArray
) -> TwoSampleResult:
    """Welch's test of each group against the rest, with the larger p-value of it and of
    the same difference over the **pooled within-group** variance of all groups
    (:math:`SE^2 = MS_W/n + s^2_{rest}/n_{rest}`, df = N − G). A small group whose few
    answers happen to agree (a structure item answered alike by all five members) has a
    tiny variance of its own and makes Welch's test wildly liberal; the pooled variance
    does not; where a group really is more spread than the others, Welch's is the larger."""
    n = np.asarray(n, float)
    with np.errstate(invalid="ignore", divide="ignore"):
        within = ss - np.where(n > 0, s * s / np.where(n > 0, n, 1), 0.0)
        groups = (n > 0).sum(axis=0)
        df = n.sum(axis=0) - groups
        msw = np.where(df > 0, within.sum(axis=0) / np.where(df > 0, df, 1), np.nan)
        se2 = msw / n + rvar / rn
        t = np.where((n >= 1) & (rn >= 2) & (se2 > 0), welch.difference / np.sqrt(se2), np.nan)
        p_pooled = 2.0 * special.stdtr(np.broadcast_to(df, t.shape).astype(float), -np.abs(t))
    use = p_pooled > welch.pvalue
    pvalue = np.where(np.isnan(welch.pvalue) | np.isnan(p_pooled), np.nan, np.fmax(welch.pvalue, p_pooled))
    return TwoSampleResult(
        difference=welch.difference,
        d=welch.d,
        t=np.where(use, t, welch.t),
        df=np.where(use, np.broadcast_to(df, t.shape), welch.df),
        pvalue=pvalue,
    )


def compare_with_rest(
    n: FloatArray,
    s: FloatArray,
    ss: FloatArray,
    *,
    center: ArrayLike = 0.0,
    labels: Sequence[str],
    variables: Sequence[str],
    include: ArrayLike | None = None,
    correction: str = "holm",
    alpha: float = 0.05,
    min_effect: float = 0.5,
) -> GroupVsRestResult:
    """:func:`group_vs_rest` from per-group counts, sums and sums of squares.

    For callers that already hold the sums (e.g. the diagnosis, which aggregates them
    once per level). ``n, s, ss`` have shape (n_groups, V) and are sums of
    ``values - center``; the other arguments are those of :func:`group_vs_rest`. The
    p-value is the larger of Welch's and the pooled-within-group test's (``_guarded``).
    """
    center = np.asarray(center, dtype=float)
    N, S, SS = n.sum(axis=0), s.sum(axis=0), ss.sum(axis=0)
    mean, var = moments(n, s, ss)
    rn, rs, rss = N - n, S - s, SS - ss
    rmean, rvar = moments(rn, rs, rss)
    mean, rmean = mean + center, rmean + center
    test = _guarded(two_sample(n, mean, var, rn, rmean, rvar), n, s, ss, rn, rvar)
    inc = np.ones(n.shape[0], bool) if include is None else np.asarray(include, bool)
    if inc.ndim == 1:
        inc = inc[:, None]
    p = np.where(np.broadcast_to(inc, n.shape), test.pvalue, np.nan)
    p_adj = adjust_pvalues(p, method=correction)
    with np.errstate(invalid="ignore"):
        flagged = (p_adj < alpha) & (np.abs(test.d) >= min_effect)
    return GroupVsRestResult(
        groups=tuple(labels),
        variables=tuple(variables),
        n=n,
        mean=mean,
        rest_n=rn,
        rest_mean=rmean,
        test=test,
        p_adjusted=p_adj,
        flagged=flagged,
        correction=correction,
        alpha=float(alpha),
        min_effect=float(min_effect),
    )


# ------------------------------------------------------------------ units, team level


@dataclass(frozen=True, eq=False)
class UnitVsRestResult(GroupVsRestResult):
    r"""Every unit compared with the rest of the organization at team level.

    The fields of :class:`GroupVsRestResult`, with these meanings:

    Attributes
    ----------
    groups : tuple
        Unit labels.
    n, rest_n : ndarray, shape (n_units, n_variables)
        Respondents with a value in the unit and in the rest.
    mean, rest_mean : ndarray, shape (n_units, n_variables)
        Mean of the *team means* of the unit and of the other teams (every team
        counts once).
    test : TwoSampleResult
        ``difference`` = mean − rest_mean; ``pvalue`` the larger of the Welch and the
        pooled-variance p-value of the team means, ``t`` and ``df`` those of the test
        that gave it; ``d`` = difference / the pooled respondent-level standard
        deviation of the unit and the rest (so that ``min_effect`` means the same as
        for teams).
    pvalue_welch, pvalue_pooled : ndarray, shape (n_units, n_variables)
        The two p-values.
    n_teams, rest_n_teams : ndarray of int, shape (n_units, n_variables)
        Teams with a mean in the unit and in the rest; the test needs 2 on each side
        (and a spread of team means).
    method : str
        ``"team_means_welch_and_pooled"``.
    """

    pvalue_welch: FloatArray | None = None
    pvalue_pooled: FloatArray | None = None
    n_teams: IntArray | None = None
    rest_n_teams: IntArray | None = None
    method: str = "team_means_welch_and_pooled"


def unit_vs_rest(
    values: ArrayLike,
    teams: Iterable[Hashable] | ArrayLike | Groups,
    units: Iterable[Hashable] | ArrayLike | Groups,
    *,
    variables: Sequence[str] | None = None,
    include: ArrayLike | None = None,
    correction: str = "holm",
    alpha: float = 0.05,
    min_effect: float = 0.5,
) -> UnitVsRestResult:
    r"""Compare every unit with the rest of the organization, with teams as the units of analysis.

    Respondents are nested in teams and teams in units. A unit differs from the rest
    only if its *teams* differ from the other teams; so each team is reduced to its mean
    :math:`\bar y_t` and the unit's team means are compared with those of all other
    teams — a cluster-level analysis (Donner & Klar 2000, ch. 6; Hayes & Moulton 2017,
    ch. 9). The variance of a team mean, :math:`\tau^2 + \sigma^2/n_t`, contains the team
    effect :math:`\tau^2`, which a respondent-level test leaves out; that is why the
    respondent-level test flags random groupings of teams.

    With :math:`K_1` teams in the unit and :math:`K_2` in the rest, means
    :math:`m_1, m_2` and variances :math:`s_1^2, s_2^2` of their team means, two t tests
    are computed:

    * Welch's (1947) test, :math:`t_W = (m_1 - m_2)/\sqrt{s_1^2/K_1 + s_2^2/K_2}` with
      Welch–Satterthwaite degrees of freedom — valid when the unit's teams spread
      differently from the others, but liberal when a unit has only a few teams (its
      :math:`s_1^2` from 2–4 team means can be tiny by chance; measured family-wise
      error 10 % with 15 teams in 4 units, 17 % with 10);
    * Student's pooled-variance test, :math:`t_P = (m_1 - m_2)/
      \sqrt{s_p^2 (1/K_1 + 1/K_2)}` with :math:`s_p^2 = [(K_1 - 1)s_1^2 + (K_2 - 1)s_2^2]
      /(K_1 + K_2 - 2)` and :math:`K_1 + K_2 - 2` degrees of freedom — exact for normal
      team means when the teams are exchangeable (a unit is a random set of teams,
      the null hypothesis of interest), for any number of teams, but liberal when a
      unit's teams are more spread out than the others.

    The reported p-value is the **larger** of the two (``t`` and ``df`` are those of the
    test that gave it): a difference counts only when both tests find it, so the test
    keeps its level whenever either one does (:math:`P(\max(p_W, p_P) \le a) \le
    \min(P(p_W \le a), P(p_P \le a))`). Team means are weighted equally: a
    precision-weighted (random-effects) mean would need :math:`\tau^2` estimated from a
    few teams per unit, which makes the test anti-conservative exactly where units are
    small.

    The effect size is :math:`d = (m_1 - m_2)/s`, with :math:`s` the pooled
    respondent-level standard deviation of the unit and the rest (as for teams,
    :func:`group_vs_rest`). A difference is flagged when the adjusted p-value (Holm or
    Benjamini–Hochberg over all units × variables in the family) is below ``alpha``
    **and** :math:`|d| \ge` ``min_effect``. Measured by simulation
    (``docs/methodology.md`` §9): with teams put into units at random the family-wise
    error rate of Holm stays below 5 % (1.4–3.5 % without the effect-size rule in the
    designs studied, also when one unit's teams spread twice as far, where either test
    alone reached 9–18 %), while the respondent-level test flagged in up to 69 % of the
    diagnoses.

    Parameters
    ----------
    values : array_like, shape (n, V) or (n,)
        One row per respondent; NaN = missing (ignored per variable).
    teams : array_like or Groups, shape (n,)
        Team of every respondent.
    units : array_like or Groups, shape (n,)
        Unit of every respondent; must be the same for all members of a team.
    variables, include, correction, alpha, min_effect
        As :func:`group_vs_rest`; ``include`` has one row per unit.

    Returns
    -------
    UnitVsRestResult

    Raises
    ------
    ValueError
        Bad shapes or options, or a team whose members are in different units (named).

    References
    ----------
    .. [1] Donner, A., & Klar, N. (2000). *Design and Analysis of Cluster Randomization
       Trials in Health Research*. Arnold.
    .. [2] Hayes, R. J., & Moulton, L. H. (2017). *Cluster Randomised Trials* (2nd ed.).
       CRC Press.
    .. [3] Welch, B. L. (1947). The generalization of "Student's" problem when several
       different population variances are involved. *Biometrika*, 34(1–2), 28–35.
    .. [4] Holm, S. (1979). A simple sequentially rejective multiple test procedure.
       *Scandinavian Journal of Statistics*, 6(2), 65–70.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(1)
    >>> team = np.repeat(np.arange(40), 10)
    >>> unit = team // 10                      # 4 units of 10 teams
    >>> y = 0.5 * rng.normal(size=40)[team] + rng.normal(size=400) + 1.0 * (unit == 2)
    >>> r = unit_vs_rest(y, team, unit)
    >>> r.flagged[:, 0].tolist(), r.n_teams[:, 0].tolist()
    ([False, False, True, False], [10, 10, 10, 10])
    >>> r.test.d[:, 0].round(2).tolist()
    [-0.22, -0.46, 0.76, -0.05]
    """
    x = np.asarray(values, dtype=float)
    if x.ndim == 1:
        x = x[:, None]
    if x.ndim != 2:
        raise ValueError(f"values: must be one- or two-dimensional, got shape {x.shape}")
    t = teams if isinstance(teams, Groups) else encode_groups(teams, n=x.shape[0], name="teams")
    u = units if isinstance(units, Groups) else encode_groups(units, n=x.shape[0], name="units")
    if len(t.codes) != x.shape[0]:
        raise ValueError(f"teams: has {len(t.codes)} entries, expected {x.shape[0]}")
    if len(u.codes) != x.shape[0]:
        raise ValueError(f"units: has {len(u.codes)} entries, expected {x.shape[0]}")
    team_unit = np.zeros(t.n_groups, dtype=np.intp)
    team_unit[t.codes] = u.codes
    clash = team_unit[t.codes] != u.codes
    if clash.any():
        i = int(np.argmax(clash))
        raise ValueError(
            f"units: team {t.labels[t.codes[i]]!r} is in more than one unit "
            f"({u.labels[team_unit[t.codes[i]]]!r} and {u.labels[u.codes[i]]!r})"
        )
    names = tuple(variables) if variables is not None else tuple(str(j) for j in range(x.shape[1]))
    if len(names) != x.shape[1]:
        raise ValueError(f"variables: has {len(names)} names for {x.shape[1]} columns")
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns
        center = np.nan_to_num(np.nanmean(x, axis=0))
    n, s, ss = subgroup_moments(x - center, t.codes, t.n_groups)
    return compare_units_with_rest(
        n,
        s,
        ss,
        team_unit,
        n_units=u.n_groups,
        center=center,
        labels=u.labels,
        variables=names,
        include=include,
        correction=correction,
        alpha=alpha,
        min_effect=min_effect,
    )


def compare_units_with_rest(
    n: FloatArray,
    s: FloatArray,
    ss: FloatArray,
    team_unit: ArrayLike,
    *,
    n_units: int | None = None,
    center: ArrayLike = 0.0,
    labels: Sequence[str],
    variables: Sequence[str],
    include: ArrayLike | None = None,
    correction: str = "holm",
    alpha: float = 0.05,
    min_effect: float = 0.5,
) -> UnitVsRestResult:
    """:func:`unit_vs_rest` from per-*team* counts, sums and sums of squares.

    For callers that already hold the team sums (e.g. the diagnosis). ``n, s, ss`` have
    shape (n_teams, V) and are sums of ``values - center`` per team; ``team_unit`` (shape
    (n_teams,)) is the unit code of every team (``0 … n_units - 1``; a negative code
    leaves the team out). Vectorized over units and variables (``np.bincount``).
    """
    if correction not in CORRECTIONS:
        raise ValueError(f"correction: must be one of {', '.join(CORRECTIONS)}, got {correction!r}")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha: must lie in (0, 1), got {alpha!r}")
    if min_effect < 0:
        raise ValueError(f"min_effect: must be >= 0, got {min_effect!r}")
    n, s, ss = (np.asarray(a, dtype=float) for a in (n, s, ss))
    center = np.asarray(center, dtype=float)
    team_unit = np.asarray(team_unit, dtype=np.intp)
    if team_unit.shape != (n.shape[0],):
        raise ValueError(f"team_unit: has shape {team_unit.shape}, expected ({n.shape[0]},)")
    U = int(n_units) if n_units is not None else int(team_unit.max(initial=-1)) + 1
    if len(labels) != U:
        raise ValueError(f"labels: has {len(labels)} entries for {U} units")
    keep = team_unit >= 0
    n, s, ss, team_unit = n[keep], s[keep], ss[keep], team_unit[keep]
    # respondent level (for d): units are sums of their teams
    un, us, uss = (grouped_sums(a, team_unit, U) for a in (n, s, ss))
    rn, rs, rss = un.sum(axis=0) - un, us.sum(axis=0) - us, uss.sum(axis=0) - uss
    _, uvar = moments(un, us, uss)
    _, rvar = moments(rn, rs, rss)
    # team level: every team with a value contributes its mean once
    has = n > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        tm = np.where(has, s / np.where(has, n, 1.0), 0.0)
    k = grouped_sums(has.astype(float), team_unit, U)
    a = grouped_sums(tm, team_unit, U)
    b = grouped_sums(tm * tm, team_unit, U)
    rk, ra, rb = k.sum(axis=0) - k, a.sum(axis=0) - a, b.sum(axis=0) - b
    mean, var = moments(k, a, b)
    rmean, rvar_t = moments(rk, ra, rb)
    welch = two_sample(k, mean, var, rk, rmean, rvar_t)
    with np.errstate(invalid="ignore", divide="ignore"):
        ok = (k >= 2) & (rk >= 2)
        sp2 = ((k - 1) * var + (rk - 1) * rvar_t) / (k + rk - 2)
        t_p = np.where(ok & (sp2 > 0), welch.difference / np.sqrt(sp2 * (1 / k + 1 / rk)), np.nan)
        df_p = np.where(ok & (sp2 > 0), k + rk - 2, np.nan)
        p_p = 2.0 * special.stdtr(df_p, -np.abs(t_p))
        pvalue = np.fmax(welch.pvalue, p_p)
        pvalue = np.where(np.isnan(welch.pvalue) | np.isnan(p_p), np.nan, pvalue)
        use_p = p_p > welch.pvalue
        pooled = ((un - 1) * uvar + (rn - 1) * rvar) / (un + rn - 2)
        d = np.where((un >= 2) & (rn >= 2) & (pooled > 0), welch.difference / np.sqrt(pooled), np.nan)
    test = TwoSampleResult(
        difference=welch.difference,
        d=d,
        t=np.where(use_p, t_p, welch.t),
        df=np.where(use_p, df_p, welch.df),
        pvalue=pvalue,
    )
    inc = np.ones(U, bool) if include is None else np.asarray(include, bool)
    if inc.ndim == 1:
        inc = inc[:, None]
    p = np.where(np.broadcast_to(inc, k.shape), test.pvalue, np.nan)
    p_adj = adjust_pvalues(p, method=correction)
    with np.errstate(invalid="ignore"):
        flagged = (p_adj < alpha) & (np.abs(d) >= min_effect)
    return UnitVsRestResult(
        groups=tuple(labels),
        variables=tuple(variables),
        n=un,
        mean=mean + center,
        rest_n=rn,
        rest_mean=rmean + center,
        test=test,
        p_adjusted=p_adj,
        flagged=flagged,
        correction=correction,
        alpha=float(alpha),
        min_effect=float(min_effect),
        pvalue_welch=welch.pvalue,
        pvalue_pooled=p_p,
        n_teams=k.astype(np.int64),
        rest_n_teams=rk.astype(np.int64),
    )
