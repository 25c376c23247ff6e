r"""Error rates of the engine's verdicts on simulated organizations with known truth.

For a scenario of :func:`analysis.simulate.simulate`, a fixed team size and a number of
replications, :func:`error_rates` simulates organizations, runs :func:`analysis.diagnose`
(and :func:`analysis.compare_waves` on a second wave), compares every verdict with the
ground truth (:mod:`analysis.simulate_truth`) and returns the rates.

The verdicts are read from the public output only — ``Diagnosis.to_dict()`` and
``compare_waves(...).to_dict()`` — and generically, so that the harness keeps working
when labels and fields are added:

* a team cell's ``finding`` that is one of the truth's labels (:data:`FINDINGS`) is a
  verdict; any other value of a released cell (None, or a new state such as "not
  precise enough to classify") counts as **withheld** — neither a false positive nor a
  recovery; a suppressed team or cell counts as **not released**;
* a flagged difference is an entry of ``differences`` (its ``direction``, else the sign
  of ``difference`` or ``d``);
* a wave change is flagged when its ``change`` is ``improved`` or ``declined``;
  ``no_reliable_change`` is no flag, any other value is withheld, an unavailable change
  is not released.

Rates (each with its numerator and denominator, summed over replications)
    * ``finding ≠ truth``: share of released team cells (outside planted cells) whose
      label differs from the true finding (withheld cells count in the denominator as
      neither). On ``null`` data every label other than the organization's true finding
      is a false positive.
    * ``false positive <label>``: share of released cells (outside planted cells)
      whose true finding is not ``<label>`` but that get ``<label>``.
    * ``recovery <label>``: share of planted cells (``realistic``) that get the planted
      label; ``withheld`` the share that get none; for ``unseen_structure`` planted
      through unawareness the true finding from the scored index is ``structural_gap``
      (the planted label is what counts as recovered).
    * ``typology ≠ truth``, ``maturity level ≠ truth``, ``maturity off by ≥ 2``:
      per released team (cell).
    * differences, per level (team, unit): ``FWER`` = share of replications with at
      least one false flag (a flag whose true standardized difference is below
      ``min_effect`` or of the other sign; on ``null`` data every flag), ``FDR`` = mean
      over replications of false flags / flags (0 without flags), ``recovery`` = share
      of comparisons with a true difference that matters (|d| ≥ 0.5) flagged in its
      direction.
    * wave changes (step from wave 1 to wave 2), per level: ``FWER`` and ``FDR`` as
      above (a false flag: the true change is below ``min_change`` or of the other
      sign), ``recovery`` = share of planted changes flagged in their direction.

Replication :math:`r` uses the simulation seed ``seed + r``, so every figure can be
reproduced one replication at a time.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from analysis.instrument import DIMENSIONS, Questionnaire, load_questionnaire
from analysis.maturity import TYPOLOGIES
from analysis.simulate import SCENARIOS, Confounds, Simulation, simulate
from analysis.simulate_truth import Truth, WaveTruth

__all__ = ["FINDINGS", "Rate", "ErrorRates", "error_rates", "run_error_rates", "tally", "markdown"]

#: Labels the truth defines for a team cell.
FINDINGS = ("anchored_strength", "structural_gap", "proclaimed_not_anchored", "unseen_structure", "mixed", "divided")
_WITHHELD = "withheld"
_NOT_RELEASED = "not_released"
_CHANGE_SIGN = {"improved": 1, "declined": -1, "no_reliable_change": 0}
_MEASURE = {"score": "perception", "perception": "perception", "structure": "structure"}


@dataclass(frozen=True)
class Rate:
    """One rate: ``count / total`` (``rate`` is NaN when ``total`` is 0).

    ``verdict`` names the kind (``finding``, ``typology``, ``maturity``,
    ``difference``, ``change``), ``label`` the label or level, ``metric`` the rate
    (``false_positive``, ``recovery``, ``withheld``, ``not_released``, ``fwer``,
    ``fdr``, ``wrong``, ``off_by_2``); ``text`` is the row caption.
    """

    verdict: str
    label: str
    metric: str
    count: float
    total: float
    text: str
    note: str | None = None

    @property
    def rate(self) -> float:
        return self.count / self.total if self.total else float("nan")

    def to_dict(self) -> dict[str, Any]:
        r = self.rate
        return {
            "verdict": self.verdict,
            "label": self.label,
            "metric": self.metric,
            "count": self.count,
            "total": self.total,
            "rate": None if np.isnan(r) else round(r, 6),
            "text": self.text,
            "note": self.note,
        }


@dataclass(frozen=True, eq=False)
class ErrorRates:
    """Rates of one configuration (scenario × team size), see the module docstring."""

    scenario: str
    team_size: int
    teams: int
    units: int | None
    replications: int
    seed: int
    seconds: float
    rates: tuple[Rate, ...]

    def get(self, verdict: str, label: str, metric: str) -> Rate | None:
        """The rate of (verdict, label, metric), or None."""
        for r in self.rates:
            if (r.verdict, r.label, r.metric) == (verdict, label, metric):
                return r
        return None

    def to_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "team_size": self.team_size,
            "teams": self.teams,
            "units": self.units,
            "replications": self.replications,
            "seed": self.seed,
            "seconds": round(self.seconds, 3),
            "rates": [r.to_dict() for r in self.rates],
        }


# ------------------------------------------------------------------ reading the output


def _label(value: object) -> str | None:
    """A verdict label from an output field (a string, or a mapping with a label)."""
    if isinstance(value, Mapping):
        value = value.get("label", value.get("finding", value.get("value")))
    return value if isinstance(value, str) else None


def _cells(records: Sequence[Mapping[str, Any]], key: str) -> dict[tuple[Any, str], Mapping[str, Any] | None]:
    """``{(group, dimension): cell or None}`` of released groups; None marks not released."""
    out: dict[tuple[Any, str], Mapping[str, Any] | None] = {}
    for rec in records:
        group = rec.get(key)
        hidden = bool(rec.get("suppressed"))
        dims = rec.get("dimensions") or {}
        for d in DIMENSIONS:
            cell = dims.get(d)
            out[group, d] = None if hidden or not isinstance(cell, Mapping) or cell.get("suppressed") else cell
    return out


def _sign(entry: Mapping[str, Any]) -> int:
    direction = entry.get("direction")
    if direction in ("higher", "lower"):
        return 1 if direction == "higher" else -1
    for key in ("difference", "d"):
        v = entry.get(key)
        if isinstance(v, (int, float)) and v == v and v != 0:
            return 1 if v > 0 else -1
    return 0


#: A count's key: the verdict, then what it is about (level, label, expected and observed
#: label, metric); the labels come from the output and the truth as they are (None included).
_Key = tuple[Any, ...]
#: Count and total of every key.
Counts = dict[_Key, tuple[float, float]]


class _Counts:
    def __init__(self) -> None:
        self.c: Counts = {}

    def add(self, key: _Key, count: float = 1.0, total: float = 1.0) -> None:
        a, b = self.c.get(key, (0.0, 0.0))
        self.c[key] = (a + count, b + total)


def _tally_findings(out: Mapping[str, Any], truth: WaveTruth, acc: _Counts) -> None:
    tt = truth.teams
    cells = _cells(out.get("teams") or [], "team")
    for (team, dim), cell in cells.items():
        try:
            i = tt.index(team)
        except KeyError:
            continue
        j = DIMENSIONS.index(dim)
        planted = tt.planted[i, j]
        expected = planted if planted is not None else tt.finding[i, j]
        where = "planted" if planted is not None else "unplanted"
        if cell is None:
            acc.add(("finding", where, expected, _NOT_RELEASED))
            continue
        got = _label(cell.get("finding"))
        got = got if got in FINDINGS else _WITHHELD
        acc.add(("finding", where, expected, got))
        level = cell.get("level")
        if isinstance(level, (int, np.integer)) and not isinstance(level, bool) and level >= 1:
            diff = abs(int(level) - int(tt.level_[i, j]))
            acc.add(("maturity", "wrong"), float(diff != 0))
            acc.add(("maturity", "off_by_2"), float(diff >= 2))
        else:
            acc.add(("maturity", "withheld"))
    for rec in out.get("teams") or []:
        if rec.get("suppressed"):
            continue
        try:
            i = tt.index(rec.get("team"))
        except KeyError:
            continue
        expected = tt.planted_typology[i] or tt.typology[i]
        got = _label(rec.get("typology"))
        if got not in TYPOLOGIES:  # None, or a state such as "not precise enough"
            acc.add(("typology", "withheld"))
        else:
            acc.add(("typology", "wrong"), float(got != expected))


def _real(t: Mapping[str, Any] | None) -> bool:
    """A true difference that matters; a unit without an effect of its own (units that are
    random groupings of teams) has none, whatever its teams happen to be."""
    return t is not None and t["matters"] and t.get("unit_effect", 1.0) != 0.0


def _tally_differences(out: Mapping[str, Any], truth: WaveTruth, acc: _Counts) -> None:
    true = {(r["level"], r["group"], r["dimension"], r["measure"]): r for r in truth.differences}
    released = {
        "team": {r.get("team") for r in out.get("teams") or [] if not r.get("suppressed")},
        "unit": {r.get("unit") for r in out.get("units") or [] if not r.get("suppressed")},
    }
    flags: dict[_Key, int] = {}
    for e in out.get("differences") or []:
        key = (e.get("level"), e.get("group"), e.get("dimension"), _MEASURE.get(e.get("measure"), e.get("measure")))
        flags[key] = _sign(e)
    for level in ("team", "unit"):
        if level == "unit" and truth.units is None:
            continue
        n_flags = n_false = 0
        for key, sign in flags.items():
            if key[0] != level:
                continue
            n_flags += 1
            if not _real(true.get(key)) or sign != (1 if true[key]["direction"] == "higher" else -1):
                n_false += 1
        acc.add(("difference", level, "fwer"), float(n_false > 0))
        acc.add(("difference", level, "fdr"), n_false / n_flags if n_flags else 0.0)
        acc.add(("difference", level, "flags"), n_flags)
        for key, t in true.items():
            if key[0] != level or not _real(t) or key[1] not in released[level]:
                continue
            want = 1 if t["direction"] == "higher" else -1
            acc.add(("difference", level, "recovery"), float(flags.get(key) == want))


def _tally_changes(out: Mapping[str, Any], truth: Truth, acc: _Counts) -> None:
    labels = out.get("labels") or []
    first, second = (labels[0], labels[1]) if len(labels) >= 2 else (None, None)
    true = {
        (c["level"], c["group"], c["dimension"], _MEASURE[c["measure"]]): c
        for c in truth.changes
        if c["from_wave"] == truth.waves[0].label
    }
    seen: dict[_Key, int | str | None] = {}
    for e in out.get("changes") or []:
        if e.get("span", "step") != "step" or (first and (e.get("from_wave"), e.get("to_wave")) != (first, second)):
            continue
        key = (e.get("level"), e.get("group"), e.get("dimension"), _MEASURE.get(e.get("measure"), e.get("measure")))
        if not e.get("available", True):
            seen[key] = None
        else:
            change = _label(e.get("change"))
            seen[key] = _CHANGE_SIGN.get(change, _WITHHELD) if change is not None else _WITHHELD
    for level in ("organization", "unit", "team"):
        n_flags = n_false = 0
        any_level = False
        for key, sign in seen.items():
            if key[0] != level:
                continue
            any_level = True
            if sign is None:
                acc.add(("change", level, "not_released"))
                continue
            acc.add(("change", level, "not_released"), 0.0)
            if sign == _WITHHELD:
                acc.add(("change", level, "withheld"))
                continue
            acc.add(("change", level, "withheld"), 0.0)
            if sign == 0:
                continue
            n_flags += 1
            t = true.get(key)
            if t is None or not t["matters"] or sign != (1 if t["difference"] > 0 else -1):
                n_false += 1
        if not any_level:
            continue
        acc.add(("change", level, "fwer"), float(n_false > 0))
        acc.add(("change", level, "fdr"), n_false / n_flags if n_flags else 0.0)
        for key, t in true.items():
            if key[0] != level or not t["planted"] or key not in seen:
                continue
            want = 1 if t["difference"] > 0 else -1
            acc.add(("change", level, "recovery"), float(seen[key] == want))


def tally(
    diagnosis: Mapping[str, Any],
    truth: Truth,
    comparison: Mapping[str, Any] | None = None,
    counts: Counts | None = None,
) -> Counts:
    """Compare one replication's output with its truth and add up the counts.

    Parameters
    ----------
    diagnosis : mapping
        ``Diagnosis.to_dict()`` of the first wave.
    truth : Truth
        ``Simulation.truth``.
    comparison : mapping, optional
        ``compare_waves([...]).to_dict()`` of the first two waves.
    counts : dict, optional
        Counts to add to (as returned by an earlier call).

    Returns
    -------
    dict
        ``{key: (count, total)}``; keys are tuples such as ``("finding", "unplanted",
        expected, observed)`` or ``("difference", "team", "fwer")``.
    """
    if not isinstance(diagnosis, Mapping):
        raise TypeError(f"diagnosis: must be the mapping of Diagnosis.to_dict(), got {type(diagnosis).__name__}")
    acc = _Counts()
    if counts:
        acc.c = dict(counts)
    _tally_findings(diagnosis, truth.waves[0], acc)
    _tally_differences(diagnosis, truth.waves[0], acc)
    if comparison is not None:
        _tally_changes(comparison, truth, acc)
    return acc.c


# ------------------------------------------------------------------ rates


def _rates(c: Counts, scenario: str) -> tuple[Rate, ...]:
    rows = []

    def total(pred: Callable[[_Key], bool]) -> float:
        return sum(v[0] for k, v in c.items() if pred(k))

    fin = {k: v[0] for k, v in c.items() if k[0] == "finding"}
    for where in ("unplanted", "planted"):
        cells = {k: v for k, v in fin.items() if k[1] == where}
        if not cells:
            continue
        released = sum(v for k, v in cells.items() if k[3] != _NOT_RELEASED)
        allc = sum(cells.values())
        if where == "unplanted":
            wrong = sum(v for k, v in cells.items() if k[3] in FINDINGS and k[3] != k[2])
            rows.append(
                Rate(
                    "finding",
                    "any",
                    "false_positive",
                    wrong,
                    released,
                    "team finding ≠ truth (share of released cells)",
                )
            )
            for lab in FINDINGS:
                fp = sum(v for k, v in cells.items() if k[3] == lab and k[2] != lab)
                den = sum(v for k, v in cells.items() if k[2] != lab and k[3] != _NOT_RELEASED)
                rows.append(
                    Rate(
                        "finding",
                        lab,
                        "false_positive",
                        fp,
                        den,
                        f"false positive `{lab}` (cells whose truth is not {lab})",
                    )
                )
            rows.append(
                Rate(
                    "finding",
                    "any",
                    "withheld",
                    sum(v for k, v in cells.items() if k[3] == _WITHHELD),
                    released,
                    "team cells withheld (no label)",
                )
            )
            rows.append(
                Rate("finding", "any", "not_released", allc - released, allc, "team cells not released (fewer than k)")
            )
        else:
            for lab in sorted({k[2] for k in cells}, key=FINDINGS.index):
                mine = {k: v for k, v in cells.items() if k[2] == lab}
                den = sum(mine.values())
                rows.append(
                    Rate(
                        "finding",
                        lab,
                        "recovery",
                        sum(v for k, v in mine.items() if k[3] == lab),
                        den,
                        f"recovery of planted `{lab}`",
                    )
                )
                rows.append(
                    Rate(
                        "finding",
                        lab,
                        "withheld",
                        sum(v for k, v in mine.items() if k[3] == _WITHHELD),
                        den,
                        f"planted `{lab}` withheld",
                    )
                )
                others: dict[str, float] = {}
                for k, v in mine.items():
                    if k[3] not in (lab, _WITHHELD, _NOT_RELEASED):
                        others[k[3]] = others.get(k[3], 0) + v
                top = max(sorted(others), key=lambda label: others[label]) if others else None
                rows.append(
                    Rate(
                        "finding",
                        lab,
                        "other",
                        others.get(top, 0) if top is not None else 0,
                        den,
                        f"planted `{lab}`: most frequent other label",
                        note=top,
                    )
                )
    for verdict, texts in (
        ("typology", {"wrong": "typology ≠ truth (released teams)"}),
        ("maturity", {"wrong": "maturity level ≠ truth (released cells)", "off_by_2": "maturity level off by ≥ 2"}),
    ):
        for metric, text in texts.items():
            tally_ = c.get((verdict, metric))
            if tally_ is not None:
                withheld = c.get((verdict, "withheld"), (0.0, 0.0))[0]
                rows.append(Rate(verdict, "team", metric, tally_[0], tally_[1] + withheld, text))
    for kind, levels in (("difference", ("team", "unit")), ("change", ("team", "unit", "organization"))):
        noun = "differences vs rest" if kind == "difference" else "wave changes"
        for level in levels:
            for metric, text in (
                ("fwer", f"{level} {noun}: FWER (replications with a false flag)"),
                ("fdr", f"{level} {noun}: FDR"),
                (
                    "recovery",
                    f"{level} {noun}: recovery of " + ("true |d| ≥ 0.5" if kind == "difference" else "planted changes"),
                ),
                ("withheld", f"{level} {noun}: withheld"),
            ):
                tally_ = c.get((kind, level, metric))
                if tally_ is not None and tally_[1]:
                    rows.append(Rate(kind, level, metric, tally_[0], tally_[1], text))
    return tuple(rows)


def _planted_changes(rng: np.random.Generator, sim: Simulation, k: int, shift: float) -> dict[str, dict[str, float]]:
    labels = [t for t in sim.data.teams.labels if t not in sim.planted]
    chosen = rng.choice(len(labels), size=min(k, len(labels)), replace=False)
    dims = rng.integers(0, 3, size=chosen.size)
    signs = np.where(rng.random(chosen.size) < 0.5, 1.0, -1.0)
    return {labels[i]: {DIMENSIONS[d]: float(s * shift)} for i, d, s in zip(chosen, dims, signs)}


def error_rates(
    scenario: str = "null",
    *,
    team_size: int = 8,
    teams: int = 40,
    units: int | None = 5,
    replications: int = 100,
    seed: int = 0,
    questionnaire: Questionnaire | str = "aligned-autonomy-v1",
    confounds: Confounds | None = None,
    icc: float = 0.15,
    waves: bool = True,
    changed_teams: int | None = None,
    change_shift: float = 1.0,
    diagnose_options: Mapping[str, Any] | None = None,
    margin: tuple[float, float] | None = None,
    camp: float | None = None,
) -> ErrorRates:
    """Error rates of the verdicts for one scenario and team size.

    Parameters
    ----------
    scenario : {'null', 'realistic', 'random_units'}
        Scenario of :func:`analysis.simulate.simulate` (``showcase`` is refused: it has
        no fixed design).
    team_size : int
        Members of every team (fixed design).
    teams, units : int
        Teams of the organization and units (contiguous blocks; None: no unit level).
    replications : int
        Simulated organizations (replication ``r`` has seed ``seed + r``).
    seed : int
    questionnaire : Questionnaire or str
    confounds : Confounds, optional
        Default: all confounds at their realistic strength.
    icc : float
        Latent ICC of the perception levels.
    waves : bool
        Also simulate a second wave and compare the waves: no change in ``null`` and
        ``random_units``; in ``realistic`` ``changed_teams`` teams (default a tenth,
        at least 1; not planted with a pattern) change by ``change_shift`` team-level
        SD (sign at random) in one random dimension.
    diagnose_options : mapping, optional
        Keyword arguments for :func:`analysis.diagnose` (e.g. ``min_group_size``).
    margin : (float, float), optional
        How far inside their bands planted patterns lie (``realistic``; see
        :func:`analysis.simulate.simulate`).
    camp : float, optional
        Camps of the planted divided team at ±``camp`` SD (``realistic``; see
        :func:`analysis.simulate.simulate`).

    Returns
    -------
    ErrorRates
    """
    from analysis.diagnosis import diagnose
    from analysis.waves import compare_waves

    if scenario not in SCENARIOS or scenario == "showcase":
        raise ValueError(
            f"scenario: must be one of {', '.join(s for s in SCENARIOS if s != 'showcase')}, got {scenario!r}"
        )
    for name, value in (("replications", replications), ("team_size", team_size), ("teams", teams)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{name}: must be a positive integer, got {value!r}")
    q = questionnaire if isinstance(questionnaire, Questionnaire) else load_questionnaire(questionnaire)
    opts = dict(diagnose_options or {})
    k_change = changed_teams if changed_teams is not None else max(1, teams // 10)
    counts: Counts = {}
    t0 = time.perf_counter()
    for r in range(replications):
        s = seed + r
        realistic = scenario == "realistic"

        def draw(n_waves: int, changes: Mapping[str, Mapping[str, float]] | None = None, s: int = s) -> Simulation:
            return simulate(
                q,
                teams=teams,
                team_size=team_size,
                units=units,
                scenario=scenario,
                confounds=confounds,
                icc=icc,
                seed=s,
                margin=margin if realistic else None,
                camp=camp if realistic else None,
                waves=n_waves,
                changes=changes,
            )

        sim = draw(2 if waves else 1)
        if waves and realistic:
            ch = _planted_changes(np.random.default_rng([seed, r, 1]), sim, k_change, change_shift)
            sim = draw(2, ch)
        d1 = diagnose(sim.data, **opts)
        comparison = None
        if waves:
            d2 = diagnose(sim.waves[1], **opts)
            comparison = compare_waves([d1, d2]).to_dict()
        counts = tally(d1.to_dict(), sim.truth, comparison, counts)
    seconds = time.perf_counter() - t0
    return ErrorRates(
        scenario=scenario,
        team_size=int(team_size),
        teams=int(teams),
        units=units,
        replications=int(replications),
        seed=int(seed),
        seconds=seconds,
        rates=_rates(counts, scenario),
    )


def run_error_rates(
    scenarios: Sequence[str] = ("null", "realistic", "random_units"),
    team_sizes: Sequence[int] = (5, 8, 12, 20),
    **options: Any,
) -> tuple[ErrorRates, ...]:
    """:func:`error_rates` for every scenario and team size (same options)."""
    return tuple(error_rates(s, team_size=n, **options) for s in scenarios for n in team_sizes)


def _fmt(r: Rate | None) -> str:
    if r is None or not r.total:
        return "–"
    if r.metric in ("fwer", "fdr"):  # means over replications
        return f"{100 * r.rate:.1f} %"
    text = f"{100 * r.rate:.1f} % ({r.count:g}/{r.total:g})"
    if r.metric == "other":
        return f"`{r.note}` {text}" if r.note else "–"
    return text


_ORDER = {
    "verdict": ("finding", "typology", "maturity", "difference", "change"),
    "label": ("any",) + FINDINGS + ("team", "unit", "organization"),
    "metric": ("false_positive", "recovery", "withheld", "other", "not_released", "wrong", "off_by_2", "fwer", "fdr"),
}


def _key(k: tuple[str, str, str, str]) -> tuple[int, int, int, int]:
    verdict, label, metric, _ = k
    section = 0 if (verdict == "finding" and metric in ("false_positive",) or label == "any") else 1
    return (
        _ORDER["verdict"].index(verdict),
        section,
        _ORDER["label"].index(label) if label in _ORDER["label"] else 99,
        _ORDER["metric"].index(metric) if metric in _ORDER["metric"] else 99,
    )


def markdown(results: Sequence[ErrorRates]) -> str:
    """Markdown tables, one per scenario, with a column per team size."""
    lines = []
    for scenario in dict.fromkeys(r.scenario for r in results):
        group = [r for r in results if r.scenario == scenario]
        keys = sorted(dict.fromkeys((x.verdict, x.label, x.metric, x.text) for r in group for x in r.rates), key=_key)
        reps = sorted({r.replications for r in group})
        lines.append(
            f"### Scenario `{scenario}` ({group[0].teams} teams, "
            f"{group[0].units or 'no'} units, {', '.join(map(str, reps))} replications, "
            f"seeds {group[0].seed}…{group[0].seed + max(reps) - 1})"
        )
        lines.append("")
        lines.append("| verdict | " + " | ".join(f"n = {r.team_size}" for r in group) + " |")
        lines.append("|---|" + "---|" * len(group))
        for verdict, label, metric, text in keys:
            lines.append(f"| {text} | " + " | ".join(_fmt(r.get(verdict, label, metric)) for r in group) + " |")
        lines.append("| run time | " + " | ".join(f"{r.seconds:.1f} s" for r in group) + " |")
        lines.append("")
    return "\n".join(lines)
