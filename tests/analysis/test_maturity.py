"""Maturity levels, perception-vs-structure findings and typology rules."""

import numpy as np
import pytest

from analysis.instrument import load_questionnaire
from analysis.maturity import (
    FINDINGS, TYPOLOGIES, classify_finding, classify_typology, combined_score, maturity_level,
)

TH = load_questionnaire("aligned-autonomy-v1").thresholds
nan = np.nan


def test_levels_at_the_cut_points():
    cuts = TH.maturity.cuts  # [20, 40, 60, 80]
    got = maturity_level([0, 19.99, 20, 39.9, 40, 60, 79.99, 80, 100, nan], cuts)
    assert got.tolist() == [1, 1, 2, 2, 3, 4, 4, 5, 5, 0]


def test_level_uses_the_combined_score():
    assert combined_score(70, 30) == 50
    assert maturity_level([combined_score(90, 20)], [20, 40, 60, 80]).tolist() == [3]


def test_levels_reject_bad_cuts():
    with pytest.raises(ValueError, match="cuts: must be 4 increasing numbers"):
        maturity_level([1], [20, 10, 60, 80])


@pytest.mark.parametrize("p, s, r, expected", [
    (70, 70, 0.9, "anchored_strength"),
    (30, 30, 0.9, "structural_gap"),
    (70, 30, 0.9, "proclaimed_not_anchored"),
    (30, 70, 0.9, "unseen_structure"),
    (50, 70, 0.9, "mixed"),
    (70, 50, 0.9, "mixed"),
    (60, 60, 0.70, "anchored_strength"),   # bands are inclusive at 'high'
    (44.9, 39.9, 0.9, "structural_gap"),   # and exclusive at 'low'
    (45, 40, 0.9, "mixed"),
    (70, 30, 0.69, "divided"),             # disagreement takes precedence
    (70, 30, nan, "proclaimed_not_anchored"),  # undefined agreement is not 'divided'
    (nan, 30, 0.9, None),
])
def test_findings(p, s, r, expected):
    assert classify_finding([p], [s], [r], TH.findings).tolist() == [expected]


def test_every_finding_and_typology_is_reachable():
    P = np.array([70, 30, 70, 30, 50, 70])
    S = np.array([70, 30, 30, 70, 50, 70])
    R = np.array([.9, .9, .9, .9, .9, .1])
    assert set(classify_finding(P, S, R, TH.findings)) == set(FINDINGS)
    C = [[70, 70, 70], [70, 30, 70], [30, 70, 70], [70, 70, 30], [30, 30, 90]]
    assert classify_typology(C, 60).tolist() == list(TYPOLOGIES)


def test_typology_rules():
    C = np.array([
        [60, 60, 60],     # all present at the threshold
        [80, 80, 59.9],   # feedback missing -> drift
        [80, 59, 100],    # direction without decision rights -> ambiguity
        [10, 90, 100],    # decision rights without direction -> fragmentation
        [10, 10, 100],    # neither: feedback does not rescue it
        [nan, 90, 90],
        [90, 90, nan],    # both present, feedback unknown -> undecidable
        [10, 10, nan],    # neither present: central control whatever feedback is
    ])
    assert classify_typology(C, TH.typology.present).tolist() == [
        "aligned_autonomy", "drift", "ambiguity", "fragmentation", "central_control",
        None, None, "central_control",
    ]
    with pytest.raises(ValueError, match=r"combined: must have shape \(n_groups, 3\)"):
        classify_typology([1, 2, 3], 60)
