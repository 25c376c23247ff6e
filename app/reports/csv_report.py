"""The CSV export: every released figure in long format, for analysis in other tools.

Columns ``level,group,unit,dimension,statistic,value``: ``level`` is ``organization``,
``unit`` or ``team``; ``group`` the unit or team label (empty for the organization);
``unit`` the unit of a team; ``dimension`` the dimension, misconception, predictor or
item the statistic belongs to (empty when it belongs to the group). A hidden group has
one row ``statistic=suppressed`` whose value is the reason (``fewer_than_k``,
``complementary``, ``no_data``) and no figures; a hidden dimension of a visible group
likewise. Labels are guarded against formula injection; values are numbers or ids.

Question-level results (docs/methodology.md §20): rows with ``dimension`` the item id
and ``statistic`` ``item_n``, ``item_mean``, ``item_favourable`` (a share 0–1) and
``item_share_<option value>``; a hidden item cell has one row ``item_suppressed`` with
the reason, a hidden structure mean ``item_mean_suppressed``.

With a benchmark comparison, rows with ``level=benchmark``, ``group`` the comparison
(``all``, ``industry``, ``size_band``, ``industry_and_size_band``) and ``statistic``
``<measure>_<figure>`` (e.g. ``score_percentile_rank``, ``score_median``); a withheld
comparison has one row ``<measure>_suppressed`` with the reason code.

With the campaign's provenance, rows with ``level=campaign``: ``personal_links``,
``open_links``, ``link_creations``, ``teams_over_headcount`` (from the link log) and
``withheld_answers`` (answers a campaign with live results could not add at closing).
"""

from __future__ import annotations

from app.csv_files import Separator, csv_text
from app.reports.common import safe_text, teams_by_unit
from app.reports.decision_map import csv_rows

__all__ = ["render_report_csv", "HEADER"]

HEADER = ("level", "group", "unit", "dimension", "statistic", "value")
_DIM_STATS = ("level", "finding", "vs_rest_flagged", "structure_vs_rest_flagged")
_ORG_STATS = ("alpha", "omega", "icc1", "icc2", "structure_icc1", "structure_icc2")
_CFA_STATS = ("chisq", "df", "pvalue", "cfi", "tli", "rmsea", "rmsea_ci_low", "rmsea_ci_high", "srmr", "n_obs")
_STYLE_STATS = ("chisq", "df", "pvalue", "cfi", "tli", "rmsea", "srmr")


def _value(v) -> str | int | float | None:
    """A released value for the CSV file; None when there is nothing to write."""
    if v is None:
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return v
    return safe_text(v)


def _group_rows(level: str, rec: dict, group: str, unit) -> list:
    """Rows of one organization, unit or team record."""
    head = (level, group, unit or "")
    if rec["suppressed"]:
        return [(*head, "", "suppressed", rec["suppression_reason"])]
    rows = [
        (*head, "", "n", rec["n"]),
        (*head, "", "typology", rec["typology"]),
        (*head, "", "outcome", rec["outcome"]),
    ]
    if rec.get("n_teams") is not None:
        rows.append((*head, "", "n_teams", rec["n_teams"]))
    for d, cell in rec["dimensions"].items():
        if cell["suppressed"]:
            rows.append((*head, d, "suppressed", cell["suppression_reason"]))
            continue
        for key, v in cell.items():
            if key in _DIM_STATS or (isinstance(v, (int, float)) and not isinstance(v, bool)):
                rows.append((*head, d, key, v))
    for m, share in rec["misconceptions"].items():
        rows.append((*head, m, "misconception_share", share))
        if level != "organization":
            rows.append((*head, m, "misconception_vs_organization", rec["misconceptions_vs_organization"][m]))
    return rows


def _item_rows(diagnosis) -> list:
    """Question-level rows (``dimension`` = the item id): ``item_n``, ``item_mean``,
    ``item_favourable`` and ``item_share_<option value>``; a hidden cell has one row
    ``item_suppressed`` with the reason. Hidden groups have their ``suppressed`` row."""
    items = diagnosis.items.to_dict()
    values = {q["id"]: [o["value"] for o in q["options"]] for q in items["questions"]}
    rows = []
    groups = [("organization", items["organization"], "", "")]
    groups += [("unit", r, r["unit"], "") for r in items["units"]]
    groups += [("team", r, r["team"], r["unit"] or "") for r in items["teams"]]
    for level, rec, group, unit in groups:
        for item, cell in rec.get("items", {}).items():
            head = (level, group, unit, item)
            if cell["suppressed"]:
                rows.append((*head, "item_suppressed", cell["suppression_reason"]))
                continue
            rows += [
                (*head, "item_n", cell["n"]),
                (*head, "item_mean", cell["mean"]),
                (*head, "item_favourable", cell["favourable"]),
            ]
            if cell["mean_suppression_reason"]:
                rows.append((*head, "item_mean_suppressed", cell["mean_suppression_reason"]))
            rows += [(*head, f"item_share_{v}", share) for v, share in zip(values[item], cell["distribution"])]
    return rows


def _organization_rows(diagnosis) -> list:
    """Reliability, ICC, CFA, role gaps, tenure, drivers and flagged differences."""
    rows = []
    for d, info in diagnosis.dimensions.items():
        rows += [("organization", "", "", d, key, info.get(key)) for key in _ORG_STATS]
    if diagnosis.cfa.get("estimable"):
        rows += [("organization", "", "", "", f"cfa_{key}", diagnosis.cfa.get(key)) for key in _CFA_STATS]
        style = diagnosis.cfa.get("acquiescence") or {}
        rows += [("organization", "", "", "", f"cfa_acquiescence_{key}", style[key]) for key in _STYLE_STATS if style]
    for g in diagnosis.role_gaps:
        head = (g["level"], g["group"] or "", "", g["dimension"])
        rows += [
            (*head, "role_gap" if key == "gap" else f"role_gap_{key}", g[key])
            for key in ("lead", "member", "gap", "n_lead", "n_member", "d", "p_adjusted", "significant")
        ]
    for x in diagnosis.tenure:
        head = (x["level"], x["group"] or "", "", x["dimension"])
        rows += [(*head, f"tenure_{x['band']}_n", x["n"]), (*head, f"tenure_{x['band']}_score", x["score"])]
    for block in ("dimensions", "structure_items"):
        b = (diagnosis.drivers or {}).get(block) or {}
        if b.get("estimable"):
            rows.append(("organization", "", "", "", f"drivers_{block}_r2", b.get("r2")))
            for p in b.get("predictors", []):
                rows += [
                    ("organization", "", "", p["name"], "driver_weight", p["weight"]),
                    ("organization", "", "", p["name"], "driver_percent", p["percent"]),
                ]
    for x in diagnosis.differences:
        prefix = "vs_rest" if x["measure"] == "perception" else "structure_vs_rest"
        head = (x["level"], x["group"], "", x["dimension"])
        rows += [(*head, f"{prefix}_difference", x["difference"]), (*head, f"{prefix}_p_adjusted", x["p_adjusted"])]
    return rows


_BENCH_STATS = (
    "value",
    "n_organizations",
    "n_simulated",
    "percentile_rank",
    "percentile_rank_low",
    "percentile_rank_high",
    "median",
    "p75",
    "p90",
)


def _benchmark_rows(benchmark) -> list:
    b = benchmark.to_dict() if hasattr(benchmark, "to_dict") else benchmark
    rows = []
    for scope, s in b["scopes"].items():
        for dim, measures in s["dimensions"].items():
            for m, c in measures.items():
                if not c["released"]:
                    rows.append(("benchmark", scope, "", dim, f"{m}_suppressed", c["reason"]))
                    continue
                rows += [("benchmark", scope, "", dim, f"{m}_{stat}", c[stat]) for stat in _BENCH_STATS]
    return rows


def render_report_csv(
    diagnosis, *, benchmark=None, provenance=None, register=None, sep: Separator = "comma", bom: bool = False
) -> bytes:
    """All released figures of a diagnosis as long-format CSV (UTF-8, with header).

    Parameters
    ----------
    diagnosis : Diagnosis
    benchmark : BenchmarkResult or dict, optional
        The organization's benchmark comparison (:func:`analysis.benchmark.benchmark`).
    provenance : dict, optional
        How the answers were collected: adds ``level=campaign`` rows (see the module
        docstring).
    register : RegisterFindings, optional
        The decision register against the answers: adds ``level=decision_…`` rows
        (:func:`app.reports.decision_map.csv_rows`).
    sep, bom
        ``"semicolon"`` for German-speaking Excel (decimal comma too); ``bom`` starts the
        file with a byte-order mark (:mod:`app.csv_files`).

    Returns
    -------
    bytes
    """
    org = diagnosis.organization.records()[0]
    rows = _group_rows("organization", org, "", None)
    groups = teams_by_unit(diagnosis)
    for u, _ in groups:
        if u is not None:
            rows += _group_rows("unit", u, u["unit"], None)
    for _, teams in groups:
        for r in teams:
            rows += _group_rows("team", r, r["team"], r.get("unit"))
    rows += _item_rows(diagnosis)
    if not org["suppressed"]:
        rows += _organization_rows(diagnosis)
    if benchmark is not None:
        rows += _benchmark_rows(benchmark)
    if provenance:
        links = provenance["links"]
        rows += [
            ("campaign", "", "", "", stat, value)
            for stat, value in (
                ("personal_links", links["personal"]),
                ("open_links", links["open"]),
                ("link_creations", links["creations"]),
                ("teams_over_headcount", links["teams_over_headcount"]),
                ("withheld_answers", provenance.get("withheld", 0)),
            )
        ]
    if register is not None:
        rows += csv_rows(register)
    out = (
        (level, safe_text(group), safe_text(unit), safe_text(dim), stat, _value(v))
        for level, group, unit, dim, stat, v in rows
    )
    return csv_text(HEADER, (r for r in out if r[-1] is not None), sep=sep, bom=bom).encode("utf-8")
