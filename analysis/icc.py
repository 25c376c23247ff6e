"""Intraclass correlations ICC(1) and ICC(2) from the one-way random-effects ANOVA.

ICC(1) is the share of the variance of a score that lies between groups (teams) —
how much of a perception is shared structure rather than individual view; ICC(2) is
the reliability of the group means. Both come from one one-way ANOVA computed for all
groups at once with ``np.bincount`` (no loop over groups or respondents), with exactly
the formulas of R package ``multilevel`` (``ICC1``, ``ICC2`` applied to ``aov``); the
test suite compares against fixtures written by ``tests/fixtures/r/agreement.R``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
from scipy import special

from analysis.groups import encode_groups

__all__ = ["ICCResult", "icc"]

_NAN_POLICIES = ("omit", "raise", "propagate")


@dataclass(frozen=True)
class ICCResult:
    """Result of :func:`icc`.

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

    def to_dict(self) -> dict:
        """All fields as plain Python ``float``/``int`` (NaN and inf kept as floats)."""
        return asdict(self)


def _as_scores(scores) -> np.ndarray:
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


def icc(scores, groups, *, nan_policy="omit") -> ICCResult:
    r"""ICC(1) and ICC(2) of a score from the one-way ANOVA with groups as the factor.

    With :math:`N` observed scores in :math:`G` groups of sizes :math:`n_g`, group means
    :math:`\bar y_g` and grand mean :math:`\bar y`,

    .. math::

        MS_B = \frac{\sum_g n_g(\bar y_g - \bar y)^2}{G - 1}, \qquad
        MS_W = \frac{\sum_g\sum_{i \in g}(y_i - \bar y_g)^2}{N - G}, \qquad
        F = \frac{MS_B}{MS_W},

    .. math::

        \mathrm{ICC}(1) = \frac{MS_B - MS_W}{MS_B + (\bar k - 1)\,MS_W}, \qquad
        \mathrm{ICC}(2) = \frac{MS_B - MS_W}{MS_B},

    where :math:`\bar k = N / G` is the *mean* group size. This is exactly what
    ``multilevel::ICC1`` computes from ``aov`` (it takes the group size as
    ``(df_W + df_B + 1) / (df_B + 1) = N / G``), also for unequal group sizes; it is
    not Bartko's adjusted size :math:`(N - \sum n_g^2 / N)/(G - 1)`. ICC(1) is the
    share of the variance that lies between groups (Bliese 2000); ICC(2) the
    reliability of the group means, :math:`\bar k\,\mathrm{ICC}(1) /
    (1 + (\bar k - 1)\,\mathrm{ICC}(1))` by Spearman-Brown. Negative values are
    returned as they are, as in ``multilevel``.

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

    Returns
    -------
    ICCResult
        ``icc1``, ``icc2``, ``f``, ``df_between``, ``df_within``, ``pvalue``,
        ``ms_between``, ``ms_within``, ``n_groups``, ``n_obs``.

    Notes
    -----
    Edge cases (no error is raised; the data decide):

    * fewer than two groups (e.g. everyone in one group, or no data): ``df_between``
      is 0, ``ms_between`` and every statistic that needs it are NaN;
    * every group of size 1: ``df_within`` is 0, ``ms_within`` and everything that
      needs it are NaN;
    * no variance within groups but group means differ: ``ms_within = 0``,
      ``f = inf``, ``pvalue = 0``, ``icc1 = icc2 = 1``;
    * no variance at all (all scores equal): ``f``, ``pvalue``, ``icc1``, ``icc2`` NaN;
    * group means all equal but variance within: ``f = 0``, ``pvalue = 1``,
      ``icc1 = -1/(k̄ - 1)``, ``icc2 = -inf``.

    Raises
    ------
    ValueError
        ``scores`` not one-dimensional, length mismatch with ``groups``, infinite
        values, missing group labels, unknown ``nan_policy``, or NaN with
        ``nan_policy='raise'``.
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

    Examples
    --------
    >>> from analysis.icc import icc
    >>> r = icc([1, 2, 3, 4, 5, 6], ["a", "a", "b", "b", "c", "c"])
    >>> r.ms_between, r.ms_within, r.f
    (8.0, 0.5, 16.0)
    >>> round(r.icc1, 6), round(r.icc2, 6)
    (0.882353, 0.9375)
    """
    if not isinstance(nan_policy, str) or nan_policy not in _NAN_POLICIES:
        raise ValueError(
            f"nan_policy: must be one of 'omit', 'raise', 'propagate', got {nan_policy!r}"
        )
    y = _as_scores(scores)
    g = encode_groups(groups, n=y.shape[0], name="groups")
    missing = np.isnan(y)
    infinite = np.isinf(y)
    if infinite.any():
        pos = int(np.argmax(infinite))
        raise ValueError(
            f"scores: contains non-finite value {float(y[pos])!r} at position {pos} "
            "(only NaN marks a missing score)"
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
    if propagate_nan or n_obs == 0:
        return ICCResult(nan, nan, nan, df_b, df_w, nan, nan, nan, n_groups, n_obs)

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
    )
