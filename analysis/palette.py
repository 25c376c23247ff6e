"""The colours of findings and scores: one source for the dashboard's figures
(:mod:`analysis.figures`) and every report format (:mod:`app.reports.common`), so that a
finding has the same colour wherever it is shown. Labels always carry the meaning too."""

from __future__ import annotations

from types import MappingProxyType

#: Fill per perception-vs-structure finding (docs/methodology.md).
FINDING_COLORS = MappingProxyType(
    {
        "divided": "#fdd49e",
        "anchored_strength": "#5aae61",
        "structural_gap": "#d6604d",
        "proclaimed_not_anchored": "#b2abd2",
        "unseen_structure": "#92c5de",
        "mixed": "#f2f0e6",
        "not_precise": "#ffffff",
    }
)

#: Low end, middle and high end of the 0–100 score scale (ColorBrewer RdBu).
SCALE = ("#d6604d", "#f7f7f7", "#4393c3")

#: Bars of perception and of structure (structure hatched in ``STRUCTURE_HATCH`` so that
#: the two stay apart in black and white), as on the dashboard.
PERCEPTION_COLOR = "#92c5de"
STRUCTURE_COLOR = "#fddbc7"
STRUCTURE_HATCH = "#b2182b"
