"""Filtered views: released only when the subgroup, its complement, every wider view's
difference and every sibling category reach k; refused views carry no numbers."""

from __future__ import annotations

import numpy as np
import pytest

from analysis import ResponseData, diagnose, simulate_responses
from analysis.views import REFUSALS, View, diagnose_view


@pytest.fixture(scope="module")
def data():
    return simulate_responses(respondents=240, teams=24, units=4, seed=5)


def _with(data, **columns) -> ResponseData:
    """``data`` with some background columns replaced."""
    fields = {
        "questionnaire": data.questionnaire,
        "item_ids": data.item_ids,
        "values": data.values,
        "team": data.team,
        "unit": data.unit,
        "role": data.role,
        "tenure": data.tenure,
        "comments": (),
    }
    fields.update({k: np.asarray(v) for k, v in columns.items()})
    return ResponseData(**fields)


def _roles(n, leads, blanks=0):
    """``leads`` leads spread evenly over the rows (so over all teams), ``blanks`` not answered."""
    role = np.full(n, "member", dtype=object)
    role[np.linspace(0, n - 1, leads).astype(int)] = "lead"
    role[np.flatnonzero(role == "member")[:blanks]] = ""
    return role.astype(str)


def test_a_released_view_matches_diagnosing_the_subgroup(data):
    d = _with(data, role=_roles(data.n, 60))
    view = diagnose_view(d, role="lead", min_group_size=5)
    assert isinstance(view, View) and view.released and view.reason is None
    mask = d.role == "lead"
    assert mask.sum() == 60
    sub = ResponseData(
        d.questionnaire, d.item_ids, d.values[mask], d.team[mask], d.unit[mask], d.role[mask], d.tenure[mask], ()
    )
    expected = diagnose(sub, min_group_size=5).organization.records()[0]
    assert view.record["n"] == 60
    assert view.to_dict()["record"]["dimensions"] == expected["dimensions"]
    assert "comments" not in view.record


def test_subgroup_below_k_is_refused_without_numbers(data):
    view = diagnose_view(_with(data, role=_roles(data.n, 4)), role="lead", min_group_size=5)
    assert not view.released and view.reason == "subgroup_below_k" and view.record is None
    assert view.reason_text["en"] == REFUSALS["subgroup_below_k"][0].format(k=5)
    assert view.to_dict()["record"] is None


def test_complement_below_k_is_refused(data):
    view = diagnose_view(_with(data, role=_roles(data.n, data.n - 3)), role="lead", min_group_size=5)
    assert view.reason == "complement_below_k"


def test_a_small_sibling_category_blocks_the_filter(data):
    # 3 people did not answer the role question: leads and members together would isolate them
    d = _with(data, role=_roles(data.n, 60, blanks=3))
    assert diagnose_view(d, role="lead", min_group_size=5).reason == "sibling_below_k"
    assert diagnose_view(d, role="member", min_group_size=5).reason == "sibling_below_k"


def test_views_differing_by_fewer_than_k_are_not_both_released(data):
    # all but 2 people of one unit are members: unit vs unit ∧ member differs by 2
    unit = str(data.unit[0])
    in_unit = data.unit == unit
    role = np.where(in_unit, "member", "lead")
    role[np.flatnonzero(in_unit)[:2]] = "lead"
    view = diagnose_view(_with(data, role=role), unit=unit, role="member", min_group_size=5)
    assert view.reason == "differs_by_fewer_than_k"


def test_a_view_covering_all_but_a_few_of_a_visible_team_is_refused(data):
    # leads: five whole teams and all but 2 members of a sixth; that team minus its leads
    # (a visible team minus the view) would isolate the 2
    labels, counts = np.unique(data.team, return_counts=True)
    big = labels[np.argmax(counts)]
    lead = np.isin(data.team, [t for t in labels[:6] if t != big])
    sixth = np.flatnonzero(data.team == big)
    assert sixth.size >= 7
    lead[sixth[:-2]] = True
    view = diagnose_view(_with(data, role=np.where(lead, "lead", "member")), role="lead", min_group_size=5)
    assert view.reason == "overlaps_hidden_group" and view.record is None


def test_options_are_checked(data):
    with pytest.raises(ValueError, match="give at least one filter"):
        diagnose_view(data)
    with pytest.raises(ValueError, match="role: 'boss' does not occur"):
        diagnose_view(data, role="boss")
    with pytest.raises(TypeError, match="data: must be a ResponseData"):
        diagnose_view({}, role="lead")
    no_units = _with(data)
    object.__setattr__(no_units, "unit", None)
    with pytest.raises(ValueError, match="unit: the data have no unit column"):
        diagnose_view(no_units, unit="U1")
