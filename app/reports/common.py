"""What the report formats share: language, number formatting, heatmap cells, the
formula-injection guard, and the lookups a :class:`~analysis.diagnosis.Diagnosis` needs
from its questionnaire.

Reports never compute a statistic: every number here is a released figure of the
diagnosis, only formatted. A hidden group or cell becomes the label ``n < k`` (and the
reason), distinct from ``no data``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from analysis.factor import FIT_CUTOFFS
from analysis.narrative import LABELS
from app.i18n import LANGUAGES
from app.catalogue import format_number, translations
from analysis.instrument import QuestionnaireError, load_questionnaire
from analysis.palette import FINDING_COLORS, SCALE
from analysis.privacy import COMPLEMENTARY, NO_DATA, PRIMARY, reason_text
from app.reports.texts import FINDING_SHORT, TEXTS

__all__ = [
    "LANGUAGES",
    "FORMULA_PREFIXES",
    "Cell",
    "check_lang",
    "t",
    "label",
    "safe_text",
    "fmt",
    "fmt_pct",
    "fmt_ci",
    "hidden_label",
    "hidden_reason",
    "hidden_text",
    "score_cell",
    "finding_cell",
    "finding_text",
    "hidden_cell",
    "share_cell",
    "dimension_cells",
    "heat_fill",
    "FINDING_FILLS",
    "SCALE",
    "HIDDEN_FILL",
    "fit_cutoffs",
    "instrument",
    "dimension_names",
    "misconception_names",
    "item_text",
    "tenure_labels",
    "teams_by_unit",
    "k_of",
    "method_values",
]

#: A text cell starting with one of these could be evaluated by a spreadsheet.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

_DASH = "–"


def check_lang(lang) -> str:
    """``lang`` if it is a report language, else ``ValueError``."""
    if lang not in LANGUAGES:
        raise ValueError(f"lang: must be 'en' or 'de', got {lang!r}")
    return lang


def t(key: str, lang: str, **values) -> str:
    """Report text ``key`` in ``lang`` with ``values`` filled in."""
    return TEXTS[key][lang].format(**values)


def label(kind: str, key, lang: str) -> str:
    """Label of a finding or typology id (``kind`` ``'finding'``/``'typology'``)."""
    if key is None:
        return _DASH
    return translations(lang).gettext(LABELS[kind][key])


def safe_text(value) -> str:
    """``value`` as text that no spreadsheet evaluates: a leading ``= + - @``, tab or
    CR gets an apostrophe in front (OWASP CSV injection)."""
    s = "" if value is None else str(value)
    return "'" + s if s.startswith(FORMULA_PREFIXES) else s


def _finite(x) -> bool:
    return x is not None and not (isinstance(x, float) and not math.isfinite(x))


def fmt(x, decimals: int = 0, lang: str = "en", *, signed: bool = False) -> str:
    """A released number for reading in the conventions of ``lang`` (babel.numbers: decimal
    comma in German), fixed decimals and a typographic minus; ``–`` when missing;
    ``signed`` puts ``+`` before a positive number (none on zero)."""
    if not _finite(x):
        return _DASH
    x = round(float(x), decimals) + 0.0  # no "−0"
    s = format_number(x, decimals, lang)
    return "+" + s if signed and x > 0 else s


def fmt_pct(share, lang: str = "en", *, signed: bool = False) -> str:
    """A share 0–1 as a whole percentage (``21 %``; signed: percentage points)."""
    if not _finite(share):
        return _DASH
    return fmt(100 * share, 0, lang, signed=signed) + ("" if signed else " %")


def fmt_ci(value, low, high, lang: str = "en", decimals: int = 0) -> str:
    """``52 [49–55]``."""
    if not _finite(value):
        return _DASH
    return f"{fmt(value, decimals, lang)} [{fmt(low, decimals, lang)}–{fmt(high, decimals, lang)}]"


def hidden_label(reason, k: int, lang: str) -> str:
    """The cell label of a hidden figure: ``n < k`` for a group below k, ``hidden`` for
    one hidden so that another cannot be worked out, ``no data`` when nobody answered."""
    if reason == NO_DATA:
        return t("no_data", lang)
    return t("not_shown", lang) if reason == COMPLEMENTARY else f"n < {k}"


def hidden_reason(reason, k: int, lang: str) -> str:
    """Why a figure is hidden, in words."""
    text = reason_text(reason, k) if reason else None
    return text[lang] if text else ""


def hidden_text(reason, k: int, lang: str) -> str:
    """Label and reason of a hidden figure in one text: ``n < 5: fewer than 5 responses``."""
    if reason == PRIMARY:
        return f"n < {k}: {hidden_reason(reason, k, lang)}"
    return hidden_reason(reason, k, lang)


# ------------------------------------------------------------------------ heatmap cells


@dataclass(frozen=True)
class Cell:
    """One heatmap cell: its label, its fill as ``#rrggbb`` (light enough for black
    text, so one ink serves every cell) and its kind (``value``, ``finding``, ``hidden``
    or ``no_data``)."""

    text: str
    fill: str
    kind: str = "value"


#: Fill per finding, as on the dashboard; the label carries the meaning in black and white.
FINDING_FILLS = FINDING_COLORS
HIDDEN_FILL = "#e3e3e3"
_WHITE = "#ffffff"


def _rgb(fill: str) -> tuple:
    return tuple(int(fill[i : i + 2], 16) for i in (1, 3, 5))


def heat_fill(value, low: float = 0.0, high: float = 100.0) -> str:
    """Fill of a value on the red–grey–blue :data:`SCALE` from ``low`` to ``high`` (the
    colours of the XLSX conditional format)."""
    x = min(1.0, max(0.0, (value - low) / (high - low)))
    a, b, f = (SCALE[0], SCALE[1], 2 * x) if x < 0.5 else (SCALE[1], SCALE[2], 2 * x - 1)
    return "#" + "".join(f"{round(p + (q - p) * f):02x}" for p, q in zip(_rgb(a), _rgb(b)))


def score_cell(value, lang: str) -> Cell:
    """A score 0–100 as a labelled, coloured cell."""
    if not _finite(value):
        return Cell(_DASH, _WHITE, kind="no_data")
    return Cell(fmt(value, 0, lang), heat_fill(value))


def share_cell(share, vs_org, lang: str) -> Cell:
    """A misconception share with its difference from the organization, ``21 % (+4)``,
    redder the more it exceeds the organization (±30 points span the scale); without a
    difference the fill is neutral."""
    if not _finite(share):
        return Cell(_DASH, _WHITE, kind="no_data")
    if not _finite(vs_org):
        return Cell(fmt_pct(share, lang), SCALE[1])
    return Cell(f"{fmt_pct(share, lang)} ({fmt_pct(vs_org, lang, signed=True)})", heat_fill(-vs_org, -0.3, 0.3))


def finding_cell(finding, lang: str, probability=None) -> Cell:
    """A finding as a short word on its fill; a classified finding with its probability
    ("gap 91 %") when ``probability`` is given."""
    if finding is None:
        return Cell(_DASH, _WHITE, kind="no_data")
    text = FINDING_SHORT[finding][lang]
    if probability is not None and finding not in ("divided", "not_precise"):
        text = f"{text} {fmt(100 * probability, 0, lang)} %"
    return Cell(text, FINDING_FILLS[finding], kind="finding")


def finding_text(cell: dict, lang: str) -> str:
    """A released dimension's finding in words, a classified one with its probability
    ("structural gap (91 %)"); a dash when there is none."""
    finding = cell.get("finding")
    if not finding:
        return _DASH
    prob = cell.get("finding_probability")
    text = label("finding", finding, lang)
    if prob is None or finding in ("divided", "not_precise"):
        return text
    return f"{text} ({fmt(100 * prob, 0, lang)} %)"


def hidden_cell(reason, k: int, lang: str) -> Cell:
    """A hidden figure, labelled by :func:`hidden_label`."""
    if reason == NO_DATA:
        return Cell(t("no_data", lang), _WHITE, kind="no_data")
    return Cell(hidden_label(reason, k, lang), HIDDEN_FILL, kind="hidden")


def dimension_cells(record: dict, dim: str, k: int, lang: str) -> tuple:
    """``(perception, structure, finding)`` cells of one dimension of a group record; a
    hidden dimension is labelled once and its other two cells are left blank."""
    hidden = record["suppression_reason"] if record["suppressed"] else None
    if hidden is None and record["dimensions"][dim]["suppressed"]:
        hidden = record["dimensions"][dim]["suppression_reason"]
    if hidden is not None:
        c = hidden_cell(hidden, k, lang)
        return c, Cell("", c.fill, c.kind), Cell("", c.fill, c.kind)
    cell = record["dimensions"][dim]
    return (
        score_cell(cell["score"], lang),
        score_cell(cell["structure"], lang),
        finding_cell(cell["finding"], lang, cell.get("finding_probability")),
    )


# ------------------------------------------------------------------ diagnosis lookups


def instrument(diagnosis):
    """The questionnaire of a diagnosis (bundled instruments), or None if unknown."""
    try:
        return load_questionnaire(diagnosis.questionnaire["id"])
    except (QuestionnaireError, OSError, ValueError):
        return None


def dimension_names(diagnosis, lang: str) -> dict:
    """``{dimension: name}`` in the diagnosis' order."""
    return {d: v["name"][lang] for d, v in diagnosis.dimensions.items()}


def misconception_names(diagnosis, lang: str) -> dict:
    """``{misconception: name}`` from the questionnaire (the id when it is unknown)."""
    q = instrument(diagnosis)
    ids = diagnosis.teams.misconceptions
    names = q.misconceptions if q is not None else {}
    return {m: names[m][lang] if m in names else m.replace("_", " ") for m in ids}


def tenure_labels(diagnosis, lang: str) -> dict:
    """``{tenure band key: label}`` from the questionnaire (empty when it is unknown)."""
    q = instrument(diagnosis)
    items = [i for i in q.items_of("background") if i.background == "tenure"] if q is not None else []
    return {o.key: o.label[lang] for o in items[0].options} if items else {}


def item_text(q, item_id: str, lang: str) -> str:
    """Wording of an item, or its id when the questionnaire is unknown."""
    if q is None:
        return item_id
    try:
        return q.item(item_id).text[lang]
    except KeyError:
        return item_id


def k_of(diagnosis) -> int:
    """The minimum group size the diagnosis was made with."""
    return int(diagnosis.settings["min_group_size"])


def teams_by_unit(diagnosis) -> list:
    """``[(unit record or None, [team records sorted by label]), …]`` in unit order;
    teams without a unit level form one group with unit None."""
    teams = diagnosis.teams.records()
    if diagnosis.units is None:
        return [(None, sorted(teams, key=lambda r: r["team"]))]
    by_unit: dict[str | None, list[dict[str, Any]]] = {}
    for r in teams:
        by_unit.setdefault(r["unit"], []).append(r)
    return [(u, sorted(by_unit.get(u["unit"], []), key=lambda r: r["team"])) for u in diagnosis.units.records()]


def verdict_lines(cell: dict, lang: str, *, thresholds=None) -> list[str]:
    """What stands behind a group's finding in one dimension: its probability, the
    team's reliability, its visibility, or why it is not precise enough (``cell`` is a
    dimension of a released record; ``thresholds.verdicts`` give the bars)."""
    lines = []
    prob = cell.get("finding_probability")
    if cell.get("finding") == "not_precise" and prob is not None and thresholds is not None:
        best = cell.get("likely_finding")
        lines.append(
            t(
                "verdict_not_precise",
                lang,
                finding=label("finding", best, lang) if best else "–",
                p=fmt(100 * prob, 0, lang),
                min_p=fmt(100 * thresholds.verdicts.min_probability, 0, lang),
                min_r=fmt(thresholds.verdicts.min_reliability, 2, lang),
            )
        )
    elif prob is not None and cell.get("finding") not in (None, "divided"):
        lines.append(t("verdict_probability", lang, p=fmt(100 * prob, 0, lang)))
    rp, rs = cell.get("perception_reliability"), cell.get("structure_reliability")
    if rp is not None and rs is not None:
        lines.append(t("verdict_reliability", lang, rp=fmt(rp, 2, lang), rs=fmt(rs, 2, lang)))
    if cell.get("visibility") is not None:
        lines.append(t("verdict_visibility", lang, v=fmt(cell["visibility"], 0, lang)))
    return lines


def provenance_lines(provenance: dict | None, k: int, lang: str) -> list[str]:
    """What the About part of a report says of how answers were collected: the survey
    links created (from the link log) and the answers withheld at closing, if any."""
    if not provenance:
        return []
    links = provenance["links"]
    lines = [
        t(
            "links_line",
            lang,
            personal=links["personal"],
            open=links["open"],
            creations=links["creations"],
            creators=", ".join(links["creators"]) or "—",
            over=links["teams_over_headcount"],
        )
    ]
    if provenance.get("withheld"):
        lines.append(t("withheld_line", lang, w=provenance["withheld"], k=k))
    return lines


def method_values(diagnosis, lang: str) -> dict:
    """The settings and thresholds the method text refers to, formatted."""
    s = diagnosis.settings
    q = instrument(diagnosis)
    th = q.thresholds if q is not None else None
    dash = _DASH
    return {
        "k": s["min_group_size"],
        "ck": s["comment_min_group_size"],
        "correction": {"holm": "Holm", "bh": "Benjamini–Hochberg"}[s["correction"]],
        "alpha": fmt(s["alpha"], 2, lang),
        "effect": fmt(s["min_effect"], 2, lang),
        "ci_pct": fmt(100 * s["confidence"], 0, lang),
        "cuts": ", ".join(fmt(c, 0, lang) for c in th.maturity.cuts) if th else dash,
        "p_high": fmt(th.findings.perception.high, 0, lang) if th else dash,
        "p_low": fmt(th.findings.perception.low, 0, lang) if th else dash,
        "s_high": fmt(th.findings.structure.high, 0, lang) if th else dash,
        "s_low": fmt(th.findings.structure.low, 0, lang) if th else dash,
        "alpha_agree": fmt(th.findings.agreement_alpha, 2, lang) if th else dash,
        "present": fmt(th.typology.present, 0, lang) if th else dash,
        "min_p": fmt(100 * th.verdicts.min_probability, 0, lang) if th else dash,
        "min_r": fmt(th.verdicts.min_reliability, 2, lang) if th else dash,
        "mc_min": th.misconception_agree_min if th else 4,
        **fit_cutoffs(lang),
    }


def fit_cutoffs(lang: str) -> dict:
    """:data:`analysis.factor.FIT_CUTOFFS` formatted for texts (``cfi_min``, ``tli_min``,
    ``rmsea_max``, ``srmr_max``)."""
    return {
        "cfi_min": fmt(FIT_CUTOFFS["cfi"], 2, lang),
        "tli_min": fmt(FIT_CUTOFFS["tli"], 2, lang),
        "rmsea_max": fmt(FIT_CUTOFFS["rmsea"], 2, lang),
        "srmr_max": fmt(FIT_CUTOFFS["srmr"], 2, lang),
    }


#: The text of each verdict on the three-factor model (``diagnosis.cfa["verdict"]``).
CFA_VERDICTS = {"fits": "cfa_acceptable", "fits_with_acquiescence": "cfa_acquiescence", "misfits": "cfa_not_acceptable"}


def cfa_verdict(cfa: dict, lang: str) -> list[str]:
    """The verdict on the three-factor model in words, and the fit with an acquiescence
    factor where it was fitted (docs/methodology.md §3)."""
    lines = [t(CFA_VERDICTS[cfa["verdict"]], lang)]
    style = cfa.get("acquiescence")
    if style:
        lines.append(
            t("cfa_acquiescence_fit", lang, **{k: fmt(style[k], 3, lang) for k in ("cfi", "tli", "rmsea", "srmr")})
        )
    return lines
