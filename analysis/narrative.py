"""Plain-language texts of a diagnosis, in English and German.

The labels of findings and typologies, the reading of ICC(1), and the short list of the
most important findings. Every text is built from figures that are already released
(after suppression), so nothing here can reveal a hidden group.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["LABELS", "icc_reading", "key_findings"]

LABELS = {
    "finding": {
        "divided": {"en": "divided (members disagree)", "de": "uneinig (Mitglieder sehen es verschieden)"},
        "anchored_strength": {"en": "anchored strength", "de": "verankerte Stärke"},
        "structural_gap": {"en": "structural gap", "de": "strukturelle Lücke"},
        "proclaimed_not_anchored": {"en": "proclaimed, not anchored", "de": "proklamiert, nicht verankert"},
        "unseen_structure": {"en": "unseen structure", "de": "unsichtbare Struktur"},
        "mixed": {"en": "mixed", "de": "gemischt"},
        "not_precise": {"en": "not precise enough to classify", "de": "zu ungenau für eine Einordnung"},
    },
    "typology": {
        "aligned_autonomy": {"en": "aligned autonomy", "de": "ausgerichtete Autonomie"},
        "ambiguity": {"en": "ambiguity (direction without decision rights)",
                      "de": "Mehrdeutigkeit (Ausrichtung ohne Entscheidungsrechte)"},
        "fragmentation": {"en": "fragmentation (decision rights without direction)",
                          "de": "Fragmentierung (Entscheidungsrechte ohne Ausrichtung)"},
        "drift": {"en": "drift (direction and decision rights without feedback)",
                  "de": "Drift (Ausrichtung und Entscheidungsrechte ohne Rückkopplung)"},
        "central_control": {"en": "central control (neither direction nor decision rights)",
                            "de": "zentrale Steuerung (weder Ausrichtung noch Entscheidungsrechte)"},
        "not_precise": {"en": "not precise enough to classify", "de": "zu ungenau für eine Einordnung"},
    },
}


def _pct(x: float) -> int:
    return int(round(100 * x))


def icc_reading(icc1: float, icc2: float, name: dict, *, measure: str = "perception") -> dict:
    """Plain-language reading of ICC(1) and ICC(2) for one dimension.

    Parameters
    ----------
    icc1, icc2 : float
        From :func:`analysis.icc.icc` with teams as groups.
    name : dict
        ``{"en": …, "de": …}`` name of the dimension.
    measure : {'perception', 'structure'}

    Returns
    -------
    dict
        ``{"en": …, "de": …}``.
    """
    if not math.isfinite(icc1):
        return {
            "en": f"Not estimable for {name['en']}: at least two teams with answers are needed.",
            "de": f"Für „{name['de']}“ nicht schätzbar: Es braucht mindestens zwei Teams mit Antworten.",
        }
    between = max(0, min(100, _pct(icc1)))
    rest = 100 - between
    if measure == "perception":
        en = (f"{between} % of the differences in perceived {name['en'].lower()} lie between teams; "
              f"the other {rest} % are individual perception.")
        de = (f"{between} % der Unterschiede in der Wahrnehmung von „{name['de']}“ liegen zwischen "
              f"den Teams; die übrigen {rest} % sind individuelle Wahrnehmung.")
    else:
        en = (f"{between} % of the differences in the structure index of {name['en'].lower()} lie "
              f"between teams; the other {rest} % are differences between members of the same team.")
        de = (f"{between} % der Unterschiede im Strukturindex „{name['de']}“ liegen zwischen den "
              f"Teams; die übrigen {rest} % sind Unterschiede innerhalb derselben Teams.")
    if math.isfinite(icc2) and icc2 >= 0.70:
        en += f" Team means are reliable (ICC(2) = {icc2:.2f})."
        de += f" Die Teammittelwerte sind verlässlich (ICC(2) = {icc2:.2f})."
    elif math.isfinite(icc2):
        en += f" Team means are not reliable enough to rank teams (ICC(2) = {icc2:.2f} < 0.70)."
        de += (f" Die Teammittelwerte sind für eine Rangfolge nicht verlässlich genug "
               f"(ICC(2) = {icc2:.2f} < 0,70).")
    return {"en": en, "de": de}


def _finding(fid: str, priority: float, en: str, de: str) -> dict:
    return {"id": fid, "priority": round(float(priority), 3), "en": en, "de": de}


def key_findings(*, dimensions: dict, dim_names: dict, organization: dict, teams, 
                 differences: list, role_gaps: list, drivers: dict, misconception_names: dict,
                 k: int, limit: int = 8) -> list:
    """The most important findings of a diagnosis, most important first.

    Parameters
    ----------
    dimensions : dict
        The released ``dimensions`` block (with ``icc1``).
    dim_names : dict
        ``{dimension: {"en", "de"}}``.
    organization : dict
        The released organization record.
    teams : GroupTable
        Released team figures.
    differences, role_gaps : list of dict
        Released flagged differences and role gaps.
    drivers : dict
        Released driver analysis.
    misconception_names : dict
        ``{misconception: {"en", "de"}}``.
    k : int
        Minimum group size (for the suppression note).
    limit : int
        At most this many findings.

    Returns
    -------
    list of dict
        ``{"id", "priority", "en", "de"}``; priority is for ordering only.
    """
    out = []
    org_dims = organization.get("dimensions") or {}
    # 1. weakest building block, and perception vs structure at the organization level:
    # each against its own bands, never one score minus the other
    scored = [(d, v) for d, v in org_dims.items() if v.get("combined") is not None]
    if scored:
        d, v = min(scored, key=lambda dv: (dv[1]["combined"], dv[0]))
        n = dim_names[d]
        out.append(_finding(
            "weakest_dimension", 90,
            f"Weakest building block: {n['en']} (level {v['level']} of 5, the lower of perception "
            f"{v['score']:.0f} and structure {v['structure']:.0f} of 100).",
            f"Schwächster Baustein: {n['de']} (Stufe {v['level']} von 5, die niedrigere aus "
            f"Wahrnehmung {v['score']:.0f} und Struktur {v['structure']:.0f} von 100).",
        ))
        for d, v in scored:
            n, p = dim_names[d], _pct(v.get("finding_probability") or 0)
            if v.get("finding") == "proclaimed_not_anchored":
                out.append(_finding(
                    f"proclaimed_{d}", 70 + p / 10,
                    f"{n['en']}: perception is in the high band ({v['score']:.0f}) but the structure "
                    f"index in the low band ({v['structure']:.0f}): proclaimed more than anchored "
                    f"(probability {p} %).",
                    f"{n['de']}: Die Wahrnehmung liegt im hohen Bereich ({v['score']:.0f}), der "
                    f"Strukturindex im niedrigen ({v['structure']:.0f}): eher proklamiert als "
                    f"verankert (Wahrscheinlichkeit {p} %).",
                ))
            elif v.get("finding") == "unseen_structure":
                out.append(_finding(
                    f"unseen_{d}", 70 + p / 10,
                    f"{n['en']}: the structure index is in the high band ({v['structure']:.0f}) but "
                    f"perception in the low band ({v['score']:.0f}): structures exist but are not "
                    f"perceived — a communication problem rather than a design problem (probability {p} %).",
                    f"{n['de']}: Der Strukturindex liegt im hohen Bereich ({v['structure']:.0f}), die "
                    f"Wahrnehmung im niedrigen ({v['score']:.0f}): Strukturen sind da, werden aber "
                    f"nicht wahrgenommen — eher ein Kommunikations- als ein Gestaltungsproblem "
                    f"(Wahrscheinlichkeit {p} %).",
                ))
    # 2. team findings that need action
    visible = ~teams.suppressed
    n_visible = int(visible.sum())
    if n_visible:
        for fid, w in (("proclaimed_not_anchored", 75), ("structural_gap", 70),
                       ("unseen_structure", 60), ("divided", 55)):
            hit = (teams.finding == fid) & visible[:, None]
            c = int(hit.any(axis=1).sum())
            if c == 0:
                continue
            per_dim = [dim_names[d] for j, d in enumerate(teams.dimensions) if hit[:, j].any()]
            lab = LABELS["finding"][fid]
            out.append(_finding(
                f"teams_{fid}", w + 20 * c / n_visible,
                f"{c} of {n_visible} teams show '{lab['en']}' in at least one dimension "
                f"({', '.join(x['en'] for x in per_dim)}).",
                f"{c} von {n_visible} Teams zeigen „{lab['de']}“ in mindestens einer Dimension "
                f"({', '.join(x['de'] for x in per_dim)}).",
            ))
        typ = teams.typology[visible]
        typ = typ[(typ != None) & (typ != "not_precise")]  # noqa: E711
        if typ.size:
            values, counts = np.unique(typ.astype(str), return_counts=True)
            top = int(np.argmax(counts))
            lab = LABELS["typology"][values[top]]
            out.append(_finding(
                "typology", 65,
                f"Most common team pattern: {lab['en']} ({counts[top]} of {n_visible} teams shown; "
                f"{n_visible - typ.size} not precise enough to classify).",
                f"Häufigstes Teammuster: {lab['de']} ({counts[top]} von {n_visible} gezeigten Teams; "
                f"{n_visible - typ.size} zu ungenau für eine Einordnung).",
            ))
    # 3. structure vs individual perception (ICC)
    iccs = [(d, v["icc1"]) for d, v in dimensions.items() if v.get("icc1") is not None]
    if iccs:
        d, lo = min(iccs, key=lambda x: (x[1], x[0]))
        if lo < 0.05:
            n = dim_names[d]
            out.append(_finding(
                "icc_low", 60,
                f"Perceived {n['en'].lower()} hardly differs between teams "
                f"({max(0, _pct(lo))} % between teams): the differences are individual perception, "
                f"not team structure.",
                f"Die Wahrnehmung von „{n['de']}“ unterscheidet sich kaum zwischen den Teams "
                f"({max(0, _pct(lo))} % zwischen Teams): Die Unterschiede sind individuelle "
                f"Wahrnehmung, nicht Teamstruktur.",
            ))
        d, hi = max(iccs, key=lambda x: (x[1], x[0]))
        if hi >= 0.10:
            n = dim_names[d]
            out.append(_finding(
                "icc_high", 58,
                f"{_pct(hi)} % of the differences in perceived {n['en'].lower()} lie between "
                f"teams: it is a matter of team structure, not only of individual views.",
                f"{_pct(hi)} % der Unterschiede in der Wahrnehmung von „{n['de']}“ liegen zwischen "
                f"den Teams: eine Frage der Teamstruktur, nicht nur individueller Sichtweisen.",
            ))
    # 4. misconceptions
    shares = {m: s for m, s in (organization.get("misconceptions") or {}).items() if s is not None}
    if shares:
        m, s = max(shares.items(), key=lambda x: (x[1], x[0]))
        if s >= 0.30:
            n = misconception_names[m]
            out.append(_finding(
                "misconception", 50 + 30 * s,
                f"{_pct(s)} % hold the misconception: {n['en']}.",
                f"{_pct(s)} % teilen das Missverständnis: {n['de']}.",
            ))
    # 5. drivers
    preds = (drivers.get("dimensions") or {}).get("predictors") if drivers else None
    if preds:
        top = preds[0]
        out.append(_finding(
            "driver", 62,
            f"Strongest driver of the litmus question: {top['label']['en']} "
            f"({top['percent']:.0f} % of the explained variance).",
            f"Stärkster Treiber der Lackmusfrage: {top['label']['de']} "
            f"({top['percent']:.0f} % der erklärten Varianz).",
        ))
    # 6. role gaps
    sig = [g for g in role_gaps if g.get("significant")]
    if sig:
        g = max(sig, key=lambda x: (abs(x["gap"]), x["dimension"]))
        n = dim_names[g["dimension"]]
        where_en = "the organization" if g["level"] == "organization" else f"{g['level']} {g['group']}"
        where_de = "der Organisation" if g["level"] == "organization" else f"{g['group']}"
        higher_en, higher_de = ("team leads", "Teamleitungen") if g["gap"] > 0 else ("members", "Mitglieder")
        out.append(_finding(
            "role_gap", 57,
            f"In {where_en}, {higher_en} rate {n['en'].lower()} {abs(g['gap']):.0f} points higher "
            f"than the others.",
            f"In {where_de} bewerten {higher_de} „{n['de']}“ um {abs(g['gap']):.0f} Punkte höher "
            f"als die anderen.",
        ))
    # 7. differences that matter
    team_diffs = [d for d in differences if d["level"] == "team"]
    out.append(_finding(
        "differences", 40 if team_diffs else 30,
        f"{len(team_diffs)} team differences from the rest of the organization are both reliable "
        f"and large enough to matter; all other differences are within noise.",
        f"{len(team_diffs)} Teamunterschiede zum Rest der Organisation sind verlässlich und groß "
        f"genug, um relevant zu sein; alle anderen liegen im Rauschen.",
    ))
    # 8. suppression
    hidden = int(teams.suppressed.sum())
    if hidden:
        out.append(_finding(
            "suppressed", 20,
            f"{hidden} teams are not shown individually to protect anonymity (groups below "
            f"{k} responses, and the groups needed to keep them from being worked out).",
            f"{hidden} Teams werden zum Schutz der Anonymität nicht einzeln gezeigt (Gruppen "
            f"unter {k} Antworten und die Gruppen, die nötig sind, damit diese nicht errechnet "
            f"werden können).",
        ))
    out.sort(key=lambda f: (-f["priority"], f["id"]))
    return out[:limit]
