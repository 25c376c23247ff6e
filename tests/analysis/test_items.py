"""Question-level results: against R, hand-worked cases, edge cases and the anonymity
rules (with the differencing attack written out)."""

import itertools
import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis import diagnose, restrict_to_unit
from analysis.items import item_figures, item_results, option_counts
from analysis.privacy import COMPLEMENTARY, NO_DATA, PRIMARY
from analysis.release import batch_mask, contributions
from analysis.responses import ResponseData

FIXTURE = Path(__file__).parent.parent / "fixtures" / "r" / "items.json"
V1 = "aligned-autonomy-v1"


def _data(team, answers, unit=None, questionnaire=V1):
    return ResponseData.from_columns(questionnaire, team=team, unit=unit, answers=answers)


def _cell(res, level, item, label=None):
    d = res.to_dict()
    rec = d["organization"] if level == "organization" else next(r for r in d[level + "s"] if r[level] == label)
    return rec["items"][item]


# ------------------------------------------------------------------ against R


def _r_cases():
    fx = json.loads(FIXTURE.read_text())
    inp = fx["input"]
    data = _data(
        inp["team"], {i: [np.nan if v is None else v for v in x] for i, x in inp["answers"].items()}, unit=inp["unit"]
    )
    res = item_results(data, min_group_size=1).to_dict()
    out = [("organization", res["organization"], fx["organization"])]
    out += [(f"unit {r['unit']}", r, fx["units"][r["unit"]]) for r in res["units"]]
    out += [(f"team {r['team']}", r, fx["teams"][r["team"]]) for r in res["teams"]]
    return out


def test_means_distributions_and_favourable_match_r():
    cases = _r_cases()
    assert len(cases) == 1 + 3 + 12
    for name, ours, ref in cases:
        for item, r in ref.items():
            cell = ours["items"][item]
            assert cell["n"] == r["n"], (name, item)
            # the product rounds means to 2 decimals and shares to 4
            np.testing.assert_allclose(cell["mean"], r["mean"], atol=5e-3, err_msg=f"{name} {item}")
            np.testing.assert_allclose(cell["favourable"], r["favourable"], atol=5e-5, err_msg=f"{name} {item}")
            np.testing.assert_allclose(cell["distribution"], r["distribution"], atol=5e-5, err_msg=f"{name} {item}")


def test_unrounded_figures_match_r_exactly():
    fx = json.loads(FIXTURE.read_text())
    inp = fx["input"]
    ids = list(inp["answers"])
    data = _data(inp["team"], {i: [np.nan if v is None else v for v in x] for i, x in inp["answers"].items()})
    q = data.questionnaire
    opts = np.full((len(ids), 5), -1)
    weight = np.full((len(ids), 5), np.nan)
    fav = np.zeros((len(ids), 5), bool)  # the favourable shares are checked through item_results above
    for j, i in enumerate(ids):
        it = q.item(i)
        vals = [o.value for o in it.options]
        opts[j, : len(vals)] = vals
        if it.kind == "structure":
            weight[j, : len(vals)] = [np.nan if o.dont_know else o.score for o in it.options]
        else:
            weight[j, : len(vals)] = vals
    counts = option_counts(np.column_stack([data.column(i) for i in ids]), np.zeros(data.n, np.intp), 1, opts)
    f = item_figures(counts, weight, fav)
    for j, i in enumerate(ids):
        ref = fx["organization"][i]
        assert f["n"][0, j] == ref["n"]
        np.testing.assert_allclose(f["mean"][0, j], ref["mean"], rtol=1e-12)
        width = len(ref["distribution"])
        np.testing.assert_allclose(f["distribution"][0, j, :width], ref["distribution"], rtol=1e-12)


# ------------------------------------------------------------------ hand-worked


def test_hand_worked_reverse_keyed_misconception_structure_and_outcome():
    d = _data(
        ["a"] * 5,
        {
            "dir_p1": [1, 2, 4, 5, 5],  # mean 3.4; agreeing 3 of 5
            "dir_p4": [1, 2, 3, 4, 5],  # reverse-keyed: favourable is disagreeing, 2 of 5
            "mc_matrix": [1, 2, 4, 5, 5],  # favourable = not holding it (1–2): 2 of 5
            "fb_s2": [1, 2, 3, 4, 4],  # 4 = don't know: mean (100 + 50 + 0) / 3 = 50
            "outcome_litmus": [3, 3, 3, 3, 4],
        },
    )
    res = item_results(d, min_group_size=3)  # the structure mean has 3 known answers
    org = res.to_dict()["organization"]["items"]
    assert org["dir_p1"] == {
        "n": 5,
        "mean": 3.4,
        "favourable": 0.6,
        "distribution": [0.2, 0.2, 0.0, 0.2, 0.4],
        "suppressed": False,
        "suppression_reason": None,
        "mean_suppression_reason": None,
    }
    assert (org["dir_p4"]["mean"], org["dir_p4"]["favourable"]) == (3.0, 0.4)
    assert (org["mc_matrix"]["mean"], org["mc_matrix"]["favourable"]) == (3.4, 0.4)
    assert org["fb_s2"]["mean"] == 50.0 and org["fb_s2"]["favourable"] == 0.2
    assert org["fb_s2"]["distribution"] == [0.2, 0.2, 0.2, 0.4]
    assert org["outcome_litmus"]["favourable"] == 0.2
    q = {x["id"]: x for x in res.to_dict()["questions"]}
    assert q["dir_p4"]["reverse"] and "reverse-keyed" in q["dir_p4"]["favourable"]["en"]
    assert [o["favourable"] for o in q["dir_p4"]["options"]] == [True, True, False, False, False]
    assert [o["favourable"] for o in q["mc_matrix"]["options"]] == [True, True, False, False, False]
    assert "not holding the misconception" in q["mc_matrix"]["favourable"]["en"]
    assert "Missverständnis" in q["mc_matrix"]["favourable"]["de"]
    assert [o["favourable"] for o in q["dr_s4"]["options"]] == [True, True, False, False, False]
    assert q["fb_s2"]["mean_range"] == [0, 100] and q["dir_p1"]["mean_range"] == [1, 5]
    # not holding it (1–2), neutral (3) and holding it (4–5, the prevalence) make up every answer
    share = org["mc_matrix"]["distribution"]
    assert np.allclose((sum(share[:2]), share[2], sum(share[3:])), (0.4, 0.0, 0.6))


def test_questions_come_by_kind_and_leave_out_background_and_comment():
    res = item_results(_data(["a"] * 5, {"dir_p1": [1] * 5}))
    kinds = [q["kind"] for q in res.to_dict()["questions"]]
    assert kinds == sorted(kinds, key=["perception", "structure", "misconception", "outcome"].index)
    assert len(kinds) == 34 and "background" not in kinds and "comment" not in kinds


# ------------------------------------------------------------------ edge cases


def test_single_respondent_constant_answers_and_missing_items():
    one = item_results(_data(["a"], {"dir_p1": [4], "fb_s2": [4]}), min_group_size=1).to_dict()
    cell = one["organization"]["items"]["dir_p1"]
    assert (cell["n"], cell["mean"], cell["favourable"], cell["distribution"]) == (1, 4.0, 1.0, [0, 0, 0, 1, 0])
    # a structure item answered only with "don't know": the distribution is shown, the mean is not
    dk = one["organization"]["items"]["fb_s2"]
    assert dk["distribution"] == [0, 0, 0, 1.0] and dk["mean"] is None
    assert dk["mean_suppression_reason"] == NO_DATA and dk["favourable"] == 0.0
    const = item_results(_data(["a"] * 6, {"dir_p1": [3] * 6})).to_dict()["organization"]["items"]
    assert (const["dir_p1"]["mean"], const["dir_p1"]["favourable"]) == (3.0, 0.0)
    assert const["dir_p1"]["distribution"] == [0, 0, 1.0, 0, 0]
    # an item nobody answered says "no data", not "fewer than k"
    assert const["dr_p1"]["suppressed"] and const["dr_p1"]["suppression_reason"] == NO_DATA
    assert const["dr_p1"]["distribution"] is None and const["dr_p1"]["mean"] is None


def test_values_that_are_no_option_are_refused():
    with pytest.raises(ValueError, match="is not an option"):
        option_counts(np.array([[7.0]]), [0], 1, np.array([[1, 2, 3]]))
    # a negative value is no option either (it must not count as one from the other end)
    with pytest.raises(ValueError, match=r"-2\.0\) is not an option of item column 1"):
        option_counts(np.array([[1.0, 2.0], [np.nan, -2.0]]), [0, 0], 1, np.array([[1, 2, 3], [1, 2, 3]]))


def test_option_counts_leave_out_missing_answers():
    x = np.array([[1.0, np.nan], [3.0, 2.0], [np.nan, 2.0], [3.0, 0.0]])
    counts = option_counts(x, [0, 1, 1, 1], 2, np.array([[1, 2, 3], [0, 2, -1]]))
    assert counts.tolist() == [[[1, 0, 0], [0, 0, 0]], [[0, 0, 2], [1, 2, 0]]]


def test_structure_mean_needs_k_known_answers():
    # 6 answers, 4 of them "don't know": the shares are shown, the mean over 2 people is not
    res = item_results(_data(["a"] * 6, {"fb_s2": [1, 2, 4, 4, 4, 4]})).to_dict()
    cell = res["organization"]["items"]["fb_s2"]
    assert not cell["suppressed"] and cell["mean"] is None and cell["mean_suppression_reason"] == PRIMARY
    assert cell["distribution"] == [0.1667, 0.1667, 0.0, 0.6667]


# ------------------------------------------------------------------ anonymity


def _released_counts(res, item):
    """What a reader holds: every released cell's answer counts (shares × n), by group
    as a set of team labels."""
    d = res.to_dict()
    teams = {r["team"]: r["unit"] for r in d["teams"]}
    out = []

    def add(members, rec):
        cell = rec.get("items", {}).get(item)
        if cell and not cell["suppressed"]:
            out.append((frozenset(members), np.rint(np.array(cell["distribution"]) * cell["n"]).astype(int)))

    add(teams, d["organization"])
    for r in d["units"]:
        add([t for t, u in teams.items() if u == r["unit"]], r)
    for r in d["teams"]:
        add([r["team"]], r)
    return out


def differencing_attack(released, k):
    """Subtract every disjoint family of released cells from a released parent; return
    the remainders with 1 … k - 1 answers (a small group's answers, reconstructed)."""
    found = []
    for members, counts in released:
        inner = [(m, c) for m, c in released if m < members]
        for r in range(1, len(inner) + 1):
            for family in itertools.combinations(inner, r):
                sets = [m for m, _ in family]
                if sum(len(s) for s in sets) != len(frozenset().union(*sets)):
                    continue
                rest = counts - sum(c for _, c in family)
                if 0 < rest.sum() < k:
                    found.append((members - frozenset().union(*sets), rest))
    return found


def _unit_case():
    # unit u1: team a (6, all answer dir_p1), team b (6 people, 4 answer dir_p1); unit u2: team c (9)
    team = ["a"] * 6 + ["b"] * 6 + ["c"] * 9
    unit = ["u1"] * 12 + ["u2"] * 9
    dir_p1 = [5, 5, 4, 4, 3, 2] + [1, 1, 2, 1, None, None] + [3] * 9
    return _data(team, {"dir_p1": dir_p1, "dir_p2": [3] * 21}, unit=unit)


def test_complementary_suppression_hides_the_sibling_of_a_small_item_cell():
    res = item_results(_unit_case())
    d = res.to_dict()
    teams = {r["team"]: r for r in d["teams"]}
    assert all(not r["suppressed"] for r in teams.values())  # every team is shown …
    assert teams["b"]["items"]["dir_p1"]["suppression_reason"] == PRIMARY  # … but b's 4 answers are not
    assert teams["a"]["items"]["dir_p1"]["suppression_reason"] == COMPLEMENTARY
    assert not teams["a"]["items"]["dir_p2"]["suppressed"]  # another item of team a is shown
    assert not d["units"][0]["items"]["dir_p1"]["suppressed"]
    assert differencing_attack(_released_counts(res, "dir_p1"), 5) == []


def test_the_differencing_attack_works_without_complementary_suppression():
    # the same release with only the primary rule: unit u1 minus team a gives team b's answers
    full = item_results(_unit_case(), min_group_size=1).to_dict()
    naive = [
        (m, c) for m, c in _released_counts(item_results(_unit_case(), min_group_size=1), "dir_p1") if c.sum() >= 5
    ]
    found = differencing_attack(naive, 5)
    assert any(members == {"b"} and rest.tolist() == [3, 1, 0, 0, 0] for members, rest in found)
    assert full["teams"][1]["items"]["dir_p1"]["distribution"] == [0.75, 0.25, 0, 0, 0]


def test_hidden_groups_show_no_item_figures():
    data = _data(["a"] * 3 + ["b"] * 8 + ["c"] * 7, {"dir_p1": [4] * 18})
    d = item_results(data).to_dict()
    rec = {r["team"]: r for r in d["teams"]}
    assert rec["a"]["suppressed"] and "items" not in rec["a"] and rec["a"]["suppression_reason"] == PRIMARY
    assert rec["c"]["suppressed"] and rec["c"]["suppression_reason"] == COMPLEMENTARY
    assert d["organization"]["items"]["dir_p1"]["n"] == 18
    small = item_results(_data(["a"] * 4, {"dir_p1": [4] * 4})).to_dict()["organization"]
    assert small["suppressed"] and "items" not in small


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.tuples(st.integers(0, 2), st.integers(1, 9), st.floats(0, 0.6)), min_size=1, max_size=6),
    st.integers(0, 2**31 - 1),
    st.sampled_from([3, 5]),
)
def test_no_subtraction_of_released_item_cells_isolates_fewer_than_k(spec, seed, k):
    rng = np.random.default_rng(seed)
    team, unit, x = [], [], []
    for t, (u, size, miss) in enumerate(spec):
        team += [f"t{t}"] * size
        unit += [f"u{u}"] * size
        x += [None if rng.random() < miss else int(v) for v in rng.integers(1, 6, size)]
    data = _data(team, {"dir_p1": x}, unit=unit)
    res = item_results(data, min_group_size=k)
    released = _released_counts(res, "dir_p1")
    assert differencing_attack(released, k) == []
    for _, counts in released:
        assert counts.sum() >= k
    for r in res.to_dict()["teams"] + res.to_dict()["units"] + [res.to_dict()["organization"]]:
        for cell in r.get("items", {}).values():
            if not cell["suppressed"]:
                assert abs(sum(cell["distribution"]) - 1) < 1e-3 and cell["n"] >= k


# ------------------------------------------------------------------ in the diagnosis


def test_diagnosis_json_carries_the_items_and_a_unit_reader_gets_only_its_unit():
    dx = diagnose(_unit_case(), min_group_size=5)
    items = dx.to_dict()["items"]
    assert items["organization"]["items"]["dir_p1"]["n"] == 19
    unit = restrict_to_unit(dx, "u2").to_dict()["items"]
    assert [r["unit"] for r in unit["units"]] == ["u2"] and [r["team"] for r in unit["teams"]] == ["c"]
    assert unit["organization"] == items["organization"]


def test_interim_batches_count_every_item_as_a_figure():
    # five complete answer sets, of which only two answer dr_s4 with a known option
    data = _data(["a"] * 5, {"dir_p1": [4] * 5, "dr_s4": [1, 2, 5, 5, 5]}, questionnaire=V1)
    feeds = contributions(data)
    assert feeds.shape[1] == 3 + 3 + 6 + 1 + len(data.item_ids) + len(data.questionnaire.items_of("structure"))
    assert not batch_mask(np.zeros(5, np.intp), feeds, k=5).any()
    ok = _data(["a"] * 5, {"dir_p1": [4] * 5, "dr_s4": [1, 2, 3, 4, 1]})
    assert batch_mask(np.zeros(5, np.intp), contributions(ok), k=5).all()
