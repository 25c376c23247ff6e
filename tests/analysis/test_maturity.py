"""Maturity levels and the verdicts on them: non-compensatory levels and typology,
findings with their probability, and the "not precise enough" state
(:mod:`analysis.maturity`, :mod:`analysis.verdicts`)."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import stats

from analysis.instrument import load_questionnaire
from analysis.maturity import FINDINGS, TYPOLOGIES, maturity_level
from analysis.verdicts import (
    NOT_PRECISE,
    Posterior,
    decide_findings,
    decide_typology,
    finding_probabilities,
    group_posteriors,
    non_compensatory_level,
    presence_probability,
    team_posteriors,
    typology_probabilities,
)

TH = load_questionnaire("aligned-autonomy-v1").thresholds
BANDS = (
    (TH.findings.perception.low, TH.findings.perception.high),
    (TH.findings.structure.low, TH.findings.structure.high),
)
nan = np.nan


def _post(mean, sd=(1e-6, 1e-6), rho=0.0, reliability=(1.0, 1.0)):
    """Posteriors of one or more groups from means, sds and a correlation."""
    mean = np.atleast_2d(np.asarray(mean, float))
    sd = np.broadcast_to(np.asarray(sd, float), mean.shape)
    cov = np.zeros((mean.shape[0], 2, 2))
    cov[:, 0, 0], cov[:, 1, 1] = sd[:, 0] ** 2, sd[:, 1] ** 2
    cov[:, 0, 1] = cov[:, 1, 0] = rho * sd[:, 0] * sd[:, 1]
    rel = np.broadcast_to(np.asarray(reliability, float), mean.shape).copy()
    return Posterior(mean=mean, cov=cov, reliability=rel, between=np.eye(2))


def test_levels_at_the_cut_points():
    cuts = TH.maturity.cuts  # [20, 40, 60, 80]
    got = maturity_level([0, 19.99, 20, 39.9, 40, 60, 79.99, 80, 100, nan], cuts)
    assert got.tolist() == [1, 1, 2, 2, 3, 4, 4, 5, 5, 0]


def test_levels_reject_bad_cuts():
    with pytest.raises(ValueError, match="cuts: must be 4 increasing numbers"):
        maturity_level([1], [20, 10, 60, 80])


def test_perception_never_makes_up_for_missing_structure():
    # perception 95 with structure 30: a mean of the two would say level 4; the lower says 2
    assert non_compensatory_level([95, 30, 70, nan], [30, 95, 70, 50], TH.maturity.cuts).tolist() == [2, 2, 4, 0]


@pytest.mark.parametrize(
    "p, s, expected",
    [
        (70, 70, "anchored_strength"),
        (30, 30, "structural_gap"),
        (70, 30, "proclaimed_not_anchored"),
        (30, 70, "unseen_structure"),
        (50, 70, "mixed"),
        (70, 50, "mixed"),
        (60.01, 60.01, "anchored_strength"),  # just inside the bands
        (44.99, 39.99, "structural_gap"),
        (45.01, 40.01, "mixed"),
    ],
)
def test_findings_of_certain_scores_are_the_cells_of_the_bands(p, s, expected):
    probs = finding_probabilities(_post([p, s]), *BANDS)
    label, prob, _ = decide_findings(probs, [[1, 1]], min_probability=0.8, min_reliability=0.5)
    assert label.tolist() == [expected] and prob[0] == pytest.approx(1.0)


def test_finding_probability_is_the_posterior_mass_of_the_cell():
    # independent normal posteriors: the cell probability is a product of normal areas
    p_mean, s_mean, p_sd, s_sd = 62.0, 35.0, 5.0, 8.0
    probs = finding_probabilities(_post([p_mean, s_mean], sd=(p_sd, s_sd)), *BANDS)
    p_high = stats.norm.sf(60, p_mean, p_sd)
    s_low = stats.norm.cdf(40, s_mean, s_sd)
    assert_allclose(probs[0, FINDINGS.index("proclaimed_not_anchored") - 1], p_high * s_low, rtol=1e-12)
    assert_allclose(probs.sum(), 1.0)
    # correlated: the same cell from the bivariate normal, checked against scipy
    probs = finding_probabilities(_post([p_mean, s_mean], sd=(p_sd, s_sd), rho=0.6), *BANDS)
    mvn = stats.multivariate_normal([p_mean, s_mean], [[25, 0.6 * 40], [0.6 * 40, 64]])
    expected = mvn.cdf([np.inf, 40]) - mvn.cdf([60, 40])
    assert_allclose(probs[0, 2], expected, atol=1e-7)


def test_an_uncertain_or_unreliable_team_is_not_precise_and_divided_comes_first():
    probs = finding_probabilities(
        _post([[62, 35], [62, 35], [70, 30], [70, 30]], sd=[[5, 8], [0.1, 0.1], [0.1, 0.1], [0.1, 0.1]]), *BANDS
    )
    label, prob, likely = decide_findings(
        probs,
        [[1, 1], [0.4, 0.9], [1, 1], [1, 1]],
        min_probability=0.8,
        min_reliability=0.5,
        divided=[False, False, False, True],
    )
    assert label.tolist() == [NOT_PRECISE, NOT_PRECISE, "proclaimed_not_anchored", "divided"]
    assert prob[0] < 0.8 and prob[1] > 0.99
    assert likely.tolist() == ["mixed"] + ["proclaimed_not_anchored"] * 3


def test_typology_from_presence_probabilities():
    present = TH.typology.present  # 60
    means = [
        [[80, 80], [80, 80], [80, 80]],  # all present
        [[80, 80], [80, 80], [80, 20]],  # feedback structure missing -> drift
        [[80, 80], [80, 20], [80, 80]],  # decision-rights structure missing -> ambiguity
        [[20, 80], [80, 80], [90, 90]],  # direction missing -> fragmentation
        [[95, 30], [95, 30], [95, 95]],
    ]  # high perception, no structure: central control
    presence = np.column_stack([presence_probability(_post(np.array(means)[:, j]), present) for j in range(3)])
    label, prob = decide_typology(typology_probabilities(presence), np.ones(5, bool), min_probability=0.8)
    assert label.tolist() == ["aligned_autonomy", "drift", "ambiguity", "fragmentation", "central_control"]
    assert set(label.tolist()) == set(TYPOLOGIES)
    assert_allclose(typology_probabilities(presence).sum(axis=1), 1.0)
    near = presence_probability(_post([60, 60], sd=(3, 3)), present)
    assert near[0] == pytest.approx(0.25)  # half and half on both sides of the cut, independent
    label, _ = decide_typology(typology_probabilities(np.array([[0.5, 0.9, 0.9]])), [True], min_probability=0.8)
    assert label.tolist() == [NOT_PRECISE]
    label, _ = decide_typology(typology_probabilities(np.array([[1.0, 1.0, 1.0]])), [False], min_probability=0.8)
    assert label.tolist() == [NOT_PRECISE]


def test_team_posterior_by_hand_for_a_balanced_design():
    # 3 teams of 2; structure varies within teams only (no between-team variance)
    P = np.array([40, 50, 60, 70, 80, 90.0])
    S = np.array([49, 51, 51, 49, 50, 50.0])  # team means 50; within cross-products sum to 0
    codes = np.repeat(np.arange(3), 2)
    post, own = team_posteriors(P, S, codes, 3)
    msw = ((40 - 45) ** 2 + (50 - 45) ** 2 + (60 - 65) ** 2 + (70 - 65) ** 2 + (80 - 85) ** 2 + (90 - 85) ** 2) / 3
    msb = 2 * ((45 - 65) ** 2 + 0 + (85 - 65) ** 2) / 2
    tau = (msb - msw) / 2
    lam = tau / (tau + msw / 2)
    assert post.reliability[:, 0] == pytest.approx([lam] * 3)
    # structure has no between-team variance beyond noise: tau_S = 0, so S is the mean
    assert_allclose(post.mean[:, 1], [50.0] * 3)
    assert post.between[1, 1] == pytest.approx(0.0, abs=1e-9)
    # with tau_S = 0 and no within-team covariance nothing of S informs P: the
    # univariate shrinkage (with a same-source covariance, S would correct P's error)
    assert_allclose(post.mean[:, 0], 65 + lam * (np.array([45, 65, 85]) - 65))
    assert_allclose(post.cov[:, 0, 0], lam * msw / 2)
    # the verdicts' distribution is the team's own: its means and their sampling variance
    assert_allclose(own.mean, [[45, 50], [65, 50], [85, 50]])
    assert_allclose(own.cov[:, 0, 0], msw / 2)
    assert_allclose(own.reliability, post.reliability)


def test_one_team_or_one_member_per_team_does_not_shrink_or_fails_safe():
    P = np.array([40, 60.0])
    S = np.array([30, 50.0])
    one_team, _ = team_posteriors(P, S, np.zeros(2, np.intp), 1)
    assert_allclose(one_team.mean[0], [50, 40])  # no between-team variance to estimate: the data
    shrunk, singles = team_posteriors(P, S, np.arange(2), 2)  # no within-team variance: no information
    assert np.isfinite(shrunk.mean).all() and np.isfinite(singles.mean).all()
    probs = finding_probabilities(singles, *BANDS)
    label, _, _ = decide_findings(probs, singles.reliability, min_probability=0.8, min_reliability=0.5)
    assert set(label.tolist()) <= {NOT_PRECISE}
    units = group_posteriors(P, S, np.zeros(2, np.intp), 1)
    assert_allclose(units.mean[0], [50, 40]) and units.reliability[0].tolist() == [1.0, 1.0]


def test_missing_structure_gives_no_finding():
    P = np.array([40, 60, 70, 80.0])
    S = np.array([nan, nan, 50, 60.0])
    _, post = team_posteriors(P, S, np.array([0, 0, 1, 1]), 2)
    label, prob, _ = decide_findings(
        finding_probabilities(post, *BANDS), post.reliability, min_probability=0.8, min_reliability=0.5
    )
    assert label[0] is None and np.isnan(prob[0])
