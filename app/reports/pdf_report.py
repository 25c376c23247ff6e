"""PDF reports (WeasyPrint, A4): the organization report and the team report.

Both are pure functions from a :class:`~analysis.diagnosis.Diagnosis` to bytes. They lay
out released figures only; hidden groups and cells read ``n < k`` with the reason.
Templates and the stylesheet live in ``app/templates/reports/pdf/``; fonts are local and
WeasyPrint is given a URL fetcher that refuses every request.
"""

from __future__ import annotations

from pathlib import Path

import jinja2
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from analysis.factor import FIT_CUTOFFS
from analysis.palette import PERCEPTION_COLOR, STRUCTURE_COLOR, STRUCTURE_HATCH
from analysis.privacy import NO_DATA
from analysis.narrative import shown_typology
from app.reports.benchmark_table import benchmark_table
from app.reports.decision_map import register_section
from app.reports.measurement import measurement_sections
from app.reports.common import (
    cfa_verdict,
    FINDING_FILLS,
    check_lang,
    dimension_names,
    finding_cell,
    finding_text,
    fmt,
    fmt_ci,
    fmt_pct,
    hidden_label,
    hidden_text,
    instrument,
    item_text,
    k_of,
    label,
    method_values,
    misconception_names,
    provenance_lines,
    t,
    teams_by_unit,
    verdict_lines,
)
from app.reports.questions import qt, question_tables, scope_table
from app.reports.leadership import advice, headline, pattern_line
from app.reports.pdf_heatmaps import heat_legend, heat_rows, misconception_rows, team_rows
from app.reports.texts import (
    FINDING_HELP,
    FINDING_SHORT,
    METHOD,
    READING,
    REFERENCES,
    TYPOLOGY_HELP,
)

__all__ = ["render_report_pdf", "render_team_report_pdf"]

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates" / "reports" / "pdf"
_ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
    undefined=jinja2.StrictUndefined,
)
#: Teams shown in the heatmap of the leadership part (more: the appendix lists them).
LEADERSHIP_TEAMS = 40
_TEAM_LIST_MAX = 12  # team labels listed per finding in "what to do"
_KEY_FINDINGS = 4
_DIFF_MAX = 40  # differences listed in the appendix
#: Findings in "what to do", those that ask for action first.
_TALLY_ORDER = (
    "structural_gap",
    "proclaimed_not_anchored",
    "divided",
    "unseen_structure",
    "mixed",
    "not_precise",
    "anchored_strength",
)
_DRIVER_ITEMS = 8  # structure questions listed as drivers


class _LocalOnly(URLFetcher):
    """Serves the report's own in-memory images and refuses every other URL, so
    rendering never touches the network or the file system."""

    def __init__(self, images: dict):
        super().__init__()
        self._images = images

    def fetch(self, url, headers=None):
        if url in self._images:
            return URLFetcherResponse(url, self._images[url], {"Content-Type": "image/png"})
        raise ValueError(f"url: reports fetch nothing, got {url!r}")


def _render(template: str, ctx: dict, images: dict | None = None) -> bytes:
    css = (TEMPLATE_DIR / "report.css").read_text(encoding="utf-8")
    html = _ENV.get_template(template).render(css=css, **ctx)
    return HTML(string=html, url_fetcher=_LocalOnly(images or {})).write_pdf()


def _base(diagnosis, lang, organization_name, campaign_name) -> dict:
    lang = check_lang(lang)
    k = k_of(diagnosis)
    return {
        "lang": lang,
        "k": k,
        "T": lambda key, **kw: t(key, lang, **kw),
        "Q": lambda key, **kw: qt(key, lang, **kw),
        "organization_name": organization_name,
        "campaign_name": campaign_name,
        "scope": t("scope_line", lang, unit=diagnosis.scope) if diagnosis.scope else None,
        "title": diagnosis.questionnaire["title"][lang],
        "ci_label": t("ci_level", lang, pct=fmt(100 * diagnosis.settings["confidence"], 0, lang)),
        "reading": [(h[lang], p[lang]) for h, p in READING],
        "mv": method_values(diagnosis, lang),
        "palette": {"perception": PERCEPTION_COLOR, "structure": STRUCTURE_COLOR, "hatch": STRUCTURE_HATCH},
    }


def _chart_row(name, cell, org=None, lang="en", k=5) -> dict:
    """Perception/structure bar chart row of one released dimension cell."""
    if cell is None or cell.get("suppressed"):
        text = hidden_label(cell["suppression_reason"], k, lang) if cell else "–"
        return {
            "name": name,
            "p": None,
            "p_lo": None,
            "p_hi": None,
            "s": None,
            "s_lo": None,
            "s_hi": None,
            "org_p": None,
            "org_s": None,
            "p_text": text,
            "s_text": text,
        }
    return {
        "name": name,
        "p": cell["score"],
        "p_lo": cell["ci_low"],
        "p_hi": cell["ci_high"],
        "s": cell["structure"],
        "s_lo": cell["structure_ci_low"],
        "s_hi": cell["structure_ci_high"],
        "org_p": org["score"] if org else None,
        "org_s": org["structure"] if org else None,
        "p_text": fmt(cell["score"], 0, lang),
        "s_text": fmt(cell["structure"], 0, lang),
    }


def _group_name(level, group, lang) -> str:
    return t("organization", lang) if level == "organization" else f"{t(level, lang)} {group}"


def _diff_row(x, names, lang) -> dict:
    return {
        "group": _group_name(x["level"], x["group"], lang),
        "dimension": names.get(x["dimension"], x["dimension"]),
        "measure": t(x["measure"], lang),
        "difference": fmt(x["difference"], 0, lang, signed=True),
        "d": fmt(x["d"], 2, lang, signed=True),
        "direction": t(x["direction"], lang),
    }


def _gap_row(g, names, lang) -> dict:
    return {
        "group": _group_name(g["level"], g["group"], lang),
        "dimension": names[g["dimension"]],
        "lead": fmt(g["lead"], 0, lang),
        "member": fmt(g["member"], 0, lang),
        "n_lead": g["n_lead"],
        "n_member": g["n_member"],
        "gap": fmt(g["gap"], 0, lang, signed=True),
        "d": fmt(g["d"], 2, lang, signed=True),
        "significant": t("significant", lang) if g["significant"] else "",
    }


def _drivers(diagnosis, lang) -> dict | None:
    """Relative weights of the dimensions and the strongest structure questions."""
    dr = diagnosis.drivers
    if not dr or not (dr.get("dimensions") or {}).get("estimable"):
        return None
    block = dr["dimensions"]
    items = dr.get("structure_items") or {}

    def rows(b):
        return [
            {
                "name": p["label"][lang],
                "value": p["percent"],
                "text": fmt(p["percent"], 0, lang)
                + " %"
                + (
                    ""
                    if p.get("percent_ci_low") is None
                    else f" ({fmt(p['percent_ci_low'], 0, lang)}–{fmt(p['percent_ci_high'], 0, lang)} %)"
                ),
            }
            for p in b.get("predictors", [])
        ]

    return {
        "note": t("drivers_note", lang, r2=fmt(block["r2"], 2, lang)),
        "dims": rows(block),
        "item_rows": rows(items)[:_DRIVER_ITEMS] if items.get("estimable") else [],
    }


def _cfa(diagnosis, lang) -> dict:
    """Fit of the three-factor model against the conventional bars, or why it is missing."""
    c = diagnosis.cfa
    if not c.get("estimable"):
        return {"reason": (c.get("reason") or {}).get(lang, t("not_estimable", lang))}
    return {
        "rows": [
            ("χ² (df)", f"{fmt(c['chisq'], 1, lang)} ({c['df']})", ""),
            ("p", fmt(c["pvalue"], 3, lang), ""),
            ("CFI", fmt(c["cfi"], 3, lang), "≥ " + fmt(FIT_CUTOFFS["cfi"], 2, lang)),
            ("TLI", fmt(c["tli"], 3, lang), "≥ " + fmt(FIT_CUTOFFS["tli"], 2, lang)),
            (
                "RMSEA",
                f"{fmt(c['rmsea'], 3, lang)} [{fmt(c['rmsea_ci_low'], 3, lang)}–{fmt(c['rmsea_ci_high'], 3, lang)}]",
                "≤ " + fmt(FIT_CUTOFFS["rmsea"], 2, lang),
            ),
            ("SRMR", fmt(c["srmr"], 3, lang), "≤ " + fmt(FIT_CUTOFFS["srmr"], 2, lang)),
            ("n", str(c["n_obs"]), ""),
        ],
        "verdict": " ".join(cfa_verdict(c, lang)),
    }


def _summary_row(name, cell, lang) -> dict:
    """A dimension in the executive summary's table."""
    row = {"name": name, "level": None, "p": "–", "s": "–", "finding": finding_cell(None, lang)}
    if cell and not cell.get("suppressed"):
        row.update(
            level=cell["level"],
            finding=finding_cell(cell["finding"], lang, cell.get("finding_probability")),
            p=fmt_ci(cell["score"], cell["ci_low"], cell["ci_high"], lang),
            s=fmt_ci(cell["structure"], cell["structure_ci_low"], cell["structure_ci_high"], lang),
        )
    return row


def _tally(d, visible, lang) -> list:
    """Teams per finding of dimension ``d`` with what to do about each, actions first."""
    out = []
    for fid in _TALLY_ORDER:
        hit = [r["team"] for r in visible if r["dimensions"][d]["finding"] == fid]
        if hit:
            out.append(
                {
                    "cell": finding_cell(fid, lang),
                    "count": len(hit),
                    "teams": ", ".join(hit[:_TEAM_LIST_MAX]),
                    "more": t("and_more", lang, n=len(hit) - _TEAM_LIST_MAX) if len(hit) > _TEAM_LIST_MAX else "",
                    "do": advice(d, fid, lang, FINDING_HELP[fid]["do"][lang]),
                }
            )
    return out


def _dimension_section(d, name, q, cell, org_cell, visible, k, lang) -> dict:
    """The scope's dimension in the leadership part: its figures, finding and advice."""
    out = {
        "id": d,
        "name": name,
        "description": q.dimensions[d]["description"][lang] if q is not None else "",
        "finding_label": "",
        "finding_fill": "#ffffff",
        "advice": "",
        "means": "",
        "org": None,
        "tally": _tally(d, visible, lang),
        "hidden": None,
    }
    if not cell or cell.get("suppressed"):
        out["hidden"] = hidden_text(cell["suppression_reason"], k, lang) if cell else "–"
        return out
    fid = cell["finding"]
    out.update(
        p=fmt_ci(cell["score"], cell["ci_low"], cell["ci_high"], lang),
        s=fmt_ci(cell["structure"], cell["structure_ci_low"], cell["structure_ci_high"], lang),
        level=cell["level"],
    )
    if fid:
        out.update(
            finding_label=finding_text(cell, lang),
            finding_fill=FINDING_FILLS[fid],
            means=FINDING_HELP[fid]["means"][lang],
            advice=advice(d, fid, lang, FINDING_HELP[fid]["do"][lang]),
        )
    if org_cell is not None and not org_cell.get("suppressed"):
        out["org"] = (
            f"{t('perception', lang)} {fmt(org_cell['score'], 0, lang)} · "
            f"{t('structure', lang)} {fmt(org_cell['structure'], 0, lang)}"
        )
    return out


def _finding_bars(names, visible, lang) -> list:
    """Teams shown per finding, per dimension (empty without a team shown)."""
    rows = []
    for d, name in names.items():
        shown = [r for r in visible if not r["dimensions"][d]["suppressed"]]
        parts = [
            {"count": sum(1 for r in shown if r["dimensions"][d]["finding"] == f), "fill": FINDING_FILLS[f]}
            for f in _TALLY_ORDER
        ]
        if shown:
            rows.append({"name": name, "total": len(shown), "parts": [p for p in parts if p["count"]]})
    return rows


def _quality_section(diagnosis, d, name, q, visible, mv, lang) -> dict:
    """Reliability, between-team variance and agreement of one dimension (appendix)."""
    info = diagnosis.dimensions[d]
    rel = info.get("reliability") or {}
    n_divided = sum(1 for r in visible if r["dimensions"][d]["finding"] == "divided")
    return {
        "name": name,
        "icc_reading": (info.get("icc_reading") or {}).get(lang, ""),
        "structure_icc_reading": (info.get("structure_icc_reading") or {}).get(lang, ""),
        "rel_reason": (rel.get("reason") or {}).get(lang, "") if rel and not rel.get("estimable", True) else "",
        "item_rows": [
            {
                "text": item_text(q, it["id"], lang),
                "id": it["id"],
                "item_rest": fmt(it["item_rest"], 2, lang),
                "alpha_if_deleted": fmt(it["alpha_if_deleted"], 2, lang),
            }
            for it in rel.get("items", [])
        ],
        "divided": t("divided_count", lang, n=n_divided, total=len(visible), bar=mv["alpha_agree"])
        if visible
        else t("no_team_findings", lang),
    }


def render_report_pdf(
    diagnosis,
    *,
    lang: str = "en",
    organization_name: str | None = None,
    campaign_name: str | None = None,
    benchmark=None,
    provenance=None,
    register=None,
) -> bytes:
    """The leadership report as a PDF (A4): at most eight pages for leadership, then an
    appendix that starts on its own page.

    Leadership part: executive summary (a headline built from the figures beside it,
    the three dimensions with perception, structure, maturity and finding, the
    pattern and why, key findings), the three dimensions with perception and structure
    side by side, the heatmap (units, and the teams when there are at most
    :data:`LEADERSHIP_TEAMS`), and what to do per dimension and finding. All of it is in
    the report's scope: the organization, or the unit of a unit reader's diagnosis
    (``diagnosis.scope``), with the organization only as a labelled reference.

    Appendix: every team, misconceptions, differences and role gaps, drivers, the
    decision register, the benchmark, measurement quality, the questions and the method.

    Parameters
    ----------
    diagnosis : Diagnosis
        From :func:`analysis.diagnosis.diagnose` (released figures only).
    lang : {'en', 'de'}
    organization_name, campaign_name : str, optional
        Shown in the title band and in the footer.
    benchmark : BenchmarkResult or dict, optional
        The organization's benchmark comparison (appendix).
    provenance : dict, optional
        How the answers were collected (the link log's summary and answers withheld at
        closing, see :func:`app.reports.common.provenance_lines`; appendix, method).
    register : RegisterFindings, optional
        The decision register against the answers (appendix).

    Returns
    -------
    bytes
        The PDF file.
    """
    ctx = _base(diagnosis, lang, organization_name, campaign_name)
    k, lang, mv = ctx["k"], ctx["lang"], ctx["mv"]
    q = instrument(diagnosis)
    names = dimension_names(diagnosis, lang)
    org = diagnosis.organization.records()[0]
    org_dims = org.get("dimensions") or {}
    groups = teams_by_unit(diagnosis)
    scoped = diagnosis.scope is not None and diagnosis.units is not None and len(diagnosis.units.labels) == 1
    subject = diagnosis.units.records()[0] if scoped else org
    subject_dims = subject.get("dimensions") or {}
    scope_name = f"{t('unit', lang)} {diagnosis.scope}" if scoped else (organization_name or t("organization", lang))
    visible = [r for _, teams in groups for r in teams if not r["suppressed"]]
    mcs = diagnosis.teams.misconceptions
    mc_names = misconception_names(diagnosis, lang)
    codes = [f"M{i + 1}" for i in range(len(mcs))]
    typ = shown_typology(subject) if not subject["suppressed"] else None
    present = q.thresholds.typology.present if q is not None else None

    if subject["suppressed"]:
        key = "org_no_data" if subject["suppression_reason"] == NO_DATA else "org_hidden"
        subject_hidden = (
            t(key, lang, k=k) if not scoped else f"{scope_name}: {hidden_text(subject['suppression_reason'], k, lang)}"
        )
    else:
        subject_hidden = ""

    # heatmap of the leadership part: organization and units (or the unit), and the
    # teams when they fit
    heat_units = []
    if diagnosis.units is not None:
        heat_units = ([] if scoped else [(org, t("organization", lang), "org")]) + [
            (u, f"{t('unit', lang)} {u['unit']}", "org" if scoped else "group") for u, _ in groups if u is not None
        ]
    team_items = []
    for u, teams in groups:
        if u is not None and not scoped:
            team_items.append((None, f"{t('unit', lang)} {u['unit']}", "band"))
        team_items += [(r, r["team"], "group") for r in teams]
    n_teams = len(diagnosis.teams.labels)
    if diagnosis.units is None:
        heat_units = [(org, t("organization", lang), "org")]

    diffs = diagnosis.differences
    ctx.update(
        n_respondents=diagnosis.n_respondents,
        subject_visible=not subject["suppressed"],
        subject_hidden=subject_hidden,
        scope_name=scope_name,
        teams_total=n_teams,
        teams_shown=int((~diagnosis.teams.suppressed).sum()),
        n_units=len(diagnosis.units.labels) if diagnosis.units is not None else 0,
        headline=headline(subject, names, lang, scope_name),
        pattern={
            "label": label("typology", typ, lang),
            "help": TYPOLOGY_HELP[typ][lang],
            "why": pattern_line(subject, names, present, lang),
        }
        if typ
        else None,
        summary=[_summary_row(names[d], subject_dims.get(d), lang) for d in names],
        summary_chart=[
            _chart_row(names[d], subject_dims.get(d), org_dims.get(d) if scoped else None, lang, k) for d in names
        ],
        findings=[f[lang] for f in diagnosis.findings[:_KEY_FINDINGS]],
        sections=[
            _dimension_section(
                d,
                names[d],
                q,
                subject_dims.get(d),
                org_dims.get(d) if scoped else None,
                [r for r in visible if not r["dimensions"][d]["suppressed"]],
                k,
                lang,
            )
            for d in names
        ],
        dim_names=list(names.values()),
        finding_bars=_finding_bars(names, visible, lang),
        finding_legend=[(FINDING_SHORT[f][lang], FINDING_FILLS[f]) for f in _TALLY_ORDER],
        legend=heat_legend(k, lang),
        unit_heat=heat_rows(heat_units, k, lang),
        team_heat=heat_rows(team_items, k, lang) if n_teams <= LEADERSHIP_TEAMS else [],
        team_rows=team_rows(groups, k, lang),
        mc_legend=list(zip(codes, (mc_names[m] for m in mcs))),
        mc_rows=misconception_rows(groups, org, mcs, k, lang) if mcs else [],
        mc_org_bars=[]
        if org["suppressed"]
        else [
            {
                "name": mc_names[m],
                "value": None if org["misconceptions"][m] is None else 100 * org["misconceptions"][m],
                "text": fmt_pct(org["misconceptions"][m], lang),
            }
            for m in mcs
        ],
        differences=[_diff_row(x, names, lang) for x in diffs[:_DIFF_MAX]],
        differences_more=t("and_more", lang, n=len(diffs) - _DIFF_MAX) if len(diffs) > _DIFF_MAX else "",
        differences_note=t(
            "differences_note", lang, correction=mv["correction"], alpha=mv["alpha"], effect=mv["effect"]
        ),
        role_gaps=[_gap_row(g, names, lang) for g in diagnosis.role_gaps],
        drivers=_drivers(diagnosis, lang),
        cfa=_cfa(diagnosis, lang),
        reliability=[
            {key: fmt(diagnosis.dimensions[d].get(key), 2, lang) for key in ("alpha", "omega", "icc1", "icc2")}
            | {"name": names[d]}
            for d in names
        ],
        quality_sections=[
            _quality_section(
                diagnosis, d, names[d], q, [r for r in visible if not r["dimensions"][d]["suppressed"]], mv, lang
            )
            for d in names
        ],
        benchmark=benchmark_table(benchmark, lang),
        provenance=provenance_lines(provenance, k, lang),
        measurement=measurement_sections(diagnosis, lang),
        register=register_section(register, lang),
        question_tables=question_tables(diagnosis, lang, teams=False),
        method=[(h[lang], p[lang].format(**mv)) for h, p in METHOD],
        references=REFERENCES,
    )
    ctx["method"] = [
        (t("about_answers", lang), " ".join([t("min_group", lang, k=k, ck=mv["ck"])] + ctx["provenance"]))
    ] + ctx["method"]
    ctx["appendix_sections"] = _appendix_sections(ctx, lang)
    return _render("report.html", ctx)


def _appendix_sections(ctx, lang) -> list:
    """The appendix's contents: ``[{"id", "title"}]`` in the order of the template."""
    out = []
    if ctx["subject_visible"]:
        out.append({"id": "app-teams", "title": t("team_appendix", lang)})
        if ctx["mc_legend"]:
            out.append({"id": "app-misconceptions", "title": t("misconceptions", lang)})
        out.append({"id": "app-groups", "title": t("differences", lang)})
        if ctx["drivers"]:
            out.append({"id": "app-drivers", "title": t("drivers", lang)})
    if ctx["register"]:
        out.append({"id": "register", "title": ctx["register"]["title"]})
    if ctx["benchmark"]:
        out.append({"id": "benchmark", "title": ctx["benchmark"]["title"]})
    if ctx["subject_visible"]:
        out.append({"id": "app-quality", "title": t("measurement_quality", lang)})
        out.append({"id": "questions", "title": qt("questions", lang)})
    out.append({"id": "method", "title": t("method_appendix", lang)})
    return out


_AGREEMENT_TEXT = {"shared": "rwg_agree", "chance": "rwg_chance", "divided": "rwg_divided"}


def render_team_report_pdf(
    diagnosis, team, *, lang: str = "en", organization_name: str | None = None, campaign_name: str | None = None
) -> bytes:
    """One team's report as a PDF (A4), for the team's own workshop.

    Its perception and structure scores with confidence intervals against the
    organization, agreement, maturity and the finding per dimension with what it means
    and what to do, its pattern, misconceptions compared with the organization, its
    questions and its released comments.

    Parameters
    ----------
    diagnosis : Diagnosis
    team : str
        Team label.
    lang : {'en', 'de'}
    organization_name, campaign_name : str, optional

    Returns
    -------
    bytes

    Raises
    ------
    ValueError
        Unknown team, or a team that is hidden to protect anonymity.
    """
    ctx = _base(diagnosis, lang, organization_name, campaign_name)
    k, lang = ctx["k"], ctx["lang"]
    try:
        rec = diagnosis.team(team)
    except KeyError:
        raise ValueError(f"team: unknown team {team!r}") from None
    if rec["suppressed"]:
        raise ValueError(f"team: {team!r} is hidden to protect anonymity and has no report")
    q = instrument(diagnosis)
    names = dimension_names(diagnosis, lang)
    org = diagnosis.organization.records()[0]
    org_dims = org.get("dimensions") or {}
    mc_names = misconception_names(diagnosis, lang)
    diffs = [x for x in diagnosis.differences if x["level"] == "team" and x["group"] == rec["team"]]
    dims = []
    for d in names:
        c = rec["dimensions"][d]
        entry = {"name": names[d], "description": q.dimensions[d]["description"][lang] if q is not None else ""}
        if c["suppressed"]:
            dims.append({**entry, "hidden": hidden_text(c["suppression_reason"], k, lang)})
            continue
        rwg = c["rwg_j"]
        agree = (
            t("rwg_none", lang)
            if rwg is None
            else t(_AGREEMENT_TEXT.get(c.get("agreement"), "rwg_chance"), lang, rwg=fmt(c["rwg_j_slight"], 2, lang))
        )
        flags = [
            f"{t(x['measure'], lang)} {t(x['direction'], lang)}: {fmt(x['difference'], 0, lang, signed=True)} "
            f"(d = {fmt(x['d'], 2, lang, signed=True)})"
            for x in diffs
            if x["dimension"] == d
        ]
        dims.append(
            {
                **entry,
                "hidden": None,
                "p": fmt_ci(c["score"], c["ci_low"], c["ci_high"], lang),
                "s": fmt_ci(c["structure"], c["structure_ci_low"], c["structure_ci_high"], lang),
                "level": c["level"],
                "rwg": fmt(rwg, 2, lang),
                "agree": agree,
                "finding": finding_cell(c["finding"], lang, c.get("finding_probability")),
                "finding_label": label("finding", c["finding"], lang),
                "means": FINDING_HELP[c["finding"]]["means"][lang] if c["finding"] else "",
                "do": advice(d, c["finding"], lang, FINDING_HELP[c["finding"]]["do"][lang]) if c["finding"] else "",
                "flags": flags,
                "verdict": verdict_lines(c, lang, thresholds=q.thresholds if q is not None else None),
            }
        )
    shares, vs = rec["misconceptions"], rec["misconceptions_vs_organization"]
    typ = rec["typology"]
    ctx.update(
        team=rec["team"],
        unit=rec.get("unit"),
        n=rec["n"],
        pattern=(label("typology", typ, lang), TYPOLOGY_HELP[typ][lang]) if typ else None,
        chart=[_chart_row(names[d], rec["dimensions"][d], org_dims.get(d), lang, k) for d in names],
        dims=dims,
        misconceptions=[
            {
                "name": mc_names[m],
                "team": fmt_pct(shares[m], lang) if shares[m] is not None else f"n < {k}",
                "org": fmt_pct(None if org["suppressed"] else org["misconceptions"][m], lang),
                "diff": fmt_pct(vs[m], lang, signed=True) if shares[m] is not None else "–",
            }
            for m in diagnosis.teams.misconceptions
        ],
        outcome=fmt(rec["outcome"], 0, lang),
        org_outcome=fmt(org.get("outcome"), 0, lang),
        comments=rec["comments"],
        questions=scope_table(diagnosis, lang, team=rec["team"]),
    )
    return _render("team_report.html", ctx)
