"""Anonymity rules, tested directly with an adversary that tries every subtraction."""

import itertools

import numpy as np
import pytest

from analysis.privacy import (
    COMPLEMENTARY,
    NO_DATA,
    PRIMARY,
    hierarchy_pieces,
    reason_text,
    release_comments,
    subgroup_cells,
    suppress_hierarchy,
)


# ------------------------------------------------------------------ hierarchy adversary


def released_sets(team_n, team_unit, res):
    """Released groups as sets of (team, person) atoms: [(name, frozenset)]."""
    people = {t: {(t, i) for i in range(n)} for t, n in enumerate(team_n)}
    out = []
    if res.org_visible:
        out.append(("org", frozenset().union(*people.values())))
    if team_unit is not None:
        for u in range(len(res.unit_visible)):
            if res.unit_visible[u]:
                members = [people[t] for t in range(len(team_n)) if team_unit[t] == u]
                out.append((f"u{u}", frozenset().union(*members)))
    for t in range(len(team_n)):
        if res.team_visible[t]:
            out.append((f"t{t}", frozenset(people[t])))
    return out


def assert_no_subtraction_isolates_fewer_than_k(sets, k):
    """For every released X and every disjoint family of released proper subsets of X,
    |X minus the family| must be 0 or >= k; every released set has >= k people."""
    for name, X in sets:
        assert len(X) >= k, f"{name} released with {len(X)} < {k}"
        inner = [S for _, S in sets if S < X]
        for r in range(1, len(inner) + 1):
            for family in itertools.combinations(inner, r):
                union = frozenset().union(*family)
                if sum(len(S) for S in family) != len(union):
                    continue  # overlapping: not a subtraction of disjoint groups
                rest = len(X) - len(union)
                assert rest == 0 or rest >= k, f"{name} minus {r} released groups isolates {rest} people (k={k})"


def random_tree(rng, with_units):
    n_teams = int(rng.integers(1, 8))
    team_n = rng.choice([0, 1, 2, 3, 4, 5, 6, 7, 9, 12, 20], size=n_teams).tolist()
    if not with_units:
        return team_n, None, 0
    n_units = int(rng.integers(1, 4))
    team_unit = rng.integers(0, n_units, size=n_teams).tolist()
    return team_n, team_unit, n_units


@pytest.mark.parametrize("with_units", [False, True])
@pytest.mark.parametrize("k", [3, 5])
def test_adversary_cannot_recover_a_hidden_team_from_parents_and_siblings(with_units, k):
    rng = np.random.default_rng(100 + k + 10 * with_units)
    for _ in range(400):
        team_n, team_unit, n_units = random_tree(rng, with_units)
        res = suppress_hierarchy(team_n, team_unit, k=k, n_units=n_units)
        assert_no_subtraction_isolates_fewer_than_k(released_sets(team_n, team_unit, res), k)
        # primary rule and reasons
        for t, n in enumerate(team_n):
            if n < k:
                assert not res.team_visible[t]
                assert res.team_reason[t] == (NO_DATA if n == 0 else PRIMARY)


def test_one_small_team_in_a_unit_hides_its_smallest_sibling():
    res = suppress_hierarchy([3, 8, 6, 30], [0, 0, 0, 1], k=5, n_units=2)
    assert res.team_visible.tolist() == [False, True, False, True]
    assert res.team_reason.tolist() == [PRIMARY, None, COMPLEMENTARY, None]
    assert res.unit_visible.tolist() == [True, True] and res.org_visible


def test_small_unit_under_the_organization_hides_the_next_smallest_unit():
    # unit 0 has 4 people (primary); unit 1 (10) is the smallest released unit: hiding it
    # alone would uncover nobody (its teams are visible), so its smallest team goes too
    res = suppress_hierarchy([4, 5, 5, 40], [0, 1, 1, 2], k=5, n_units=3)
    assert res.unit_reason.tolist() == [PRIMARY, COMPLEMENTARY, None]
    assert res.team_visible.tolist() == [False, False, True, True]
    sets = released_sets([4, 5, 5, 40], [0, 1, 1, 2], res)
    assert_no_subtraction_isolates_fewer_than_k(sets, 5)


def test_without_units_a_single_small_team_hides_the_smallest_other_team():
    res = suppress_hierarchy([2, 9, 6, 12], k=5)
    assert res.team_visible.tolist() == [False, True, False, True]
    assert res.org_visible


def test_two_small_teams_that_together_reach_k_need_no_extra_suppression():
    res = suppress_hierarchy([3, 3, 9, 12], k=5)
    assert res.team_visible.tolist() == [False, False, True, True]


def test_organization_below_k_releases_nothing():
    res = suppress_hierarchy([2, 2], k=5)
    assert not res.org_visible and res.org_reason == PRIMARY and not res.team_visible.any()
    assert suppress_hierarchy([0], k=5).org_reason == NO_DATA


def test_forced_hidden_groups_count_as_hidden_for_the_subtraction_rule():
    # team 1 is hidden at respondent level; for this figure it has 7 answers, team 0 has 6
    res = suppress_hierarchy([6, 7, 3], k=5, team_hidden=[False, True, False])
    assert res.team_reason.tolist() == [None, COMPLEMENTARY, PRIMARY]
    rng = np.random.default_rng(5)
    for _ in range(300):
        team_n, team_unit, n_units = random_tree(rng, True)
        forced = rng.random(len(team_n)) < 0.3
        res = suppress_hierarchy(team_n, team_unit, k=5, n_units=n_units, team_hidden=forced)
        assert not res.team_visible[forced].any()
        assert_no_subtraction_isolates_fewer_than_k(released_sets(team_n, team_unit, res), 5)


def test_reason_texts_are_bilingual():
    assert reason_text(PRIMARY, 5) == {"en": "fewer than 5 responses", "de": "weniger als 5 Antworten"}
    assert reason_text(None, 5) is None
    with pytest.raises(ValueError, match="k: must be a positive integer"):
        suppress_hierarchy([1], k=0)


# ------------------------------------------------------------------- subgroup adversary


def test_subgroup_cells_need_the_subgroup_and_its_complement():
    # one piece of 25: 5 leads, 20 members
    assert subgroup_cells([[5, 20]], [25], k=5).tolist() == [True, True]
    assert subgroup_cells([[4, 20]], [24], k=5).tolist() == [False, False]  # complement 4
    assert subgroup_cells([[4, 20]], [30], k=5).tolist() == [False, True]
    assert subgroup_cells([[6, 4]], [10], k=5).tolist() == [False, False]
    # 2 people without an answer would be exposed: the smallest category is withdrawn
    assert subgroup_cells([[6, 20]], [28], k=5).tolist() == [False, True]


def test_known_team_of_leads_cannot_be_subtracted():
    # all 6 leads sit in team 0 (8 people): team 0 minus 'leads' would expose its 2
    # members, and 'members' minus team 1 (all members) would expose them as well
    assert subgroup_cells([[6, 2], [0, 30]], [8, 30], k=5).tolist() == [False, False]
    assert subgroup_cells([[6, 5], [0, 30]], [11, 30], k=5).tolist() == [True, True]


@pytest.mark.parametrize("with_units", [False, True])
@pytest.mark.parametrize("k", [3, 5])
def test_adversary_cannot_isolate_people_with_role_breakdowns(with_units, k):
    """Teams (in units) with leads, members and people without a role answer. Released:
    the suppressed hierarchy and the organization's role cells. Every subtraction of
    disjoint released figures from a released figure must leave 0 or >= k people."""
    rng = np.random.default_rng(k + 7 * with_units)
    for _ in range(300):
        team_n, team_unit, n_units = random_tree(rng, with_units)
        T = len(team_n)
        split = [rng.multinomial(n, [0.3, 0.6, 0.1]) if n else np.zeros(3, int) for n in team_n]
        res = suppress_hierarchy(team_n, team_unit, k=k, n_units=n_units)
        piece = hierarchy_pieces(res, team_unit)
        P = T + n_units + 1
        pc = np.zeros((P, 2), int)
        pt = np.zeros(P, int)
        for t in range(T):
            pc[piece[t]] += split[t][:2]
            pt[piece[t]] += team_n[t]
        shown = subgroup_cells(pc, pt, k=k) if res.org_visible else np.zeros(2, bool)
        # atoms: (team, category, i)
        atoms = {t: [frozenset((t, c, i) for i in range(split[t][c])) for c in range(3)] for t in range(T)}
        sets = []
        for name, X in released_sets(team_n, team_unit, res):
            # re-express released groups with the categorized atoms
            teams_in = {t for (t, _) in X}
            sets.append((name, frozenset().union(*(a for t in teams_in for a in atoms[t]))))
        for c in range(2):
            if shown[c]:
                sets.append((f"org.c{c}", frozenset().union(*(atoms[t][c] for t in range(T)))))
        assert_no_subtraction_isolates_fewer_than_k(sets, k)


# --------------------------------------------------------------------------- comments


def test_comments_go_to_the_finest_group_that_may_show_them():
    comments = [("a", "one"), ("b", "two"), ("c", "three"), ("d", "four"), ("a", "five")]
    got = release_comments(
        comments,
        team_labels=["a", "b", "c", "d"],
        team_n=[12, 6, 5, 3],
        team_visible=[True, True, True, False],
        team_unit=[0, 0, 0, 1],
        unit_labels=["U", "V"],
        unit_visible=[True, False],
        comment_k=10,
    )
    assert sorted(got["teams"]["a"]) == ["five", "one"]
    assert sorted(got["units"]["U"]) == ["three", "two"]  # b + c = 11 people >= 10
    assert got["organization"] == [] and got["withheld"] == 1  # d alone: 3 people
    every = [t for v in got["teams"].values() for t in v] + [t for v in got["units"].values() for t in v]
    assert len(every) == len(set(every)) == 4


def test_comment_pool_moves_up_to_the_organization_and_order_is_deterministic():
    comments = [("b", f"text {i}") for i in range(5)] + [("c", "x")]
    kw = dict(
        team_labels=["a", "b", "c"],
        team_n=[30, 6, 5],
        team_visible=[True, True, True],
        team_unit=[0, 1, 2],
        unit_labels=["U", "V", "W"],
        comment_k=10,
    )
    got = release_comments(comments, **kw)
    assert got["units"] == {} and len(got["organization"]) == 6  # 6 + 5 >= 10 at the top
    again = release_comments(list(reversed(comments)), **kw)
    assert again == got
    assert got["organization"] != sorted(got["organization"]) or len(set(got["organization"])) < 2


def test_every_count_of_a_figure_obeys_the_rules():
    # a cell shows perception and structure: team 0 has 2 perception answers but no
    # structure answer; counting only the smaller column would call its pool empty
    res = suppress_hierarchy(np.array([[2, 0], [9, 9], [7, 7]]), k=5)
    assert res.team_visible.tolist() == [False, True, False]
    assert res.team_reason.tolist() == [NO_DATA, None, COMPLEMENTARY]
    rng = np.random.default_rng(9)
    for _ in range(300):
        T = int(rng.integers(1, 8))
        U = int(rng.integers(1, 4))
        counts = rng.choice([0, 1, 2, 4, 5, 8, 13], size=(T, 2))
        team_unit = rng.integers(0, U, size=T)
        res = suppress_hierarchy(counts, team_unit, k=5, n_units=U)
        for col in range(2):  # each figure separately must resist every subtraction
            n = counts[:, col].tolist()
            assert_no_subtraction_isolates_fewer_than_k(
                [(nm, S) for nm, S in released_sets(n, team_unit.tolist(), res) if S], 5
            )
