"""A diagnosis restricted to one unit: the unit's released figures unchanged, nothing
of another unit, organization-wide subgroup analyses left out."""

from __future__ import annotations

import json

import numpy as np
import pytest

from analysis import ResponseData, diagnose, restrict_to_unit, simulate_responses
from analysis.scope import NOT_IN_UNIT_SCOPE


@pytest.fixture(scope="module")
def dx():
    return diagnose(simulate_responses(respondents=600, teams=60, units=5, seed=11), min_group_size=5)


@pytest.fixture(scope="module")
def unit(dx):
    return dx.units.labels[1]


def test_keeps_the_unit_and_exactly_its_teams_with_the_released_figures(dx, unit):
    r = restrict_to_unit(dx, unit)
    own = [t for t, p in zip(dx.teams.labels, dx.teams.parent) if p == unit]
    assert r.teams.labels == tuple(own) and len(own) > 1
    assert r.units.labels == (unit,)
    assert r.unit(unit) == dx.unit(unit)
    for t in own:
        assert r.team(t) == dx.team(t)
    assert r.organization is dx.organization
    assert r.dimensions is dx.dimensions and r.cfa is dx.cfa
    assert r.scope == unit and dx.scope is None
    assert r.n_respondents == dx.unit(unit)["n"] < dx.n_respondents


def test_names_no_other_unit_or_team(dx, unit):
    r = restrict_to_unit(dx, unit)
    text = json.dumps(r.to_dict(), ensure_ascii=False)
    others = [u for u in dx.units.labels if u != unit]
    other_teams = [t for t, p in zip(dx.teams.labels, dx.teams.parent) if p != unit]
    assert others and other_teams
    assert not any(f'"{x}"' in text for x in others + other_teams)


def test_differences_only_of_the_unit_and_its_teams(dx, unit):
    r = restrict_to_unit(dx, unit)
    own = set(r.teams.labels)
    expected = [
        dict(d)
        for d in dx.differences
        if (d["level"] == "team" and d["group"] in own) or (d["level"] == "unit" and d["group"] == unit)
    ]
    assert [dict(d) for d in r.differences] == expected


def test_organization_wide_subgroup_analyses_are_left_out_with_a_reason(dx, unit):
    assert dx.role_gaps and dx.drivers["dimensions"]["estimable"]
    r = restrict_to_unit(dx, unit)
    assert r.role_gaps == () and r.tenure == ()
    assert r.drivers["estimable"] is False and dict(r.drivers["reason"]) == NOT_IN_UNIT_SCOPE


def test_comments_are_the_units_own(dx, unit):
    r = restrict_to_unit(dx, unit)
    assert list(r.comments["organization"]) == dx.unit(unit).get("comments", [])


def test_findings_speak_of_the_unit(dx, unit):
    r = restrict_to_unit(dx, unit)
    visible = int((~r.teams.suppressed).sum())
    team_findings = [f for f in r.findings if f["id"].startswith("teams_")]
    assert team_findings, "the simulated unit has teams with findings"
    assert all(f" of {visible} teams" in f["en"] for f in team_findings)
    weakest = [f for f in r.findings if f["id"] == "weakest_dimension"]
    unit_dims = dx.unit(unit)["dimensions"]
    low = min(unit_dims, key=lambda d: (unit_dims[d]["combined"], d))
    assert weakest and dx.dimensions[low]["name"]["en"] in weakest[0]["en"]


def test_arrays_stay_read_only(dx, unit):
    r = restrict_to_unit(dx, unit)
    with pytest.raises(ValueError):
        r.teams.n[0] = 1.0
    with pytest.raises(ValueError):
        r.teams.dims["score"][0, 0] = 1.0


def test_a_unit_below_k_keeps_only_reasons():
    data = simulate_responses(respondents=200, teams=20, units=4, seed=3)
    small = data.unit[0]
    keep = (data.unit != small) | (np.cumsum(data.unit == small) <= 3)
    sub = ResponseData(
        data.questionnaire,
        data.item_ids,
        data.values[keep],
        data.team[keep],
        data.unit[keep],
        data.role[keep],
        data.tenure[keep],
        (),
    )
    dx = diagnose(sub, min_group_size=5)
    r = restrict_to_unit(dx, small)
    rec = r.unit(small)
    assert rec["suppressed"] and "dimensions" not in rec and r.n_respondents is None
    assert all(r.teams.suppressed)
    assert not any(f["id"] in ("weakest_dimension", "typology") for f in r.findings)


def test_unknown_unit_or_no_unit_level_raises(dx):
    with pytest.raises(KeyError):
        restrict_to_unit(dx, "no such unit")
    flat = diagnose(simulate_responses(respondents=100, teams=10, seed=1), min_group_size=5)
    assert flat.units is None
    with pytest.raises(KeyError):
        restrict_to_unit(flat, "x")
