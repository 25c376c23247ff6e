"""Questionnaire schema, the bundled instruments and error messages."""

import copy
import os
import re

import pytest
import yaml

from analysis import QuestionnaireError, list_questionnaires, load_questionnaire
from analysis.instrument import DIMENSIONS, MISCONCEPTIONS, questionnaire_dir

FULL = "aligned-autonomy-v1"
PULSE = "aligned-autonomy-pulse-v1"


@pytest.fixture(scope="module")
def full_spec():
    return yaml.safe_load((questionnaire_dir() / f"{FULL}.yaml").read_text(encoding="utf-8"))


def write(tmp_path, spec, name=f"{FULL}.yaml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(spec, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def item(spec, item_id):
    return next(i for i in spec["items"] if i["id"] == item_id)


# ---------------------------------------------------------------- bundled files


def test_full_instrument_meets_the_content_requirements():
    q = load_questionnaire(FULL)
    for dim in DIMENSIONS:
        perception = q.items_of("perception", dim)
        assert len(perception) >= 5
        assert any(i.reverse for i in perception)
        assert len(q.items_of("structure", dim)) >= 3
    assert sorted(i.misconception for i in q.items_of("misconception")) == sorted(MISCONCEPTIONS)
    assert len(q.items_of("outcome")) == 1
    assert {i.background for i in q.items_of("background")} == {"role", "tenure"}
    assert q.item("role").required and not q.item("tenure").required
    (comment,) = q.items_of("comment")
    assert comment.options is None and comment.max_length == 2000


def test_every_text_is_bilingual_and_translated():
    for q in list_questionnaires():
        for it in q.items:
            assert it.text["en"].strip() and it.text["de"].strip()
            assert it.text["en"] != it.text["de"], it.id
            for opt in it.options or ():
                assert opt.label["en"] and opt.label["de"]


def test_item_ids_are_valid_and_unique():
    for q in list_questionnaires():
        ids = [i.id for i in q.items]
        assert len(ids) == len(set(ids))
        assert all(re.fullmatch(r"[a-z][a-z0-9_]*", i) for i in ids)


def test_structure_items_score_dont_know_explicitly():
    q = load_questionnaire(FULL)
    for it in q.items_of("structure"):
        scores = [o.score for o in it.options]
        assert all(s is not None and 0 <= s <= 100 for s in scores)
        assert sum(o.dont_know for o in it.options) == 1
        assert max(scores) == 100


def test_pulse_is_short_and_shares_ids_and_wording_with_the_full_form():
    full, pulse = load_questionnaire(FULL), load_questionnaire(PULSE)
    assert len(pulse.items) <= 12
    assert set(pulse.dimensions) == set(full.dimensions) == set(DIMENSIONS)
    for it in pulse.items:
        twin = full.item(it.id)
        assert (it.kind, it.dimension, it.text, it.options) == (twin.kind, twin.dimension, twin.text, twin.options)
    for dim in DIMENSIONS:
        assert pulse.items_of("perception", dim) and pulse.items_of("structure", dim)


def test_loader_exposes_the_documented_item_attributes():
    q = load_questionnaire(FULL)
    it = q.item("dr_p4")
    assert (it.id, it.dimension, it.kind, it.reverse) == ("dr_p4", "decision_rights", "perception", True)
    assert [o.value for o in it.options] == [1, 2, 3, 4, 5]
    assert [o.score for o in q.item("dr_s4").options] == [100, 67, 33, 0, 0]
    assert [o.key for o in q.item("role").options] == ["lead", "member"]
    assert q.thresholds.findings.agreement_null == "slight_skew" and q.thresholds.findings.agreement_alpha == 0.05
    assert q.thresholds.verdicts.min_probability == 0.75 and q.thresholds.verdicts.min_reliability == 0.4
    assert {i.id for i in q.items_of("structure") if i.scope == "organization"} == {"dir_s1", "dir_s3", "fb_s3"}


def test_load_by_path_equals_load_by_id():
    by_id = load_questionnaire(FULL)
    by_path = load_questionnaire(questionnaire_dir() / f"{FULL}.yaml")
    assert by_id.items == by_path.items


# ---------------------------------------------------------------- bad files


def mutate_scale_name(s):
    item(s, "dr_p3")["scale"] = "agree5x"


def mutate_duplicate_id(s):
    item(s, "dr_p2")["id"] = "dr_p1"


def mutate_bad_id(s):
    item(s, "dr_p2")["id"] = "Dr-2"


def mutate_missing_german(s):
    del item(s, "fb_p1")["text"]["de"]


def mutate_unknown_field(s):
    item(s, "fb_p1")["weight"] = 2


def mutate_no_dont_know(s):
    s["scales"]["approvals_count"]["options"] = s["scales"]["approvals_count"]["options"][:4]


def mutate_perception_on_options(s):
    item(s, "dir_p1")["scale"] = "written_strategy"


def mutate_reverse_structure(s):
    item(s, "dir_s1")["reverse"] = True


def mutate_unknown_misconception(s):
    item(s, "mc_matrix")["misconception"] = "holacracy"


def mutate_unordered_cuts(s):
    s["thresholds"]["maturity"]["cuts"] = [20, 60, 40, 80]


def mutate_missing_dimension(s):
    del s["dimensions"]["feedback"]


def mutate_structure_without_dimension(s):
    del item(s, "dr_s1")["dimension"]


def mutate_score_out_of_range(s):
    s["scales"]["approvals_count"]["options"][0]["score"] = 120


def mutate_role_keys(s):
    s["scales"]["role"]["options"][0]["key"] = "boss"


@pytest.mark.parametrize(
    "mutate, message",
    [
        (mutate_scale_name, f"{FULL}.yaml: item dr_p3: scale 'agree5x' is not declared"),
        (mutate_duplicate_id, f"{FULL}.yaml: item dr_p1: duplicate item id"),
        (mutate_bad_id, f"{FULL}.yaml: item Dr-2: id must match ^[a-z][a-z0-9_]*$"),
        (mutate_missing_german, f"{FULL}.yaml: item fb_p1: text.de: is required"),
        (mutate_unknown_field, f"{FULL}.yaml: item fb_p1: weight: unknown field"),
        (
            mutate_no_dont_know,
            f"{FULL}.yaml: item dr_s4: scale 'approvals_count' must have exactly one 'don't know' option with a score",
        ),
        (
            mutate_perception_on_options,
            f"{FULL}.yaml: item dir_p1: a perception item needs a likert scale, 'written_strategy' is not one",
        ),
        (
            mutate_reverse_structure,
            f"{FULL}.yaml: item dir_s1: only perception and misconception items may be reverse-keyed",
        ),
        (mutate_unknown_misconception, f"{FULL}.yaml: item mc_matrix: misconception 'holacracy' is not one of"),
        (
            mutate_unordered_cuts,
            f"{FULL}.yaml: thresholds: Value error, maturity.cuts must be 4 increasing numbers in [0, 100]",
        ),
        (mutate_missing_dimension, f"{FULL}.yaml: dimensions: feedback not declared"),
        (mutate_structure_without_dimension, f"{FULL}.yaml: item dr_s1: a structure item needs a dimension"),
        (
            mutate_score_out_of_range,
            f"{FULL}.yaml: scale 'approvals_count': options.0.score: Input should be less than or equal to 100",
        ),
        (mutate_role_keys, f"{FULL}.yaml: item role: the role scale must have the keys lead, member"),
    ],
)
def test_schema_errors_name_file_item_and_problem(tmp_path, full_spec, mutate, message):
    spec = copy.deepcopy(full_spec)
    mutate(spec)
    with pytest.raises(QuestionnaireError) as err:
        load_questionnaire(write(tmp_path, spec))
    assert str(err.value).startswith(message)


def test_invalid_yaml_names_the_line(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("id: x\nitems:\n  - id: a\n   kind: perception\n", encoding="utf-8")
    with pytest.raises(QuestionnaireError, match=r"^broken.yaml: line 4, column 4: invalid YAML"):
        load_questionnaire(path)


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "broken.yaml: expected a mapping at the top level"),
        (b"- a\n- b\n", "broken.yaml: expected a mapping at the top level"),
        (b"id: caf\xe9\n", "broken.yaml: not UTF-8 text (byte 7)"),
        (b"x: " + b"a" * 1_000_001, "broken.yaml: file is larger than 1000000 bytes"),
        (b"id: x\n", "broken.yaml: version: is required"),
        (b"!!python/object:os.system {}\n", "broken.yaml: line 1, column 1: invalid YAML"),
    ],
)
def test_hostile_and_malformed_files(tmp_path, content, message):
    path = tmp_path / "broken.yaml"
    path.write_bytes(content)
    with pytest.raises(QuestionnaireError) as err:
        load_questionnaire(path)
    assert str(err.value).startswith(message)


def test_unknown_id_and_missing_path():
    with pytest.raises(
        QuestionnaireError,
        match="unknown questionnaire 'nope-v9'; bundled ones: aligned-autonomy-pulse-v1, aligned-autonomy-pulse-v2, aligned-autonomy-v1, aligned-autonomy-v2",
    ):
        load_questionnaire("nope-v9")
    with pytest.raises(QuestionnaireError, match="no such file"):
        load_questionnaire("/nonexistent/q.yaml")


def test_a_changed_file_is_reloaded(tmp_path, full_spec):
    spec = copy.deepcopy(full_spec)
    path = write(tmp_path, spec)
    assert load_questionnaire(path).version == 1
    spec["version"] = 2
    path.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    os.utime(path, ns=(1, 10**18))  # a distinct mtime even on coarse file systems
    assert load_questionnaire(path).version == 2
