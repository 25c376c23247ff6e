"""The stored critical values of the agreement test equal the live simulation and cover
every shipped questionnaire (analysis/agreement_null_table.json,
scripts/agreement_null_table.py)."""

from __future__ import annotations

import ast
import json

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from analysis import agreement_null as an
from analysis.diagnosis import diagnose
from analysis.instrument import list_questionnaires
from analysis.simulate import simulate_responses

TABLE = json.loads(an.TABLE_PATH.read_text(encoding="utf-8"))


def _items(key: str) -> tuple:
    """The item set of a key, rebuilt from its proportions."""
    spec, alpha, max_n, replicates, seed = ast.literal_eval(key)
    items = tuple(_custom_item(p) for p, _ in spec)
    return items, alpha, max_n, replicates, seed


def _custom_item(p):
    # named nulls have exact σ²_E; the key records it, so rebuild through the same route
    for name in an.NULLS:
        try:
            item = an._item(name, len(p))
        except ValueError:
            continue
        if item.p == tuple(p):
            return item
    return an._item(tuple(p), len(p))


def test_table_header():
    assert TABLE["replicates"] == an.MC_REPLICATES and TABLE["seed"] == an.MC_SEED
    assert len(TABLE["critical_m"]) >= 3


@pytest.mark.parametrize("key", sorted(TABLE["critical_m"]))
def test_every_stored_value_equals_the_live_simulation(key):
    items, alpha, max_n, replicates, seed = _items(key)
    assert seed == an.MC_SEED
    assert an.table_key(items, alpha, max_n, replicates) == key
    live = an._live_critical_m(items, alpha, max_n, replicates)
    assert_array_equal(np.array(TABLE["critical_m"][key]), live)


def test_lookup_returns_the_stored_values_and_live_otherwise():
    key = sorted(TABLE["critical_m"])[0]
    items, alpha, max_n, replicates, _ = _items(key)
    an._mc_critical_m.cache_clear()
    an.LIVE.clear()
    got = an._mc_critical_m(items, alpha, max_n, replicates)
    assert_array_equal(got, TABLE["critical_m"][key]) and not got.flags.writeable
    assert an.LIVE == {}
    # an α the table does not hold is simulated
    an._mc_critical_m(items, 0.01, max_n, replicates)
    assert list(an.LIVE) == [an.table_key(items, 0.01, max_n, replicates)]
    an._mc_critical_m.cache_clear()
    an.LIVE.clear()


@pytest.mark.parametrize("q", list_questionnaires(), ids=lambda q: q.id)
def test_table_covers_the_shipped_questionnaires(q):
    an._mc_critical_m.cache_clear()
    an.LIVE.clear()
    diagnose(simulate_responses(q, respondents=300, teams=12, seed=7))
    missing = list(an.LIVE)
    an.LIVE.clear()
    assert missing == [], "run scripts/agreement_null_table.py"
