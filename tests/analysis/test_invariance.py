"""Measurement invariance (analysis.invariance) against lavaan, and on simulated data."""

import csv
import json
from pathlib import Path

import numpy as np
import pytest

from analysis.invariance import MIN_GROUP_SIZE, measurement_invariance

R = Path(__file__).resolve().parents[1] / "fixtures" / "r"
NAMES = ["d1", "d2", "d3", "r1", "r2", "r3", "f1", "f2", "f3"]
MODEL = {"direction": NAMES[:3], "rights": NAMES[3:6], "feedback": NAMES[6:]}


def _read(name):
    rows = list(csv.DictReader((R / name).open()))
    return np.array([[float(r[n]) for n in NAMES] for r in rows]), [r["group"] for r in rows]


#: The acquiescence factor of lavaan_invariance_style: +1 on the items as answered, −1 on
#: the recoded reverse-keyed third item of each factor.
STYLE = {n: -1.0 if n.endswith("3") else 1.0 for n in NAMES}


@pytest.mark.parametrize(
    "stem, style",
    [("lavaan_invariance", None), ("lavaan_invariance_misfit", None), ("lavaan_invariance_style", STYLE)],
)
def test_matches_lavaan(stem, style):
    """χ² to 1e-7 (relative), df exactly, CFI and RMSEA to 1e-8 (lavaan 0.6-14), with and
    without an acquiescence factor."""
    ref = json.loads((R / f"{stem}.json").read_text())
    x, g = _read(f"{stem}_input.csv")
    res = measurement_invariance(x, g, MODEL, names=NAMES, min_group_size=200, response_style=style)
    assert res.estimable and list(res.groups) == ref["groups"] and list(res.n) == ref["n"]
    for fit in res.fits:
        want = ref[fit.level]
        assert fit.converged
        assert fit.chisq == pytest.approx(want["chisq"], rel=1e-7)
        assert fit.df == want["df"]
        assert fit.pvalue == pytest.approx(want["pvalue"], rel=1e-6)
        assert fit.cfi == pytest.approx(want["cfi"], abs=1e-8)
        assert fit.rmsea == pytest.approx(want["rmsea"], abs=1e-8)


def test_levels_and_decisions():
    x, g = _read("lavaan_invariance_input.csv")
    res = measurement_invariance(x, g, MODEL, names=NAMES, min_group_size=200)
    configural, metric, scalar = res.fits
    assert configural.supported is None and metric.supported is True
    assert scalar.supported is False and scalar.delta_rmsea > 0.015  # the planted intercept shift
    assert res.highest == "metric"
    assert metric.delta_df == 6 and scalar.delta_df == 6
    assert res.to_dict()["min_group_size"] == MIN_GROUP_SIZE


def test_result_does_not_depend_on_row_order():
    x, g = _read("lavaan_invariance_input.csv")
    order = np.random.default_rng(1).permutation(len(g))
    a = measurement_invariance(x, g, MODEL, names=NAMES, min_group_size=200)
    b = measurement_invariance(x[order], np.asarray(g)[order], MODEL, names=NAMES, min_group_size=200)
    for fa, fb in zip(a.fits, b.fits):
        assert fa.chisq == pytest.approx(fb.chisq, rel=1e-8)


def test_small_groups_single_group_and_constant_answers_are_not_estimable():
    x, g = _read("lavaan_invariance_input.csv")
    res = measurement_invariance(x, g, MODEL, names=NAMES)  # groups of 260 and 310, threshold 200
    assert res.estimable
    small = measurement_invariance(x[:300], g[:300], MODEL, names=NAMES)  # 260 + 40
    assert not small.estimable and "200" in small.reason["en"] and small.fits == ()
    one = measurement_invariance(x, ["all"] * len(g), MODEL, names=NAMES)
    assert not one.estimable
    const = x.copy()
    const[:, 0] = 3.0
    flat = measurement_invariance(const, g, MODEL, names=NAMES, min_group_size=200)
    assert not flat.estimable and "vary" in flat.reason["en"]


def test_missing_answers_are_left_out_listwise():
    x, g = _read("lavaan_invariance_input.csv")
    y = x.copy()
    y[0, 2] = np.nan
    res = measurement_invariance(y, g, MODEL, names=NAMES, min_group_size=200)
    assert sum(res.n) == len(g) - 1


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(names=NAMES[:3]), "names: 3 names for 9 columns"),
        (dict(model={"a": ["zz", "d1", "d2"]}), "model: items"),
    ],
)
def test_invalid_input(kwargs, message):
    x, g = _read("lavaan_invariance_input.csv")
    args = dict(names=NAMES) | kwargs
    with pytest.raises(ValueError, match=message):
        measurement_invariance(x, g, args.pop("model", MODEL), **args)


def test_acquiescence_left_out_of_the_model_shows_as_misfit():
    """On answers with acquiescence and reverse-keyed items, the model without the
    response-style factor fits worse at every level (the pattern that made invariance
    fail on realistic version-2 data)."""
    x, g = _read("lavaan_invariance_style_input.csv")
    plain = measurement_invariance(x, g, MODEL, names=NAMES, min_group_size=200)
    styled = measurement_invariance(x, g, MODEL, names=NAMES, min_group_size=200, response_style=STYLE)
    assert styled.highest == "scalar"
    for a, b in zip(plain.fits, styled.fits):
        assert a.cfi < b.cfi - 0.02 and a.rmsea > b.rmsea


def test_the_response_style_needs_a_loading_for_every_item():
    x, g = _read("lavaan_invariance_style_input.csv")
    with pytest.raises(ValueError, match="response_style"):
        measurement_invariance(x, g, MODEL, names=NAMES, min_group_size=200, response_style={"d1": 1.0})
