"""The workshop deck (python-pptx): native, editable charts and tables.

Slides: title, how to read this, summary (pattern and key findings), perception vs
structure per dimension (chart and maturity table), heatmaps of units and of teams as
tables with cell fills and labels, one slide per finding that occurs (what it means,
what to do, which teams), one slide per dimension, misconceptions, team leads and
members, drivers, and the method. Hidden groups read ``n < k`` and the reason.
"""

from __future__ import annotations

import io
import re
from typing import Any
from xml.sax.saxutils import escape

from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
from pptx.enum.dml import MSO_PATTERN
from pptx.oxml import parse_xml
from pptx.oxml.ns import nsdecls
from pptx.util import Inches, Pt

from analysis.palette import FINDING_COLORS, PERCEPTION_COLOR, STRUCTURE_COLOR, STRUCTURE_HATCH
from analysis.privacy import NO_DATA
from analysis.narrative import shown_typology
from app.reports.benchmark_table import benchmark_table
from app.reports.decision_map import register_section
from app.reports.common import (
    HIDDEN_FILL,
    Cell,
    check_lang,
    dimension_cells,
    dimension_names,
    finding_cell,
    fmt,
    fmt_ci,
    hidden_text,
    instrument,
    k_of,
    label,
    method_values,
    misconception_names,
    provenance_lines,
    t,
    teams_by_unit,
)
from app.reports.leadership import advice, headline, pattern_line
from app.reports.questions import qt, scope_table
from app.reports.texts import FINDING_HELP, FINDING_SHORT, METHOD, READING, TYPOLOGY_HELP, TYPOLOGY_SHORT

__all__ = ["render_report_pptx"]

_NAVY, _GREY, _INK = "1D3557", "555555", "333333"
_UNIT_BAND, _ORG_BAND = "DDE5EE", "EEF2F6"
#: A row of a heatmap table: a group's record and its label, or a unit's band ("band", fill, text).
_HeatItem = tuple[dict[str, Any], str] | tuple[str, str, str]
_ROWS_PER_SLIDE = 14  # at most, pages are balanced (no slide of a single row)
_TEAMS_LISTED = 10
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _rgb(fill: str) -> RGBColor:
    return RGBColor.from_string(fill.lstrip("#").upper())


def _clean(text) -> str:
    """Text as XML allows it (control characters become spaces)."""
    return _XML_INVALID.sub(" ", "" if text is None else str(text))


class _Deck:
    """A 16:9 presentation with the report's slide furniture."""

    def __init__(self, lang: str, footer: str):
        self.lang, self.footer = lang, footer
        self.prs = Presentation()
        self.prs.slide_width, self.prs.slide_height = Inches(13.333), Inches(7.5)
        self.layout = self.prs.slide_layouts[6]  # blank

    def slide(self, title: str, subtitle: str = ""):
        s = self.prs.slides.add_slide(self.layout)
        self.text(s, 0.5, 0.3, 12.3, 0.7, [(title, 26, True, _NAVY)])
        if subtitle:  # a long subtitle in a smaller size, so that it keeps to two lines
            self.text(s, 0.5, 0.95, 12.3, 0.6, [(subtitle, 11 if len(subtitle) <= 200 else 9.5, False, _GREY)])
        self.text(s, 0.5, 7.05, 12.3, 0.3, [(self.footer, 9, False, _GREY)])
        return s

    @staticmethod
    def text(slide, x, y, w, h, paragraphs, *, fill: str | None = None):
        """A text box of ``(text, size, bold, colour)`` paragraphs."""
        box = slide.shapes.add_textbox(Inches(x), Inches(y), Inches(w), Inches(h))
        tf = box.text_frame
        tf.word_wrap = True
        if fill:
            box.fill.solid()
            box.fill.fore_color.rgb = _rgb(fill)
        for i, (text, size, bold, colour) in enumerate(paragraphs):
            p = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
            run = p.add_run()
            run.text = _clean(text)
            run.font.size, run.font.bold = Pt(size), bold
            run.font.color.rgb = _rgb(colour)
            p.space_after = Pt(size * 0.4)
        return box

    def table(self, slide, x, y, w, widths, rows, *, row_h=0.3, size=10, header_rows=1):
        """A table of rows of text or :class:`Cell` (cells centred). In a row shorter
        than the table the last cell spans the rest; ``None`` merges a cell into the one
        before it; ``("band", fill, text)`` is a full-width band. Rows are written as XML
        in one piece each: thousands of cells through the object API take seconds."""
        n_cols = len(widths)
        shape = slide.shapes.add_table(1, n_cols, Inches(x), Inches(y), Inches(w), Inches(row_h * len(rows)))
        table = shape.table
        total = sum(widths)
        for c, wd in enumerate(widths):
            table.columns[c].width = Inches(w * wd / total)
        tbl = table._tbl
        for tr in tbl.tr_lst:
            tbl.remove(tr)
        lang = {"en": "en-US", "de": "de-DE"}[self.lang]
        for r, row in enumerate(rows):
            head = r < header_rows
            if isinstance(row, tuple) and row[0] == "band":
                items = [(row[2], row[1], n_cols, True, False)]
            else:
                items = []
                for c, item in enumerate(row):
                    if item is None:
                        continue
                    span = 1
                    while c + span < len(row) and row[c + span] is None:
                        span += 1
                    if c == len(row) - 1:
                        span = n_cols - c
                    text, fill = (item.text, item.fill) if isinstance(item, Cell) else (item, None)
                    items.append((text, fill, span, head, isinstance(item, Cell) and span == 1 and not head))
            cells = []
            for text, fill, span, bold, centre in items:
                cells.append(
                    _tc(
                        text,
                        _NAVY if head else (fill or "#FFFFFF"),
                        size=size,
                        bold=bold,
                        ink="FFFFFF" if head else "000000",
                        centre=centre,
                        span=span,
                        lang=lang,
                    )
                )
                cells += [_MERGED] * (span - 1)
            tbl.append(parse_xml(f'<a:tr {nsdecls("a")} h="{Inches(row_h)}">{"".join(cells)}</a:tr>'))
        return table

    def chart(
        self,
        slide,
        kind,
        categories,
        series,
        x,
        y,
        w,
        h,
        *,
        number_format="0",
        maximum=None,
        legend=True,
        patterned=(1,),
        title: str = "",
        point_fills=None,
    ):
        """A native chart, categories in the given order from the top or left; the
        series listed in ``patterned`` are hatched so that they stay apart in black and
        white."""
        data = CategoryChartData(number_format=number_format)
        data.categories = [_clean(c) for c in categories]
        for name, values in series:
            data.add_series(_clean(name), values)
        chart = slide.shapes.add_chart(kind, Inches(x), Inches(y), Inches(w), Inches(h), data).chart
        chart.has_title = bool(title)
        if title:
            chart.chart_title.text_frame.text = _clean(title)
            chart.chart_title.text_frame.paragraphs[0].font.size = Pt(12)
        if kind == XL_CHART_TYPE.BAR_CLUSTERED:
            chart.category_axis.reverse_order = True
        chart.has_legend = legend and len(series) > 1
        if chart.has_legend:
            chart.legend.position = XL_LEGEND_POSITION.BOTTOM
            chart.legend.include_in_layout = False
        plot = chart.plots[0]
        plot.has_data_labels = True
        plot.data_labels.number_format = number_format
        plot.data_labels.number_format_is_linked = False
        plot.data_labels.font.size = Pt(10)
        axis = chart.value_axis
        axis.minimum_scale = 0
        if maximum is not None:
            axis.maximum_scale = maximum
        axis.tick_labels.font.size = Pt(10)
        axis.tick_labels.number_format = number_format  # the axis in the unit of the labels
        axis.tick_labels.number_format_is_linked = False
        chart.category_axis.tick_labels.font.size = Pt(10)
        for i, s in enumerate(plot.series):
            fill = s.format.fill
            if i in patterned:
                fill.patterned()
                fill.pattern = MSO_PATTERN.WIDE_UPWARD_DIAGONAL
                fill.fore_color.rgb = _rgb(STRUCTURE_HATCH)
                fill.back_color.rgb = _rgb(STRUCTURE_COLOR)
            else:
                fill.solid()
                fill.fore_color.rgb = _rgb(PERCEPTION_COLOR)
            s.format.line.color.rgb = _rgb(_INK)
            if point_fills is not None:
                for j, f in enumerate(point_fills):
                    pt = s.points[j].format
                    pt.fill.solid()
                    pt.fill.fore_color.rgb = _rgb(f)
                    pt.line.color.rgb = _rgb(_INK)
        return chart


_MERGED = '<a:tc hMerge="1"><a:txBody><a:bodyPr/><a:lstStyle/><a:p/></a:txBody><a:tcPr/></a:tc>'


def _tc(text, fill: str, *, size: int, bold: bool, ink: str, centre: bool, span: int, lang: str) -> str:
    """XML of one table cell."""
    grid = f' gridSpan="{span}"' if span > 1 else ""
    algn = ' algn="ctr"' if centre else ""
    margin = f'marT="{Inches(0.02)}" marB="{Inches(0.02)}"'
    return (
        f'<a:tc{grid}><a:txBody><a:bodyPr/><a:lstStyle/><a:p><a:pPr{algn}/><a:r>'
        f'<a:rPr lang="{lang}" sz="{size * 100}" b="{int(bold)}" dirty="0"><a:solidFill>'
        f'<a:srgbClr val="{ink}"/></a:solidFill></a:rPr><a:t>{escape(_clean(text))}</a:t></a:r></a:p>'
        f'</a:txBody><a:tcPr {margin}><a:solidFill><a:srgbClr val="{fill.lstrip("#").upper()}"/>'
        f'</a:solidFill></a:tcPr></a:tc>'
    )


def _pages(items: list, size: int) -> list:
    """``items`` in pages of at most ``size``, balanced so that no page is nearly empty."""
    if not items:
        return [[]]
    n = -(-len(items) // size)
    per = -(-len(items) // n)
    return [items[i : i + per] for i in range(0, len(items), per)]


def _heat_rows(rows_in, dims, k, lang):
    """Heatmap table rows of group records (``("band", …)`` for unit headings)."""
    out = []
    for item in rows_in:
        if item[0] == "band":
            out.append(item)
            continue
        rec, name = item
        if rec["suppressed"]:
            out.append([name, Cell(hidden_text(rec["suppression_reason"], k, lang), HIDDEN_FILL, "hidden")])
            continue
        cells = []
        for d in dims:
            p, s, f = dimension_cells(rec, d, k, lang)
            cells += [p, s, f]
        typ = rec["typology"]
        out.append([name, str(rec["n"]), *cells, TYPOLOGY_SHORT[typ][lang] if typ else "–"])
    return out


def _heatmap_slides(deck, title, first_col, items, names, k):
    lang = deck.lang
    dims = tuple(names)
    head1 = [first_col, "n"] + [x for d in dims for x in (names[d], None, None)] + [t("typology", lang)]
    head2 = ["", ""] + [t(x, lang) for _ in dims for x in ("perception_short", "structure_short", "finding")] + [""]
    widths = [1.6, 0.6] + [0.8, 0.8, 1.35] * len(dims) + [1.95]
    pages = _pages(items, _ROWS_PER_SLIDE)
    for p, chunk in enumerate(pages, start=1):
        s = deck.slide(title if len(pages) == 1 else f"{title} ({p}/{len(pages)})", t("heatmap_note", lang, k=k))
        deck.table(
            s,
            0.5,
            1.6,
            12.3,
            widths,
            [head1, head2] + _heat_rows(chunk, dims, k, lang),
            size=9,
            header_rows=2,
            row_h=0.32,
        )


def _finding_slides(deck, groups, names):
    lang = deck.lang
    visible = [r for _, teams in groups for r in teams if not r["suppressed"]]
    for fid in FINDING_SHORT:
        per_dim = {
            d: [
                r["team"]
                for r in visible
                if not r["dimensions"][d]["suppressed"] and r["dimensions"][d]["finding"] == fid
            ]
            for d in names
        }
        if not any(per_dim.values()):
            continue
        s = deck.slide(f"{t('finding', lang)}: {label('finding', fid, lang)}", t("deck_findings", lang))
        help_ = FINDING_HELP[fid]
        deck.text(s, 0.5, 1.5, 12.3, 1.0, [(help_["means"][lang], 13, False, "000000")], fill="F4F7FA")
        rows = [[t("dimension", lang), t("teams_with", lang), t("what_to_do", lang)]]
        for d, teams in per_dim.items():
            if not teams:
                continue
            listed = ", ".join(teams[:_TEAMS_LISTED])
            if len(teams) > _TEAMS_LISTED:
                listed += " " + t("and_more", lang, n=len(teams) - _TEAMS_LISTED)
            rows.append([names[d], f"{len(teams)}: {listed}", advice(d, fid, lang, help_["do"][lang])])
        deck.table(s, 0.5, 2.7, 12.3, [2.0, 3.6, 6.7], rows, size=10, row_h=0.4)


def _dimension_slides(deck, diagnosis, groups, names, k, subject, scope_name):
    lang = deck.lang
    org = subject
    q = instrument(diagnosis)
    mv = method_values(diagnosis, lang)
    visible = [r for _, teams in groups for r in teams if not r["suppressed"]]
    for d in names:
        info = diagnosis.dimensions[d]
        cell = org["dimensions"][d]
        s = deck.slide(names[d], q.dimensions[d]["description"][lang] if q is not None else "")
        shown = [r for r in visible if not r["dimensions"][d]["suppressed"]]
        counts = [sum(1 for r in shown if r["dimensions"][d]["finding"] == f) for f in FINDING_SHORT]
        deck.chart(
            s,
            XL_CHART_TYPE.COLUMN_CLUSTERED,
            [FINDING_SHORT[f][lang] for f in FINDING_SHORT],
            [(t("teams_by_finding", lang), counts)],
            0.5,
            1.6,
            6.2,
            4.9,
            legend=False,
            title=t("teams_by_finding", lang),
            patterned=(),
            point_fills=[FINDING_COLORS[f] for f in FINDING_SHORT],
        )
        lines = [(scope_name, 14, True, _NAVY)]
        if cell["suppressed"]:
            lines.append((hidden_text(cell["suppression_reason"], k, lang), 12, False, "000000"))
        else:
            lines += [
                (
                    f"{t('perception', lang)}: {fmt_ci(cell['score'], cell['ci_low'], cell['ci_high'], lang)} · "
                    f"{t('structure', lang)}: {fmt_ci(cell['structure'], cell['structure_ci_low'], cell['structure_ci_high'], lang)}",
                    12,
                    False,
                    "000000",
                ),
                (
                    f"{t('maturity', lang)}: {t('maturity_level', lang, level=cell['level'])} · {t('finding', lang)}: "
                    f"{label('finding', cell['finding'], lang)}",
                    12,
                    False,
                    "000000",
                ),
            ]
        lines += [
            (t("structure_or_perception", lang), 14, True, _NAVY),
            ((info.get("icc_reading") or {}).get(lang, ""), 12, False, "000000"),
            (t("agreement", lang), 14, True, _NAVY),
            (
                t(
                    "divided_count",
                    lang,
                    n=counts[list(FINDING_SHORT).index("divided")],
                    total=len(shown),
                    bar=mv["alpha_agree"],
                ),
                12,
                False,
                "000000",
            ),
            (t("reliability", lang), 14, True, _NAVY),
            (
                f"{t('alpha', lang)} = {fmt(info.get('alpha'), 2, lang)} · {t('omega', lang)} = "
                f"{fmt(info.get('omega'), 2, lang)}",
                12,
                False,
                "000000",
            ),
        ]
        deck.text(s, 7.0, 1.6, 5.8, 5.2, lines)


def _benchmark_slide(deck, benchmark, lang):
    """Perception scores among other organizations, the released comparisons only; how
    many are withheld and why is said once (the full table is in the XLSX)."""
    table = benchmark_table(benchmark, lang)
    s = deck.slide(table["title"], " ".join(filter(None, (table["intro"], table["provenance"]))))
    rows = [[table["headers"][i] for i in (0, 1, 3, 4, 6, 7, 8)]]
    for r in (r for r in table["shown_rows"] if r["measure_code"] == "score"):
        pr = f"{r['pr_text']} ({r['interval']})" if r["interval"] else r["pr_text"]
        rows.append([r["scope"], r["dimension"], r["value_text"], pr, r["median_text"], r["p75_text"], r["p90_text"]])
    notes = [x for x in (table["withheld_line"], table["note"]) if x]
    if len(rows) > 1:
        deck.table(s, 0.5, 1.6, 12.3, [3.4, 1.9, 1.4, 2.0, 1.2, 1.2, 1.2], rows, size=10, row_h=0.38)
    if notes:
        deck.text(s, 0.5, 6.1 if len(rows) > 1 else 1.6, 12.3, 0.9, [(x, 10, False, "000000") for x in notes])


def _register_slides(deck, register, lang):
    """The decision register against the answers: its findings, 14 per slide."""
    section = register_section(register, lang)
    rows = section["findings"]
    if len(rows) == 1:
        s = deck.slide(section["title"], section["intro"])
        deck.text(s, 0.5, 2.0, 12.3, 0.6, [(section["no_findings"], 14, False, "000000")])
        return
    for p, page in enumerate(_pages(rows[1:], 14)):
        s = deck.slide(section["title"], section["intro"] if p == 0 else "")
        deck.table(s, 0.5, 1.9, 12.3, [2.2, 1.6, 2.6, 2.0, 2.3, 0.9, 0.7], [rows[0]] + page, size=9, row_h=0.34)


_QUESTION_ROWS = 12  # per slide, at most


def _question_slides(deck, diagnosis, k):
    """The organization's questions on two slides (every group's are in the XLSX and CSV)."""
    lang = deck.lang
    table = scope_table(diagnosis, lang, unit=diagnosis.scope)
    head = [qt("question", lang), "n", qt("mean", lang), qt("favourable", lang), qt("distribution", lang)]
    rows = [
        [f"{r.topic}: {r.text}", r.n]
        + ([r.hidden] if r.hidden else [r.mean, r.favourable, " · ".join(s.text for s in r.shares)])
        for r in table.rows
    ]
    for page in _pages(rows, _QUESTION_ROWS):
        s = deck.slide(f"{qt('questions', lang)}: {table.title}", qt("slide_note", lang, k=k))
        deck.table(s, 0.5, 1.6, 12.3, [6.5, 0.6, 1.1, 1.2, 2.9], [head] + page, size=8, row_h=0.3)


def render_report_pptx(
    diagnosis,
    *,
    lang: str = "en",
    organization_name: str | None = None,
    campaign_name: str | None = None,
    benchmark=None,
    provenance=None,
    register=None,
) -> bytes:
    """The workshop deck for consultants.

    Parameters
    ----------
    diagnosis : Diagnosis
        From :func:`analysis.diagnosis.diagnose` (released figures only).
    lang : {'en', 'de'}
    organization_name, campaign_name : str, optional
        Shown on the title slide and in the footer.
    benchmark : BenchmarkResult or dict, optional
        The organization's benchmark comparison; adds a slide after the drivers.
    provenance : dict, optional
        How the answers were collected (the link log's summary and answers withheld at
        closing, see :func:`app.reports.common.provenance_lines`).
    register : RegisterFindings, optional
        The decision register against the answers; adds its findings.

    Returns
    -------
    bytes
        The PPTX file.
    """
    lang = check_lang(lang)
    k = k_of(diagnosis)
    names = dimension_names(diagnosis, lang)
    dims = tuple(names)
    org = diagnosis.organization.records()[0]
    groups = teams_by_unit(diagnosis)
    scoped = diagnosis.scope is not None and diagnosis.units is not None and len(diagnosis.units.labels) == 1
    subject = diagnosis.units.records()[0] if scoped else org
    scope_name = f"{t('unit', lang)} {diagnosis.scope}" if scoped else (organization_name or t("organization", lang))
    mv = method_values(diagnosis, lang)
    footer = " · ".join(x for x in (t("report_title", lang), organization_name, campaign_name) if x)
    deck = _Deck(lang, footer)

    s = deck.prs.slides.add_slide(deck.layout)
    deck.text(s, 0, 0, 13.333, 7.5, [("", 10, False, "FFFFFF")], fill=_NAVY)
    n_shown = int((~diagnosis.teams.suppressed).sum())
    deck.text(
        s,
        0.9,
        2.0,
        11.5,
        4.5,
        [
            (t("report_title", lang).upper(), 16, True, "E9C46A"),
            (diagnosis.questionnaire["title"][lang], 36, True, "FFFFFF"),
            (organization_name or "", 24, False, "FFFFFF"),
            (f"{t('campaign', lang)}: {campaign_name}" if campaign_name else "", 16, False, "DFE7F0"),
            (t("scope_line", lang, unit=diagnosis.scope) if diagnosis.scope else "", 16, False, "DFE7F0"),
            (
                f"{t('respondents', lang)}: {diagnosis.n_respondents if diagnosis.n_respondents is not None else f'n < {k}'} · "
                f"{t('teams_shown', lang, shown=n_shown, total=len(diagnosis.teams.labels))} · "
                f"{t('min_group', lang, k=k, ck=diagnosis.settings['comment_min_group_size'])}",
                14,
                False,
                "DFE7F0",
            ),
            *((line, 11, False, "DFE7F0") for line in provenance_lines(provenance, k, lang)),
        ],
    )

    s = deck.slide(t("how_to_read", lang))
    for i, (head, body) in enumerate(READING):
        x, y = (0.5, 1.3 + 1.85 * (i // 2)) if i % 2 == 0 else (6.9, 1.3 + 1.85 * (i // 2))
        deck.text(s, x, y, 5.9, 1.8, [(head[lang], 15, True, _NAVY), (body[lang], 12, False, "000000")])

    if subject["suppressed"]:
        s = deck.slide(t("summary", lang))
        key = "org_no_data" if subject["suppression_reason"] == NO_DATA else "org_hidden"
        text = (
            t(key, lang, k=k) if not scoped else f"{scope_name}: {hidden_text(subject['suppression_reason'], k, lang)}"
        )
        deck.text(s, 0.5, 1.6, 12.3, 1.0, [(text, 16, False, "000000")])
    else:
        s = deck.slide(t("summary", lang), headline(subject, names, lang, scope_name) or "")
        typ = shown_typology(subject)
        if typ:
            q = instrument(diagnosis)
            why = pattern_line(subject, names, q.thresholds.typology.present if q is not None else None, lang)
            deck.text(
                s,
                0.5,
                1.6,
                12.3,
                1.3,
                [
                    (f"{t('pattern_of', lang, scope=scope_name)}: {label('typology', typ, lang)}", 15, True, _NAVY),
                    (" ".join(x for x in (TYPOLOGY_HELP[typ][lang], why) if x), 12, False, "000000"),
                ],
                fill="F4F7FA",
            )
        deck.text(
            s,
            0.5,
            3.1,
            12.3,
            3.8,
            [(t("key_findings", lang), 15, True, _NAVY)]
            + [(f"{i}. {f[lang]}", 12, False, "000000") for i, f in enumerate(diagnosis.findings[:5], start=1)],
        )

        s = deck.slide(t("perception_vs_structure", lang), t("maturity_by_dimension", lang))
        od = subject["dimensions"]
        deck.chart(
            s,
            XL_CHART_TYPE.COLUMN_CLUSTERED,
            [names[d] for d in dims],
            [
                (t("perception", lang), [od[d]["score"] for d in dims]),
                (t("structure", lang), [od[d]["structure"] for d in dims]),
            ],
            0.5,
            1.5,
            6.3,
            5.3,
            maximum=100,
        )
        rows: list[list[str | Cell]] = [
            [t("dimension", lang), t("maturity", lang), t("perception", lang), t("structure", lang), t("finding", lang)]
        ]
        for d in dims:
            c = od[d]
            rows.append(
                [
                    names[d],
                    t("maturity_level", lang, level=c["level"]) if c["level"] else "–",
                    fmt_ci(c["score"], c["ci_low"], c["ci_high"], lang),
                    fmt_ci(c["structure"], c["structure_ci_low"], c["structure_ci_high"], lang),
                    finding_cell(c["finding"], lang, c.get("finding_probability")),
                ]
            )
        deck.table(s, 6.6, 1.7, 6.3, [1.85, 1.1, 1.35, 1.35, 1.15], rows, size=9, row_h=0.5)

        unit_items = [(org, t("organization", lang))] + [
            (u, f"{t('unit', lang)} {u['unit']}") for u, _ in groups if u is not None
        ]
        items: list[_HeatItem] = []
        for u, teams in groups:
            if u is not None:
                items.append(("band", _UNIT_BAND, f"{t('unit', lang)} {u['unit']}"))
            items += [(r, r["team"]) for r in teams]
        if len(unit_items) + len(items) <= _ROWS_PER_SLIDE:  # one slide: no slide of a few rows
            _heatmap_slides(deck, t("heatmap", lang), "", unit_items + items, names, k)
        else:
            if diagnosis.units is not None:
                _heatmap_slides(deck, t("heatmap_units", lang), t("unit", lang), unit_items, names, k)
            _heatmap_slides(deck, t("heatmap_teams", lang), t("team", lang), items, names, k)
        _finding_slides(deck, groups, names)
        _dimension_slides(deck, diagnosis, groups, names, k, subject, scope_name)

        mcs = diagnosis.teams.misconceptions
        if mcs:
            mnames = misconception_names(diagnosis, lang)
            note = (
                t("misconceptions_scope_note", lang, scope=scope_name, mc_min=mv["mc_min"])
                if scoped
                else t("misconceptions_org_note", lang, mc_min=mv["mc_min"])
            )
            s = deck.slide(t("misconceptions", lang), note)
            deck.chart(
                s,
                XL_CHART_TYPE.BAR_CLUSTERED,
                [mnames[m] for m in mcs],
                [(t("share_holding", lang), [subject["misconceptions"][m] for m in mcs])],
                0.5,
                1.5,
                12.3,
                5.4,
                number_format="0%",
                maximum=1,
                legend=False,
                patterned=(),
            )

        gaps = [g for g in diagnosis.role_gaps if g["level"] == "organization"]
        s = deck.slide(t("role_gaps", lang), t("role_gaps_note", lang)) if not scoped else None
        if gaps and s is not None:
            deck.chart(
                s,
                XL_CHART_TYPE.COLUMN_CLUSTERED,
                [names[g["dimension"]] for g in gaps],
                [(t("leads", lang), [g["lead"] for g in gaps]), (t("members", lang), [g["member"] for g in gaps])],
                0.5,
                1.5,
                5.0,
                5.3,
                maximum=100,
            )
        rows = [[t("group", lang), t("dimension", lang), t("leads", lang), t("members", lang), t("gap", lang), ""]]
        for g in diagnosis.role_gaps[:12]:
            rows.append(
                [
                    t("organization", lang) if g["level"] == "organization" else f"{t(g['level'], lang)} {g['group']}",
                    names[g["dimension"]],
                    f"{fmt(g['lead'], 0, lang)} (n = {g['n_lead']})",
                    f"{fmt(g['member'], 0, lang)} (n = {g['n_member']})",
                    fmt(g["gap"], 0, lang, signed=True),
                    t("significant", lang) if g["significant"] else "",
                ]
            )
        if s is None:
            pass
        elif len(rows) > 1:
            deck.table(s, 5.7, 1.6, 7.2, [1.3, 1.9, 1.3, 1.3, 0.7, 0.9], rows, size=9, row_h=0.4)
        else:
            deck.text(s, 0.5, 1.6, 12.3, 1.0, [(t("no_role_gaps", lang), 14, False, "000000")])

        block = (diagnosis.drivers or {}).get("dimensions") or {}
        if block.get("estimable"):
            s = deck.slide(t("drivers", lang), t("drivers_note", lang, r2=fmt(block["r2"], 2, lang)))
            preds = block["predictors"]
            deck.chart(
                s,
                XL_CHART_TYPE.BAR_CLUSTERED,
                [
                    p["label"][lang]
                    + (
                        ""
                        if p.get("percent_ci_low") is None
                        else f" ({fmt(p['percent_ci_low'], 0, lang)}–{fmt(p['percent_ci_high'], 0, lang)} %)"
                    )
                    for p in preds
                ],
                [(t("share_explained", lang), [p["percent"] / 100 for p in preds])],
                0.5,
                1.6,
                12.3,
                5.3,
                number_format="0%",
                legend=False,
                patterned=(),
            )
        _question_slides(deck, diagnosis, k)
        if benchmark is not None:
            _benchmark_slide(deck, benchmark, lang)
    if register is not None:
        _register_slides(deck, register, lang)

    for part in (METHOD[:4], METHOD[4:]):
        s = deck.slide(t("method", lang))
        for i, (head, body) in enumerate(part):
            x, y = (0.5, 1.3 + 2.85 * (i // 2)) if i % 2 == 0 else (6.9, 1.3 + 2.85 * (i // 2))
            deck.text(
                s, x, y, 5.9, 2.8, [(head[lang], 13, True, _NAVY), (body[lang].format(**mv), 10, False, "000000")]
            )
    buf = io.BytesIO()
    deck.prs.save(buf)
    return buf.getvalue()
