"""The offline HTML report of ``aad analyze --format html``.

One self-contained page (no scripts, no network) with the findings, the organization's
dimensions, and team and unit tables coloured like a heatmap. The interactive plotly
report builds on :mod:`analysis.figures`; this page is the readable fallback and uses
only the released figures of a :class:`analysis.diagnosis.Diagnosis`.
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

__all__ = ["render_html"]

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
METHODOLOGY_URL = "docs/methodology.md"

_TEXT = {
    "en": {
        "title": "Aligned autonomy diagnostic", "respondents": "respondents", "k": "minimum group size",
        "findings": "Most important findings", "organization": "Organization",
        "dimension": "Dimension", "perception": "Perception", "structure": "Structure",
        "level": "Level", "finding": "Finding", "reliability": "Reliability",
        "between": "Between teams", "teams": "Teams", "units": "Units", "team": "Team",
        "unit": "Unit", "typology": "Pattern", "n": "n", "hidden": "not shown",
        "misconceptions": "Misconceptions (share agreeing)", "misconception": "Misconception", "role_gaps": "Team leads vs members",
        "lead": "Leads", "member": "Members", "gap": "Gap", "drivers": "What drives the litmus question",
        "predictor": "Predictor", "share": "Share of explained variance",
        "differences": "Differences that matter (vs the rest of the organization)",
        "measure": "Measure", "difference": "Difference", "cfa": "Construct validity (three-factor model)",
        "not_estimable": "not estimable", "method": "How to read this report",
        "method_text": (
            "Scores run from 0 to 100. Perception is how clear a building block feels; "
            "structure is what exists and happens. Cells are coloured relative to the "
            "organization (blue above, orange below); a dashed border marks a divided team "
            "whose members disagree, so its mean is not a team property. Grey rows are not "
            "shown to protect anonymity."),
        "methodology": "Methodology: every statistic, threshold and reference",
        "comments": "Comments", "legend_levels": "Levels 1-5 from the combined score.",
        "none": "none",
    },
    "de": {
        "title": "Diagnose ausgerichteter Autonomie", "respondents": "Antwortende", "k": "Mindestgruppengröße",
        "findings": "Wichtigste Befunde", "organization": "Organisation",
        "dimension": "Dimension", "perception": "Wahrnehmung", "structure": "Struktur",
        "level": "Stufe", "finding": "Befund", "reliability": "Reliabilität",
        "between": "Zwischen Teams", "teams": "Teams", "units": "Bereiche", "team": "Team",
        "unit": "Bereich", "typology": "Muster", "n": "n", "hidden": "nicht gezeigt",
        "misconceptions": "Missverständnisse (Anteil Zustimmung)", "misconception": "Missverständnis", "role_gaps": "Teamleitungen und Mitglieder",
        "lead": "Leitungen", "member": "Mitglieder", "gap": "Abstand", "drivers": "Was die Lackmusfrage antreibt",
        "predictor": "Einflussgröße", "share": "Anteil erklärter Varianz",
        "differences": "Relevante Unterschiede (zum Rest der Organisation)",
        "measure": "Maß", "difference": "Unterschied", "cfa": "Konstruktvalidität (Drei-Faktoren-Modell)",
        "not_estimable": "nicht schätzbar", "method": "So lesen Sie diesen Bericht",
        "method_text": (
            "Werte reichen von 0 bis 100. Wahrnehmung ist, wie klar sich ein Baustein anfühlt; "
            "Struktur ist, was es gibt und was geschieht. Zellen sind relativ zur Organisation "
            "eingefärbt (blau darüber, orange darunter); ein gestrichelter Rahmen markiert ein "
            "uneiniges Team, dessen Mittelwert keine Teameigenschaft ist. Graue Zeilen werden "
            "zum Schutz der Anonymität nicht gezeigt."),
        "methodology": "Methodik: alle Kennzahlen, Schwellen und Quellen",
        "comments": "Kommentare", "legend_levels": "Stufen 1-5 aus dem kombinierten Wert.",
        "none": "keine",
    },
}


def _colour(value, reference):
    """Background colour of a score cell relative to the organization (diverging)."""
    if value is None or reference is None:
        return "#ffffff"
    diff = max(-30.0, min(30.0, value - reference)) / 30.0
    if diff >= 0:
        r, g, b = 255 - int(150 * diff), 255 - int(100 * diff), 255
    else:
        r, g, b = 255, 255 - int(110 * -diff), 255 - int(200 * -diff)
    return f"#{r:02x}{g:02x}{b:02x}"


def _fmt(value, digits=0):
    if value is None:
        return "–"
    return f"{value:.{digits}f}"


def render_html(diagnosis, *, lang: str = "en") -> str:
    """Render a :class:`~analysis.diagnosis.Diagnosis` as one self-contained HTML page.

    Parameters
    ----------
    diagnosis : Diagnosis
    lang : {'en', 'de'}

    Returns
    -------
    str
        The HTML document.
    """
    if lang not in _TEXT:
        raise ValueError(f"lang: must be 'en' or 'de', got {lang!r}")
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)),
                      autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True)
    env.filters["fmt"] = _fmt
    env.globals["colour"] = _colour
    data = diagnosis.to_dict()
    teams = sorted(data["teams"], key=lambda t: ((t.get("unit") or ""), t["team"]))
    return env.get_template("reports/offline.html").render(
        d=data, teams=teams, t=_TEXT[lang], lang=lang, methodology_url=METHODOLOGY_URL,
        dims=list(data["dimensions"]),
    )
