"""The decision register against the answers: state probabilities (against R), the
verdicts, suppression per decision type and the simulator's truth."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from analysis.decisions import (
    DONT_KNOW,
    NOT_DECIDED,
    STATES,
    answer_classes,
    diagnose_decisions,
    state_probabilities,
    tally,
)
from analysis.simulate_decisions import decision_error_rates, simulate_decisions

FIXTURE = Path(__file__).parent.parent / "fixtures" / "r" / "decisions.json"


def _cases():
    return json.loads(FIXTURE.read_text())["cases"]


@pytest.mark.parametrize("case", _cases(), ids=lambda c: "-".join(map(str, c["counts"])))
def test_state_probabilities_match_r(case):
    p = state_probabilities(np.array(case["counts"]))
    # 64-point Gauss–Legendre against R's adaptive quadrature to 1e-12
    np.testing.assert_allclose(p, case["exact"], atol=5e-6)
    # the closed form against R's simulation of the full Dirichlet posterior
    exact = np.clip(case["exact"], 0.0, 1.0)
    se = np.sqrt(exact * (1 - exact) / 400_000)
    assert np.all(np.abs(np.array(case["mc"]) - case["exact"]) <= 5 * se + 1e-9)
    assert p.sum() == pytest.approx(1.0)


def test_state_probabilities_are_vectorized_over_any_shape():
    counts = np.array([[[5, 0, 0, 0], [0, 5, 0, 0]], [[1, 1, 1, 2], [0, 0, 0, 0]]])
    p = state_probabilities(counts)
    assert p.shape == (2, 2, 4)
    np.testing.assert_allclose(p[1, 0], state_probabilities(np.array([1, 1, 1, 2])))
    # symmetric in designed and above; no answers gives the prior, the same for every cell
    np.testing.assert_allclose(p[0, 0, [0, 1]], p[0, 1, [1, 0]])


def test_answer_classes_by_hand():
    answers = [[0, 1, 2, 3, DONT_KNOW, -1], [3, 3, 0, 1, 2, 0]]
    designed = [[0, 0, 3, 3, 1, 1], [2, NOT_DECIDED, NOT_DECIDED, 3, 3, 0]]
    assert answer_classes(answers, designed).tolist() == [[0, 1, 2, 0, 3, -1], [1, 1, 2, 2, 2, 0]]


def test_tally_counts_by_hand():
    classes = np.array([[0, 1], [0, -1], [3, 1], [2, 2]])
    counts = tally(classes, [0, 0, 1, 1], 2)
    assert counts[0].tolist() == [[2, 0, 0, 0], [0, 1, 0, 0]]
    assert counts[1].tolist() == [[0, 0, 1, 1], [0, 1, 1, 0]]


def _org(teams=4, size=6, decisions=2, answer=0):
    designed = np.zeros((teams, decisions), np.int64)
    team = np.repeat(np.arange(teams), size)
    answers = np.full((teams * size, decisions), answer)
    return designed, team, answers


def test_unanimous_teams_get_clear_verdicts():
    designed, team, answers = _org(size=20)
    answers[team == 1, 0] = 2  # everyone in team 1 escalates decision 0
    answers[team == 2, 0] = DONT_KNOW
    answers[(team == 3), 0] = np.repeat([0, 2], 10)  # split in half (at 3 + 3 not yet precise)
    r = diagnose_decisions(answers, team, designed, k=5, decisions=["a", "b"])
    assert r.team["verdict"][:, 0].tolist() == [
        "as_designed",
        "escalation_beyond_design",
        "designed_not_known",
        "contested",
    ]
    assert r.team["verdict"][:, 1].tolist() == ["as_designed"] * 4
    assert r.team["knowledge"][:, 0].tolist() == [1.0, 0.0, 0.0, 0.5]
    assert np.all(r.team["probability"][:, 1] > 0.9)
    assert r.org["n"].tolist() == [80, 80]
    assert r.to_dict()["decisions"] == ["a", "b"]


def test_undecided_cells_say_no_design_and_stay_out_of_aggregates():
    designed, team, answers = _org()
    designed[2, 0] = NOT_DECIDED
    r = diagnose_decisions(answers, team, designed, k=5)
    assert r.team["verdict"][2, 0] == "no_design"
    assert np.isnan(r.team["probability"][2, 0]) and np.isnan(r.team["knowledge"][2, 0])
    assert r.team["n"][2, 0] == 6  # what its members assume is still shown
    assert r.org["n"][0] == 18  # … but enters no aggregate
    designed[:, 1] = NOT_DECIDED
    r = diagnose_decisions(answers, team, designed, k=5)
    assert r.org["verdict"][1] == "no_design"


def test_edge_cases_one_person_constant_and_missing():
    designed = np.zeros((1, 3), np.int64)
    # n = 1 (below k): hidden
    r = diagnose_decisions([[0, 0, 0]], [0], designed, k=5)
    assert r.team["verdict"].tolist() == [["hidden"] * 3] and r.team["n"].tolist() == [[0, 0, 0]]
    # with k = 1 a single answer is not precise
    r = diagnose_decisions([[0, DONT_KNOW, 2]], [0], designed, k=1)
    assert r.team["verdict"].tolist() == [["not_precise"] * 3]
    # every answer missing for a decision: nothing to show for it
    answers = np.zeros((6, 3), np.int64)
    answers[:, 2] = -1
    r = diagnose_decisions(answers, np.zeros(6, np.int64), designed, k=5)
    assert r.team["verdict"][0].tolist() == ["as_designed", "as_designed", "hidden"]
    assert np.isnan(r.team["knowledge"][0, 2])


def test_a_decision_answered_by_fewer_than_k_is_hidden_even_in_a_released_team():
    designed, team, answers = _org(teams=2, size=6)
    answers[team == 0, 1][:2] = -1
    answers[np.flatnonzero(team == 0)[:2], 1] = -1  # only 4 of team 0 answered decision 1
    r = diagnose_decisions(answers, team, designed, k=5, team_unit=[0, 0], n_units=1)
    assert r.team["verdict"][0, 1] == "hidden" and r.team["verdict"][0, 0] == "as_designed"
    # … and its partner is hidden with it, so the unit minus team 1 does not reveal it
    assert r.team["verdict"][1, 1] == "hidden"


@pytest.mark.parametrize("seed", range(20))
def test_no_hidden_cell_can_be_recovered_by_subtraction(seed):
    rng = np.random.default_rng(seed)
    teams, units, k = 12, 3, 5
    designed = rng.integers(0, 4, size=(teams, 3))
    designed[rng.random((teams, 3)) < 0.15] = NOT_DECIDED
    sizes = rng.integers(1, 10, size=teams)
    team = np.repeat(np.arange(teams), sizes)
    answers = rng.integers(0, 5, size=(len(team), 3))
    answers[rng.random(answers.shape) < 0.15] = -1
    team_unit = np.arange(teams) % units
    main_hidden = rng.random(teams) < 0.1
    r = diagnose_decisions(answers, team, designed, k=k, team_unit=team_unit, n_units=units, team_hidden=main_hidden)
    decided = designed != NOT_DECIDED
    t_vis = r.team["visible"]
    assert not np.any(t_vis & main_hidden[:, None] & decided)
    assert np.all(r.team["n"][t_vis] >= k) and np.all(r.team["n"][~t_vis] == 0)
    true_n = tally(answer_classes(answers, designed[team]), team, teams).sum(axis=-1)
    for d in range(3):
        for u in range(units):
            members = (team_unit == u) & decided[:, d]
            unit_shown = r.unit["visible"][u, d]
            rest = true_n[members & ~t_vis[:, d], d].sum()
            if unit_shown:  # unit minus its shown teams is nothing or at least k answers
                assert rest == 0 or rest >= k
        if r.org["n"][d] > 0:
            rest = true_n[decided[:, d] & ~t_vis[:, d], d].sum()
            assert rest == 0 or rest >= k
            unit_rest = r.org["n"][d] - r.unit["n"][:, d].sum()
            assert unit_rest == 0 or unit_rest >= k


def test_simulated_truth_follows_the_planted_kinds():
    w = simulate_decisions(np.random.default_rng(3), teams=40, team_size=12, scenario="planted")
    assert set(np.unique(w.truth)) <= {-1, 0, 1, 2, 3}
    assert (w.truth == -1).tolist() == (w.designed == NOT_DECIDED).tolist()
    assert all((w.truth == i).sum() > 0 for i in range(len(STATES)))
    assert w.answers.shape == (480, 6) and np.all(w.answers <= DONT_KNOW)
    null = simulate_decisions(np.random.default_rng(3), teams=40, team_size=12, scenario="null")
    assert (null.truth == 0).mean() > 0.7


def test_error_rates_on_null_and_planted_data():
    null = decision_error_rates("null", team_size=12, replications=5)
    assert null["false_label"] < 0.03
    planted = decision_error_rates("planted", team_size=20, replications=5)
    assert planted["recovery"]["escalation_beyond_design"] > 0.6
    assert planted["recovery"]["designed_not_known"] > 0.6
    assert planted["wrong_label"] < 0.06
    with pytest.raises(ValueError, match="scenario"):
        decision_error_rates("bogus", team_size=5, replications=1)
