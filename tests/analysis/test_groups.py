"""Group encoding and per-group aggregation."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from analysis.groups import GroupResult, encode_groups, group_mean, group_sum


def test_codes_follow_sorted_labels_whatever_the_row_order():
    g = encode_groups(["b", "a", "b", "c"])
    assert g.labels == ("a", "b", "c")
    assert_array_equal(g.codes, [1, 0, 1, 2])
    assert_array_equal(g.counts, [1, 2, 1])
    assert encode_groups(g) is g


def test_sums_and_means_per_group_ignore_missing_values():
    g = encode_groups([1, 1, 2, 2, 2])
    x = np.array([[1.0, 2.0], [3.0, np.nan], [5.0, np.nan], [7.0, np.nan], [9.0, np.nan]])
    assert_allclose(group_sum(np.nan_to_num(x), g), [[4, 2], [21, 0]])
    assert_allclose(group_mean(x, g), [[2, 2], [7, np.nan]])
    assert_allclose(group_mean(x[:, 0], g), [2, 7])


@pytest.mark.parametrize(
    "groups, message",
    [
        ([["a"], ["b"]], "groups: must be one-dimensional, got shape (2, 1)"),
        ([1.0, np.nan], "groups: contains missing labels (NaN)"),
        (np.array(["a", None], dtype=object), "groups: contains missing labels (None)"),
    ],
)
def test_bad_labels_are_rejected(groups, message):
    with pytest.raises(ValueError) as err:
        encode_groups(groups)
    assert str(err.value) == message


def test_length_mismatch_and_unsortable_labels():
    with pytest.raises(ValueError, match="teams: has 2 entries, expected 3"):
        encode_groups(["a", "b"], n=3, name="teams")
    with pytest.raises(TypeError, match="groups: labels must be mutually sortable"):
        encode_groups(np.array(["a", 1, None.__class__], dtype=object))


def test_group_result_maps_labels_to_values():
    r = GroupResult("rwg", ("a", "b"), np.array([0.5, np.nan]), np.array([3, 1]))
    d = r.to_dict()
    assert d["a"] == 0.5 and np.isnan(d["b"])
    assert r["a"] == 0.5
    with pytest.raises(KeyError):
        r["c"]
