"""Complementary suppression of response counts: no group below k can be worked out."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st

from app.services.rates import COMPLEMENTARY, FEWER_THAN_K, Node, _derivable, suppress


def _tree(spec, k):
    """``spec``: per unit a list of per-team invited counts."""
    root = Node(key=(), name="org", kind="organization")
    for u, teams in enumerate(spec):
        unit = Node(key=(u,), name=f"u{u}", kind="unit", parent=root)
        root.children.append(unit)
        for t, invited in enumerate(teams):
            team = Node(key=(u, t), name=f"t{u}.{t}", kind="team", invited=invited, responses=invited // 2, parent=unit)
            unit.children.append(team)
            unit.invited += invited
            root.invited += invited
    nodes = [root] + [n for u in root.children for n in [u, *u.children]]
    suppress(nodes, k=k)
    return root, nodes


def test_one_small_team_takes_its_smallest_sibling_with_it():
    root, nodes = _tree([[8, 6, 2], [9]], k=5)
    hidden = {n.name: n.hidden for n in nodes if n.hidden}
    assert hidden == {"t0.2": FEWER_THAN_K, "t0.1": COMPLEMENTARY}


def test_a_unit_with_one_team_hides_both_or_neither():
    root, nodes = _tree([[3], [9, 9]], k=5)
    hidden = {n.name for n in nodes if n.hidden}
    assert {"u0", "t0.0"} <= hidden
    assert hidden & {"u1", "t1.0", "t1.1"}  # otherwise org − u1 = u0


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.integers(0, 15), min_size=1, max_size=5), min_size=1, max_size=5), st.integers(3, 10))
def test_no_group_below_k_is_derivable(spec, k):
    _root, nodes = _tree(spec, k)
    primary = [n for n in nodes if n.invited < k]
    assert all(n.hidden for n in primary)
    known = _derivable(nodes)
    assert not [n.name for n in primary if n in known]
