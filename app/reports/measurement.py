"""The top-priority consensus and the measurement-invariance section of the results page
and the reports, as plain paragraphs and tables in English or German (renders the
released figures of a :class:`analysis.Diagnosis`; computes nothing).
"""

from __future__ import annotations

from analysis.frozen import plain
from app.catalogue import N_
from app.reports.texts import by_language

__all__ = ["measurement_sections", "wave_invariance_sections"]

_T = by_language(
    {
        "priority": N_("Top priority: how far readings of the direction agree"),
        "sheet": {
            "priority": N_("Top priority"),
            "invariance": N_("Invariance"),
        },
        "org_line": N_(
            "{n} people picked the organization's current top priority from {p} options. Most often chosen: “{modal}” ({share} %). Two people picked the same priority in {agreement} % of all pairs."
        ),
        "teams_line": N_(
            "Within teams two members agree in {within} % of pairs, across teams in {across} % (difference {effect} points, permutation p = {p})."
        ),
        "teams_reading_yes": N_(
            "Members of a team agree with each other more than with other teams: teams read the direction differently."
        ),
        "teams_reading_no": N_("Teams do not read the direction more alike inside than across teams beyond chance."),
        "divergent_note": N_(
            "“Differs” marks a team whose picks differ from the rest of the organization beyond chance (permutation test, false-discovery rate 5 %). Teams of fewer than {k} answers are not shown."
        ),
        "option": N_("Priority"),
        "share": N_("Share"),
        "group": N_("Group"),
        "n": N_("Answers"),
        "modal": N_("Most often chosen"),
        "agreement": N_("Same pick (pairs)"),
        "finding": N_("Reading"),
        "divergent": N_("differs"),
        "hidden": N_("not shown"),
        "org_hidden": N_("Not shown: fewer than {k} answers."),
        "invariance": N_("Do English and German answers measure the same?"),
        "wave_invariance": N_("Do the waves measure the same?"),
        "between": {
            "language": N_("the languages"),
            "wave": N_("the waves"),
        },
        "inv_level": N_("Level"),
        "inv_supported": N_("Holds"),
        "configural": N_("configural (same structure)"),
        "metric": N_("metric (same loadings)"),
        "scalar": N_("scalar (same intercepts)"),
        "inv_highest": {
            "scalar": N_("Scores can be compared between {between} (scalar invariance holds)."),
            "metric": N_(
                "Relations between dimensions can be compared between {between}, the scores themselves not (scalar invariance does not hold): part of a difference may come from how the questions are read."
            ),
            "configural": N_("Only the structure is the same: scores are not comparable between {between}."),
            None: N_("The perception model does not fit {between} well enough to compare them."),
        },
        "yes": N_("yes"),
        "no": N_("no"),
    }
)


def _pct(x) -> str:
    return f"{100 * x:.0f}"


def _num(x, digits, lang) -> str:
    text = f"{x:.{digits}f}"
    return text.replace(".", ",") if lang == "de" else text


def _priority(pr: dict, k: int, lang: str, t: dict) -> dict:
    names = [p[lang] for p in pr["priorities"]]
    org = pr["organization"]
    section = {
        "id": "priority",
        "title": t["priority"],
        "sheet": t["sheet"]["priority"],
        "paragraphs": [],
        "tables": [],
    }
    if org is None:
        section["paragraphs"].append(t["org_hidden"].format(k=k))
        return section
    section["paragraphs"].append(
        t["org_line"].format(
            n=org["n"],
            p=len(names),
            modal=names[org["modal"] - 1],
            share=_pct(org["shares"][org["modal"] - 1]),
            agreement=_pct(org["agreement"]),
        )
    )
    if org["within_team"] is not None and org["across_team"] is not None:
        section["paragraphs"].append(
            t["teams_line"].format(
                within=_pct(org["within_team"]),
                across=_pct(org["across_team"]),
                effect=_num(100 * org["team_effect"], 1, lang),
                p=_num(org["team_effect_p"], 3, lang),
            )
        )
        section["paragraphs"].append(t["teams_reading_yes" if org["team_effect_p"] < 0.05 else "teams_reading_no"])
    section["tables"].append(
        {"head": [t["option"], t["share"]], "rows": [[name, f"{_pct(s)} %"] for name, s in zip(names, org["shares"])]}
    )
    rows = []
    for level, groups in (("unit", pr["units"]), ("team", pr["teams"])):
        for g in groups:
            if g["n"] is None:
                rows.append([g["label"], t["hidden"], "", "", ""])
                continue
            agreement = f"{_pct(g['agreement'])} %" if g["agreement"] is not None else "–"
            finding = t["divergent"] if g.get("finding") == "divergent" else ""
            rows.append([g["label"], str(g["n"]), names[g["modal"] - 1], agreement, finding])
    if rows:
        section["tables"].append({"head": [t["group"], t["n"], t["modal"], t["agreement"], t["finding"]], "rows": rows})
        section["paragraphs"].append(t["divergent_note"].format(k=k))
    return section


def _invariance(inv: dict, lang: str, t: dict, kind: str = "language") -> dict:
    section = {
        "id": "invariance",
        "title": t["invariance" if kind == "language" else "wave_invariance"],
        "sheet": t["sheet"]["invariance"],
        "paragraphs": [],
        "tables": [],
    }
    if not inv["estimable"]:
        section["paragraphs"].append(inv["reason"][lang])
        return section
    section["paragraphs"].append(t["inv_highest"][inv["highest"]].format(between=t["between"][kind]))
    rows = []
    for f in inv["fits"]:
        delta = (
            f"{_num(f['delta_cfi'], 3, lang)} / {_num(f['delta_rmsea'], 3, lang)}"
            if f["delta_cfi"] is not None
            else "–"
        )
        holds = "–" if f["supported"] is None else t["yes" if f["supported"] else "no"]
        rows.append(
            [
                t[f["level"]],
                f"{_num(f['chisq'], 1, lang)} ({f['df']})",
                _num(f["cfi"], 3, lang),
                _num(f["rmsea"], 3, lang),
                delta,
                holds,
            ]
        )
    section["tables"].append(
        {"head": [t["inv_level"], "χ² (df)", "CFI", "RMSEA", "ΔCFI / ΔRMSEA", t["inv_supported"]], "rows": rows}
    )
    return section


def wave_invariance_sections(invariance: dict | None, lang: str) -> list[dict]:
    """The invariance between waves (:func:`app.services.waves.compare`) as a section."""
    return [] if invariance is None else [_invariance(invariance, lang, _T[lang], "wave")]


def measurement_sections(diagnosis, lang: str) -> list[dict]:
    """``[{"id", "title", "sheet", "paragraphs", "tables": [{"head", "rows"}]}]`` for the
    top-priority consensus and the invariance across languages, where the diagnosis has
    them (empty otherwise)."""
    t = _T[lang]
    k = int(diagnosis.settings["min_group_size"])
    out = []
    if diagnosis.priority is not None:
        out.append(_priority(plain(diagnosis.priority), k, lang, t))
    if diagnosis.invariance is not None:
        out.append(_invariance(plain(diagnosis.invariance)["language"], lang, t))
    return out
