"""Benchmarks: percentile ranks and quantiles, disclosure rules, comparability, files,
generalization of exported entries."""

import copy
import dataclasses
import datetime
import json
import re
from collections import Counter
from fractions import Fraction

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import stats

from analysis.benchmark import (
    ANY,
    MAX_ENTRIES,
    MAX_FILE_BYTES,
    BenchmarkEntry,
    BenchmarkPool,
    DimensionAggregate,
    benchmark,
    comparable_measures,
    dump_benchmark,
    entry_from_diagnosis,
    generalize,
    load_benchmark,
    percentile_rank,
    type7_quantile,
)
from analysis.diagnosis import diagnose
from analysis.simulate import simulate_responses

DIMS = ("direction", "decision_rights", "feedback")
FULL, PULSE = "aligned-autonomy-v1", "aligned-autonomy-pulse-v1"


def entry(
    i,
    score,
    *,
    structure=50.0,
    icc1=0.1,
    industry="retail",
    size_band="250-999",
    qid=FULL,
    version=1,
    dims=DIMS,
    n=100,
    level=3,
    closed_on="2024-05",
):
    """A hand-made entry whose score is the same in every dimension."""
    return BenchmarkEntry(
        entry_id=f"{i:032x}",
        questionnaire_id=qid,
        questionnaire_version=version,
        closed_on=closed_on,
        industry=industry,
        size_band=size_band,
        typology="drift",
        dimensions={d: DimensionAggregate(score=score, structure=structure, n=n, icc1=icc1, level=level) for d in dims},
    )


def pool_of(scores, start=1, **kw):
    return BenchmarkPool([entry(start + i, s, **kw) for i, s in enumerate(scores)])


@pytest.fixture(scope="module")
def diagnoses():
    return [diagnose(simulate_responses(respondents=60, teams=6, seed=s)) for s in range(7)]


@pytest.fixture(scope="module")
def pulse_diagnosis():
    return diagnose(simulate_responses(PULSE, respondents=60, teams=6, seed=11))


# ------------------------------------------------------------------ the two statistics


def test_percentile_rank_by_hand_and_scipy():
    x = [10, 20, 30, 40]
    assert percentile_rank(x, 25.0) == 50.0  # 2 of 4 below
    assert percentile_rank(x, 20.0) == 25.0  # ties are not below
    assert percentile_rank(x, 5.0) == 0.0
    assert percentile_rank(x, 41.0) == 100.0
    rng = np.random.default_rng(0)
    for n in (1, 5, 6, 11, 40):
        vals = np.round(rng.uniform(0, 100, n), 1)
        vals[: n // 3] = vals[0]  # ties
        for s in np.concatenate([vals[:3], rng.uniform(-1, 101, 5)]):
            assert percentile_rank(vals, s) == pytest.approx(stats.percentileofscore(vals, s, kind="strict"))
    vals = rng.uniform(0, 100, 9)  # without ties = mid-rank
    for s in rng.uniform(0, 100, 5):
        assert percentile_rank(vals, s) == pytest.approx(stats.percentileofscore(vals, s, kind="mean"))
    assert_allclose(percentile_rank(x, [5.0, 25.0, 45.0]), [0.0, 50.0, 100.0])


def test_percentile_rank_rejects_empty_and_nan():
    with pytest.raises(ValueError, match=r"^values: must be a non-empty array of finite numbers, got 0 values$"):
        percentile_rank([], 1.0)
    with pytest.raises(ValueError, match="finite"):
        percentile_rank([1.0, np.nan], 1.0)


def test_type7_quantile_by_hand_and_numpy():
    # hand: x = 1 2 3 4 10; p = .9 -> h = 4 * .9 = 3.6 -> 4 + .6 * (10 - 4) = 7.6
    assert type7_quantile([10, 3, 1, 4, 2], 0.9) == pytest.approx(7.6)
    # p = .75 -> h = 3 -> x(4) = 4;  p = .5 -> x(3) = 3
    assert type7_quantile([10, 3, 1, 4, 2], 0.75) == 4.0
    assert type7_quantile([10, 3, 1, 4, 2], 0.5) == 3.0
    # six values: median (x3 + x4)/2; p75: h = 3.75 -> x4 + .75 (x5 - x4)
    six = [2.0, 4.0, 8.0, 16.0, 32.0, 64.0]
    assert type7_quantile(six, 0.5) == 12.0
    assert type7_quantile(six, 0.75) == pytest.approx(16 + 0.75 * 16)
    assert type7_quantile(six, Fraction(9, 10)) == pytest.approx(32 + 0.5 * 32)
    rng = np.random.default_rng(1)
    for n in range(1, 40):
        x = rng.normal(50, 15, n)
        for p in (0.5, 0.75, 0.9, 0.0, 1.0, 0.33):
            assert type7_quantile(x, p) == pytest.approx(np.quantile(x, p), rel=1e-12, abs=1e-12)
            assert type7_quantile(x, p) == pytest.approx(
                stats.mstats.mquantiles(x, prob=[p], alphap=1, betap=1)[0], rel=1e-12, abs=1e-12
            )
    with pytest.raises(ValueError, match=r"^p: must be in \[0, 1\], got 1.5$"):
        type7_quantile([1.0], 1.5)


# ------------------------------------------------------------------ benchmark cells


def test_cell_figures_by_hand():
    # 12 other organizations: scores 10, 20, ..., 120 -> capped at 100? keep inside 0-100
    scores = [5.0 * i for i in range(1, 13)]  # 5 .. 60
    pool = pool_of(scores)
    me = entry(99, 32.0, structure=50.0)
    res = benchmark(pool, me)
    c = res.cell("direction", "score")
    assert c.released and c.n_organizations == 12 and c.value == 32.0
    assert c.percentile_rank == pytest.approx(100 * 6 / 12)  # 5..30 below 32
    assert c.percentile_rank_low is None and c.withheld["percentile_rank_interval"] == "no_interval"
    # median: h = 11 * .5 = 5.5 -> (30 + 35) / 2; p75: h = 8.25 -> 45 + .25 * 5; p90: h = 9.9
    assert c.median == pytest.approx(32.5)
    assert c.p75 == pytest.approx(46.25)
    assert c.p90 == pytest.approx(50 + 0.9 * 5)
    assert [c.median, c.p75, c.p90] == pytest.approx(np.quantile(scores, [0.5, 0.75, 0.9]))
    # structure: all 50 -> rank 0 (nobody strictly below); every quantile would be the
    # common figure of all organizations (= minimum = maximum), so none is shown
    s = res.cell("direction", "structure")
    assert s.percentile_rank == 0.0 and s.median is s.p75 is s.p90 is None
    assert dict(s.withheld) == {"median": "tie", "p75": "tie", "p90": "tie", "percentile_rank_interval": "no_interval"}
    assert (
        s.to_dict()["withheld"]["median"]["text"]["en"] == "it equals the figure of the highest or lowest organization"
    )
    # a tie at the bottom: 1 1 1 5 9 -> the median would be the lowest figure
    c = benchmark(pool_of([1.0, 1.0, 1.0, 5.0, 9.0]), me).cell("direction")
    assert c.median is None and c.withheld["median"] == "tie" and c.p75 == 5.0


def test_interval_from_own_confidence_interval(diagnoses):
    target, others = diagnoses[0], diagnoses[1:]
    pool = BenchmarkPool(
        [entry_from_diagnosis(d, industry="retail", size_band="50-249", closed_on="2024-03") for d in others]
    )
    res = benchmark(pool, target)
    for d in DIMS:
        for m, keys in (
            ("score", ("score", "ci_low", "ci_high")),
            ("structure", ("structure", "structure_ci_low", "structure_ci_high")),
        ):
            c = res.cell(d, m)
            vals = [getattr(e.dimensions[d], m) for e in pool]
            s, lo, hi = (target.dimensions[d][k] for k in keys)
            assert c.percentile_rank == pytest.approx(stats.percentileofscore(vals, s, kind="strict"))
            assert c.percentile_rank_low == pytest.approx(stats.percentileofscore(vals, lo, kind="strict"))
            assert c.percentile_rank_high == pytest.approx(stats.percentileofscore(vals, hi, kind="strict"))
            assert c.percentile_rank_low <= c.percentile_rank <= c.percentile_rank_high
            assert c.median == pytest.approx(np.median(vals))
            assert c.p75 == pytest.approx(np.quantile(vals, 0.75))
    # the entry of the same campaign gives the same rank and quantiles, without an interval
    mine = entry_from_diagnosis(target, industry="retail", size_band="50-249", closed_on="2024-03")
    res2 = benchmark(pool, mine)
    for d in DIMS:
        a, b = res.cell(d, "score"), res2.cell(d, "score")
        assert (a.percentile_rank, a.median, a.p75) == (b.percentile_rank, b.median, b.p75)
        assert b.percentile_rank_low is None


def test_quantiles_never_touch_the_highest_or_lowest():
    me = entry(99, 50.0)
    for n, shown in ((5, {"median", "p75"}), (10, {"median", "p75"}), (11, {"median", "p75", "p90"})):
        c = benchmark(pool_of([float(10 + 7 * i) for i in range(n)]), me).cell("direction")
        got = {q for q in ("median", "p75", "p90") if getattr(c, q) is not None}
        assert got == shown, n
        assert set(c.withheld) - {"percentile_rank_interval"} == {"median", "p75", "p90"} - shown
    c = benchmark(pool_of([10.0, 20.0, 30.0, 40.0, 90.0]), me).cell("direction")
    assert c.to_dict()["withheld"]["p90"] == {
        "reason": "extreme",
        "text": {
            "en": "needs at least 11 organizations, so that it is never the figure of the highest or lowest organization",
            "de": "braucht mindestens 11 Organisationen, damit er nie der Wert der höchsten oder niedrigsten Organisation ist",
        },
    }


def _weights(n, p):
    """Type-7 weight vector of a quantile over the sorted sample."""
    h = (n - 1) * Fraction(p)
    lo = int(h)
    w = np.zeros(n)
    w[lo] += 1 - float(h - lo)
    if h != lo:
        w[lo + 1] += float(h - lo)
    return w


@pytest.mark.parametrize("n", range(5, 40))
def test_no_combination_of_released_quantiles_gives_min_or_max(n):
    me = entry(99, 50.0)
    c = benchmark(pool_of([float(1 + 2 * i) for i in range(n)]), me).cell("direction")
    rows = [_weights(n, p) for q, p in (("median", 0.5), ("p75", 0.75), ("p90", 0.9)) if getattr(c, q) is not None]
    A = np.array(rows)
    for j in (0, n - 1):
        e = np.zeros(n)
        e[j] = 1.0
        coef, *_ = np.linalg.lstsq(A.T, e, rcond=None)
        assert np.abs(A.T @ coef - e).max() > 1e-6, (n, j)


def _numbers(x):
    if isinstance(x, dict):
        return [v for val in x.values() for v in _numbers(val)]
    if isinstance(x, list):
        return [v for val in x for v in _numbers(val)]
    return [x] if isinstance(x, (int, float)) and not isinstance(x, bool) else []


def _keys(x):
    if isinstance(x, dict):
        return set(x) | {k for v in x.values() for k in _keys(v)}
    if isinstance(x, list):
        return {k for v in x for k in _keys(v)}
    return set()


def test_pool_of_exactly_five_shows_aggregates_only():
    others = [12.5, 33.0, 47.25, 61.0, 88.75]
    me = entry(99, 50.0, structure=40.0, icc1=0.2)
    pool = BenchmarkPool([entry(i + 1, s, structure=s / 2, icc1=s / 1000) for i, s in enumerate(others)])
    res = benchmark(pool, me)
    c = res.cell("feedback")
    assert c.released and c.n_organizations == 5
    assert (c.median, c.p75, c.p90) == (47.25, 61.0, None)
    d = res.to_dict()
    numbers = set(_numbers(d))
    for x in others:  # no minimum or maximum of any measure
        if x in (min(others), max(others)):
            assert x not in numbers and x / 2 not in numbers and round(x / 1000, 6) not in numbers
    assert not {"min", "max", "minimum", "maximum", "values", "entries", "entry_id", "organizations"} & _keys(d)
    cell_keys = set(d["scopes"]["all"]["dimensions"]["feedback"]["score"])
    assert cell_keys == {
        "scope",
        "industry",
        "size_band",
        "dimension",
        "measure",
        "released",
        "reason",
        "reason_text",
        "n_organizations",
        "n_simulated",
        "value",
        "percentile_rank",
        "percentile_rank_low",
        "percentile_rank_high",
        "median",
        "p75",
        "p90",
        "withheld",
    }


def test_fewer_than_five_and_filters():
    pool = BenchmarkPool(
        [entry(i, 10.0 * i, industry="retail", size_band="50-249") for i in range(1, 5)]  # 4 retail
        + [entry(i, 10.0 * i - 3, industry="banking", size_band="50-249") for i in range(5, 11)]  # 6 banking
    )
    me = entry(99, 50.0)
    res = benchmark(pool, me, industry="retail", size_band="50-249")
    assert res.scopes == ("all", "industry", "size_band", "industry_and_size_band")
    retail = res.cell("direction", "score", "industry")
    assert not retail.released and retail.reason == "fewer_than_k" and retail.n_organizations is None
    out = retail.to_dict()
    assert out["reason_text"] == {
        "en": "fewer than 5 comparable organizations",
        "de": "weniger als 5 vergleichbare Organisationen",
    }
    assert all(
        out[k] is None for k in ("percentile_rank", "percentile_rank_low", "median", "p75", "p90", "n_organizations")
    )
    assert res.cell("direction", "score", "all").n_organizations == 10
    # the size band holds everybody: the same set as "all" (difference 0) is fine
    assert res.cell("direction", "score", "size_band").n_organizations == 10
    banking = benchmark(pool, me, industry="banking").cell("direction", "score", "industry")
    assert not banking.released and banking.reason == "complementary"  # 10 vs 6: differ by 4
    assert banking.to_dict()["reason_text"]["en"].startswith("this comparison differs")
    big = pool.merge(BenchmarkPool([entry(i, 2.0 * i, industry="retail") for i in range(20, 26)]))
    res = benchmark(big, me, industry="banking")
    b = res.cell("direction", "score", "industry")
    assert b.released and b.n_organizations == 6  # 16 vs 6: differ by 10
    vals = [10.0 * i - 3 for i in range(5, 11)]
    assert b.median == pytest.approx(np.median(vals))
    assert b.percentile_rank == pytest.approx(stats.percentileofscore(vals, 50.0, kind="strict"))
    # the combined filter: banking and 250-999 has nobody
    res = benchmark(big, me, industry="banking", size_band="250-999")
    assert res.cell("direction", "score", "industry_and_size_band").reason == "fewer_than_k"


def test_min_organizations_option():
    me = entry(99, 50.0)
    pool = pool_of([10.0 * i for i in range(1, 8)])
    assert benchmark(pool, me, min_organizations=7).cell("direction").released
    assert benchmark(pool, me, min_organizations=8).cell("direction").reason == "fewer_than_k"
    for bad in (4, 0, True, 5.0, "5"):
        with pytest.raises(ValueError, match=r"^min_organizations: must be an integer >= 5, got "):
            benchmark(pool, me, min_organizations=bad)


def test_the_organization_is_excluded_from_its_own_pool(diagnoses):
    entries = [entry_from_diagnosis(d, industry="retail", size_band="50-249", closed_on="2024-01") for d in diagnoses]
    pool = BenchmarkPool(entries)
    assert benchmark(pool, entries[0]).cell("direction").n_organizations == 6  # by entry id
    assert benchmark(pool, diagnoses[0]).cell("direction").n_organizations == 6  # identical aggregates
    assert benchmark(pool, entries[0], exclude=[entries[1].entry_id]).cell("direction").n_organizations == 5
    assert benchmark(pool, entries[0], exclude=entries[1].entry_id).cell("direction").n_organizations == 5
    assert (
        benchmark(pool, entries[0], exclude=[e.entry_id for e in entries[1:3]]).cell("direction").reason
        == "fewer_than_k"
    )
    # the same organization alone in the pool: nothing to compare
    res = benchmark(BenchmarkPool(entries[:1]), entries[0])
    assert res.cell("direction").reason == "fewer_than_k"


def test_pulse_and_full_compare_on_scores_only(diagnoses, pulse_diagnosis):
    full_pool = BenchmarkPool(
        [entry_from_diagnosis(d, industry="retail", size_band="50-249", closed_on="2024-01") for d in diagnoses]
    )
    res = benchmark(full_pool, pulse_diagnosis)
    assert res.comparable_on == ("score",)
    assert res.note["en"].startswith("Forms of different kind (the pulse form and the full form)")
    assert "nur über die Dimensionswerte" in res.note["de"]
    assert res.cell("direction", "score").released and res.cell("direction", "score").n_organizations == 7
    for m in ("structure", "icc1"):
        c = res.cell("direction", m)
        assert not c.released and c.reason == "not_comparable" and c.median is None
        assert c.to_dict()["reason_text"]["en"] == "not comparable between the questionnaires"
    # full target, mixed pool: pulse entries count for the score only
    pulse_entries = [entry(100 + i, 40.0 + i, qid=PULSE) for i in range(3)]
    mixed = full_pool.merge(BenchmarkPool(pulse_entries))
    res = benchmark(mixed, diagnoses[0])
    assert res.comparable_on == ("score", "structure", "icc1") and res.note is not None
    assert res.cell("feedback", "score").n_organizations == 6 + 3
    assert res.cell("feedback", "structure").n_organizations == 6
    # same form on both sides: no note
    assert benchmark(full_pool, diagnoses[0]).note is None


def test_incomparable_questionnaires_are_refused():
    pool = pool_of([10.0 * i for i in range(1, 7)])
    other = entry(99, 50.0, qid="custom-survey")
    with pytest.raises(ValueError) as exc:
        benchmark(pool, other)
    assert str(exc.value) == (
        "diagnosis_or_entry: questionnaire 'custom-survey' version 1 is not comparable with any entry "
        "of the pool (it holds 'aligned-autonomy-v1' version 1); comparisons need the same dimension ids "
        "and the same questionnaire or its pulse/full counterpart"
    )
    fewer_dims = entry(98, 50.0, dims=("direction", "feedback"))
    with pytest.raises(ValueError, match="is not comparable with any entry of the pool"):
        benchmark(pool, fewer_dims)
    # entries of an incomparable questionnaire are left out of a mixed pool
    mixed = pool.merge(BenchmarkPool([entry(200 + i, 1.0, qid="custom-survey") for i in range(5)]))
    assert benchmark(mixed, entry(99, 50.0)).cell("direction").n_organizations == 6
    # an empty pool is not an error: nothing to show
    assert benchmark(BenchmarkPool(), entry(99, 50.0)).cell("direction").reason == "fewer_than_k"


def test_comparable_measures():
    dims = DIMS
    assert comparable_measures((FULL, 1, dims), (FULL, 1, dims)) == ("score", "structure", "icc1")
    assert comparable_measures((FULL, 1, dims), (PULSE, 1, dims)) == ("score",)
    assert comparable_measures({"id": FULL, "version": 2, "dimensions": dims}, (FULL, 1, dims)) == ("score",)
    assert comparable_measures((FULL, 1, dims), (FULL, 1, dims[:2])) == ()
    assert comparable_measures((FULL, 1, dims), ("other", 1, dims)) == ()


def test_argument_errors(diagnoses):
    pool = pool_of([1.0] * 5)
    with pytest.raises(TypeError, match=r"^pool: must be a BenchmarkPool, got list$"):
        benchmark([], diagnoses[0])
    with pytest.raises(TypeError, match=r"^diagnosis_or_entry: must be a Diagnosis or a BenchmarkEntry, got dict$"):
        benchmark(pool, {})
    with pytest.raises(ValueError, match=r"^industry: must match .*got 'Retail Inc\.'$"):
        benchmark(pool, diagnoses[0], industry="Retail Inc.")
    with pytest.raises(
        ValueError, match=r"^size_band: must be one of 1-49, 50-249, 250-999, 1000-4999, 5000\+, got 'huge'$"
    ):
        benchmark(pool, diagnoses[0], size_band="huge")


def test_result_is_deterministic_and_json_ready(diagnoses):
    pool = BenchmarkPool(
        [
            entry_from_diagnosis(
                d, industry="retail", size_band="50-249", closed_on="2024-01", entry_id=f"{i + 1:032x}"
            )
            for i, d in enumerate(diagnoses[1:])
        ]
    )
    a = json.dumps(benchmark(pool, diagnoses[0], industry="retail").to_dict(), sort_keys=True)
    b = json.dumps(benchmark(pool, diagnoses[0], industry="retail").to_dict(), sort_keys=True)
    assert a == b
    d = json.loads(a)
    assert set(d) == {
        "questionnaire",
        "comparable_on",
        "note",
        "min_organizations",
        "filters",
        "definitions",
        "quantile_labels",
        "scopes",
    }
    assert d["quantile_labels"]["p90"] == {"en": "top 10 %", "de": "obere 10 %"}
    assert set(d["scopes"]) == {"all", "industry"}
    assert set(d["scopes"]["all"]["dimensions"]) == set(DIMS)


# ------------------------------------------------------------------------- entries


def test_entry_from_diagnosis_keeps_organization_aggregates_only(diagnoses):
    d = diagnoses[0]
    e = entry_from_diagnosis(d, industry="public_sector", size_band="1000-4999", closed_on=datetime.date(2024, 11, 30))
    out = e.to_dict()
    assert set(out) == {
        "entry_id",
        "questionnaire_id",
        "questionnaire_version",
        "closed_on",
        "industry",
        "size_band",
        "typology",
        "dimensions",
        "simulated",
    }
    assert out["simulated"] is False
    assert out["closed_on"] == "2024-11" and len(out["entry_id"]) == 32
    assert out["questionnaire_id"] == FULL and out["questionnaire_version"] == 1
    assert out["typology"] == d.organization.records()[0]["typology"]
    for dim in DIMS:
        agg = out["dimensions"][dim]
        assert set(agg) == {"score", "structure", "n", "icc1", "level"}
        assert agg["score"] == d.dimensions[dim]["score"]
        assert agg["structure"] == d.dimensions[dim]["structure"]
        assert agg["n"] == d.dimensions[dim]["n"]
        assert agg["level"] == d.dimensions[dim]["level"]
        assert agg["icc1"] == pytest.approx(d.dimensions[dim]["icc1"], abs=5e-7)
    text = json.dumps(out)
    for team in d.teams.labels:
        assert f'"{team}"' not in text
    other = entry_from_diagnosis(d, industry="public_sector", size_band="1000-4999", closed_on="2024-11")
    assert other.entry_id != e.entry_id  # random, not derived
    assert entry_from_diagnosis(d, industry="x", size_band="1-49", closed_on="2024-02-29").closed_on == "2024-02"


def test_entry_errors(diagnoses):
    d = diagnoses[0]
    ok = dict(industry="retail", size_band="50-249", closed_on="2024-01")
    with pytest.raises(ValueError, match=r"^closed_on: must be a date or 'YYYY-MM' / 'YYYY-MM-DD', got '2024-02-30'$"):
        entry_from_diagnosis(d, **{**ok, "closed_on": "2024-02-30"})
    with pytest.raises(ValueError, match=r"^industry: must match"):
        entry_from_diagnosis(d, **{**ok, "industry": "ACME Corp"})
    with pytest.raises(ValueError, match=r"^size_band: must be one of"):
        entry_from_diagnosis(d, **{**ok, "size_band": "200"})
    with pytest.raises(ValueError, match=r"^entry_id: must be 32 lower-case hex digits, got 'acme'$"):
        entry_from_diagnosis(d, **ok, entry_id="acme")
    with pytest.raises(TypeError, match=r"^diagnosis: must be a Diagnosis, got str$"):
        entry_from_diagnosis("x", **ok)
    tiny = diagnose(simulate_responses(respondents=4, teams=1, seed=0), min_group_size=5)
    with pytest.raises(ValueError, match=r"^diagnosis: the organization is not released"):
        entry_from_diagnosis(tiny, **ok)
    with pytest.raises(ValueError, match=r"^diagnosis_or_entry: the organization is not released"):
        benchmark(pool_of([1.0] * 5), tiny)
    with pytest.raises(ValueError, match=r"^dimensions\.direction\.score: must be <= 100\.0, got 101\.0$"):
        entry(1, 101.0, dims=("direction",))
    with pytest.raises(ValueError, match=r"^dimensions\.feedback\.n: must be >= 1, got -1$"):
        entry(1, 50.0, n=-1, dims=("feedback",))


# ---------------------------------------------------------------------------- pools


def test_pool_merge_deduplicates_by_id():
    a = pool_of([10.0, 20.0, 30.0])
    b = pool_of([20.0, 30.0, 40.0], start=2)  # ids 2, 3 repeat with equal figures
    merged = a.merge(b)
    assert len(merged) == 4 and [e.entry_id for e in merged] == sorted(e.entry_id for e in merged)
    assert len(a.merge(a, a)) == 3
    conflict = pool_of([99.0], start=2)
    with pytest.raises(ValueError, match=r"^entries\[3\]: entry id '0{31}2' occurs twice with different figures$"):
        a.merge(conflict)
    assert len(merged.without([f"{1:032x}"])) == 3 and f"{1:032x}" in merged
    with pytest.raises(TypeError, match=r"^entries\[0\]: must be a BenchmarkEntry, got int$"):
        BenchmarkPool([1])


# ---------------------------------------------------------------------------- files


def test_file_round_trip(diagnoses):
    pool = BenchmarkPool(
        [entry_from_diagnosis(d, industry="retail", size_band="50-249", closed_on="2024-01") for d in diagnoses]
    ).merge(pool_of([10.0, None, 30.0], qid=PULSE))
    data = dump_benchmark(pool)
    assert data.endswith(b"\n") and json.loads(data)["format"] == "aad-benchmark"
    again = load_benchmark(data)
    assert again.entries == pool.entries
    assert dump_benchmark(again) == data  # byte-identical
    assert load_benchmark(b"\xef\xbb\xbf" + data).entries == pool.entries  # BOM tolerated
    merged = load_benchmark(data).merge(load_benchmark(data))
    assert len(merged) == len(pool)
    r1 = benchmark(pool, diagnoses[0]).to_dict()
    r2 = benchmark(again, diagnoses[0]).to_dict()
    assert r1 == r2


@pytest.fixture(scope="module")
def doc():
    return pool_of([10.0, 20.0, 30.0, 40.0, 50.0]).to_dict()


def _err(data) -> str:
    if not isinstance(data, bytes):
        data = json.dumps(data).encode()
    with pytest.raises(ValueError) as exc:
        load_benchmark(data)
    return str(exc.value)


def _edit(doc, fn):
    d = copy.deepcopy(doc)
    fn(d)
    return d


def test_incompatible_files(doc):
    assert (
        _err(_edit(doc, lambda d: d.update(version=4)))
        == "version: unsupported benchmark file version 4; this installation reads versions 1 to 3"
    )
    assert (
        _err(_edit(doc, lambda d: d.update(version="1")))
        == "version: unsupported benchmark file version '1'; this installation reads versions 1 to 3"
    )
    assert (
        _err(_edit(doc, lambda d: d.pop("version")))
        == "version: unsupported benchmark file version null; this installation reads versions 1 to 3"
    )
    assert (
        _err(_edit(doc, lambda d: d.update(format="aad-export")))
        == "format: not a benchmark file (expected 'aad-benchmark', got 'aad-export')"
    )
    assert _err(b"[]") == "data: the top level must be a JSON object, got an array"


def test_malformed_files_name_problem_and_place(doc):
    def dim(d, key, value):
        d["entries"][3]["dimensions"]["direction"][key] = value

    cases = [
        (lambda d: d.update(signature="x"), "signature: unknown field (extra fields are not allowed)"),
        (
            lambda d: d["entries"][3].update(name="ACME"),
            "entries[3].name: unknown field (extra fields are not allowed)",
        ),
        (
            lambda d: dim(d, "teams", []),
            "entries[3].dimensions.direction.teams: unknown field (extra fields are not allowed)",
        ),
        (lambda d: dim(d, "score", 120.5), "entries[3].dimensions.direction.score: must be <= 100.0, got 120.5"),
        (lambda d: dim(d, "score", -0.5), "entries[3].dimensions.direction.score: must be >= 0.0, got -0.5"),
        (lambda d: dim(d, "score", "50"), "entries[3].dimensions.direction.score: must be a number, got '50'"),
        (lambda d: dim(d, "score", True), "entries[3].dimensions.direction.score: must be a number, got true"),
        (lambda d: dim(d, "n", -3), "entries[3].dimensions.direction.n: must be >= 1, got -3"),
        (lambda d: dim(d, "n", 12.0), "entries[3].dimensions.direction.n: must be an integer, got 12.0"),
        (lambda d: dim(d, "level", 6), "entries[3].dimensions.direction.level: must be <= 5, got 6"),
        (lambda d: dim(d, "icc1", 1.5), "entries[3].dimensions.direction.icc1: must be <= 1.0, got 1.5"),
        (
            lambda d: d["entries"][3]["dimensions"]["direction"].pop("n"),
            "entries[3].dimensions.direction.n: is required",
        ),
        (
            lambda d: d["entries"][3].update(entry_id="acme-gmbh"),
            "entries[3].entry_id: must match ^[0-9a-f]{32}$, got 'acme-gmbh'",
        ),
        (
            lambda d: d["entries"][3].update(closed_on="2024-05-17"),
            "entries[3].closed_on: must match ^([0-9]{4}(-(0[1-9]|1[0-2]|Q[1-4]))?|any)$, got '2024-05-17'",
        ),
        (
            lambda d: d["entries"][3].update(closed_on="2024-Q5"),
            "entries[3].closed_on: must match ^([0-9]{4}(-(0[1-9]|1[0-2]|Q[1-4]))?|any)$, got '2024-Q5'",
        ),
        (
            lambda d: d["entries"][3].update(size_band="big"),
            "entries[3].size_band: must be '1-49', '50-249', '250-999', '1000-4999', '5000+' or 'any', got 'big'",
        ),
        (lambda d: d["entries"][3].update(dimensions={}), "entries[3].dimensions: has 0 items; at least 1 are needed"),
        (lambda d: d["entries"].__setitem__(3, [1]), "entries[3]: must be an object, got an array"),
        (lambda d: d.update(entries={}), "entries: must be an array, got an object"),
    ]
    for fn, message in cases:
        assert _err(_edit(doc, fn)) == message


def test_non_finite_numbers_are_refused(doc):
    text = json.dumps(_edit(doc, lambda d: d["entries"][3]["dimensions"]["direction"].update(score=1234.5)))
    assert (
        _err(text.replace("1234.5", "NaN").encode())
        == "entries[3].dimensions.direction.score: must be a finite number, got nan"
    )
    assert (
        _err(text.replace("1234.5", "Infinity").encode())
        == "entries[3].dimensions.direction.score: must be a finite number, got inf"
    )
    assert (
        _err(text.replace("1234.5", "-1e999").encode())
        == "entries[3].dimensions.direction.score: must be a finite number, got -inf"
    )


def test_hostile_files(doc):
    assert _err(b"[" * 200_000 + b"]" * 200_000) == "data: JSON is nested too deeply"
    nested = b'{"format": "aad-benchmark", "version": 1, "entries": ' + b"[" * 100_000
    assert _err(nested) == "data: JSON is nested too deeply"
    assert _err(b" " * (20 * 1024 * 1024)) == "data: the file is 20,971,520 bytes; at most 10,485,760 bytes are allowed"
    assert _err(b"\xff\xfe{") == "data: not UTF-8 text (invalid byte at offset 0)"
    assert _err(b'{"format": "aad-benchmark", "format": "x"}') == "data: duplicate key 'format' in a JSON object"
    assert (
        _err(b'{"format": "aad-benchmark",')
        == "data: not valid JSON: Expecting property name enclosed in double quotes at line 1, column 28"
    )
    assert _err(b"") == "data: not valid JSON: Expecting value at line 1, column 1"
    huge_int = json.dumps(doc).replace('"n": 100', '"n": ' + "9" * 5000, 1).encode()
    assert _err(huge_int).startswith("data: not valid JSON: Exceeds the limit (4300 digits)")
    too_many = {"format": "aad-benchmark", "version": 1, "entries": [{}] * (MAX_ENTRIES + 1)}
    assert _err(too_many) == "entries: 15,001 entries; at most 15,000 are allowed"
    two_ids = _edit(doc, lambda d: d["entries"][4].update(entry_id=d["entries"][1]["entry_id"]))
    assert _err(two_ids) == f"entries[4]: entry id '{1 + 1:032x}' occurs twice with different figures"
    with pytest.raises(TypeError, match=r"^data: must be bytes, got str$"):
        load_benchmark("{}")


def test_control_characters_are_refused_with_their_line(doc):
    text = json.dumps(doc, indent=1)
    line = text[: text.index('"industry"')].count("\n") + 1
    for escape in ("\\u0000", "\\u001B", "\\b", "\\f"):
        bad = text.replace('"retail"', f'"ret{escape}ail"', 1).encode()
        assert _err(bad) == f"data: line {line}: the control character {escape} is not allowed"
    raw = text.replace('"retail"', '"ret\x00ail"', 1).encode()
    assert _err(raw).startswith(f"data: not valid JSON: Invalid control character at line {line}, column ")
    # an escaped backslash followed by the letters u0000 is text, and tab and line breaks are text too
    text_not_escape = text.replace('"retail"', '"ret\\\\u0000ail"', 1).encode()
    assert _err(text_not_escape).startswith("entries[0].industry: must match")
    assert _err(text.replace('"retail"', '"ret\\tail"', 1).encode()).startswith("entries[0].industry: must match")


def test_entries_read_from_their_stored_layout_are_validated(doc):
    stored = doc["entries"][0]
    assert BenchmarkEntry.from_dict(stored) == BenchmarkEntry(**{**stored, "dimensions": stored["dimensions"]})
    with pytest.raises(ValueError, match=r"^dimensions.direction.level: must be <= 5, got 9$"):
        BenchmarkEntry.from_dict(_edit(stored, lambda e: e["dimensions"]["direction"].update(level=9)))
    with pytest.raises(ValueError, match=r"^typology: is required"):
        BenchmarkEntry.from_dict({k: v for k, v in stored.items() if k != "typology"})
    with pytest.raises(ValueError, match=r"^data: must be an object, got an array$"):
        BenchmarkEntry.from_dict([])


def test_many_problems_are_counted(doc):
    d = _edit(doc, lambda d: [e.update(industry="Bad") for e in d["entries"]])
    assert _err(d) == "entries[0].industry: must match ^[a-z][a-z0-9_]{0,47}$, got 'Bad' (and 4 more problems)"


def test_largest_pool_fits_into_a_file():
    dims = {d: DimensionAggregate(score=99.1234, structure=99.1234, n=9_999_999, icc1=-0.123456, level=5) for d in DIMS}
    worst = BenchmarkEntry(
        entry_id="f" * 32,
        questionnaire_id=PULSE,
        questionnaire_version=1,
        closed_on="2024-12",
        industry="x" * 48,
        size_band="1000-4999",
        typology="central_control",
        dimensions=dims,
    )
    one = len(json.dumps(worst.to_dict(), separators=(",", ":"))) + 1
    assert one * MAX_ENTRIES + 100 < MAX_FILE_BYTES
    template = entry(0, 1.0).to_dict()
    many = [BenchmarkEntry._trusted({**template, "entry_id": f"{i:032x}"}) for i in range(MAX_ENTRIES + 1)]
    with pytest.raises(ValueError, match=r"^entries: 15,001 entries; at most 15,000 are allowed$"):
        BenchmarkPool(many)
    assert len(load_benchmark(dump_benchmark(BenchmarkPool(many[:MAX_ENTRIES])))) == MAX_ENTRIES


def test_version_1_and_2_files_are_read_and_version_3_is_written(doc):
    assert doc["version"] == 3
    v2 = _edit(doc, lambda d: [e.pop("simulated") for e in d["entries"]] and d.update(version=2))
    assert not any(e.simulated for e in load_benchmark(json.dumps(v2).encode()).entries)
    marked = _edit(doc, lambda d: d["entries"][0].update(simulated=True))
    again = load_benchmark(dump_benchmark(load_benchmark(json.dumps(marked).encode())))
    assert [e.simulated for e in again.entries].count(True) == 1
    v1 = _edit(doc, lambda d: d.update(version=1))
    assert load_benchmark(json.dumps(v1).encode()).entries == load_benchmark(json.dumps(doc).encode()).entries
    generalized = _edit(doc, lambda d: d["entries"][0].update(industry=ANY, size_band=ANY, closed_on="2024-Q2"))
    e = load_benchmark(json.dumps(generalized).encode()).entries[0]
    assert (e.industry, e.size_band, e.closed_on) == ("any", "any", "2024-Q2")
    for period in ("2024", "any", "2024-Q4", "2024-12"):
        edited = copy.deepcopy(doc)
        edited["entries"][1]["closed_on"] = period
        assert load_benchmark(json.dumps(edited).encode()).entries[1].closed_on == period


def test_random_order_keeps_the_entries():
    pool = pool_of([10.0 * i for i in range(1, 9)])
    data = dump_benchmark(pool, rng=np.random.default_rng(3))
    ids = [e["entry_id"] for e in json.loads(data)["entries"]]
    expected = [pool.entries[i].entry_id for i in np.random.default_rng(3).permutation(8)]
    assert ids == expected and ids != sorted(ids)
    assert load_benchmark(data).entries == pool.entries
    assert dump_benchmark(load_benchmark(data)) == dump_benchmark(pool)


# ------------------------------------------------------------------- generalization


def _generalized(specs, k=5):
    """(industry, size band, closed_on) of each entry after generalization, in input order."""
    pool = BenchmarkPool(
        [entry(i + 1, 10.0 + i, industry=ind, size_band=sb, closed_on=c) for i, (ind, sb, c) in enumerate(specs)]
    )
    return [(e.industry, e.size_band, e.closed_on) for e in generalize(pool, k=k)]


def test_generalize_a_combination_of_exactly_five_is_kept():
    assert _generalized([("retail", "50-249", "2024-05")] * 5) == [("retail", "50-249", "2024-Q2")] * 5


def test_generalize_the_size_band_goes_first():
    specs = (
        [("retail", "50-249", "2024-05")] * 5
        + [("retail", "1-49", "2024-05")] * 3
        + [("retail", "250-999", "2024-05")] * 2
        + [("banking", "1-49", "2024-05")] * 5
    )
    assert _generalized(specs) == (
        [("retail", "50-249", "2024-Q2")] * 5 + [("retail", ANY, "2024-Q2")] * 5 + [("banking", "1-49", "2024-Q2")] * 5
    )


def test_generalize_then_the_industry():
    specs = (
        [("retail", "50-249", "2024-05")] * 5
        + [("banking", "1-49", "2024-05")] * 2
        + [("insurance", "5000+", "2024-05")] * 3
    )
    assert _generalized(specs) == [("retail", "50-249", "2024-Q2")] * 5 + [(ANY, ANY, "2024-Q2")] * 5


def test_generalize_a_short_fully_generalized_group_takes_in_the_nearest_one():
    # insurance alone: (any, any) holds 1; the smaller of the two full groups (retail) moves
    # up step by step — size band, then industry — and joins it
    specs = (
        [("retail", "50-249", "2024-05")] * 5
        + [("banking", "1-49", "2024-05")] * 6
        + [("insurance", "1-49", "2024-05")]
    )
    assert _generalized(specs) == (
        [(ANY, ANY, "2024-Q2")] * 5 + [("banking", "1-49", "2024-Q2")] * 6 + [(ANY, ANY, "2024-Q2")]
    )


def test_generalize_all_unique():
    specs = [
        ("retail", "1-49", "2020-01"),
        ("banking", "50-249", "2021-04"),
        ("energy", "250-999", "2022-07"),
        ("media", "1000-4999", "2023-10"),
        ("health", "5000+", "2024-12"),
    ]
    assert _generalized(specs) == [(ANY, ANY, ANY)] * 5


def test_generalize_closing_dates_by_quarter_then_year():
    q1 = ["2024-01", "2024-02", "2024-03", "2024-03", "2024-01"]
    later = ["2024-11", "2024-10", "2024-12", "2024-07", "2024-08"]  # Q4 ×3, Q3 ×2
    periods = [p for *_, p in _generalized([("retail", "50-249", m) for m in q1 + later])]
    assert periods == ["2024-Q1"] * 5 + ["2024"] * 5
    # one more in 2023: its year holds 1, so it becomes "any", and the nearest group (2024) joins it
    periods = [p for *_, p in _generalized([("retail", "50-249", m) for m in q1 + later + ["2023-05"]])]
    assert periods == ["2024-Q1"] * 5 + [ANY] * 6


def test_generalize_dates_within_each_combination():
    specs = (
        [("retail", "50-249", "2024-02")] * 5 + [("banking", "1-49", "2024-02")] * 4 + [("banking", "1-49", "2023-02")]
    )
    assert _generalized(specs) == [("retail", "50-249", "2024-Q1")] * 5 + [("banking", "1-49", ANY)] * 5


@pytest.mark.parametrize("seed", range(6))
def test_generalized_combinations_are_never_rarer_than_k(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(5, 60))
    industries = ["retail", "banking", "energy", "media", ANY]
    bands = ["1-49", "50-249", "250-999", "1000-4999", "5000+", ANY]
    periods = ["2023-01", "2023-05", "2024-02", "2024-11", "2024-Q3", "2022", ANY]
    pool = BenchmarkPool(
        [
            entry(
                i + 1,
                float(rng.uniform(0, 100)),
                industry=str(rng.choice(industries)),
                size_band=str(rng.choice(bands)),
                closed_on=str(rng.choice(periods)),
            )
            for i in range(n)
        ]
    )
    out = generalize(pool, k=5)
    combos = Counter((e.industry, e.size_band, e.closed_on) for e in out)
    assert min(combos.values()) >= 5
    assert [e.entry_id for e in out] == [e.entry_id for e in pool]
    for before, after in zip(pool, out):
        assert after.typology == before.typology and set(after.dimensions) == set(before.dimensions)
        for d, a in after.dimensions.items():  # every figure kept except the answer count
            assert a.n is None and dataclasses.replace(a, n=before.dimensions[d].n) == before.dimensions[d]
        assert after.industry in (before.industry, ANY) and after.size_band in (before.size_band, ANY)
        if after.industry != before.industry:  # the size band went first
            assert after.size_band == ANY
        assert re.fullmatch(r"[0-9]{4}(-Q[1-4])?|any", after.closed_on)
    assert generalize(out, k=5).entries == out.entries  # generalizing again changes nothing


def test_generalize_edges():
    assert len(generalize(BenchmarkPool([]))) == 0
    with pytest.raises(ValueError, match=r"^pool: 4 entries; generalizing needs none or at least 5$"):
        generalize(pool_of([1.0, 2.0, 3.0, 4.0]))
    with pytest.raises(ValueError, match=r"^pool: 5 entries; generalizing needs none or at least 6$"):
        generalize(pool_of([1.0] * 5), k=6)
    for bad in (4, True, 5.0):
        with pytest.raises(ValueError, match=r"^k: must be an integer >= 5, got "):
            generalize(pool_of([1.0] * 5), k=bad)
    with pytest.raises(TypeError, match=r"^pool: must be a BenchmarkPool, got list$"):
        generalize([])


def test_generalized_entries_count_overall_only(diagnoses):
    pool = BenchmarkPool(
        [entry(i, 10.0 + i, industry="retail", size_band="50-249") for i in range(1, 6)]
        + [entry(i, 10.0 + i, industry="retail", size_band=ANY) for i in range(6, 11)]
        + [entry(i, 10.0 + i, industry=ANY, size_band=ANY) for i in range(11, 16)]
    )
    res = benchmark(pool, entry(99, 50.0), industry="retail", size_band="50-249")
    n = {s: res.cell("direction", "score", s).n_organizations for s in res.scopes}
    assert n == {"all": 15, "industry": 10, "size_band": 5, "industry_and_size_band": 5}
    with pytest.raises(
        ValueError, match=r"^industry: 'any' stands for a generalized industry and is no industry code$"
    ):
        benchmark(pool, diagnoses[0], industry=ANY)
    with pytest.raises(ValueError, match=r"^size_band: must be one of"):
        benchmark(pool, diagnoses[0], size_band=ANY)
    with pytest.raises(ValueError, match=r"^industry: 'any' stands for a generalized industry"):
        entry_from_diagnosis(diagnoses[0], industry=ANY, size_band="1-49", closed_on="2024-01")
