"""The realistic model, its scenarios and confounds, and the ground truth of a simulation."""

import hashlib
import json
import time

import numpy as np
import pytest
from scipy import special

from analysis import score_responses
from analysis.instrument import DIMENSIONS
from analysis.simulate import REALISTIC_PATTERNS, Confounds, simulate, simulate_responses
from analysis.simulate_model import NULL_PROPORTIONS, thresholds


def _team_stats(sim, wave=0):
    """Per team and dimension: mean, SD and n of perception and structure scores, and
    the share of "don't know" among the structure answers."""
    data = sim.waves[wave]
    sc = score_responses(data)
    codes = data.teams.codes
    T = len(data.teams.labels)
    out = {}
    for key, arr in (("perception", sc.perception), ("structure", sc.structure)):
        m, s, n = (np.empty((T, 3)) for _ in range(3))
        for d in range(3):
            ok = ~np.isnan(arr[:, d])
            n[:, d] = np.bincount(codes[ok], minlength=T)
            m[:, d] = np.bincount(codes[ok], arr[ok, d], T) / n[:, d]
            s[:, d] = np.sqrt(np.bincount(codes[ok], arr[ok, d] ** 2, T) / n[:, d] - m[:, d] ** 2)
        out[key] = (m, s, n)
    q = data.questionnaire
    dk = np.empty((T, 3))
    for d, dim in enumerate(DIMENSIONS):
        hits = total = 0
        for it in q.items_of("structure", dim):
            v = next(o.value for o in it.options if o.dont_know)
            col = data.column(it.id)
            hits = hits + np.bincount(codes, col == v, T)
            total = total + np.bincount(codes, ~np.isnan(col), T)
        dk[:, d] = hits / total
    out["dont_know"] = dk
    return out


def _assert_truth_matches(sim, z_max=4.5):
    tr = sim.truth.teams
    st = _team_stats(sim)
    for key in ("perception", "structure"):
        m, s, n = st[key]
        true, sd = getattr(tr, key), getattr(tr, f"{key}_sd")
        z = (m - true) / (sd / np.sqrt(n))
        assert np.abs(z).max() < z_max, (key, z.round(2))
        # the spread assumes complete answers (perception) and approximates how many team
        # items a member knows (structure)
        tol = 0.06 if key == "perception" else 0.10
        assert np.all(np.abs(s / sd - 1) < tol), (key, (s / sd).round(3))
    n = sim.truth.teams.n[:, None] * 3
    z = (st["dont_know"] - tr.dont_know) / np.sqrt(tr.dont_know * (1 - tr.dont_know) / n + 1e-12)
    assert np.abs(z).max() < 6  # answers of one person are correlated through awareness


# ---------------------------------------------------------------- truth vs Monte Carlo


@pytest.mark.parametrize(
    "scenario, confounds",
    [
        ("realistic", Confounds()),
        ("null", Confounds()),
        ("realistic", Confounds.none()),
        ("random_units", Confounds(halo=0.8, acquiescence=0.6, acquiescence_mean=-0.5, unawareness=2.5)),
    ],
)
def test_population_values_match_a_large_sample(scenario, confounds):
    sim = simulate(teams=12, team_size=2500, units=3, scenario=scenario, confounds=confounds, planted=1, seed=11)
    _assert_truth_matches(sim)


def test_showcase_truth_matches_a_large_sample():
    sim = simulate(respondents=24_000, teams=6, seed=2)  # fewer than 8 teams: no small ones
    _assert_truth_matches(sim)
    t = sim.truth.teams
    for team in sim.teams_with("structural_gap"):
        assert sim.truth.team(team)["dimensions"]["direction"]["finding"] == "structural_gap"
    assert set(t.planted_typology) <= {None, "aligned_autonomy"}


def test_null_proportions_and_thresholds():
    for lenient in (True, False):
        p = np.asarray(NULL_PROPORTIONS[lenient])
        assert p.sum() == pytest.approx(1.0)
        x = np.arange(1, 6)
        assert (p * x**2).sum() - (p * x).sum() ** 2 == pytest.approx(1.34)
        assert np.diff(np.concatenate([[0], special.ndtr(thresholds(lenient)), [1]])) == pytest.approx(p)
    # a null team with nothing but the lenient response style answers with the null proportions
    sim = simulate(
        teams=1,
        team_size=60_000,
        scenario="null",
        seed=1,
        confounds=Confounds(halo=0.0, acquiescence=0.0, acquiescence_mean=0.0),
    )
    col = sim.data.column("dir_p1")
    share = np.array([(col == v).mean() for v in range(1, 6)]) / (~np.isnan(col)).mean()
    # the organization's level of direction is below the lenient centre, so the answers
    # are less skewed than the null but still piled at the agreeable end
    assert share[3] + share[4] > share[0] + share[1] + 0.1
    items = score_responses(sim.data).perception_items[0]  # recoded, 1–5
    assert 1.2 < np.nanvar(items, axis=0).mean() < 1.6
    assert sim.truth.teams.item_variance[0, 0] == pytest.approx(np.nanvar(items, axis=0).mean(), abs=0.03)


# ---------------------------------------------------------------- scenarios


def test_null_scenario_has_one_true_state_and_no_unit_effect():
    sim = simulate(teams=30, team_size=8, units=5, scenario="null", seed=3)
    tr = sim.truth
    assert not sim.planted
    for key in ("perception", "structure", "dont_know", "combined"):
        v = getattr(tr.teams, key)
        assert np.allclose(v, v[0]), key
        assert np.allclose(getattr(tr.units, key), v[0])
    assert len(set(tr.teams.finding.ravel())) == 1 and len(set(tr.teams.typology)) == 1
    assert all(r["difference"] == pytest.approx(0, abs=1e-9) and not r["matters"] for r in tr.differences)
    assert all(r["unit_effect"] == 0 for r in tr.differences if r["level"] == "unit")


def test_random_units_have_team_effects_but_no_unit_effect():
    sim = simulate(teams=40, team_size=8, units=5, scenario="random_units", seed=4)
    tr = sim.truth
    assert not sim.planted
    assert tr.teams.perception.std(0).min() > 3 and tr.teams.structure.std(0).min() > 8
    assert all(r["unit_effect"] == 0 for r in tr.differences if r["level"] == "unit")
    real = simulate(teams=40, team_size=8, units=5, scenario="realistic", seed=4)
    assert any(r["unit_effect"] != 0 for r in real.truth.differences if r["level"] == "unit")


def test_planted_patterns_are_clearly_inside_their_bands():
    sim = simulate(teams=80, team_size=8, units=4, scenario="realistic", planted=2, seed=5)
    tr = sim.truth
    th = sim.data.questionnaire.thresholds.findings
    assert sorted(set(sim.planted.values())) == sorted(REALISTIC_PATTERNS)
    assert all(len(sim.teams_with(p)) == 2 for p in REALISTIC_PATTERNS)
    for team, pattern in sim.planted.items():
        cell = tr.team(team)["dimensions"][REALISTIC_PATTERNS[pattern]]
        assert cell["planted"] == pattern
        P, S = cell["perception"], cell["structure"]
        if pattern in ("anchored_strength", "proclaimed_not_anchored"):
            assert P >= th.perception.high + 9.9
        if pattern in ("structural_gap", "unseen_structure"):
            assert P <= th.perception.low - 9.9
        if pattern == "anchored_strength":
            assert S >= th.structure.high + 14.9 and cell["finding"] == pattern
        if pattern in ("structural_gap", "proclaimed_not_anchored"):
            assert S <= th.structure.low - 14.9 and cell["finding"] == pattern
        if pattern == "unseen_structure":
            # exists (those who know say so) although 60 % answer "don't know": the
            # structure index counts those who know, visibility shows how few they are
            assert S >= th.structure.high + 14.9 and cell["dont_know"] == pytest.approx(0.6, abs=1e-6)
            assert cell["finding"] == "unseen_structure" and cell["visibility"] < 50
        if pattern == "divided":
            assert cell["finding"] == "divided"
            assert cell["item_variance"] > tr.teams.item_variance[:, 1].mean() + 0.3
    shifts = [
        abs(p[k]) for p in tr.parameters["planted"] for k in ("perception_shift_sd", "structure_shift_sd") if k in p
    ]
    assert 0.5 < min(shifts) and max(shifts) < 3.5  # clear, rare but possible
    marginal = simulate(teams=80, team_size=8, units=4, scenario="realistic", planted=2, seed=5, margin=(5, 8))
    assert (
        max(
            abs(p[k])
            for p in marginal.truth.parameters["planted"]
            for k in ("perception_shift_sd", "structure_shift_sd")
            if k in p
        )
        < 2.5
    )


def test_divided_team_has_two_camps_in_its_dimension_only():
    sim = simulate(teams=20, team_size=400, scenario="realistic", seed=6)
    team = sim.teams_with("divided")[0]
    sc = score_responses(sim.data)
    rows = np.flatnonzero(sim.data.team == team)
    even, odd = rows[::2], rows[1::2]
    dr, fb = DIMENSIONS.index("decision_rights"), DIMENSIONS.index("feedback")
    assert np.nanmean(sc.perception[even, dr]) - np.nanmean(sc.perception[odd, dr]) > 25
    assert abs(np.nanmean(sc.perception[even, fb]) - np.nanmean(sc.perception[odd, fb])) < 6
    # a starker split: camps further apart, the same in the truth and in the answers
    stark = simulate(teams=20, team_size=400, scenario="realistic", seed=6, camp=1.5)
    sc2 = score_responses(stark.data)
    gap2 = np.nanmean(sc2.perception[even, dr]) - np.nanmean(sc2.perception[odd, dr])
    gap1 = np.nanmean(sc.perception[even, dr]) - np.nanmean(sc.perception[odd, dr])
    assert gap2 > 1.4 * gap1
    planted = stark.truth.to_dict()["parameters"]["planted"]
    assert [p["camp_sd"] for p in planted if p["pattern"] == "divided"] == [1.5]


# ---------------------------------------------------------------- confounds


def test_halo_links_perception_and_structure_within_person():
    def corr(conf):
        sim = simulate(teams=1, team_size=20_000, scenario="null", confounds=conf, seed=7)
        sc = score_responses(sim.data)
        ok = ~np.isnan(sc.perception[:, 0]) & ~np.isnan(sc.structure[:, 0])
        return np.corrcoef(sc.perception[ok, 0], sc.structure[ok, 0])[0, 1]

    assert corr(Confounds(halo=0.0)) == pytest.approx(0, abs=0.03)
    assert corr(Confounds(halo=0.6)) > 0.1


def test_acquiescence_raises_agreement_with_beliefs_and_reverse_items():
    def means(conf):
        sim = simulate(teams=1, team_size=20_000, scenario="null", confounds=conf, seed=8)
        d = sim.data
        return np.nanmean(d.column("mc_granted_autonomy")), np.nanmean(d.column("dir_p4"))

    off = means(Confounds(acquiescence=0.0, acquiescence_mean=0.0))
    on = means(Confounds(acquiescence=0.5, acquiescence_mean=0.5))
    assert on[0] > off[0] + 0.3  # misconception held more often
    assert on[1] > off[1] + 0.3  # raw agreement with a reverse-keyed statement


def test_dont_know_depends_on_awareness_not_on_structure():
    sim = simulate(teams=400, team_size=12, scenario="random_units", seed=9)
    t = sim.truth.teams
    for d in range(3):
        assert abs(np.corrcoef(t.dont_know[:, d], t.structure[:, d])[0, 1]) < 0.15
    assert t.dont_know.std() > 0.03
    flat = simulate(teams=400, team_size=12, scenario="random_units", seed=9, confounds=Confounds(unawareness=0.0))
    assert flat.truth.teams.dont_know.std() == pytest.approx(0, abs=1e-12)


def test_small_teams_are_common_unless_switched_off():
    sim = simulate(respondents=800, teams=100, scenario="realistic", seed=10)
    sizes = np.bincount(sim.data.teams.codes)
    assert sizes.sum() == 800 and sizes.min() >= 3
    assert 0.25 < np.mean(sizes <= 5) < 0.6
    even = simulate(respondents=800, teams=100, scenario="realistic", seed=10, confounds=Confounds(small_teams=False))
    assert set(np.bincount(even.data.teams.codes).tolist()) == {8}


def test_icc_controls_between_team_spread():
    lo = simulate(teams=200, team_size=8, scenario="random_units", icc=0.05, seed=12).truth.teams
    hi = simulate(teams=200, team_size=8, scenario="random_units", icc=0.30, seed=12).truth.teams
    assert hi.perception.std() > 2 * lo.perception.std()
    zero = simulate(teams=50, team_size=8, scenario="random_units", icc=0.0, seed=12).truth.teams
    assert zero.perception.std(0).max() == pytest.approx(0, abs=1e-9)  # same size, same lead share


# ---------------------------------------------------------------- waves


def test_second_wave_draws_new_people_from_the_same_teams():
    one = simulate(teams=20, team_size=8, units=2, scenario="realistic", seed=13)
    two = simulate(teams=20, team_size=8, units=2, scenario="realistic", seed=13, waves=2)
    assert np.array_equal(one.data.values, two.data.values, equal_nan=True)
    assert len(two.waves) == 2 and two.waves[1].n == two.data.n
    assert not np.array_equal(two.waves[0].values, two.waves[1].values, equal_nan=True)
    tr = two.truth
    assert len(tr.waves) == 2
    assert all(c["difference"] == 0 and not c["matters"] and not c["planted"] for c in tr.changes)


def test_planted_change_is_in_the_truth():
    sim = simulate(
        teams=20,
        team_size=8,
        units=2,
        scenario="realistic",
        seed=14,
        waves=2,
        changes={"T03": {"decision_rights": 1.0}, "T07": {"feedback": -1.5}},
    )
    ch = {(c["level"], c["group"], c["dimension"], c["measure"]): c for c in sim.truth.changes}
    up = ch["team", "T03", "decision_rights", "score"]
    assert up["planted"] and up["difference"] > 5 and up["matters"]
    assert ch["team", "T03", "decision_rights", "structure"]["difference"] > 10
    assert ch["team", "T07", "feedback", "score"]["difference"] < -5
    assert ch["team", "T03", "direction", "score"]["difference"] == 0
    assert not ch["team", "T04", "decision_rights", "score"]["planted"]
    assert 0 < ch["unit", "U1", "decision_rights", "score"]["difference"] < up["difference"]


# ---------------------------------------------------------------- API


def test_showcase_is_unchanged():
    # the demo and the tests of the engine rely on exactly these answers
    s = simulate(respondents=500, teams=30, units=3, seed=4)
    assert hashlib.sha256(s.data.values.tobytes()).hexdigest()[:16] == "2aed37ecaf70f7a1"
    assert hashlib.sha256(repr(s.data.comments).encode()).hexdigest()[:16] == "0f930129c1b2f9e6"
    assert s.scenario == "showcase" and s.waves == (s.data,)


def test_truth_to_dict_is_plain_json():
    sim = simulate(
        teams=10, team_size=5, units=2, scenario="realistic", seed=15, waves=2, changes={"T01": {"direction": 1.0}}
    )
    out = sim.truth.to_dict()
    text = json.dumps(out, allow_nan=False)
    back = json.loads(text)
    assert back["scenario"] == "realistic" and len(back["waves"]) == 2
    team = back["waves"][0]["teams"][0]
    assert set(team) == {"team", "unit", "n", "typology", "planted_typology", "dimensions"}
    assert set(team["dimensions"]["direction"]) == {
        "perception",
        "structure",
        "visibility",
        "dont_know",
        "combined",
        "perception_sd",
        "structure_sd",
        "item_variance",
        "level",
        "finding",
        "planted",
    }
    assert back["waves"][0]["organization"]["n"] == 50
    assert {r["level"] for r in back["waves"][0]["differences"]} == {"team", "unit"}
    assert back["parameters"]["confounds"]["halo"] == 0.4
    assert any(c["planted"] for c in back["changes"])
    assert sim.to_dict() == {"n": 50, "planted": dict(sim.planted), "scenario": "realistic", "waves": [50, 50]}


def test_same_seed_same_simulation():
    a = simulate(teams=15, team_size=8, units=3, scenario="realistic", seed=16)
    b = simulate(teams=15, team_size=8, units=3, scenario="realistic", seed=16)
    c = simulate(teams=15, team_size=8, units=3, scenario="realistic", seed=17)
    assert np.array_equal(a.data.values, b.data.values, equal_nan=True) and a.planted == b.planted
    assert a.data.comments == b.data.comments
    assert np.array_equal(a.truth.teams.perception, b.truth.teams.perception)
    assert not np.array_equal(a.data.values, c.data.values, equal_nan=True)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(teams=5, team_size=5, scenario="typical"), "scenario: must be one of showcase, realistic"),
        (dict(teams=5, team_size=5), "team_size: only for the scenarios realistic, null, random_units"),
        (dict(teams=5, respondents=20, confounds=Confounds()), "confounds: only for the scenarios"),
        (dict(teams=5, respondents=20, waves=2), "waves: the showcase scenario has one wave"),
        (dict(teams=5, scenario="null"), "respondents: required unless team_size is given"),
        (dict(teams=5, team_size=4, respondents=21, scenario="null"), "respondents: 21 differs from teams"),
        (dict(teams=5, team_size=0, scenario="null"), "team_size: must be a positive integer, got 0"),
        (dict(teams=5, team_size=5, scenario="null", icc=1.5), "icc: must be a number from 0 to 0.9, got 1.5"),
        (dict(teams=5, team_size=5, scenario="null", changes={"T1": {"direction": 1}}), "changes: need waves >= 2"),
        (
            dict(teams=5, team_size=5, scenario="null", waves=2, changes={"T9": {"direction": 1}}),
            "changes: unknown team 'T9'",
        ),
        (
            dict(teams=5, team_size=5, scenario="null", waves=2, changes={"T1": {"speed": 1}}),
            "changes\\['T1'\\]: unknown dimension 'speed'",
        ),
        (dict(teams=5, team_size=5, scenario="null", confounds="none"), "confounds: must be a Confounds"),
        (
            dict(teams=5, team_size=5, scenario="realistic", camp=0),
            "camp: must be a number above 0 and at most 3, got 0",
        ),
        (dict(teams=5, respondents=20, camp=1.5), "camp: only for the scenarios"),
    ],
)
def test_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        simulate(**kwargs)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(halo=1.2), r"confounds.halo: must be a number from 0.0 to 0.9, got 1.2"),
        (dict(acquiescence=-0.1), r"confounds.acquiescence: must be a number"),
        (dict(leniency="yes"), r"confounds.leniency: must be True or False, got 'yes'"),
        (dict(unawareness=float("nan")), r"confounds.unawareness: must be a number"),
    ],
)
def test_bad_confounds(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Confounds(**kwargs)


def test_pulse_form_and_simulate_responses_options():
    d = simulate_responses("aligned-autonomy-pulse-v1", teams=6, team_size=5, scenario="null", seed=1)
    assert d.n == 30 and d.tenure is None
    sim = simulate("aligned-autonomy-pulse-v1", teams=30, team_size=8, scenario="realistic", seed=2)
    assert sim.truth.teams.perception.shape == (30, 3)


def test_realistic_model_is_vectorized():
    t0 = time.perf_counter()
    sim = simulate(respondents=200_000, teams=20_000, units=100, scenario="realistic", seed=0)
    assert sim.data.n == 200_000
    assert time.perf_counter() - t0 < 20
    t0 = time.perf_counter()
    small = simulate(respondents=50_000, teams=5_000, units=50, scenario="realistic", seed=0)
    assert small.truth.teams.perception.shape == (5_000, 3)
    assert time.perf_counter() - t0 < 30  # about 5 s on a 2-core machine
