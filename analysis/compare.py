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
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from scipy import special

from analysis.groups import Groups, encode_groups

__all__ = [
    "CORRECTIONS",
    "adjust_pvalues",
    "TwoSampleResult",
    "two_sample",
    "GroupVsRestResult",
    "group_vs_rest",
    "compare_with_rest",
    "subgroup_moments",
    "moments",
    "grouped_sums",
]

CORRECTIONS = ("holm", "bh")


def adjust_pvalues(pvalues, *, method: str = "holm") -> np.ndarray:
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

    difference: np.ndarray
    d: np.ndarray
    t: np.ndarray
    df: np.ndarray
    pvalue: np.ndarray

    def to_dict(self) -> dict:
        return {k: np.asarray(getattr(self, k)).tolist() for k in ("difference", "d", "t", "df", "pvalue")}


def two_sample(n1, m1, v1, n2, m2, v2) -> TwoSampleResult:
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
        df = np.where(ok & (se2 > 0), se2 ** 2 / (a ** 2 / (n1 - 1) + b ** 2 / (n2 - 1)), np.nan)
        p = 2.0 * special.stdtr(df, -np.abs(t))
    return TwoSampleResult(difference=diff, d=d, t=t, df=df, pvalue=p)


def subgroup_moments(values, codes, n_codes: int):
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


def grouped_sums(matrix, codes, n_codes: int) -> np.ndarray:
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


def moments(n, s, ss):
    """Means and variances (``ddof=1``) from counts, sums and sums of squares."""
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(n > 0, s / n, np.nan)
        var = np.where(n > 1, np.maximum(ss - n * mean ** 2, 0.0) / (n - 1), np.nan)
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

    groups: tuple
    variables: tuple
    n: np.ndarray
    mean: np.ndarray
    rest_n: np.ndarray
    rest_mean: np.ndarray
    test: TwoSampleResult
    p_adjusted: np.ndarray
    flagged: np.ndarray
    correction: str
    alpha: float
    min_effect: float

    def to_dict(self) -> dict:
        """Flagged differences as a list of plain dicts, largest effect first."""
        rows = []
        for g, v in zip(*np.nonzero(self.flagged)):
            rows.append({
                "group": self.groups[g],
                "variable": self.variables[v],
                "difference": float(self.test.difference[g, v]),
                "d": float(self.test.d[g, v]),
                "p_adjusted": float(self.p_adjusted[g, v]),
            })
        rows.sort(key=lambda r: (-abs(r["d"]), str(r["group"]), r["variable"]))
        return {"correction": self.correction, "alpha": self.alpha,
                "min_effect": self.min_effect, "flagged": rows}


def group_vs_rest(values, groups, *, variables=None, include=None, correction: str = "holm",
                  alpha: float = 0.05, min_effect: float = 0.5) -> GroupVsRestResult:
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
    return compare_with_rest(n, s, ss, center=center, labels=g.labels, variables=names,
                             include=include, correction=correction, alpha=alpha,
                             min_effect=min_effect)


def compare_with_rest(n, s, ss, *, center=0.0, labels, variables, include=None,
                      correction: str = "holm", alpha: float = 0.05,
                      min_effect: float = 0.5) -> GroupVsRestResult:
    """:func:`group_vs_rest` from per-group counts, sums and sums of squares.

    For callers that already hold the sums (e.g. the diagnosis, which aggregates them
    once per level). ``n, s, ss`` have shape (n_groups, V) and are sums of
    ``values - center``; the other arguments are those of :func:`group_vs_rest`.
    """
    center = np.asarray(center, dtype=float)
    N, S, SS = n.sum(axis=0), s.sum(axis=0), ss.sum(axis=0)
    mean, var = moments(n, s, ss)
    rn, rs, rss = N - n, S - s, SS - ss
    rmean, rvar = moments(rn, rs, rss)
    mean, rmean = mean + center, rmean + center
    test = two_sample(n, mean, var, rn, rmean, rvar)
    inc = np.ones(n.shape[0], bool) if include is None else np.asarray(include, bool)
    if inc.ndim == 1:
        inc = inc[:, None]
    p = np.where(np.broadcast_to(inc, n.shape), test.pvalue, np.nan)
    p_adj = adjust_pvalues(p, method=correction)
    with np.errstate(invalid="ignore"):
        flagged = (p_adj < alpha) & (np.abs(test.d) >= min_effect)
    return GroupVsRestResult(
        groups=tuple(labels), variables=tuple(variables), n=n, mean=mean, rest_n=rn,
        rest_mean=rmean, test=test, p_adjusted=p_adj, flagged=flagged, correction=correction,
        alpha=float(alpha), min_effect=float(min_effect),
    )
