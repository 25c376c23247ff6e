"""The perception model with an acquiescence factor in one group (analysis.acquiescence),
against lavaan, and on realistic simulated version-2 answers."""

import json
from pathlib import Path

import numpy as np
import pytest

from analysis.acquiescence import acquiescence_fit
from analysis.factor import cfa
from test_invariance import MODEL, NAMES, STYLE, _read

R = Path(__file__).resolve().parents[1] / "fixtures" / "r"


def test_matches_lavaan():
    """χ², CFI, TLI, RMSEA, SRMR and the factor's variance as lavaan 0.6-14 gives them
    (lavaan_acquiescence.json, tests/fixtures/r/invariance.R)."""
    ref = json.loads((R / "lavaan_acquiescence.json").read_text())
    x, _ = _read("lavaan_invariance_style_input.csv")
    fit = acquiescence_fit(x, MODEL, STYLE, names=NAMES)
    started = acquiescence_fit(x, MODEL, STYLE, names=NAMES, plain=cfa(x, MODEL, names=NAMES))
    assert started.chisq == pytest.approx(fit.chisq, rel=1e-9)  # the plain fit as start: the same optimum
    assert fit.converged and fit.n_obs == ref["n"] and fit.df == ref["df"]
    assert fit.chisq == pytest.approx(ref["chisq"], rel=1e-7)
    assert fit.pvalue == pytest.approx(ref["pvalue"], rel=1e-6)
    for key in ("cfi", "tli", "rmsea", "srmr"):
        assert getattr(fit, key) == pytest.approx(ref[key], abs=1e-7), key
    assert fit.variance == pytest.approx(ref["variance"], rel=1e-5)
    assert fit.acceptable


def test_missing_answers_are_left_out_and_bad_input_is_refused():
    x, _ = _read("lavaan_invariance_style_input.csv")
    holes = x.copy()
    holes[:10, 0] = np.nan
    assert acquiescence_fit(holes, MODEL, STYLE, names=NAMES).n_obs == len(x) - 10
    with pytest.raises(ValueError, match="loading"):
        acquiescence_fit(x, MODEL, {"d1": 1.0}, names=NAMES)
    with pytest.raises(ValueError, match="complete answer sets"):
        acquiescence_fit(x[:9], MODEL, STYLE, names=NAMES)
    with pytest.raises(ValueError, match="vary"):
        acquiescence_fit(np.tile(x[:1], (50, 1)), MODEL, STYLE, names=NAMES)
