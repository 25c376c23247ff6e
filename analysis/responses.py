"""The respondents x items container that every consumer of the engine shares.

:class:`ResponseData` holds raw answers (the option *values* of the questionnaire, not
scores), the team of every respondent, optionally its unit, role and tenure band, and
the free-text comments detached from the rows. It is built either from columns
(:meth:`ResponseData.from_columns`, used by the survey service and the simulator) or
from a CSV file (:func:`analysis.csv_input.read_responses_csv`). Both validate every
value against the questionnaire, so that downstream code can trust the matrix.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from analysis.groups import Groups
from analysis.instrument import Questionnaire, load_questionnaire
from analysis.arrays import FloatArray, IntArray, StrArray

__all__ = [
    "ResponseData",
    "AnswerError",
    "ANSWER_KINDS",
    "answer_items",
    "build_responses",
    "encode_labels",
    "team_unit_conflict",
]

#: Item kinds that go into the answer matrix (items with options that are not background).
ANSWER_KINDS = ("perception", "structure", "misconception", "outcome", "priority")


def answer_items(questionnaire: Questionnaire) -> tuple[str, ...]:
    """Ids of the items that form the columns of :attr:`ResponseData.values`, in file order."""
    return tuple(it.id for it in questionnaire.items if it.kind in ANSWER_KINDS and it.options is not None)


def _background_keys(questionnaire: Questionnaire, background: str) -> tuple[str, ...]:
    for it in questionnaire.items:
        if it.kind == "background" and it.background == background:
            return tuple(str(o.key) for o in it.options or ())
    return ()


@dataclass(frozen=True, eq=False)
class ResponseData:
    """Validated survey responses: one row per respondent.

    Attributes
    ----------
    questionnaire : Questionnaire
        The instrument the answers belong to.
    item_ids : tuple of str
        Column ids of :attr:`values`: every item with options that is not a background
        item (perception, structure, misconception, outcome), in file order
        (:func:`answer_items`).
    values : ndarray of float64, shape (n, len(item_ids))
        Raw option values (e.g. 1–5 on an agreement scale, the option ``value`` of a
        structure item); NaN marks a missing answer. Read-only.
    team : ndarray of str, shape (n,)
        Team label of every respondent (never empty).
    unit : ndarray of str, shape (n,), or None
        Unit label (or path, treated as one label) of every respondent; every team
        belongs to exactly one unit. ``None`` when there is no unit level.
    role : ndarray of str, shape (n,), or None
        ``"lead"``, ``"member"`` or ``""`` (not answered); ``None`` when not collected.
    tenure : ndarray of str, shape (n,), or None
        A tenure key of the questionnaire (``"lt1"``, ``"y1_3"``, ``"y3_10"``,
        ``"gt10"``) or ``""``; ``None`` when not collected.
    comments : tuple of (str, str)
        ``(team, text)`` pairs, deliberately not linked to rows.
    """

    questionnaire: Questionnaire
    item_ids: tuple[Any, ...]
    values: FloatArray
    team: StrArray
    unit: StrArray | None = None
    role: StrArray | None = None
    tenure: StrArray | None = None
    comments: tuple[Any, ...] = ()

    @property
    def n(self) -> int:
        """Number of respondents."""
        return int(self.values.shape[0])

    def column(self, item_id: str) -> FloatArray:
        """The answers to one item (read-only view)."""
        try:
            return self.values[:, self.item_ids.index(item_id)]
        except ValueError:
            raise KeyError(item_id) from None

    @classmethod
    def from_columns(
        cls,
        questionnaire: Questionnaire | str,
        *,
        team: ArrayLike,
        answers: Mapping[str, Any],
        unit: ArrayLike | None = None,
        role: ArrayLike | None = None,
        tenure: ArrayLike | None = None,
        comments: Iterable[tuple[str, str]] = (),
    ) -> ResponseData:
        """Build and validate responses from one array per column.

        Parameters
        ----------
        questionnaire : Questionnaire or str
            The instrument, or the id/path understood by
            :func:`analysis.instrument.load_questionnaire`.
        team : array_like of str, shape (n,)
            Team label per respondent; required and non-empty.
        answers : mapping of item id to array_like, shape (n,)
            Raw option values per answer item; NaN or None marks a missing answer. Items
            of the questionnaire that are absent from the mapping are all missing (e.g.
            a form that did not ask them). Background items (role, tenure) are passed as
            ``role``/``tenure``, not here.
        unit : array_like of str, shape (n,), optional
            Unit label per respondent; a team must belong to exactly one unit.
        role : array_like of str, shape (n,), optional
            ``"lead"``, ``"member"`` or ``""``/None for not answered.
        tenure : array_like of str, shape (n,), optional
            A tenure key of the questionnaire or ``""``/None. A role or tenure column
            that is empty in every row counts as absent when the questionnaire has no
            such item (e.g. the pulse asks no tenure).
        comments : iterable of (team, text), optional
            Free-text comments with the team they came from; empty texts are dropped.

        Returns
        -------
        ResponseData

        Raises
        ------
        ValueError
            Naming the argument, the item, the row and the value: unknown item ids, a
            background item in ``answers``, length mismatches, a comment for an unknown
            team; and, as :class:`AnswerError` (with ``field`` and ``row``), a value that
            is not an option of its item, an empty team label, a team in two units, an
            unknown role or tenure key.
        TypeError
            Non-numeric answers.
        """
        return build_responses(
            questionnaire, team=team, answers=answers, unit=unit, role=role, tenure=tenure, comments=comments
        )

    @functools.cached_property
    def teams(self) -> Groups:
        """The team labels encoded as :class:`~analysis.groups.Groups` (sorted labels)."""
        return encode_labels(self.team)

    @functools.cached_property
    def units(self) -> Groups | None:
        """The unit labels encoded as :class:`~analysis.groups.Groups`, or None."""
        return None if self.unit is None else encode_labels(self.unit)


def build_responses(
    questionnaire: Questionnaire | str,
    *,
    team: ArrayLike,
    answers: Mapping[str, Any],
    unit: ArrayLike | None = None,
    role: ArrayLike | None = None,
    tenure: ArrayLike | None = None,
    comments: Iterable[tuple[str, str]] = (),
    team_groups: Groups | None = None,
    unit_groups: Groups | None = None,
) -> ResponseData:
    """:meth:`ResponseData.from_columns`, optionally with the labels already encoded.

    ``team_groups``/``unit_groups`` must encode ``team``/``unit`` exactly (as
    :func:`encode_labels` would); readers that get dictionary-encoded columns for free
    (the CSV reader) pass them to skip a second encoding.
    """
    if not isinstance(questionnaire, Questionnaire):
        questionnaire = load_questionnaire(questionnaire)
    item_ids = answer_items(questionnaire)
    team_arr = _labels(team, "team", None, allow_empty=False)
    n = team_arr.shape[0]
    if not isinstance(answers, Mapping):
        raise TypeError(f"answers: must be a mapping of item id to values, got {type(answers).__name__}")
    unknown = [k for k in answers if k not in item_ids]
    if unknown:
        raise ValueError(
            f"answers: {', '.join(map(repr, unknown))} not an answer item of "
            f"{questionnaire.id} (expected some of {', '.join(item_ids)})"
        )
    # column-major: every consumer reads whole columns
    values = np.empty((len(item_ids), n)).T
    for j, item_id in enumerate(item_ids):
        if item_id in answers:
            values[:, j] = _answer_column(questionnaire, item_id, answers[item_id], n)
        else:
            values[:, j] = np.nan
    values.setflags(write=False)
    teams = team_groups if team_groups is not None else encode_labels(team_arr)
    unit_arr = units = None
    if unit is not None:
        unit_arr = _labels(unit, "unit", n, allow_empty=False)
        units = unit_groups if unit_groups is not None else encode_labels(unit_arr)
        conflict = team_unit_conflict(teams.codes, units.codes)
        if conflict is not None:
            row, first = conflict
            raise AnswerError(
                "unit",
                row,
                f"team {str(team_arr[row])!r} is in unit {str(unit_arr[row])!r} but in unit "
                f"{str(unit_arr[first])!r} in row {first}; a team belongs to exactly one unit",
                other_row=first,
            )
    role_arr = None if role is None else _keys(role, "role", n, _background_keys(questionnaire, "role"))
    tenure_arr = None if tenure is None else _keys(tenure, "tenure", n, _background_keys(questionnaire, "tenure"))
    data = ResponseData(
        questionnaire=questionnaire,
        item_ids=item_ids,
        values=values,
        team=team_arr,
        unit=unit_arr,
        role=role_arr,
        tenure=tenure_arr,
        comments=_comments(comments, set(teams.labels)),
    )
    data.__dict__["teams"] = teams  # fill the cached properties
    data.__dict__["units"] = units
    return data


class AnswerError(ValueError):
    """A value in :meth:`ResponseData.from_columns` is not acceptable.

    Attributes
    ----------
    field : str
        The argument or item id (``"team"``, ``"unit"``, ``"role"``, ``"tenure"`` or an
        item id).
    row : int
        0-based row.
    other_row : int or None
        For a team in two units, a row with the team's other unit.
    """

    def __init__(self, field: str, row: int, problem: str, *, other_row: int | None = None):
        self.field, self.row, self.problem, self.other_row = field, row, problem, other_row
        name = field if field in ("team", "unit", "role", "tenure") else f"answers[{field!r}]"
        super().__init__(f"{name}: row {row}: {problem}")


def encode_labels(labels: StrArray) -> Groups:
    """Encode string labels as :class:`~analysis.groups.Groups` by hashing.

    The same result as :func:`analysis.groups.encode_groups` (labels sorted by code
    point), in linear time: the distinct labels are found with a hash table
    (``pyarrow``'s dictionary encoding) and only they are sorted.
    """
    import pyarrow as pa

    enc = pa.array(labels, type=pa.string()).dictionary_encode()
    distinct = np.asarray(enc.dictionary.to_numpy(zero_copy_only=False), dtype=str)
    order = np.argsort(distinct, kind="stable")
    rank = np.empty(order.size, dtype=np.intp)
    rank[order] = np.arange(order.size)
    codes = rank[enc.indices.to_numpy(zero_copy_only=False)]
    counts = np.bincount(codes, minlength=order.size)
    return Groups(codes=codes, labels=tuple(distinct[order].tolist()), counts=counts)


_NONE = np.array(None, dtype=object)  # element-wise comparison with None


def _answer_column(questionnaire: Questionnaire, item_id: str, column: ArrayLike, n: int) -> FloatArray:
    arr = np.asarray(column)
    if arr.ndim != 1 or arr.shape[0] != n:
        raise ValueError(f"answers[{item_id!r}]: has shape {arr.shape}, expected ({n},)")
    if arr.dtype.kind == "O":
        arr = np.where(np.equal(arr, _NONE), np.nan, arr)
    if arr.dtype.kind not in "biufO":
        raise TypeError(f"answers[{item_id!r}]: must be numeric, got dtype {arr.dtype}")
    try:
        col = arr.astype(np.float64, copy=False)
    except (TypeError, ValueError):
        raise TypeError(f"answers[{item_id!r}]: must be numeric") from None
    allowed = np.array([o.value for o in questionnaire.item(item_id).options or ()], dtype=np.float64)
    ok = np.isnan(col)
    for v in allowed:  # a handful of options: one comparison each
        ok |= col == v
    if not ok.all():
        row = int(np.argmin(ok))
        raise AnswerError(
            item_id,
            row,
            f"value {col[row]:g} is not an option of item {item_id} (allowed: {', '.join(f'{v:g}' for v in allowed)})",
        )
    return col


def _labels(values: ArrayLike, name: str, n: int | None, *, allow_empty: bool) -> StrArray:
    arr = np.asarray(values)
    if arr.ndim != 1:
        raise ValueError(f"{name}: must be one-dimensional, got shape {arr.shape}")
    if n is not None and arr.shape[0] != n:
        raise ValueError(f"{name}: has {arr.shape[0]} entries, expected {n}")
    if arr.dtype.kind == "O":
        missing = np.equal(arr, _NONE)
        if missing.any() and not allow_empty:
            raise AnswerError(name, int(np.argmax(missing)), "missing label")
        arr = np.where(missing, "", arr).astype(str)
    if arr.dtype.kind != "U":
        raise TypeError(f"{name}: labels must be strings, got dtype {arr.dtype}")
    if not allow_empty:
        empty = arr == ""
        if empty.any():
            raise AnswerError(name, int(np.argmax(empty)), "empty label")
    arr = arr.copy()
    arr.setflags(write=False)
    return arr


def _keys(values: ArrayLike, name: str, n: int, keys: tuple[str, ...]) -> StrArray | None:
    """Validated background keys; None when the questionnaire has no such item and no
    row gives one (a form that did not ask it, e.g. the pulse's tenure)."""
    arr = _labels(values, name, n, allow_empty=True)
    if not keys:
        if (arr == "").all():
            return None
        raise AnswerError(name, int(np.argmax(arr != "")), f"the questionnaire has no {name} item")
    ok = arr == ""
    for key in keys:
        ok |= arr == key
    if not ok.all():
        row = int(np.argmin(ok))
        raise AnswerError(name, row, f"{str(arr[row])!r} is not one of {', '.join(keys)} (or empty)")
    return arr


def team_unit_conflict(team_codes: IntArray, unit_codes: IntArray) -> tuple[int, int] | None:
    """First row whose team already belongs to another unit, as ``(row, first_row)``
    where ``first_row`` is the team's first row; None when every team has one unit.

    ``team_codes`` and ``unit_codes`` are integer codes (:func:`encode_labels`).
    """
    if team_codes.shape[0] == 0:
        return None
    unit_of_team = np.empty(int(team_codes.max()) + 1, dtype=unit_codes.dtype)
    unit_of_team[team_codes[::-1]] = unit_codes[::-1]  # the last write is the first row
    conflict = unit_codes != unit_of_team[team_codes]
    if not conflict.any():
        return None
    row = int(np.argmax(conflict))
    first = int(np.argmax(team_codes == team_codes[row]))
    return row, first


def _comments(comments: Iterable[tuple[str, str]], known: set[str]) -> tuple[tuple[str, str], ...]:
    pairs = []
    for i, entry in enumerate(comments):
        try:
            t, text = entry
        except (TypeError, ValueError):
            raise ValueError(f"comments: entry {i} must be a (team, text) pair") from None
        if not isinstance(text, str) or not isinstance(t, str):
            raise TypeError(f"comments: entry {i}: team and text must be strings")
        if t not in known:
            raise ValueError(f"comments: entry {i}: team {t!r} has no respondents")
        text = text.strip()
        if text:
            pairs.append((t, text))
    return tuple(pairs)
