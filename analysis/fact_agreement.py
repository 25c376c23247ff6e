"""Agreement of a team's openly stated facts with its members' released answers
(docs/methodology.md §18, "Team fact sheet").

Each compared fact has a structure item that asks the members the same thing; the
members' figure is the share of the team answering that the fact holds, read from the
item's *released* distribution (:mod:`analysis.items`), so a cell that k or the
complementary suppression hides yields no figure and no label.
"""

from __future__ import annotations

import numpy as np

from analysis.items import ItemResults

__all__ = ["FACTS", "MAJORITY", "agreement"]

#: Each compared fact, the structure item it is compared with and the option values of
#: that item that state the same fact ("it exists" / "at least quarterly").
FACTS = (
    ("goals_written", "dir_s4", (1, 2)),
    ("decision_record", "fb_s2", (1, 2)),
    ("reviewed_quarterly", "fb_s1", (1, 2)),
)
#: Members agree with a "yes" when at least this share of them say so (and with a "no" below it).
MAJORITY = 0.5


def agreement(items: ItemResults | None, labels: list[str], stated: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per team (``labels``) and compared fact: the members' share answering that the fact
    holds (NaN where the item's cell is not released) and the state — ``agree``,
    ``disagree``, ``not_shown`` (no released member figure), ``not_asked`` (the
    questionnaire lacks the item) or ``no_sheet`` (``stated`` NaN). Computed from
    released distributions only, for all teams at once."""
    T, F = len(labels), len(FACTS)
    share = np.full((T, F), np.nan)
    ids = [q["id"] for q in items.questions] if items is not None else []
    asked = np.array([items is None or item in ids for _, item, _ in FACTS])
    if items is not None and T:
        row = {lab: i for i, lab in enumerate(items.teams.labels)}
        cols = [ids.index(item) if item in ids else -1 for _, item, _ in FACTS]
        width = items.teams.distribution.shape[2]
        same = np.zeros((F, width))
        for j, ((_, _, yes), c) in enumerate(zip(FACTS, cols)):  # a handful of facts
            if c >= 0:
                values = [o["value"] for o in items.questions[c]["options"]]
                same[j, [values.index(v) for v in yes]] = 1.0
        rows = np.array([row[lab] for lab in labels], dtype=np.intp)
        dist = items.teams.distribution[rows][:, np.maximum(cols, 0), :]  # (T, F, O), NaN when hidden
        visible = ~np.asarray(items.teams.suppressed, bool)[rows][:, None] & (np.array(cols) >= 0)[None, :]
        share = np.where(visible, (dist * same[None]).sum(axis=2), np.nan)
    state = np.where(
        np.isnan(stated),
        "no_sheet",
        np.where(
            ~asked[None, :],
            "not_asked",
            np.where(
                np.isnan(share), "not_shown", np.where((share >= MAJORITY) == (stated == 1.0), "agree", "disagree")
            ),
        ),
    )
    return share, state
