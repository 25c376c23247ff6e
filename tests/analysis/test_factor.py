"""Tests for analysis.factor: ML confirmatory factor analysis.

Reference values come from R package ``lavaan`` (fixtures written by
tests/fixtures/r/reliability_factor.R; R and package versions in each fixture's
``_meta``). Every model is fitted in R twice: with ``cfa()`` defaults and refitted with
lavaan's Gauss-Newton optimizer to a tight tolerance ("tight").

Tolerances (relative unless said otherwise):

- fit measures (chisq, p, CFI, TLI, RMSEA, SRMR, baseline chisq, fmin, logLik) against the
  default run: ``rtol=1e-6`` (achieved ~1e-9);
- RMSEA 90 % limits: ``rtol=2e-5`` -- lavaan finds them with ``uniroot``'s default
  tolerance (1.2e-4 on the non-centrality parameter), we solve to 1e-12;
- parameter estimates (standardized and raw loadings, factor correlations and covariances,
  residual variances, implied covariances) against the tight run: ``rtol=1e-6`` (achieved
  ~1e-9), and against the default run ``atol=1e-4``, the precision of lavaan's default
  nlminb stopping rule (``rel.tol = 1e-10`` on the objective).
"""

from __future__ import annotations

import dataclasses
import json
import math
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

import analysis
import analysis.factor_ml as factor_ml
from analysis.factor import CFAResult, cfa, fit_one_factor

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "r"
RTOL_FIT = 1e-6
RTOL_CI = 2e-5
RTOL_EST = 1e-6
ATOL_DEFAULT_EST = 1e-4

INPUTS = {
    "hs": "lavaan_hs1939_input.csv",
    "likert": "lavaan_likert3_input.csv",
    "likert_missing": "psych_likert3_missing_input.csv",
    "small": "lavaan_small_input.csv",
    "heywood": "lavaan_heywood_input.csv",
}
HS_MODEL = {"visual": ["x1", "x2", "x3"], "textual": ["x4", "x5", "x6"], "speed": ["x7", "x8", "x9"]}


def load_csv(name):
    """Read a fixture input: '#' header lines, a row of names, NA for missing."""
    lines = [ln for ln in (FIXTURES / name).read_text().splitlines() if ln and not ln.startswith("#")]
    names = lines[0].split(",")
    rows = [[math.nan if v == "NA" else float(v) for v in ln.split(",")] for ln in lines[1:]]
    return names, np.array(rows, dtype=float)


def _input_for(case_id):
    if case_id.startswith("likert_missing"):
        return INPUTS["likert_missing"]
    return INPUTS[case_id.split("_")[0]]


CFA_FX = json.loads((FIXTURES / "lavaan_cfa.json").read_text())
CFA_CASES = [pytest.param(cid, case, id=cid) for cid, case in CFA_FX["cases"].items()]


def _fit_case(case_id, case):
    names, x = load_csv(_input_for(case_id))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = cfa(x, case["model"], names=names)
    return res, caught


# ---------------------------------------------------------------------------------------
# lavaan fixtures
# ---------------------------------------------------------------------------------------


def test_fixture_headers_name_versions():
    meta = CFA_FX["_meta"]
    assert meta["R"].startswith("R version")
    assert meta["lavaan"] and meta["psych"]
    for name in INPUTS.values():
        head = (FIXTURES / name).read_text().splitlines()[:2]
        assert "reliability_factor.R" in head[0]
        assert "lavaan" in head[1] and "R version" in head[1]


def test_holzinger_swineford_published_values():
    names, x = load_csv(INPUTS["hs"])
    res = cfa(x, HS_MODEL, names=names)
    assert (round(res.chisq, 3), res.df) == (85.306, 24)
    assert (round(res.cfi, 3), round(res.tli, 3)) == (0.931, 0.896)
    assert (round(res.rmsea, 3), round(res.srmr, 3)) == (0.092, 0.065)
    assert (round(res.rmsea_ci_low, 3), round(res.rmsea_ci_high, 3)) == (0.071, 0.114)
    assert res.n_obs == 301 and res.n_parameters == 21 and res.converged
    assert res.heywood == () and res.problems == ()


@pytest.mark.parametrize(("case_id", "case"), CFA_CASES)
def test_fit_measures_match_lavaan(case_id, case):
    res, _ = _fit_case(case_id, case)
    fm = case["fit"]
    assert res.df == fm["df"]
    assert res.n_obs == case["n_obs"]
    assert res.n_parameters == fm["npar"]
    assert res.baseline_df == fm["baseline.df"]
    assert res.converged and case["converged"]
    for ours, theirs in [
        (res.chisq, "chisq"),
        (res.cfi, "cfi"),
        (res.tli, "tli"),
        (res.rmsea, "rmsea"),
        (res.srmr, "srmr"),
        (res.srmr, "srmr_bentler"),
        (res.baseline_chisq, "baseline.chisq"),
        (res.fmin, "fmin"),
        (res.loglik, "logl"),
    ]:
        assert_allclose(ours, fm[theirs], rtol=RTOL_FIT, atol=1e-12, err_msg=theirs)
    assert_allclose(res.pvalue, fm["pvalue"], rtol=RTOL_FIT, atol=1e-14)
    # SRMR depends on the estimates: against the tightly converged run it agrees closer
    assert_allclose(res.srmr, case["tight"]["fit"]["srmr"], rtol=1e-8)
    assert_allclose(res.rmsea_ci_low, fm["rmsea.ci.lower"], rtol=RTOL_CI, atol=1e-12)
    assert_allclose(res.rmsea_ci_high, fm["rmsea.ci.upper"], rtol=RTOL_CI, atol=1e-12)


def _estimates(res, ref):
    factors = list(ref["model"])
    ours = {
        "loadings": [res.loadings[f][i] for f in factors for i in ref["loadings"][f]],
        "loadings_unstandardized": [
            res.loadings_unstandardized[f][i] for f in factors for i in ref["loadings_unstandardized"][f]
        ],
        "residual_variances": [res.residual_variances[i] for i in ref["residual_variances"]],
        "factor_correlations": [[res.factor_correlations[f][g] for g in factors] for f in factors],
        "factor_covariances": [[res.factor_covariances[f][g] for g in factors] for f in factors],
    }
    pos = {lab: j for j, lab in enumerate(res.observed)}
    order = [pos[v] for v in ref["observed"]]
    ours["implied_cov"] = res.implied_cov[np.ix_(order, order)]
    theirs = {
        "loadings": [ref["loadings"][f][i] for f in factors for i in ref["loadings"][f]],
        "loadings_unstandardized": [
            ref["loadings_unstandardized"][f][i] for f in factors for i in ref["loadings_unstandardized"][f]
        ],
        "residual_variances": list(ref["residual_variances"].values()),
        "factor_correlations": ref["factor_correlations"],
        "factor_covariances": ref["factor_covariances"],
        "implied_cov": ref["implied_cov"],
    }
    return ours, theirs


@pytest.mark.parametrize(("case_id", "case"), CFA_CASES)
def test_estimates_match_tightly_converged_lavaan(case_id, case):
    res, _ = _fit_case(case_id, case)
    ours, theirs = _estimates(res, {**case["tight"], "model": case["model"]})
    for key in ours:
        assert_allclose(ours[key], theirs[key], rtol=RTOL_EST, atol=1e-10, err_msg=key)


@pytest.mark.parametrize(("case_id", "case"), CFA_CASES)
def test_estimates_match_default_lavaan_to_its_precision(case_id, case):
    res, _ = _fit_case(case_id, case)
    ours, theirs = _estimates(res, case)
    for key in ("loadings", "factor_correlations"):
        assert_allclose(ours[key], theirs[key], rtol=0, atol=ATOL_DEFAULT_EST, err_msg=key)


def test_heywood_case_is_flagged_not_fatal():
    case = CFA_FX["cases"]["heywood_one_factor"]
    res, caught = _fit_case("heywood_one_factor", case)
    assert res.heywood == ("y1",)
    assert res.residual_variances["y1"] < 0
    assert res.loadings["f"]["y1"] > 1
    assert any("Heywood" in p for p in res.problems)
    assert any(issubclass(w.category, RuntimeWarning) and "Heywood" in str(w.message) for w in caught)
    assert_allclose(res.residual_variances["y1"], case["tight"]["residual_variances"]["y1"], rtol=1e-6)


# ---------------------------------------------------------------------------------------
# Hand-worked examples
# ---------------------------------------------------------------------------------------


def _data_with_covariance(sigma, n, seed=0):
    """Rows whose covariance with divisor n is exactly ``sigma``."""
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((n, sigma.shape[0]))
    z -= z.mean(axis=0)
    # whiten: cov(z, divisor n) = I
    c = z.T @ z / n
    z = z @ np.linalg.inv(np.linalg.cholesky(c)).T
    return z @ np.linalg.cholesky(sigma).T + 3.0


def test_just_identified_one_factor_closed_form():
    # Three indicators, one factor: 6 moments, 6 parameters (df = 0), so the fit is exact.
    # With the marker x1: phi = s12 s13 / s23, lambda2 = s23 / s13, lambda3 = s23 / s12,
    # theta_i = s_ii - lambda_i^2 phi. Here s12 = .42, s13 = .35, s23 = .30:
    # phi = .49, lambda2 = 6/7, lambda3 = 1.0/1.4 = 5/7, theta = (1 - .49, 1 - .36, 1 - .25).
    s = np.array([[1.0, 0.42, 0.35], [0.42, 1.0, 0.30], [0.35, 0.30, 1.0]])
    x = _data_with_covariance(s, 50)
    res = cfa(x, {"f": [0, 1, 2]})
    assert res.df == 0
    assert_allclose(res.chisq, 0.0, atol=1e-9)
    assert math.isnan(res.pvalue)
    assert res.cfi == 1.0 and res.tli == 1.0 and res.rmsea == 0.0
    assert (res.rmsea_ci_low, res.rmsea_ci_high) == (0.0, 0.0)
    assert_allclose(res.srmr, 0.0, atol=1e-9)
    assert_allclose(res.factor_covariances["f"]["f"], 0.49, rtol=1e-9)
    assert_allclose(list(res.loadings_unstandardized["f"].values()), [1.0, 6 / 7, 5 / 7], rtol=1e-9)
    assert_allclose(list(res.residual_variances.values()), [0.51, 0.64, 0.75], rtol=1e-9)
    # standardized loadings are sqrt(1 - theta) because all variances are 1
    assert_allclose(list(res.loadings["f"].values()), [0.7, 0.6, 0.5], rtol=1e-9)


def test_baseline_chisq_is_minus_n_log_det_r():
    # Independence model: Sigma_0 = diag(S), so chisq_0 = N (sum log s_ii - log|S|) = -N log|R|.
    r = np.array([[1.0, 0.5, 0.4, 0.3], [0.5, 1.0, 0.3, 0.2], [0.4, 0.3, 1.0, 0.4], [0.3, 0.2, 0.4, 1.0]])
    x = _data_with_covariance(r * 4.0, 120)
    res = cfa(x, {"f": [0, 1, 2, 3]})
    assert_allclose(res.baseline_chisq, -120 * np.log(np.linalg.det(r)), rtol=1e-12)
    assert res.baseline_df == 6 and res.df == 2


def test_exact_two_factor_structure_is_recovered():
    lam = np.array([[1.0, 0], [0.8, 0], [0.6, 0], [0, 1.0], [0, 1.2], [0, 0.7]])
    phi = np.array([[0.5, 0.2], [0.2, 0.8]])
    theta = np.array([0.5, 0.4, 0.6, 0.3, 0.5, 0.7])
    sigma = lam @ phi @ lam.T + np.diag(theta)
    x = _data_with_covariance(sigma, 200, seed=3)
    res = cfa(x, {"a": ["p1", "p2", "p3"], "b": ["q1", "q2", "q3"]}, names=["p1", "p2", "p3", "q1", "q2", "q3"])
    assert_allclose(res.chisq, 0.0, atol=1e-8)
    assert_allclose(res.factor_covariances["a"]["b"], 0.2, rtol=1e-7)
    assert_allclose(res.factor_correlations["a"]["b"], 0.2 / math.sqrt(0.5 * 0.8), rtol=1e-7)
    assert_allclose(list(res.loadings_unstandardized["b"].values()), [1.0, 1.2, 0.7], rtol=1e-7)
    assert_allclose(res.implied_cov, sigma, rtol=1e-7)
    assert res.cfi == 1.0 and res.rmsea == 0.0


def test_chisq_scales_with_n_estimates_do_not():
    names, x = load_csv(INPUTS["hs"])
    one = cfa(x, HS_MODEL, names=names)
    two = cfa(np.vstack([x, x]), HS_MODEL, names=names)
    assert_allclose(two.chisq, 2 * one.chisq, rtol=1e-9)
    assert two.n_obs == 2 * one.n_obs
    assert_allclose(two.loadings["speed"]["x9"], one.loadings["speed"]["x9"], rtol=1e-9)


# ---------------------------------------------------------------------------------------
# Input forms
# ---------------------------------------------------------------------------------------


def test_dict_structured_and_index_inputs_agree():
    names, x = load_csv(INPUTS["hs"])
    ref = cfa(x, HS_MODEL, names=names)
    as_dict = cfa({n: x[:, j] for j, n in enumerate(names)}, HS_MODEL)
    rec = np.zeros(x.shape[0], dtype=[(n, float) for n in names])
    for j, n in enumerate(names):
        rec[n] = x[:, j]
    as_struct = cfa(rec, HS_MODEL)
    as_idx = cfa(x, {f: [names.index(v) for v in items] for f, items in HS_MODEL.items()})
    for other in (as_dict, as_struct):
        assert_allclose(other.chisq, ref.chisq, rtol=1e-12)
        assert other.loadings["textual"]["x5"] == pytest.approx(ref.loadings["textual"]["x5"], rel=1e-12)
    assert_allclose(as_idx.chisq, ref.chisq, rtol=1e-12)
    assert as_idx.loadings["textual"][4] == pytest.approx(ref.loadings["textual"]["x5"], rel=1e-12)
    # columns not in the model are ignored
    extra = cfa(np.column_stack([x, np.arange(x.shape[0])]), HS_MODEL, names=[*names, "id"])
    assert_allclose(extra.chisq, ref.chisq, rtol=1e-12)


def test_result_is_frozen_and_serializable():
    names, x = load_csv(INPUTS["hs"])
    res = cfa(x, HS_MODEL, names=names)
    assert isinstance(res, CFAResult)
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.chisq = 0.0
    with pytest.raises(TypeError):
        res.loadings["visual"]["x1"] = 0.0
    d = res.to_dict()
    json.dumps(d)
    assert d["loadings"]["visual"]["x1"] == res.loadings["visual"]["x1"]
    assert d["factors"] == ["visual", "textual", "speed"]
    assert set(d) >= {
        "chisq",
        "df",
        "pvalue",
        "cfi",
        "tli",
        "rmsea",
        "srmr",
        "loadings",
        "factor_correlations",
        "n_obs",
        "converged",
        "iterations",
    }


def test_public_api_exports():
    assert analysis.cfa is cfa and analysis.CFAResult is CFAResult


# ---------------------------------------------------------------------------------------
# Missing values
# ---------------------------------------------------------------------------------------


def test_listwise_equals_fit_on_complete_rows():
    names, x = load_csv(INPUTS["likert_missing"])
    model = CFA_FX["cases"]["likert_missing_listwise"]["model"]
    res = cfa(x, model, names=names)
    complete = x[~np.isnan(x).any(axis=1)]
    ref = cfa(complete, model, names=names)
    assert res.n_obs == complete.shape[0] == 83
    assert_allclose(res.chisq, ref.chisq, rtol=1e-12)


def test_listwise_ignores_missing_values_outside_the_model():
    names, x = load_csv(INPUTS["hs"])
    extra = np.full(x.shape[0], np.nan)
    res = cfa(np.column_stack([x, extra]), HS_MODEL, names=[*names, "unused"], nan_policy="raise")
    assert res.n_obs == 301


def test_nan_policy_raise():
    names, x = load_csv(INPUTS["likert_missing"])
    model = CFA_FX["cases"]["likert_missing_listwise"]["model"]
    with pytest.raises(ValueError, match=r"missing values \(NaN\) in \d+ row\(s\) and nan_policy='raise'"):
        cfa(x, model, names=names, nan_policy="raise")


def test_unknown_nan_policy():
    names, x = load_csv(INPUTS["hs"])
    with pytest.raises(ValueError, match=r"nan_policy must be one of \('listwise', 'raise'\), got 'pairwise'"):
        cfa(x, HS_MODEL, names=names, nan_policy="pairwise")


# ---------------------------------------------------------------------------------------
# Edge cases and errors
# ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hs():
    return load_csv(INPUTS["hs"])


def test_constant_column(hs):
    names, x = hs
    x = x.copy()
    x[:, 4] = 2.0
    with pytest.raises(ValueError, match=r"indicator\(s\) \['x5'\] are constant in the 301 rows used"):
        cfa(x, HS_MODEL, names=names)


def test_too_few_rows(hs):
    names, x = hs
    with pytest.raises(ValueError, match=r"need at least p \+ 1 = 10 complete observations for 9 indicators, got 9"):
        cfa(x[:9], HS_MODEL, names=names)
    with pytest.raises(ValueError, match="got 1"):
        cfa(x[:1], HS_MODEL, names=names)


def test_all_rows_dropped_listwise(hs):
    names, x = hs
    x = x.copy()
    x[:, 0] = np.nan
    with pytest.raises(ValueError, match="got 0"):
        cfa(x, HS_MODEL, names=names)


def test_singular_covariance(hs):
    names, x = hs
    x = x.copy()
    x[:, 2] = x[:, 0] + x[:, 1]
    with pytest.raises(ValueError, match="sample covariance matrix .* is singular"):
        cfa(x, HS_MODEL, names=names)


def test_factor_with_one_indicator(hs):
    names, x = hs
    with pytest.raises(ValueError, match=r"model\['speed'\] has 1 indicator\(s\); a factor needs at least 2"):
        cfa(x, {**HS_MODEL, "speed": ["x7"]}, names=names)


def test_one_factor_with_two_indicators(hs):
    names, x = hs
    with pytest.raises(ValueError, match=r"one-factor model needs at least 3"):
        cfa(x, {"f": ["x1", "x2"]}, names=names)


def test_negative_degrees_of_freedom(hs):
    names, x = hs
    with pytest.raises(ValueError, match=r"model is not identified: 10 free parameters but only 6 .* \(df = -4\)"):
        cfa(x, {"a": ["x1", "x2", "x3"], "b": ["x2", "x1", "x3"]}, names=names)


def test_shared_marker(hs):
    names, x = hs
    with pytest.raises(ValueError, match="same first indicator"):
        cfa(x, {"a": ["x1", "x2", "x3"], "b": ["x1", "x4", "x5", "x6"]}, names=names)


def test_duplicate_indicator(hs):
    names, x = hs
    with pytest.raises(ValueError, match=r"model\['a'\] lists an indicator twice"):
        cfa(x, {"a": ["x1", "x2", "x2"]}, names=names)


def test_model_type_errors(hs):
    names, x = hs
    with pytest.raises(TypeError, match="model must be a dict mapping factor names to lists of indicators, got list"):
        cfa(x, [["x1", "x2", "x3"]], names=names)
    with pytest.raises(TypeError, match=r"model\['f'\] must be a list of indicators, got 'x1'"):
        cfa(x, {"f": "x1"}, names=names)
    with pytest.raises(TypeError, match="factor names must be str, got 1"):
        cfa(x, {1: ["x1", "x2", "x3"]}, names=names)
    with pytest.raises(TypeError, match="either all by column name"):
        cfa(x, {"f": ["x1", 1, "x3"]}, names=names)
    with pytest.raises(ValueError, match="model must define at least one factor"):
        cfa(x, {}, names=names)


def test_column_lookup_errors(hs):
    names, x = hs
    with pytest.raises(ValueError, match="pass names="):
        cfa(x, HS_MODEL)
    with pytest.raises(ValueError, match=r"model refers to columns not in names: \['x9'\]"):
        cfa(x[:, :8], HS_MODEL, names=names[:8])
    with pytest.raises(ValueError, match="names has 8 labels but data has 9 columns"):
        cfa(x, HS_MODEL, names=names[:8])
    with pytest.raises(ValueError, match=r"model refers to column indices \[9\] but data has 9 columns"):
        cfa(x, {"f": [7, 8, 9]})
    with pytest.raises(ValueError, match=r"model refers to columns not in data: \['x9'\]"):
        cfa({n: x[:, j] for j, n in enumerate(names[:8])}, HS_MODEL)
    with pytest.raises(ValueError, match=r"data must be 2-D \(observations x variables\), got shape \(301,\)"):
        cfa(x[:, 0], {"f": [0, 1, 2]})
    with pytest.raises(TypeError, match="data must be numeric"):
        cfa(np.array([["a", "b", "c"]] * 5), {"f": [0, 1, 2]})
    with pytest.raises(ValueError, match="data contain infinite values"):
        cfa(np.where(x == x[0, 0], np.inf, x), HS_MODEL, names=names)


def test_empirically_unidentified_two_indicator_factor_is_flagged():
    # Factor b has only two indicators and its covariance with factor a is exactly zero in
    # the sample, so lambda_q2 and phi_bb are not separately identified.
    rng = np.random.default_rng(11)
    f = rng.standard_normal(400)
    a = np.column_stack([f + rng.standard_normal(400) * 0.7 for _ in range(3)])
    g = rng.standard_normal(400)
    b = np.column_stack([g + rng.standard_normal(400) * 0.7 for _ in range(2)])
    design = np.column_stack([np.ones(400), a])
    b = b - design @ np.linalg.lstsq(design, b, rcond=None)[0]  # sample cov(a, b) = 0 exactly
    x = np.column_stack([a, b])
    with pytest.warns(RuntimeWarning):
        res = cfa(x, {"a": [0, 1, 2], "b": [3, 4]})
    assert any("not identified" in p for p in res.problems) or not res.converged
    assert math.isfinite(res.chisq)


def test_non_convergence_is_reported(monkeypatch, hs):
    names, x = hs
    monkeypatch.setattr(factor_ml, "_MAX_ITER", 1)
    monkeypatch.setattr(factor_ml, "_lbfgs", lambda model, s, logdet_s, x0: x0)
    with pytest.warns(RuntimeWarning, match="did not converge"):
        res = cfa(x, HS_MODEL, names=names)
    assert not res.converged
    assert any("did not converge" in p for p in res.problems)


def test_fit_one_factor_helper():
    s = np.array([[1.0, 0.42, 0.35], [0.42, 1.0, 0.30], [0.35, 0.30, 1.0]])
    fit = fit_one_factor(s)
    assert_allclose(fit.loadings, [0.7, 0.6, 0.5], rtol=1e-9)
    assert_allclose(fit.uniquenesses, [0.51, 0.64, 0.75], rtol=1e-9)
    assert fit.converged and fit.heywood == ()
    with pytest.raises(ValueError, match="cov has 2 variable"):
        fit_one_factor(s[:2, :2])
    with pytest.raises(ValueError, match=r"cov must be a square matrix, got shape \(3, 2\)"):
        fit_one_factor(s[:, :2])
    with pytest.raises(ValueError, match="not positive definite"):
        fit_one_factor(np.ones((3, 3)))


# ---------------------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------------------

_LIKERT_NAMES, _LIKERT = load_csv(INPUTS["likert"])
_LIKERT_MODEL = CFA_FX["cases"]["likert_three_factor"]["model"]
_LIKERT_REF = cfa(_LIKERT, _LIKERT_MODEL, names=_LIKERT_NAMES)


@settings(max_examples=15, deadline=None)
@given(perm=st.permutations(range(15)), rows=st.randoms(use_true_random=False))
def test_cfa_invariant_to_column_and_row_order(perm, rows):
    perm = list(perm)
    order = list(range(_LIKERT.shape[0]))
    rows.shuffle(order)
    x = _LIKERT[np.ix_(order, perm)]
    names = [_LIKERT_NAMES[j] for j in perm]
    res = cfa(x, _LIKERT_MODEL, names=names)
    assert_allclose(res.chisq, _LIKERT_REF.chisq, rtol=1e-9)
    assert_allclose(res.srmr, _LIKERT_REF.srmr, rtol=1e-9)
    for f, items in _LIKERT_MODEL.items():
        for it in items:
            assert res.loadings[f][it] == pytest.approx(_LIKERT_REF.loadings[f][it], rel=1e-7, abs=1e-10)


@settings(max_examples=10, deadline=None)
@given(perm=st.permutations(["direction", "decision_rights", "feedback"]))
def test_cfa_invariant_to_factor_order(perm):
    model = {f: _LIKERT_MODEL[f] for f in perm}
    res = cfa(_LIKERT, model, names=_LIKERT_NAMES)
    assert_allclose(res.chisq, _LIKERT_REF.chisq, rtol=1e-9)
    assert res.factor_correlations["feedback"]["direction"] == pytest.approx(
        _LIKERT_REF.factor_correlations["feedback"]["direction"], rel=1e-7
    )


@settings(max_examples=10, deadline=None)
@given(scale=st.floats(0.1, 100), shift=st.floats(-50, 50))
def test_standardized_solution_invariant_to_linear_rescaling(scale, shift):
    res = cfa(_LIKERT * scale + shift, _LIKERT_MODEL, names=_LIKERT_NAMES)
    assert_allclose(res.chisq, _LIKERT_REF.chisq, rtol=1e-8)
    assert res.loadings["direction"]["dir3"] == pytest.approx(_LIKERT_REF.loadings["direction"]["dir3"], rel=1e-7)
