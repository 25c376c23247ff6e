"""Respondent scores: reverse keying, the 2/3 rule, structure scores, misconceptions."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from analysis.instrument import load_questionnaire
from analysis.responses import AnswerError, ResponseData, answer_items
from analysis.scoring import min_answered, reverse_keyed, score_responses

FULL = load_questionnaire("aligned-autonomy-v1")
PULSE = load_questionnaire("aligned-autonomy-pulse-v1")
nan = np.nan


def data(q, rows: dict, n=None):
    n = n or len(next(iter(rows.values())))
    return ResponseData.from_columns(q, team=["t"] * n, answers=rows)


def test_min_answered_is_two_thirds_rounded_up():
    assert [min_answered(j) for j in (1, 2, 3, 4, 5, 6)] == [1, 2, 2, 3, 4, 4]


def test_reverse_keyed_item_is_recoded_before_the_mean():
    # dir_p4 is reverse-keyed: 2 becomes 4; mean (5 + 4 + 4 + 4 + 3) / 5 = 4 -> 75
    d = data(FULL, {"dir_p1": [5], "dir_p2": [4], "dir_p3": [4], "dir_p4": [2], "dir_p5": [3]})
    assert_array_equal(reverse_keyed(d, ["dir_p4"]), [[4.0]])
    s = score_responses(d)
    assert s.perception[0, 0] == 75.0
    assert_array_equal(s.perception_items[0], [[5, 4, 4, 4, 3]])


def test_two_thirds_rule_for_perception_scores():
    # 4 of 5 answered -> scored on the answered ones; 3 of 5 -> missing
    d = data(FULL, {"dr_p1": [5, 5], "dr_p2": [5, 5], "dr_p3": [5, 5], "dr_p4": [1, nan], "dr_p5": [nan, nan]})
    assert_allclose(score_responses(d).perception[:, 1], [100.0, nan])


def test_pulse_needs_both_items():
    d = data(PULSE, {"fb_p1": [5, 1], "fb_p2": [3, nan]})
    assert_allclose(score_responses(d).perception[:, 2], [75.0, nan])


def test_structure_index_counts_team_facts_known_and_visibility_counts_dont_know():
    # direction: dir_s1 and dir_s3 are organization-wide facts (visibility only), dir_s2
    # and dir_s4 are about the team; "don't know" is dir_s1 4, dir_s2 5, dir_s3 4, dir_s4 4
    d = data(
        FULL, {"dir_s1": [1, 4, 2, 1], "dir_s2": [2, 4, nan, 5], "dir_s3": [1, 3, nan, 1], "dir_s4": [1, 1, nan, 4]}
    )
    s = score_responses(d)
    # team items with a known answer: (60 + 100) / 2; (0 + 100) / 2; none; none known
    assert_allclose(s.structure[:, 0], [80.0, 50.0, nan, nan])
    # visibility: org items count their score, team items 100 if known, "don't know" 0;
    # row 3 answers only 1 of 4 items (fewer than half)
    assert_allclose(s.visibility[:, 0], [100.0, (0 + 100 + 0 + 100) / 4, nan, (100 + 0 + 100 + 0) / 4])
    assert s.structure_item_ids[:4] == ("dir_s1", "dir_s2", "dir_s3", "dir_s4")
    assert_allclose(s.structure_items[:, 0], [100, 0, 40, 100])


def test_misconceptions_are_agreement_shares_and_outcome_is_on_0_100():
    d = data(FULL, {"mc_matrix": [5, 4, 3, nan], "outcome_litmus": [1, 3, 5, nan]})
    s = score_responses(d)
    j = s.misconceptions.index("matrix_organization")
    assert_allclose(s.misconception[:, j], [1, 1, 0, nan])
    assert_allclose(s.outcome, [0, 50, 100, nan])
    assert s.to_dict()["outcome"] == [0.0, 50.0, 100.0, None]


def test_pulse_has_no_misconceptions():
    s = score_responses(data(PULSE, {"dir_p1": [3]}))
    assert s.misconceptions == () and s.misconception.shape == (1, 0)


def test_answer_items_are_the_non_background_items_in_file_order():
    ids = answer_items(FULL)
    assert ids[0] == "dir_p1" and ids[-1] == "outcome_litmus"
    assert "role" not in ids and "comment" not in ids and len(ids) == 34


def test_score_responses_rejects_other_input():
    with pytest.raises(TypeError, match="data: must be a ResponseData"):
        score_responses(np.zeros((2, 2)))


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(answers={"dir_p1": [7]}), r"answers\['dir_p1'\]: row 0: value 7 is not an option of item dir_p1"),
        (dict(answers={"nope": [1]}), r"answers: 'nope' not an answer item"),
        (dict(answers={"role": [1]}), r"answers: 'role' not an answer item"),
        (dict(answers={"dir_p1": [1, 2]}), r"answers\['dir_p1'\]: has shape \(2,\), expected \(1,\)"),
        (dict(answers={}, role=["boss"]), r"role: row 0: 'boss' is not one of lead, member"),
        (dict(answers={}, tenure=["ages"]), r"tenure: row 0: 'ages' is not one of lt1"),
        (dict(answers={}, comments=[("x", "hi")]), r"comments: entry 0: team 'x' has no respondents"),
    ],
)
def test_from_columns_names_argument_row_and_value(kwargs, message):
    with pytest.raises(ValueError, match=message):
        ResponseData.from_columns(FULL, team=["t"], **kwargs)


def test_a_background_column_the_form_did_not_ask_is_absent_when_empty():
    """The service passes every stored column; the pulse asks no tenure, so its tenure
    column is empty in every row and must read as not asked, not as an error."""
    d = ResponseData.from_columns(
        PULSE, team=["a", "b"], answers={"dir_p1": [3, 4]}, role=["lead", ""], tenure=np.array(["", ""])
    )
    assert d.tenure is None and d.role.tolist() == ["lead", ""]
    assert ResponseData.from_columns(PULSE, team=["a"], answers={}, tenure=[None]).tenure is None
    with pytest.raises(AnswerError, match="tenure: row 1: the questionnaire has no tenure item") as info:
        ResponseData.from_columns(PULSE, team=["a", "b"], answers={}, tenure=["", "lt1"])
    assert (info.value.field, info.value.row) == ("tenure", 1)


def test_from_columns_rejects_empty_team_and_a_team_in_two_units():
    with pytest.raises(ValueError, match="team: row 1: empty label"):
        ResponseData.from_columns(FULL, team=["a", ""], answers={})
    with pytest.raises(ValueError, match="unit: row 2: team 'a' is in unit 'y' but in unit 'x' in row 0"):
        ResponseData.from_columns(FULL, team=["a", "b", "a"], unit=["x", "y", "y"], answers={})


def test_from_columns_accepts_none_as_missing_and_keeps_comments_apart():
    d = ResponseData.from_columns(
        "aligned-autonomy-v1",
        team=["a", "b"],
        answers={"dir_p1": [None, 3]},
        role=["lead", None],
        comments=[("a", "  fine  "), ("b", "   ")],
    )
    assert np.isnan(d.column("dir_p1")[0]) and d.column("dir_p1")[1] == 3
    assert d.role.tolist() == ["lead", ""]
    assert d.comments == (("a", "fine"),)
    assert not d.values.flags.writeable


def test_encode_labels_equals_encode_groups():
    from analysis.groups import encode_groups
    from analysis.responses import encode_labels

    rng = np.random.default_rng(0)
    labels = np.array([f"T{i}" for i in rng.integers(0, 300, 5000)] + ["ä", "Z", "a", ""])
    a, b = encode_labels(labels), encode_groups(labels)
    assert a.labels == b.labels
    assert np.array_equal(a.codes, b.codes) and np.array_equal(a.counts, b.counts)


def test_answer_errors_carry_field_and_row():
    from analysis.responses import AnswerError

    with pytest.raises(AnswerError) as info:
        ResponseData.from_columns(FULL, team=["a", "b"], answers={"dr_s4": [1, 9]})
    assert (info.value.field, info.value.row) == ("dr_s4", 1)
    d = ResponseData.from_columns(FULL, team=["b", "a", "b"], unit=["u", "v", "u"], answers={})
    assert d.teams.labels == ("a", "b") and d.units.labels == ("u", "v")
    assert d.values.flags.f_contiguous
