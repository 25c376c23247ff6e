"""What the figures (:mod:`analysis.figures`) share: argument checks, the plain figure
dictionary, the font, and the names of a diagnosis' dimensions and misconceptions.

Part of :mod:`analysis.figures`.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING, Any

import numpy as np
import plotly.graph_objects as go
from numpy.typing import ArrayLike

from analysis.figures_text import LANGS
from analysis.instrument import DIMENSIONS, Questionnaire, QuestionnaireError, load_questionnaire

if TYPE_CHECKING:
    from analysis.diagnosis_result import Diagnosis

__all__ = [
    "FONT",
    "check_choice",
    "check_int",
    "plain",
    "finish",
    "instrument",
    "misconception_names",
    "dim_names",
]

#: Font of every figure.
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"


def check_choice(name: str, value: object, allowed: Collection[object]) -> None:
    """``ValueError`` unless ``value`` is one of ``allowed``."""
    if value not in allowed:
        raise ValueError(f"{name}: must be one of {', '.join(map(repr, allowed))}, got {value!r}")


def check_int(name: str, value: object, low: int) -> None:
    """``ValueError`` unless ``value`` is an integer (not a bool) of at least ``low``."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
        raise ValueError(f"{name}: must be an integer >= {low}, got {value!r}")


def plain(a: ArrayLike) -> list[Any]:
    """Nested lists of Python values for plotly; floats to 3 decimals (colour positions,
    never shown), NaN → None, object None → ""."""
    values = np.asarray(a)
    if values.dtype.kind == "f":
        values = np.where(np.isfinite(values), np.round(values, 3), np.array(None))
    elif values.dtype.kind == "O":
        values = np.where(values == None, "", values)  # noqa: E711 (element-wise)
    out: list[Any] = values.tolist()
    return out


def finish(spec: dict[str, Any], as_dict: bool) -> go.Figure | dict[str, Any]:
    """The figure: its plain dictionary, or (validated by plotly) a ``Figure``."""
    return spec if as_dict else go.Figure(spec)


def instrument(qid: str, version: int) -> Questionnaire | None:
    """The bundled questionnaire of a diagnosis, if it is one (for names and thresholds)."""
    try:
        q = load_questionnaire(qid)
    except (QuestionnaireError, OSError):
        return None
    return q if q.version == version else None


def misconception_names(diagnosis: Diagnosis, *, lang: str = "en") -> dict[str, str]:
    """Display names of the misconceptions of a diagnosis.

    The :class:`~analysis.diagnosis.Diagnosis` does not carry the names, so they are
    taken from the bundled questionnaire of the same id and version; otherwise the id is
    shown in readable form (``"granted_autonomy"`` → ``"Granted autonomy"``).

    Parameters
    ----------
    diagnosis : Diagnosis
    lang : {'en', 'de'}

    Returns
    -------
    dict
        Misconception id → name (plain text, not escaped).
    """
    check_choice("lang", lang, LANGS)
    q = instrument(diagnosis.questionnaire["id"], diagnosis.questionnaire["version"])
    names = q.misconceptions if q is not None else {}
    return {
        m: names[m][lang] if m in names else m.replace("_", " ").capitalize() for m in diagnosis.teams.misconceptions
    }


def dim_names(diagnosis: Diagnosis, lang: str) -> list[str]:
    """The names of the three dimensions in ``lang``, in the order of ``DIMENSIONS``."""
    return [diagnosis.dimensions[d]["name"][lang] for d in DIMENSIONS]
