"""Error rates of the team pattern as the pages show it: the typology only where the
team's findings confirm each of its claims (analysis.narrative.typologies_confirmed),
against the typology as computed, on simulated organizations with known truth
(docs/methodology.md §7, "The pattern shown").

    python tests/benchmarks/sim_shown_pattern.py [REPLICATIONS]

Per scenario (null, realistic) and team size (5, 20), over released teams: the share
given a pattern and the share of those whose pattern differs from the truth (and the
recovery of planted patterns where a scenario plants any).
"""

from __future__ import annotations

import sys

import numpy as np

from analysis.diagnosis import diagnose
from analysis.instrument import load_questionnaire
from analysis.maturity import TYPOLOGIES
from analysis.narrative import typologies_confirmed
from analysis.simulate import simulate


def run(scenario: str, team_size: int, replications: int, teams: int = 40) -> dict:
    q = load_questionnaire("aligned-autonomy-v1")
    c = {
        k: 0
        for k in (
            "released",
            "computed",
            "computed_wrong",
            "shown",
            "shown_wrong",
            "planted",
            "planted_computed",
            "planted_shown",
        )
    }
    for r in range(replications):
        sim = simulate(q, teams=teams, team_size=team_size, units=5, scenario=scenario, seed=r)
        t = diagnose(sim.data).teams
        tt = sim.truth.teams
        idx = np.array([tt.index(lab) for lab in t.labels])
        released = ~t.suppressed
        typ = np.asarray(t.typology, dtype=object)
        computed = released & np.isin(typ, TYPOLOGIES)
        shown = computed & typologies_confirmed(typ, t.finding, t.dimensions)
        planted = np.array([tt.planted_typology[i] for i in idx], dtype=object)
        truth = np.array([tt.planted_typology[i] or tt.typology[i] for i in idx], dtype=object)
        c["released"] += int(released.sum())
        c["computed"] += int(computed.sum())
        c["computed_wrong"] += int((computed & (typ != truth)).sum())
        c["shown"] += int(shown.sum())
        c["shown_wrong"] += int((shown & (typ != truth)).sum())
        has = released & (planted != None)  # noqa: E711
        c["planted"] += int(has.sum())
        c["planted_computed"] += int((has & computed & (typ == planted)).sum())
        c["planted_shown"] += int((has & shown & (typ == planted)).sum())
    return c


def pct(a: int, b: int) -> str:
    return f"{100 * a / b:.1f} %" if b else "–"


def main() -> None:
    reps = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    print(
        "| scenario | n | given a pattern (computed → shown) | pattern ≠ truth (computed → shown) "
        "| planted pattern recovered (computed → shown) |"
    )
    print("|---|---|---|---|---|")
    for scenario in ("null", "realistic"):
        for n in (5, 20):
            c = run(scenario, n, reps)
            print(
                f"| {scenario} | {n} | {pct(c['computed'], c['released'])} → {pct(c['shown'], c['released'])} "
                f"| {pct(c['computed_wrong'], c['computed'])} → {pct(c['shown_wrong'], c['shown'])} "
                f"| {pct(c['planted_computed'], c['planted'])} → {pct(c['planted_shown'], c['planted'])} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
