"""The respondents x items container that every consumer of the engine shares.

:class:`ResponseData` holds raw answers (the option *values* of the questionnaire, not
scores), the team of every respondent, optionally its unit, role and tenure band, and
the free-text comments detached from the rows. It is built either from columns
(:meth:`ResponseData.from_columns`, used by the survey service and the simulator) or
from a CSV file (:func:`analysis.csv_input.read_responses_csv`). Both validate every
value against the questionnaire, so that downstream code can trust the matrix.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from analysis.instrument import Questionnaire, load_questionnaire

__all__ = ["ResponseData", "ANSWER_KINDS", "answer_items", "team_unit_conflict"]

#: Item kinds that go into the answer matrix (items with options that are not background).
ANSWER_KINDS = ("perception", "structure", "misconception", "outcome")


def answer_items(questionnaire: Questionnaire) -> tuple[str, ...]:
    """Ids of the items that form the columns of :attr:`ResponseData.values`, in file order."""
    return tuple(it.id for it in questionnaire.items if it.kind in ANSWER_KINDS)


def _background_keys(questionnaire: Questionnaire, background: str) -> tuple[str, ...]:
    for it in questionnaire.items:
        if it.kind == "background" and it.background == background:
            return tuple(o.key for o in it.options)
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
    item_ids: tuple
    values: np.ndarray
    team: np.ndarray
    unit: np.ndarray | None = None
    role: np.ndarray | None = None
    tenure: np.ndarray | None = None
    comments: tuple = ()

    @property
    def n(self) -> int:
        """Number of respondents."""
        return int(self.values.shape[0])

    def column(self, item_id: str) -> np.ndarray:
        """The answers to one item (read-only view)."""
        try:
            return self.values[:, self.item_ids.index(item_id)]
        except ValueError:
            raise KeyError(item_id) from None

    @classmethod
    def from_columns(
        cls,
        questionnaire,
        *,
        team,
        answers: Mapping,
        unit=None,
        role=None,
        tenure=None,
        comments=(),
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
            A tenure key of the questionnaire or ``""``/None.
        comments : iterable of (team, text), optional
            Free-text comments with the team they came from; empty texts are dropped.

        Returns
        -------
        ResponseData

        Raises
        ------
        ValueError
            Naming the argument, the item, the row and the value: unknown item ids, a
            background item in ``answers``, length mismatches, a value that is not an
            option of its item, an empty team label, a team in two units, an unknown
            role or tenure key, a comment for an unknown team.
        TypeError
            Non-numeric answers.
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
        values = np.full((n, len(item_ids)), np.nan)
        for j, item_id in enumerate(item_ids):
            if item_id in answers:
                values[:, j] = _answer_column(questionnaire, item_id, answers[item_id], n)
        values.setflags(write=False)
        unit_arr = None if unit is None else _labels(unit, "unit", n, allow_empty=False)
        if unit_arr is not None:
            check_team_units(team_arr, unit_arr)
        role_arr = None if role is None else _keys(role, "role", n, _background_keys(questionnaire, "role"))
        tenure_arr = None
        if tenure is not None:
            tenure_arr = _keys(tenure, "tenure", n, _background_keys(questionnaire, "tenure"))
        return cls(
            questionnaire=questionnaire,
            item_ids=item_ids,
            values=values,
            team=team_arr,
            unit=unit_arr,
            role=role_arr,
            tenure=tenure_arr,
            comments=_comments(comments, team_arr),
        )


def _answer_column(questionnaire: Questionnaire, item_id: str, column, n: int) -> np.ndarray:
    arr = np.asarray(column)
    if arr.ndim != 1 or arr.shape[0] != n:
        raise ValueError(f"answers[{item_id!r}]: has shape {arr.shape}, expected ({n},)")
    if arr.dtype.kind == "O":
        arr = np.where(np.equal(arr, None), np.nan, arr)
    if arr.dtype.kind not in "biufO":
        raise TypeError(f"answers[{item_id!r}]: must be numeric, got dtype {arr.dtype}")
    try:
        col = arr.astype(np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"answers[{item_id!r}]: must be numeric") from None
    allowed = np.array([o.value for o in questionnaire.item(item_id).options], dtype=float)
    bad = ~np.isnan(col) & ~np.isin(col, allowed)
    if bad.any():
        row = int(np.argmax(bad))
        raise ValueError(
            f"answers[{item_id!r}]: row {row}: value {col[row]:g} is not an option of item "
            f"{item_id} (allowed: {', '.join(f'{v:g}' for v in allowed)})"
        )
    return col


def _labels(values, name: str, n: int | None, *, allow_empty: bool) -> np.ndarray:
    arr = np.asarray(values)
    if arr.ndim != 1:
        raise ValueError(f"{name}: must be one-dimensional, got shape {arr.shape}")
    if n is not None and arr.shape[0] != n:
        raise ValueError(f"{name}: has {arr.shape[0]} entries, expected {n}")
    if arr.dtype.kind == "O":
        missing = np.equal(arr, None)
        if missing.any() and not allow_empty:
            raise ValueError(f"{name}: row {int(np.argmax(missing))}: missing label")
        arr = np.where(missing, "", arr)
    if arr.dtype.kind not in "UO":
        raise TypeError(f"{name}: labels must be strings, got dtype {arr.dtype}")
    arr = arr.astype(str)
    if not allow_empty and arr.shape[0]:
        empty = np.char.str_len(arr) == 0
        if empty.any():
            raise ValueError(f"{name}: row {int(np.argmax(empty))}: empty label")
    arr.setflags(write=False)
    return arr


def _keys(values, name: str, n: int, keys: tuple) -> np.ndarray:
    if not keys:
        raise ValueError(f"{name}: the questionnaire has no {name} item")
    arr = _labels(values, name, n, allow_empty=True)
    bad = ~np.isin(arr, np.array(("",) + keys))
    if bad.any():
        row = int(np.argmax(bad))
        raise ValueError(
            f"{name}: row {row}: {str(arr[row])!r} is not one of {', '.join(keys)} (or empty)"
        )
    return arr


def team_unit_conflict(team: np.ndarray, unit: np.ndarray):
    """First row whose team already belongs to another unit, as ``(row, first_row)``
    where ``first_row`` is the team's first row; None when every team has one unit."""
    if team.shape[0] == 0:
        return None
    _, first_row, team_codes = np.unique(team, return_index=True, return_inverse=True)
    _, unit_codes = np.unique(unit, return_inverse=True)
    team_codes, unit_codes = team_codes.reshape(-1), unit_codes.reshape(-1)
    # the unit of a team's first row; every other row of that team must agree with it
    first = first_row[team_codes]
    conflict = unit_codes != unit_codes[first]
    if not conflict.any():
        return None
    row = int(np.argmax(conflict))
    return row, int(first[row])


def check_team_units(team: np.ndarray, unit: np.ndarray) -> None:
    """Raise ``ValueError`` naming the first row whose team already belongs to another unit."""
    conflict = team_unit_conflict(team, unit)
    if conflict is not None:
        row, first = conflict
        raise ValueError(
            f"unit: row {row}: team {str(team[row])!r} is in unit {str(unit[row])!r} but in unit "
            f"{str(unit[first])!r} in row {first}; a team belongs to exactly one unit"
        )


def _comments(comments, team: np.ndarray) -> tuple:
    pairs = []
    known = set(np.unique(team).tolist())
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
