"""Regenerate ``analysis/agreement_null_table.json``: the simulated critical values of the
agreement test for the item sets that the shipped questionnaires test.

Run from the repository root after changing a questionnaire's items, its thresholds
(``findings.agreement_null``, ``findings.agreement_alpha``) or the simulation in
``analysis/agreement_null.py``:

    python scripts/agreement_null_table.py

It diagnoses simulated responses to every questionnaire in ``questionnaires/`` with the
table turned off, so every critical value the diagnosis needs is simulated by
``analysis.agreement_null._live_critical_m`` (same seed, same replicates as at run time),
and writes what was simulated. ``tests/analysis/test_agreement_null_table.py`` recomputes
every entry and checks that no shipped questionnaire needs a value the table lacks.
"""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis import agreement_null  # noqa: E402
from analysis.diagnosis import diagnose  # noqa: E402
from analysis.instrument import list_questionnaires  # noqa: E402
from analysis.simulate import simulate_responses  # noqa: E402


def table() -> dict[str, list[float]]:
    """Key → critical m for n = 2 … MC_MAX_N of every item set the shipped questionnaires test."""
    agreement_null.USE_TABLE = False
    agreement_null._mc_critical_m.cache_clear()
    agreement_null.LIVE.clear()
    try:
        for q in list_questionnaires():
            diagnose(simulate_responses(q, respondents=400, teams=20, seed=1))
        out = {}
        for key, items in sorted(agreement_null.LIVE.items()):
            alpha, max_n, replicates = ast.literal_eval(key)[1:4]
            m = agreement_null._live_critical_m(items, alpha, max_n, replicates)
            out[key] = [float(x) for x in m]
        return out
    finally:
        agreement_null.USE_TABLE = True
        agreement_null._mc_critical_m.cache_clear()


def main() -> None:
    doc = {
        "generated_by": "scripts/agreement_null_table.py",
        "replicates": agreement_null.MC_REPLICATES,
        "seed": agreement_null.MC_SEED,
        "critical_m": table(),
    }
    text = json.dumps(doc, indent=1, ensure_ascii=False) + "\n"
    agreement_null.TABLE_PATH.write_text(text, encoding="utf-8")
    print(f"wrote {len(doc['critical_m'])} item sets to {agreement_null.TABLE_PATH}")


if __name__ == "__main__":
    main()
