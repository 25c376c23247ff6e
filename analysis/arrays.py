"""Array types of the statistics library (numpy's typing), for annotations only.

Any float precision, any integer width: the library computes in float64 and int64/intp,
but accepts what numpy hands it (``np.bincount`` gives intp, ``np.unique`` int64).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["BoolArray", "FloatArray", "IntArray", "ObjectArray", "StrArray"]

#: Floating-point values (float64 in practice).
FloatArray = NDArray[np.floating[Any]]
#: Integer values: counts, group codes, indices.
IntArray = NDArray[np.integer[Any]]
#: Flags: masks, verdicts.
BoolArray = NDArray[np.bool_]
#: Python objects: reasons, mixed values.
ObjectArray = NDArray[np.object_]
#: Unicode strings: team, unit, role and tenure labels.
StrArray = NDArray[np.str_]
