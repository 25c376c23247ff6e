"""The diagnosis engine end to end: planted patterns, anonymity, determinism, edge cases."""

import json

import numpy as np
import pytest

from analysis.diagnosis import diagnose
from analysis.instrument import load_questionnaire
from analysis.responses import ResponseData, answer_items
from analysis.simulate import PATTERNS, simulate

FULL = load_questionnaire("aligned-autonomy-v1")


@pytest.fixture(scope="module")
def sim():
    return simulate(respondents=4000, teams=150, units=6, seed=3)


@pytest.fixture(scope="module")
def diag(sim):
    return diagnose(sim.data)


def test_planted_patterns_are_found(sim, diag):
    for pattern, dim in PATTERNS.items():
        for team in sim.teams_with(pattern):
            rec = diag.team(team)
            assert not rec["suppressed"]
            if pattern == "aligned_autonomy":
                assert rec["typology"] == "aligned_autonomy"
                assert all(c["finding"] == "anchored_strength" for c in rec["dimensions"].values())
            else:
                assert rec["dimensions"][dim]["finding"] == pattern, (team, pattern)
    for team in sim.teams_with("small"):
        rec = diag.team(team)
        assert rec["suppressed"] and rec["suppression_reason"] == "fewer_than_k"
        assert set(rec) == {"team", "unit", "suppressed", "suppression_reason", "suppression_text", "n"}
        assert rec["n"] is None


def test_role_gap_and_driver_are_found(diag):
    gaps = {g["dimension"]: g for g in diag.to_dict()["role_gaps"]}
    assert gaps["decision_rights"]["significant"] and gaps["decision_rights"]["gap"] > 10
    assert not gaps["direction"]["significant"]
    top = diag.to_dict()["drivers"]["dimensions"]["predictors"][0]["name"]
    assert top.startswith("decision_rights")


def test_required_layout(diag):
    out = diag.to_dict()
    for key in (
        "questionnaire",
        "n_respondents",
        "dimensions",
        "cfa",
        "findings",
        "teams",
        "units",
        "organization",
        "role_gaps",
        "differences",
        "drivers",
    ):
        assert key in out
    assert out["n_respondents"] == 4000
    for d in ("direction", "decision_rights", "feedback"):
        entry = out["dimensions"][d]
        for key in ("alpha", "omega", "icc1", "icc2", "score", "structure"):
            assert isinstance(entry[key], float), (d, key)
        assert set(entry["icc_reading"]) == {"en", "de"}
        assert "% of the differences in perceived" in entry["icc_reading"]["en"]
    assert out["cfa"]["estimable"] and out["cfa"]["cfi"] > 0.9
    team = next(t for t in out["teams"] if not t["suppressed"])
    for key in ("team", "unit", "suppressed", "suppression_reason", "n", "typology", "misconceptions", "dimensions"):
        assert key in team
    cell = team["dimensions"]["direction"]
    for key in ("score", "ci_low", "ci_high", "shrunk_score", "rwg_j", "level", "structure", "finding"):
        assert key in cell
    assert cell["ci_low"] <= cell["score"] <= cell["ci_high"]
    assert 1 <= cell["level"] <= 5
    assert len(out["findings"]) >= 3 and all(f["en"] and f["de"] for f in out["findings"])


def test_no_figure_of_a_suppressed_group_is_released(diag):
    out = diag.to_dict()
    hidden = [t for t in out["teams"] if t["suppressed"]]
    assert any(t["suppression_reason"] == "complementary" for t in hidden)
    names = {t["team"] for t in hidden}
    assert all(d["group"] not in names for d in out["differences"] if d["level"] == "team")
    assert not np.isfinite(diag.teams.dims["score"][diag.teams.suppressed]).any()
    # every unit that has a hidden team hides at least k respondents (no subtraction)
    k = out["settings"]["min_group_size"]
    labels = np.array(diag.teams.labels)
    for unit in out["units"]:
        if unit["suppressed"]:
            continue
        in_unit = np.array(diag.teams.parent) == unit["unit"]
        shown = np.nansum(diag.teams.n[in_unit])
        remainder = unit["n"] - shown
        assert remainder == 0 or remainder >= k, unit["unit"]
        assert labels[in_unit].size == unit["n_teams"]


def test_deterministic_json(sim, diag):
    again = diagnose(sim.data)
    a = json.dumps(diag.to_dict(), sort_keys=True, allow_nan=False)
    b = json.dumps(again.to_dict(), sort_keys=True, allow_nan=False)
    assert a == b


def test_shrunk_scores_pull_small_teams_towards_the_mean(diag):
    t = diag.teams
    ok = ~t.suppressed
    grand = diag.to_dict()["dimensions"]["direction"]["score"]
    raw = t.dims["score"][ok, 0]
    shrunk = t.dims["shrunk_score"][ok, 0]
    # the posterior also corrects a team's perception by its structure answers (the
    # within-person halo), so a single team may move outwards, but on the whole the
    # estimates move towards the organization, and small teams more than large ones
    assert np.mean(np.abs(shrunk - grand)) < np.mean(np.abs(raw - grand))
    n = t.dims["n"][ok, 0]
    pull = np.abs(shrunk - raw)
    assert np.mean(pull[n <= np.median(n)]) > np.mean(pull[n > np.median(n)])


def single(values: dict, n: int, **kw):
    return ResponseData.from_columns(FULL, team=["a"] * n, answers=values, **kw)


def test_one_respondent_releases_nothing():
    d = diagnose(single({"dir_p1": [3]}, 1))
    out = d.to_dict()
    assert out["n_respondents"] is None
    assert out["organization"]["suppressed"] and out["teams"][0]["suppressed"]
    assert out["cfa"]["estimable"] is False
    assert "alpha" not in out["dimensions"]["direction"]
    json.dumps(out, allow_nan=False)


def test_constant_answers_do_not_crash():
    n = 12
    answers = {i: np.full(n, 3.0) if FULL.item(i).kind != "structure" else np.full(n, 1.0) for i in answer_items(FULL)}
    out = diagnose(single(answers, n)).to_dict()
    rel = out["dimensions"]["direction"]["reliability"]
    assert rel["estimable"] is False and rel["reason"]["en"]
    assert out["cfa"]["estimable"] is False
    assert out["drivers"]["dimensions"]["estimable"] is False
    team = out["teams"][0]
    assert team["dimensions"]["direction"]["score"] == 50.0
    assert team["dimensions"]["direction"]["rwg_j"] == 1.0
    json.dumps(out, allow_nan=False)


def test_missing_answers_blank_a_dimension_but_not_the_team():
    n = 8
    rng = np.random.default_rng(0)
    answers = {i: rng.integers(1, 4, n).astype(float) for i in answer_items(FULL)}
    for item in FULL.items_of("perception", "feedback"):
        answers[item.id][:] = np.nan
    out = diagnose(single(answers, n)).to_dict()
    team = out["teams"][0]
    assert not team["suppressed"]
    fb = team["dimensions"]["feedback"]
    assert fb["suppressed"] and fb["score"] is None and fb["suppression_reason"] == "no_data"
    assert team["dimensions"]["direction"]["score"] is not None
    assert team["typology"] is None


def test_pulse_form_reports_reliability_as_not_estimable():
    sim = simulate("aligned-autonomy-pulse-v1", respondents=600, teams=30, seed=1)
    out = diagnose(sim.data).to_dict()
    for d in ("direction", "decision_rights", "feedback"):
        rel = out["dimensions"][d]["reliability"]
        assert rel["estimable"] is False and "at least 3" in rel["reason"]["en"]
        assert out["dimensions"][d]["alpha"] is None
        assert isinstance(out["dimensions"][d]["icc1"], float)
    assert out["cfa"]["estimable"] is False
    team = next(t for t in out["teams"] if not t["suppressed"])
    assert team["misconceptions"] == {}
    assert team["dimensions"]["direction"]["rwg_j"] is not None


def test_comments_only_for_large_enough_groups(sim, diag):
    out = diag.to_dict()
    size = dict(zip(*np.unique(sim.data.team, return_counts=True)))
    for t in out["teams"]:
        if t.get("comments"):
            assert size[t["team"]] >= 10
    shown = (
        sum(len(t.get("comments", [])) for t in out["teams"])
        + sum(len(u.get("comments", [])) for u in out["units"])
        + len(out["organization"]["comments"])
    )
    assert shown + out["organization"]["comments_withheld"] == len(sim.data.comments)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(min_group_size=2), "min_group_size: must be an integer from 3 to 50"),
        (dict(min_group_size=3), "pass acknowledge_small_groups=True"),
        (dict(comment_min_group_size=4), "comment_min_group_size: must be an integer >= min_group_size"),
        (dict(correction="none"), "correction: must be 'holm' or 'bh'"),
        (dict(questionnaire="aligned-autonomy-pulse-v1"), "questionnaire: 'aligned-autonomy-pulse-v1' does not match"),
    ],
)
def test_bad_options(kwargs, message):
    with pytest.raises(ValueError, match=message):
        diagnose(single({}, 5), **kwargs)
    with pytest.raises(TypeError, match="data: must be a ResponseData"):
        diagnose({"a": 1})


def test_small_k_with_acknowledgement():
    d = diagnose(
        single({"dir_p1": [3, 4, 5]}, 3), min_group_size=3, acknowledge_small_groups=True, comment_min_group_size=3
    )
    assert d.to_dict()["teams"][0]["suppressed"] is False


def test_a_refused_computation_is_explained_in_words_not_in_code():
    """The page shows why, in its language; the exception's text (variable names) stays
    out of it (the German page once showed 'X: constant variable(s) direction_structure')."""
    from analysis.diagnosis_steps import _failed

    constant = _failed(ValueError("X: constant variable(s) direction_structure; no correlations"))
    assert constant["reason"]["de"] == "Nicht schätzbar: Einige Antworten streuen zu wenig."
    few = _failed(ValueError("X: 3 complete rows are too few for 6 predictors"))
    assert few["reason"]["en"] == "Not estimable: too few complete answer sets."
    other = _failed(ValueError("anything else"))
    assert not other["estimable"] and "anything" not in other["reason"]["en"] + other["reason"]["de"]
