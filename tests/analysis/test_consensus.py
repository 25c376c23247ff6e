"""Consensus on the top priority (analysis.consensus, docs/methodology.md §19)."""

import csv
import json
from pathlib import Path

import numpy as np
import pytest

from analysis.consensus import pair_agreement, priority_consensus

R = Path(__file__).resolve().parents[1] / "fixtures" / "r"


def _fixture_input():
    rows = list(csv.DictReader((R / "consensus_input.csv").open()))
    teams = sorted({r["team"] for r in rows})
    units = sorted({r["unit"] for r in rows})
    team = np.array([teams.index(r["team"]) for r in rows])
    unit_of = {r["team"]: units.index(r["unit"]) for r in rows}
    choice = np.array([float(r["choice"]) if r["choice"] else np.nan for r in rows])
    return choice, team, teams, units, np.array([unit_of[t] for t in teams])


def test_matches_r_pair_enumeration():
    """Every figure against R's enumeration of all pairs (outputs rounded to 6 decimals)."""
    ref = json.loads((R / "consensus.json").read_text())
    choice, team, teams, units, team_unit = _fixture_input()
    res = priority_consensus(
        choice, team, n_priorities=5, team_labels=teams, team_unit=team_unit, unit_labels=units, k=1
    )
    for got, want in zip(res.teams, ref["teams"]):
        assert got["label"] == want["label"] and got["n"] == want["n"]
        np.testing.assert_allclose(got["shares"], want["shares"], atol=5e-7)
        assert (got["agreement"] is None) == (want["agreement"] is None)
        if want["agreement"] is not None:
            assert got["agreement"] == pytest.approx(want["agreement"], abs=5e-7)
        assert got["distance"] == pytest.approx(want["distance"], abs=5e-7)
    for got, want in zip(res.units, ref["units"]):
        assert got["n"] == want["n"] and got["agreement"] == pytest.approx(want["agreement"], abs=5e-7)
        np.testing.assert_allclose(got["shares"], want["shares"], atol=5e-7)
    org = res.organization
    for key in ("agreement", "within_team", "across_team"):
        assert org[key] == pytest.approx(ref["organization"][key], abs=5e-7), key
    assert org["n"] == ref["organization"]["n"]
    assert org["team_effect"] == pytest.approx(org["within_team"] - org["across_team"], abs=2e-6)


def test_hand_worked_agreement():
    # [1, 1, 2]: one agreeing pair of three; all alike: 1; one pick: undefined
    a = pair_agreement([[2, 1, 0], [0, 4, 0], [1, 0, 0], [0, 0, 0]])
    assert a[0] == pytest.approx(1 / 3) and a[1] == 1.0 and np.isnan(a[2]) and np.isnan(a[3])
    # two teams [1,1] and [2,2]: within 1, across 0, organization 2/6
    res = priority_consensus([1, 1, 2, 2], [0, 0, 1, 1], n_priorities=2, team_labels=["a", "b"], k=1)
    assert res.organization["within_team"] == 1.0 and res.organization["across_team"] == 0.0
    assert res.organization["agreement"] == pytest.approx(2 / 6, abs=1e-6)
    assert [t["distance"] for t in res.teams] == [1.0, 1.0]


def test_constant_picks_and_missing_answers():
    res = priority_consensus([3, 3, 3, np.nan, 3, 3], [0, 0, 0, 0, 1, 1], n_priorities=4, team_labels=["a", "b"], k=1)
    assert [t["n"] for t in res.teams] == [3, 2]
    assert res.organization["agreement"] == 1.0 and res.organization["team_effect"] == 0.0
    assert all(t["distance"] == 0.0 and t["p"] == 1.0 and t["finding"] is None for t in res.teams)
    assert res.organization["team_effect_p"] == 1.0


def test_result_does_not_depend_on_the_order_of_respondents():
    rng = np.random.default_rng(3)
    choice = rng.integers(1, 5, 120).astype(float)
    team = rng.integers(0, 8, 120)
    labels = [f"T{i}" for i in range(8)]
    a = priority_consensus(choice, team, n_priorities=4, team_labels=labels, k=5)
    order = rng.permutation(120)
    b = priority_consensus(choice[order], team[order], n_priorities=4, team_labels=labels, k=5)
    assert a.to_dict() == b.to_dict()


def test_k_and_complementary_suppression_cannot_be_undone_by_subtraction():
    """Attack: a unit's counts minus its visible teams' counts reveal the hidden teams'
    picks; the hidden remainder must hold 0 or at least k picks."""
    k = 5
    choice = np.array([1, 2, 1, 1] + [1, 1, 2, 2, 1, 1] + [2] * 5 + [1] * 9, float)
    team = np.array([0] * 4 + [1] * 6 + [2] * 5 + [3] * 9)
    team_unit = np.array([0, 0, 0, 1])
    res = priority_consensus(
        choice, team, n_priorities=2, team_labels=list("abcd"), team_unit=team_unit, unit_labels=["u", "v"], k=k
    )
    assert res.teams[0]["shares"] is None and res.teams[0]["reason"] is not None
    unit = res.units[0]
    assert unit["n"] == 15
    visible = [t for t in res.teams[:3] if t["n"] is not None]
    remainder = unit["n"] - sum(t["n"] for t in visible)
    assert remainder == 0 or remainder >= k
    # the attack would have worked without complementary suppression: team b alone hidden
    recovered = np.array(unit["shares"]) * unit["n"] - sum(np.array(t["shares"]) * t["n"] for t in visible)
    assert recovered.sum() == remainder and remainder >= k


def test_groups_hidden_by_the_diagnosis_stay_hidden_and_organization_below_k():
    res = priority_consensus(
        [1, 2, 1, 2, 1, 1, 2],
        [0, 0, 0, 1, 1, 1, 1],
        n_priorities=2,
        team_labels=["a", "b"],
        k=4,
        team_hidden=[True, False],
    )
    assert res.teams[0]["n"] is None and res.teams[1]["n"] is None  # b hidden too (complementary)
    small = priority_consensus([1, 2], [0, 0], n_priorities=2, team_labels=["a"], k=5)
    assert small.organization is None and small.organization_reason is not None


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(choice=[1, 7]), "choice: picks must be whole numbers 1 … 3"),
        (dict(choice=[1, 1.5]), "choice: picks must be whole numbers"),
        (dict(team=[0, 4]), "team: must be team codes 0 … 1"),
        (dict(n_priorities=1), "n_priorities: must be an integer of at least 2"),
        (dict(n_permutations=10), "n_permutations: must be an integer of at least 99"),
        (dict(alpha=1.5), "alpha: must lie in"),
    ],
)
def test_invalid_input(kwargs, message):
    args = dict(choice=[1, 2], team=[0, 1], n_priorities=3, team_labels=["a", "b"], k=1) | kwargs
    with pytest.raises(ValueError, match=message):
        priority_consensus(**args)


def _world(rng, n_teams, size, planted: bool):
    """Every member picks from the same list weights; with ``planted``, team 0 picks
    priority 3 first (a team that reads the direction differently)."""
    base = np.array([0.40, 0.25, 0.15, 0.12, 0.08])
    other = np.array([0.10, 0.15, 0.55, 0.12, 0.08])
    team = np.repeat(np.arange(n_teams), size)
    choice = rng.choice(5, size=team.size, p=base) + 1.0
    if planted:
        choice[team == 0] = rng.choice(5, size=size, p=other) + 1.0
    return choice, team


@pytest.mark.parametrize("size", [6, 20])
def test_divergent_error_rates(size):
    """False positives on null data and recovery of a planted team (figures in
    docs/error_rates.md)."""
    rng = np.random.default_rng(size)
    labels = [f"T{i}" for i in range(12)]
    false_labels = recovered = 0
    reps = 60
    for r in range(reps):
        choice, team = _world(rng, 12, size, planted=False)
        res = priority_consensus(choice, team, n_priorities=5, team_labels=labels, k=5, seed=r)
        false_labels += sum(t["finding"] == "divergent" for t in res.teams)
        choice, team = _world(rng, 12, size, planted=True)
        res = priority_consensus(choice, team, n_priorities=5, team_labels=labels, k=5, seed=r)
        recovered += res.teams[0]["finding"] == "divergent"
    fp_rate, recovery = false_labels / (reps * 12), recovered / reps
    print(f"size {size}: false divergent {fp_rate:.3f} of teams, recovery {recovery:.2f}")
    assert fp_rate <= 0.02
    assert recovery >= (0.08 if size == 6 else 0.7)
