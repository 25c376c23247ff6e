"""The fact-sheet agreement indicator on simulated teams (analysis.simulate_facts; the
rates in docs/methodology.md §18, "Team fact sheet"): through the real question-level
results, so k and complementary suppression act as in the product."""

from __future__ import annotations

import numpy as np

from analysis.fact_agreement import agreement
from analysis.items import item_results
from analysis.simulate_facts import fact_error_rates, simulate_fact_sheets


def test_a_planted_claim_is_what_the_members_do_not_see():
    w = simulate_fact_sheets(np.random.default_rng(1), teams=30, team_size=12, scenario="planted")
    assert w["planted"].any() and not w["planted"][:, 2].any()
    assert (w["stated"][w["planted"]] == 1).all() and not w["truth"][w["planted"]].any()
    _, state = agreement(item_results(w["data"], min_group_size=5), w["labels"], w["stated"])
    assert (state[w["planted"]] == "disagree").mean() > 0.8


def test_small_teams_show_no_indicator():
    w = simulate_fact_sheets(np.random.default_rng(2), teams=20, team_size=3, scenario="null")
    _, state = agreement(item_results(w["data"], min_group_size=5), w["labels"], w["stated"])
    assert (state == "not_shown").all()


def test_the_rates_in_the_methodology():
    null = fact_error_rates("null", team_size=20, replications=10, seed=50)
    planted = fact_error_rates("planted", team_size=20, replications=10, seed=50)
    small = fact_error_rates("planted", team_size=5, replications=10, seed=50)
    assert null["false_differs"] < 0.06 and planted["recovery"] > 0.95
    assert small["not_shown"] > 0.1 and small["recovery"] > 0.8
