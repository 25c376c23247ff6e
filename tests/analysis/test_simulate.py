"""The simulator: determinism, validity, planted patterns and scale."""

import time

import numpy as np
import pytest

from analysis.instrument import load_questionnaire
from analysis.simulate import PATTERNS, simulate, simulate_responses


def test_same_seed_same_data_and_other_seed_other_data():
    a = simulate(respondents=500, teams=30, units=3, seed=4)
    b = simulate(respondents=500, teams=30, units=3, seed=4)
    c = simulate(respondents=500, teams=30, units=3, seed=5)
    assert np.array_equal(a.data.values, b.data.values, equal_nan=True)
    assert a.planted == b.planted and a.data.comments == b.data.comments
    assert not np.array_equal(a.data.values, c.data.values, equal_nan=True)


def test_shape_labels_and_background():
    sim = simulate(respondents=2000, teams=100, units=4, seed=1)
    d = sim.data
    assert d.n == 2000 and len(np.unique(d.team)) == 100 and len(np.unique(d.unit)) == 4
    assert set(np.unique(d.role)) <= {"lead", "member", ""}
    assert (d.role == "lead").sum() >= 90
    assert set(np.unique(d.tenure)) <= {"", "lt1", "y1_3", "y3_10", "gt10"}
    missing = np.isnan(d.values).mean()
    assert 0.01 < missing < 0.05
    assert 0.05 < len(d.comments) / d.n < 0.11


def test_every_pattern_is_planted_and_small_teams_are_small():
    sim = simulate(respondents=2000, teams=100, seed=2)
    for pattern in PATTERNS:
        assert len(sim.teams_with(pattern)) == 1
    small = sim.teams_with("small")
    assert len(small) == 5
    labels, counts = np.unique(sim.data.team, return_counts=True)
    size = dict(zip(labels.tolist(), counts.tolist()))
    assert all(size[t] < 5 for t in small)
    assert all(size[t] >= 10 for p in PATTERNS for t in sim.teams_with(p))


def test_structure_dont_know_option_is_used():
    d = simulate_responses(respondents=3000, teams=60, seed=3)
    q = d.questionnaire
    dk = next(o.value for o in q.item("dir_s1").options if o.dont_know)
    assert (d.column("dir_s1") == dk).mean() > 0.03


def test_pulse_form_and_tiny_inputs():
    d = simulate_responses("aligned-autonomy-pulse-v1", respondents=50, teams=5, seed=0)
    assert d.item_ids == tuple(
        i.id for i in load_questionnaire("aligned-autonomy-pulse-v1").items if i.kind not in ("background", "comment")
    )
    assert d.tenure is None
    one = simulate(respondents=1, teams=1)
    assert one.data.n == 1
    few = simulate(respondents=10, teams=10)
    assert len(np.unique(few.data.team)) == 10


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(respondents=5, teams=10), "respondents: 5 are too few for 10 teams"),
        (dict(respondents=0, teams=1), "respondents: must be a positive integer"),
        (dict(respondents=10, teams=2, units=3), r"units: must be an integer from 1 to teams \(2\)"),
    ],
)
def test_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        simulate(**kwargs)


def test_is_vectorized():
    t0 = time.perf_counter()
    d = simulate_responses(respondents=200_000, teams=10_000, units=100, seed=0)
    assert d.n == 200_000
    assert time.perf_counter() - t0 < 15  # about 1 s on a 2-core machine


def test_precomputed_label_codes_match_a_fresh_encoding():
    from analysis.responses import encode_labels

    d = simulate_responses(respondents=3000, teams=150, units=12, seed=6)
    for given, fresh in ((d.teams, encode_labels(d.team)), (d.units, encode_labels(d.unit))):
        assert given.labels == fresh.labels
        assert np.array_equal(given.codes, fresh.codes) and np.array_equal(given.counts, fresh.counts)
