"""The error-rate harness: its mechanics, not the engine's quality.

The engine's verdicts are being reworked; the assertions about *their* quality are the
engine-quality tests at the end check the error control of the verdicts on small
configurations (the full tables are in ``docs/methodology.md``, §17).
"""

import copy

import pytest

from analysis.error_rates import ErrorRates, _rates, error_rates, markdown, tally
from analysis.instrument import DIMENSIONS
from analysis.simulate import simulate


def _fake_diagnosis(truth, wave=0):
    """A Diagnosis.to_dict()-like output that says exactly the truth."""
    w = truth.waves[wave]
    teams = []
    for i, team in enumerate(w.teams.labels):
        dims = {}
        for j, d in enumerate(DIMENSIONS):
            planted = w.teams.planted[i, j]
            dims[d] = {
                "finding": planted or w.teams.finding[i, j],
                "level": int(w.teams.level_[i, j]),
                "suppressed": False,
                "new_field": 1,
            }
        teams.append(
            {
                "team": team,
                "suppressed": False,
                "typology": w.teams.planted_typology[i] or w.teams.typology[i],
                "dimensions": dims,
            }
        )
    units = [{"unit": u, "suppressed": False, "dimensions": {}} for u in (w.units.labels if w.units else ())]
    return {"teams": teams, "units": units, "differences": [], "something_new": {"a": 1}}


def _rate(counts, *key):
    c, t = counts[key]
    return c / t


@pytest.fixture(scope="module")
def null_sim():
    return simulate(teams=10, team_size=6, units=2, scenario="null", seed=1, waves=2)


@pytest.fixture(scope="module")
def real_sim():
    return simulate(
        teams=12, team_size=8, units=3, scenario="realistic", seed=2, waves=2, changes={"T02": {"direction": 1.5}}
    )


def test_truth_as_output_gives_no_false_positive_and_full_recovery(real_sim):
    out = _fake_diagnosis(real_sim.truth)
    c = tally(out, real_sim.truth)
    assert all(k[2] == k[3] for k in c if k[0] == "finding")
    planted = {k[2] for k in c if k[:2] == ("finding", "planted")}
    assert planted == set(real_sim.planted.values())
    assert c["typology", "wrong"] == (0.0, 12.0) and c["maturity", "wrong"] == (0.0, 36.0)
    assert c["difference", "team", "fwer"] == (0.0, 1.0)
    assert c["difference", "team", "recovery"][0] == 0  # nothing flagged


def test_new_states_and_labels_are_read_generically(null_sim):
    truth = null_sim.truth
    base = _fake_diagnosis(truth)
    expected = truth.teams.finding[0, 0]
    assert expected == "mixed"
    out = copy.deepcopy(base)
    out["teams"][0]["dimensions"]["direction"]["finding"] = "not_precise_enough"
    out["teams"][0]["dimensions"]["feedback"]["finding"] = None
    out["teams"][1]["dimensions"]["direction"]["finding"] = {"label": "structural_gap", "probability": 0.8}
    out["teams"][2]["dimensions"]["direction"]["suppressed"] = True
    out["teams"][3] = {"team": out["teams"][3]["team"], "suppressed": True}
    c = tally(out, truth)
    fin = {k: v[0] for k, v in c.items() if k[0] == "finding"}
    assert fin["finding", "unplanted", "mixed", "withheld"] == 2
    assert fin["finding", "unplanted", "mixed", "structural_gap"] == 1
    assert fin["finding", "unplanted", "mixed", "not_released"] == 1 + 3
    assert sum(fin.values()) == 30
    res = ErrorRates("null", 6, 10, 2, 1, 1, 0.0, _rates(c, "null"))
    assert res.get("finding", "any", "withheld").count == 2
    assert res.get("finding", "any", "false_positive").count == 1
    assert res.get("finding", "any", "not_released").count == 4
    assert res.get("finding", "structural_gap", "false_positive").count == 1
    assert res.get("finding", "mixed", "false_positive").total == 0


def test_differences_fwer_and_fdr(null_sim, real_sim):
    truth = null_sim.truth
    out = _fake_diagnosis(truth)
    out["differences"] = [
        {
            "level": "team",
            "group": "T01",
            "dimension": "direction",
            "measure": "perception",
            "difference": -3.0,
            "d": -0.6,
            "extra": True,
        }
    ]
    c = tally(out, truth)
    assert c["difference", "team", "fwer"] == (1.0, 1.0) and c["difference", "team", "fdr"] == (1.0, 1.0)
    assert c["difference", "unit", "fwer"] == (0.0, 1.0)
    # a flag on a true difference that matters, in its direction, is a recovery
    rt = real_sim.truth
    real = next(r for r in rt.differences if r["level"] == "team" and r["matters"])
    wrong = next(r for r in rt.differences if r["level"] == "team" and not r["matters"])
    out = _fake_diagnosis(rt)
    out["differences"] = [dict(real), {**dict(wrong), "direction": "higher"}]
    c = tally(out, rt)
    assert c["difference", "team", "recovery"][0] == 1
    assert c["difference", "team", "fdr"] == (0.5, 1.0)
    # units without an effect of their own: every unit flag is false
    unit = next(r for r in truth.differences if r["level"] == "unit")
    out = _fake_diagnosis(truth)
    out["differences"] = [{**dict(unit), "direction": "higher"}]
    assert tally(out, truth)["difference", "unit", "fwer"] == (1.0, 1.0)


def test_wave_changes_are_read_generically(real_sim):
    truth = real_sim.truth
    rows = []
    for ch in truth.changes:
        rows.append(
            {
                "from_wave": "W1",
                "to_wave": "W2",
                "span": "step",
                "level": ch["level"],
                "group": ch["group"],
                "dimension": ch["dimension"],
                "measure": ch["measure"],
                "available": True,
                "change": "no_reliable_change",
            }
        )

    def find(level, group, dim, measure):
        return next(
            r for r in rows if (r["level"], r["group"], r["dimension"], r["measure"]) == (level, group, dim, measure)
        )

    find("team", "T02", "direction", "score")["change"] = "improved"
    find("team", "T02", "direction", "structure")["change"] = "declined"
    find("team", "T03", "feedback", "score")["change"] = "improved"
    find("team", "T04", "feedback", "score")["change"] = "too_imprecise"
    find("team", "T05", "feedback", "score")["available"] = False
    rows.append({**rows[0], "span": "overall", "change": "improved"})  # not a step: ignored
    cmp = {"labels": ["W1", "W2"], "changes": rows}
    c = tally(_fake_diagnosis(truth), truth, cmp)
    assert c["change", "team", "recovery"] == (1.0, 2.0)
    assert c["change", "team", "fwer"] == (1.0, 1.0)
    assert c["change", "team", "fdr"] == (2 / 3, 1.0)
    assert c["change", "team", "withheld"][0] == 1 and c["change", "team", "not_released"][0] == 1
    assert c["change", "organization", "fwer"] == (0.0, 1.0)


def test_small_configuration_end_to_end():
    res = error_rates("realistic", team_size=5, teams=10, units=2, replications=2, seed=3)
    assert res.replications == 2 and res.team_size == 5 and res.seconds > 0
    assert all(0 <= r.count <= r.total for r in res.rates)
    assert {r.label for r in res.rates if r.metric == "recovery" and r.verdict == "finding"} == {
        "anchored_strength",
        "structural_gap",
        "proclaimed_not_anchored",
        "unseen_structure",
        "divided",
    }
    assert res.get("finding", "divided", "recovery").total == 2  # one planted team per run
    assert res.get("change", "team", "recovery").total == 2 * 2  # 1 team x 2 measures x 2 runs
    d = res.to_dict()
    assert d["scenario"] == "realistic" and all(0 <= (r["rate"] or 0) <= 1 for r in d["rates"])
    text = markdown([res, error_rates("realistic", team_size=8, teams=10, units=2, replications=1, seed=3)])
    assert "| verdict | n = 5 | n = 8 |" in text and "| run time |" in text
    assert "recovery of planted `unseen_structure`" in text


def test_replications_are_reproducible_one_by_one():
    a = error_rates("null", team_size=5, teams=8, units=None, replications=2, seed=7, waves=False)
    b = error_rates("null", team_size=5, teams=8, units=None, replications=2, seed=7, waves=False)
    assert [r.to_dict() for r in a.rates] == [r.to_dict() for r in b.rates]
    assert a.get("difference", "unit", "fwer") is None  # no unit level


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(scenario="showcase"), "scenario: must be one of realistic, null, random_units"),
        (dict(replications=0), "replications: must be a positive integer, got 0"),
    ],
)
def test_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        error_rates(**kwargs)


# ------------------------------------------------------------- engine quality (to tighten)


@pytest.fixture(scope="module")
def null_rates():
    return error_rates("null", team_size=8, teams=20, units=4, replications=4, seed=100)


def test_report_engine_quality(null_rates, capsys):
    """Report only: prints the rates of a small null configuration."""
    with capsys.disabled():
        print("\n" + markdown([null_rates]))


def test_divided_false_positives_on_null_data(null_rates):
    assert null_rates.get("finding", "divided", "false_positive").rate <= 0.08


@pytest.mark.parametrize("n", [5, 8])
def test_no_actionable_finding_on_null_data_of_small_teams(n):
    res = error_rates("null", team_size=n, teams=20, units=4, replications=3, seed=300, waves=False)
    for label in ("anchored_strength", "structural_gap", "proclaimed_not_anchored", "unseen_structure"):
        assert res.get("finding", label, "false_positive").rate <= 0.05


def test_wave_changes_and_differences_are_controlled_on_null_data(null_rates):
    assert null_rates.get("change", "team", "fwer").rate <= 0.10
    assert null_rates.get("difference", "team", "fwer").rate <= 0.10
    assert null_rates.get("difference", "unit", "fwer").rate <= 0.10


def test_unseen_structure_through_unawareness_is_recovered():
    res = error_rates("realistic", team_size=20, teams=20, units=None, replications=8, seed=200, waves=False)
    assert res.get("finding", "unseen_structure", "recovery").rate >= 0.6


def test_divided_power_bound_script_has_its_level_and_grows_with_the_split():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "scripts" / "divided_power_bound.py"
    spec = importlib.util.spec_from_file_location("divided_power_bound", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    # a vanishing split is indistinguishable from no split: power equals the level
    assert mod.power(1e-3, 12, 0.05, reps=20_000) == pytest.approx(0.05, abs=0.01)
    assert mod.power(0.9, 12, 0.05, reps=20_000) < mod.power(1.5, 12, 0.05, reps=20_000)
