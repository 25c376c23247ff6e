"""Group encoding and per-group results shared by every multilevel statistic.

All group statistics in :mod:`analysis` are computed for every group at once with
``np.bincount`` over integer group codes; this module turns arbitrary labels into
those codes and wraps per-group values in a result with ``to_dict()``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast
from collections.abc import Hashable, Iterable

import numpy as np
from numpy.typing import ArrayLike

from analysis.arrays import FloatArray, IntArray

__all__ = ["Groups", "GroupResult", "encode_groups", "group_sum", "group_mean"]


@dataclass(frozen=True, eq=False)
class Groups:
    """Integer codes for group labels.

    Attributes
    ----------
    codes : ndarray of int, shape (n,)
        ``labels[codes[i]]`` is the group of observation ``i``.
    labels : tuple
        The distinct labels in sorted order (so results do not depend on row order).
    counts : ndarray of int, shape (n_groups,)
        Number of observations per group.
    """

    codes: IntArray
    labels: tuple[Any, ...]
    counts: IntArray

    @property
    def n_groups(self) -> int:
        return len(self.labels)


def encode_groups(
    groups: Iterable[Hashable] | ArrayLike | Groups, *, n: int | None = None, name: str = "groups"
) -> Groups:
    """Encode a sequence of hashable, sortable labels as integer codes.

    Parameters
    ----------
    groups : array_like, shape (n,)
        Group label per observation. Missing labels (``None`` or NaN) are rejected.
    n : int, optional
        Expected number of observations; a mismatch raises ``ValueError``.
    name : str
        Argument name used in error messages.
    """
    if isinstance(groups, Groups):
        if n is not None and len(groups.codes) != n:
            raise ValueError(f"{name}: has {len(groups.codes)} entries, expected {n}")
        return groups
    arr = np.asarray(groups)
    if arr.ndim != 1:
        raise ValueError(f"{name}: must be one-dimensional, got shape {arr.shape}")
    if n is not None and arr.shape[0] != n:
        raise ValueError(f"{name}: has {arr.shape[0]} entries, expected {n}")
    if arr.dtype.kind == "f" and np.isnan(arr).any():
        raise ValueError(f"{name}: contains missing labels (NaN)")
    if arr.dtype.kind == "O" and any(g is None for g in arr):
        raise ValueError(f"{name}: contains missing labels (None)")
    try:
        labels, codes = np.unique(arr, return_inverse=True)
    except TypeError as exc:
        raise TypeError(f"{name}: labels must be mutually sortable ({exc})") from None
    codes = codes.reshape(-1).astype(np.intp)
    counts = np.bincount(codes, minlength=len(labels))
    return Groups(codes=codes, labels=tuple(labels.tolist()), counts=counts)


def group_sum(values: ArrayLike, groups: Groups) -> FloatArray:
    """Sum ``values`` (shape (n,) or (n, k)) per group; NaN must be handled by the caller."""
    values = np.asarray(values, dtype=float)
    g = groups.n_groups
    if values.ndim == 1:
        # float with weights (numpy's stubs type every bincount as intp)
        return cast(FloatArray, np.bincount(groups.codes, weights=values, minlength=g))
    out = np.empty((g, values.shape[1]))
    for j in range(values.shape[1]):  # loop over items (columns), never over groups
        out[:, j] = np.bincount(groups.codes, weights=values[:, j], minlength=g)
    return out


def group_mean(values: FloatArray, groups: Groups) -> FloatArray:
    """Per-group mean of ``values`` ignoring NaN; NaN for groups with no observed value."""
    values = np.asarray(values, dtype=float)
    observed = ~np.isnan(values)
    sums = group_sum(np.where(observed, values, 0.0), groups)
    counts = group_sum(observed.astype(float), groups)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, sums / np.where(counts > 0, counts, 1), np.nan)


@dataclass(frozen=True, eq=False)
class GroupResult:
    """A statistic with one value per group.

    Attributes
    ----------
    statistic : str
        Name of the statistic (``"rwg_j"``, ``"awg"`` …).
    groups : tuple
        Group labels, sorted.
    values : ndarray of float, shape (n_groups,)
        The statistic per group; NaN where it is undefined (the docstring of the
        function that produced it says when).
    n : ndarray of int, shape (n_groups,)
        Observations used per group.
    """

    statistic: str
    groups: tuple[Any, ...]
    values: FloatArray
    n: IntArray

    def to_dict(self) -> dict[str, Any]:
        """``{group: value}`` with plain Python floats (NaN kept as ``float('nan')``)."""
        return {g: float(v) for g, v in zip(self.groups, self.values)}

    def __getitem__(self, group: Hashable) -> float:
        try:
            return float(self.values[self.groups.index(group)])
        except ValueError:
            raise KeyError(group) from None
