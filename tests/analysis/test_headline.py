"""The overview's headline follows from the figures shown beside it: every dimension of
the table appears in exactly one headline group, with the finding the table shows; a
typology is named only when each of its claims is confirmed by the table; and the advice
differs per dimension and finding."""

import itertools

import numpy as np
import pytest

from analysis.diagnosis import diagnose
from analysis.narrative import ADVICE, HEADLINE_TEXTS, TYPOLOGY_CLAIMS, advice, headline, typologies_confirmed
from analysis.simulate import simulate_responses

DIMS = ("direction", "decision_rights", "feedback")
FINDINGS = (
    "anchored_strength",
    "structural_gap",
    "proclaimed_not_anchored",
    "unseen_structure",
    "mixed",
    "not_precise",
    "divided",
)


def record(findings, typology=None, combined=(50, 50, 50)):
    return {
        "suppressed": False,
        "typology": typology,
        "dimensions": {
            d: {"finding": f, "combined": c, "level": 3, "score": c, "structure": c}
            for d, f, c in zip(DIMS, findings, combined)
        },
    }


def assert_agrees(h, rec):
    """The test that fails when headline and table disagree."""
    shown = {d: rec["dimensions"][d]["finding"] or "not_precise" for d in DIMS}
    said = {d: g[0] for g in h["groups"] for d in g[1]}
    assert said == shown
    assert sum(len(g[1]) for g in h["groups"]) == len(DIMS)
    if h["typology"] is not None:
        for d, claim in zip(DIMS, TYPOLOGY_CLAIMS[h["typology"]]):
            if claim is True:
                assert shown[d] == "anchored_strength", (h["typology"], d)
            elif claim is False:
                assert shown[d] in ("structural_gap", "proclaimed_not_anchored", "unseen_structure"), (h, d)


def test_central_control_beside_mixed_is_withheld():
    """The reported contradiction: pattern 'central control' while the table says 'mixed' three times."""
    rec = record(("mixed", "mixed", "mixed"), typology="central_control", combined=(54, 48, 42))
    h = headline(rec, DIMS)
    assert h["groups"] == [("mixed", list(DIMS))]
    assert h["typology"] is None and h["typology_withheld"] == "central_control"
    assert h["weakest"] == "feedback"
    assert_agrees(h, rec)


def test_a_confirmed_typology_is_named():
    rec = record(("structural_gap", "proclaimed_not_anchored", "mixed"), typology="central_control")
    h = headline(rec, DIMS)
    assert h["typology"] == "central_control"
    assert [g[0] for g in h["groups"]] == ["structural_gap", "proclaimed_not_anchored", "mixed"]
    rec = record(("anchored_strength",) * 3, typology="aligned_autonomy")
    assert headline(rec, DIMS)["typology"] == "aligned_autonomy"
    # one dimension not confirmed: no pattern
    rec = record(("anchored_strength", "anchored_strength", "mixed"), typology="aligned_autonomy")
    assert headline(rec, DIMS)["typology"] is None


@pytest.mark.parametrize("findings", list(itertools.product(FINDINGS + (None,), repeat=3)))
def test_every_combination_agrees_with_the_table(findings):
    for typology in (*TYPOLOGY_CLAIMS, "not_precise", None):
        rec = record(findings, typology=typology)
        assert_agrees(headline(rec, DIMS), rec)


def test_hidden_record_has_no_headline():
    assert headline({"suppressed": True}, DIMS) is None
    assert headline(record(("mixed",) * 3) | {"dimensions": {}}, DIMS) is None


def test_vectorized_confirmation_matches_the_record_rule():
    combos = list(itertools.product(FINDINGS, repeat=3))
    typ = np.array([t for t in TYPOLOGY_CLAIMS for _ in combos], dtype=object)
    fin = np.array([c for _ in TYPOLOGY_CLAIMS for c in combos], dtype=object)
    got = typologies_confirmed(typ, fin, DIMS)
    want = [headline(record(f, typology=t), DIMS)["typology"] == t for t, f in zip(typ, fin)]
    assert got.tolist() == want


def test_advice_is_distinct_per_dimension_and_finding():
    texts = [advice(d, f) for d in DIMS for f in ADVICE[d]]
    assert len(set(texts)) == len(texts) == 3 * 7
    assert advice("direction", None) is None and advice("nowhere", "mixed") is None
    assert set(HEADLINE_TEXTS) == set(FINDINGS)
    assert all("%(dimensions)s" in t for t in HEADLINE_TEXTS.values())


@pytest.mark.parametrize("seed", [7, 11])
def test_demo_like_organizations_get_a_coherent_headline(seed):
    """On simulated organizations like the demo's, for the organization, each unit and
    each team, the headline agrees with the record the table shows."""
    data = simulate_responses("aligned-autonomy-v1", respondents=230, teams=25, units=4, seed=seed)
    dx = diagnose(data)
    records = dx.organization.records() + dx.units.records() + dx.teams.records()
    checked = 0
    for rec in records:
        h = headline(rec, DIMS)
        if h is None:
            continue
        assert_agrees(h, rec)
        checked += 1
    assert checked >= 5
    team_pattern = [f for f in dx.findings if f["id"] == "typology"]
    if team_pattern:  # the key finding counts only patterns the teams' findings confirm
        confirmed = typologies_confirmed(dx.teams.typology, dx.teams.finding, dx.teams.dimensions)
        assert confirmed.sum() >= 1
