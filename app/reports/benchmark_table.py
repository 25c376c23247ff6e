"""The benchmark comparison in a report: one flat table shared by every format.

Takes a :class:`analysis.benchmark.BenchmarkResult` or its ``to_dict()`` and returns
rows of released figures only — the organization's own value, its percentile rank with
interval, and the benchmark's median, top 25 % and top 10 % — or, for a withheld cell,
the reason. Nothing here computes a statistic, and nothing names another organization.
"""

from __future__ import annotations

from collections.abc import Mapping

from app.reports.common import check_lang, fmt
from app.catalogue import N_
from app.reports.texts import L

__all__ = ["benchmark_table", "provenance"]

TEXT: dict[str, Mapping[str, str]] = {
    "title": L(N_("Benchmark")),
    "intro": L(
        N_(
            "The organization among other organizations that opted in (organization-level aggregates only; at least {k} comparable organizations per comparison; the organization itself is never part of its own comparison)."
        )
    ),
    "scope": L(N_("Comparison")),
    "dimension": L(N_("Dimension")),
    "measure": L(N_("Measure")),
    "value": L(N_("Organization")),
    "pr": L(N_("Percentile rank")),
    "interval": L(N_("Interval")),
    "n": L(N_("Organizations")),
    "not_shown": L(N_("not shown")),
    "withheld_line": L(N_("{n} of {total} comparisons are not shown: {reasons}.")),
    "all": L(N_("All comparable organizations")),
    "industry": L(N_("Same industry")),
    "size_band": L(N_("Same size band")),
    "industry_and_size_band": L(N_("Same industry and size band")),
    "score": L(N_("Perception score")),
    "structure": L(N_("Structure index")),
    "icc1": L(N_("ICC(1)")),
    "direction": L(N_("Direction")),
    "decision_rights": L(N_("Decision rights")),
    "feedback": L(N_("Feedback")),
    "simulated_col": L(N_("Simulated")),
    "real_only": L(N_("Compared with up to {n} organizations of the pool; none of them is simulated.")),
    "all_simulated": L(
        N_(
            "All {n} organizations compared are simulated (demonstration data): the comparison shows how the benchmark works, not where the organization stands."
        )
    ),
    "some_simulated": L(
        N_(
            "Compared with up to {n} organizations, {s} of them simulated (demonstration data, not real organizations): read the comparison as a demonstration."
        )
    ),
}


def provenance(benchmark, lang: str = "en") -> str | None:
    """How many of the compared organizations are real and how many simulated, from the
    largest released comparison (None when no comparison is released)."""
    lang = check_lang(lang)
    b = _as_dict(benchmark)
    cells = [
        c
        for s in (b or {}).get("scopes", {}).values()
        for ms in s["dimensions"].values()
        for c in ms.values()
        if c["released"]
    ]
    if not cells:
        return None
    top = max(cells, key=lambda c: c["n_organizations"])
    n, sim = top["n_organizations"], top.get("n_simulated") or 0
    key = "real_only" if sim == 0 else "all_simulated" if sim == n else "some_simulated"
    return TEXT[key][lang].format(n=n, s=sim)


def _as_dict(benchmark) -> dict | None:
    if benchmark is None:
        return None
    if isinstance(benchmark, dict):
        return benchmark
    to_dict = getattr(benchmark, "to_dict", None)
    if to_dict is None:
        raise TypeError(f"benchmark: must be a BenchmarkResult or its dict, got {type(benchmark).__name__}")
    return to_dict()


def benchmark_table(benchmark, lang: str = "en") -> dict | None:
    """``{"title", "intro", "note", "provenance", "headers", "rows", "shown_rows",
    "withheld_line"}`` or None without a benchmark (``provenance``: how many compared
    organizations are simulated; ``shown_rows``: the released rows; ``withheld_line``: how
    many comparisons are withheld and why, once, empty when none is).

    Each row: ``scope``, ``dimension``, ``measure`` (labels), ``value``,
    ``percentile_rank``, ``percentile_rank_low``, ``percentile_rank_high``, ``median``,
    ``p75``, ``p90``, ``n_organizations``, ``n_simulated`` (numbers or None), ``interval`` (text),
    ``reason`` (text for a withheld cell, else None) and ``withheld`` (texts of withheld
    figures of a shown cell), the codes ``scope_code``, ``dimension_code``,
    ``measure_code``, and the figures as text (``value_text``, ``pr_text``,
    ``median_text``, ``p75_text``, ``p90_text``; ``–`` when withheld).
    """
    lang = check_lang(lang)
    b = _as_dict(benchmark)
    if b is None:
        return None
    q = b["quantile_labels"]
    headers = [
        TEXT["scope"][lang],
        TEXT["dimension"][lang],
        TEXT["measure"][lang],
        TEXT["value"][lang],
        TEXT["pr"][lang],
        TEXT["interval"][lang],
        q["median"][lang],
        q["p75"][lang],
        q["p90"][lang],
        TEXT["n"][lang],
        TEXT["simulated_col"][lang],
    ]
    rows = []
    for scope, s in b["scopes"].items():
        label = TEXT[scope][lang] + "".join(f" · {x}" for x in (s.get("industry"), s.get("size_band")) if x)
        for dim, measures in s["dimensions"].items():
            for m, c in measures.items():
                low, high = c.get("percentile_rank_low"), c.get("percentile_rank_high")
                rows.append(
                    {
                        "scope": label,
                        "dimension": TEXT.get(dim, {}).get(lang, dim),
                        "measure": TEXT[m][lang],
                        "scope_code": scope,
                        "dimension_code": dim,
                        "measure_code": m,
                        "value": c.get("value"),
                        "n_organizations": c.get("n_organizations"),
                        "n_simulated": c.get("n_simulated"),
                        "percentile_rank": c.get("percentile_rank"),
                        "percentile_rank_low": low,
                        "percentile_rank_high": high,
                        "median": c.get("median"),
                        "p75": c.get("p75"),
                        "p90": c.get("p90"),
                        "interval": f"{fmt(low, 0, lang)}–{fmt(high, 0, lang)}"
                        if low is not None and high is not None
                        else "",
                        "reason": None if c["released"] else f"{TEXT['not_shown'][lang]}: {c['reason_text'][lang]}",
                        "withheld": {f: w["text"][lang] for f, w in (c.get("withheld") or {}).items()},
                    }
                )
                digits = 3 if m == "icc1" else 1
                rows[-1].update(
                    {f"{key}_text": fmt(rows[-1][key], digits, lang) for key in ("value", "median", "p75", "p90")}
                )
                rows[-1]["pr_text"] = fmt(rows[-1]["percentile_rank"], 0, lang)
    shown = [r for r in rows if r["reason"] is None]
    reasons: dict = {}
    for c in (
        c for s in b["scopes"].values() for ms in s["dimensions"].values() for c in ms.values() if not c["released"]
    ):
        text = c["reason_text"][lang]
        reasons[text] = reasons.get(text, 0) + 1
    withheld = len(rows) - len(shown)
    return {
        "title": TEXT["title"][lang],
        "intro": TEXT["intro"][lang].format(k=b["min_organizations"]),
        "note": (b.get("note") or {}).get(lang),
        "provenance": provenance(b, lang),
        "headers": headers,
        "rows": rows,
        "shown_rows": shown,
        "withheld_line": TEXT["withheld_line"][lang].format(
            n=withheld, total=len(rows), reasons="; ".join(f"{text} ({n})" for text, n in reasons.items())
        )
        if withheld
        else "",
    }
