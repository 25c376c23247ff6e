r"""Synthetic survey responses with planted patterns, confounds and their ground truth.

Used by ``aad simulate``, the demo data of the service, the tests and the error-rate
harness (:mod:`analysis.error_rates`). Everything is vectorized over respondents (no
loop per team or respondent), so a million respondents take seconds.

Scenarios (:data:`SCENARIOS`)
    ``showcase`` (the default of :func:`simulate`, used by the demo and the tests that
    need unmistakable patterns): the model described below, with patterns planted at
    about ±3 SD. It shows what the product displays; it is *not* evidence that the
    engine finds realistic patterns.
    ``realistic``, ``null`` and ``random_units``: the realistic model of
    :mod:`analysis.simulate_model`, with switchable confounds (same-source halo,
    acquiescence, leniency, "don't know" as unawareness, small teams), a controllable
    ICC, fixed team sizes, planted patterns of realistic size (``realistic``), no team
    effects at all (``null``) or units that are random groupings of teams
    (``random_units``), and further waves with or without planted change.
Ground truth
    :attr:`Simulation.truth` (:mod:`analysis.simulate_truth`): per team, unit and wave
    the population perception score, structure index and "don't know" share, the
    verdicts they imply under the questionnaire's thresholds, the planted labels, the
    true differences and changes — for every scenario.

Showcase model
--------------
The default scenario, unchanged (the same seed gives the same answers as before the
realistic model existed), because the demo and the tests that check that
:func:`analysis.diagnose` finds unmistakable patterns rely on it.

Teams and units
    ``teams`` teams, split into ``units`` contiguous blocks of teams (if given). A few
    teams are deliberately small (1–4 respondents: ``max(3, T // 20)`` of them, at
    most a quarter of the teams, none when ``T < 8``); the other respondents are spread
    over the remaining teams with multinomial sizes around the mean (weights
    :math:`\sim \mathrm{Gamma}(3, 1)`), each at least 6 when there are enough
    respondents.
Team latent levels (per dimension :math:`d`)
    Structure :math:`z_{td} = 0.3\,u_{u(t)} + e_{td}` (unit effect
    :math:`u \sim N(0, 1)`, :math:`e \sim N(0, 1)`); perceived clarity
    :math:`\mu_{td} = 0.6\,z_{td} + 0.8\,f_{td}`, :math:`f \sim N(0, 1)`, so perception
    and structure are related but not the same.
Perception items
    Respondent latent :math:`\eta_{id} = 0.45\,\mu_{t(i)d} + 0.7\,(0.7\,g_i +
    0.714\,h_{id})` with a general positivity :math:`g` shared across dimensions; team
    leads get :math:`+1.0` on decision rights (a planted role gap). Item answer
    :math:`\mathrm{round}(3 + b_d + 0.9\,\eta_{id} + 0.6\,\varepsilon_{ij})` clipped to
    1–5, stored reversed (:math:`6 - x`) for reverse-keyed items; :math:`b` =
    (+0.2, 0, −0.2) for direction, decision rights, feedback.
Structure items
    Individual view :math:`z_{td} + 0.9\,\nu_{ij}` mapped to the item's scored options
    (ordered by score, equally spaced cut points on [−0.8, 0.8]); "don't know" with
    probability 0.05, +0.15 where the team's structure is weak (:math:`z < -0.5`), +0.10
    for tenure below one year.
Misconceptions
    :math:`\mathrm{round}(2.6 + m_t + \varepsilon)`, team propensity
    :math:`m_t \sim N(0, 0.5)`, :math:`\varepsilon \sim N(0, 1)`.
Outcome
    :math:`\mathrm{round}(3 + 0.5\,\eta_{dr} + 0.3\,\eta_{dir} + 0.2\,\eta_{fb} +
    0.3\,z_{dr} + 0.6\,\varepsilon)` — decision rights drive the litmus question most.
Background and missing answers
    The first respondent of every team of at least 2 is its lead; role missing for
    3 %. Tenure bands with probabilities 0.15/0.30/0.35/0.20, missing for 5 %. Every
    answer is missing with probability 0.02, and 1 % of respondents skip the
    misconception block. About 8 % leave a comment from a small bilingual bank.
Planted patterns (one team each, among the largest teams, ``max(1, T // 100)`` each
when there are many teams)
    ``proclaimed_not_anchored`` (decision rights: :math:`\mu = +3`, :math:`z = -2.2`),
    ``structural_gap`` (direction: :math:`\mu = -3`, :math:`z = -2.2`),
    ``unseen_structure`` (feedback: :math:`\mu = -3`, :math:`z = +2.2`),
    ``divided`` (decision rights: half the team at :math:`\eta = +2.2`, half at
    :math:`-2.2`), ``aligned_autonomy`` (all dimensions :math:`\mu = +3`,
    :math:`z = +2.2`), and ``small`` for the teams below five respondents. With few
    teams, patterns are planted in this order as long as teams are left.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np
from scipy import special

from analysis.arrays import FloatArray, IntArray, StrArray
from analysis.groups import Groups
from analysis.instrument import DIMENSIONS, Questionnaire, load_questionnaire
from analysis.responses import ResponseData, answer_items, build_responses
from analysis.simulate_model import (
    CAMP,
    MODEL_SCENARIOS,
    PERCEPTION_MARGIN,
    REALISTIC_PATTERNS,
    STRUCTURE_MARGIN,
    Confounds,
    _COMMENTS,
    generate,
)
from analysis.simulate_truth import (
    PerceptionPopulation,
    Population,
    StructurePopulation,
    Truth,
    compute_truth,
)

__all__ = ["PATTERNS", "REALISTIC_PATTERNS", "SCENARIOS", "Confounds", "Simulation", "simulate", "simulate_responses"]

#: Planted pattern → the dimension it is planted in (None: all / not dimension-specific),
#: in the ``showcase`` scenario.
PATTERNS = MappingProxyType(
    {
        "proclaimed_not_anchored": "decision_rights",
        "structural_gap": "direction",
        "unseen_structure": "feedback",
        "divided": "decision_rights",
        "aligned_autonomy": None,
    }
)
#: Scenarios of :func:`simulate`.
SCENARIOS = ("showcase",) + MODEL_SCENARIOS


@dataclass(frozen=True, eq=False)
class Simulation:
    """Synthetic responses, what was planted in them and the ground truth.

    Attributes
    ----------
    data : ResponseData
        The responses (of the first wave).
    planted : mapping of str to str
        Team label → planted pattern (a key of :data:`PATTERNS` or
        :data:`REALISTIC_PATTERNS`, or ``"small"`` in the showcase).
    scenario : str
        One of :data:`SCENARIOS`.
    waves : tuple of ResponseData
        Every wave's responses (``waves[0] is data``).
    truth : Truth
        The ground truth (computed on first access; see :mod:`analysis.simulate_truth`).
    """

    data: ResponseData
    planted: MappingProxyType[str, Any]
    scenario: str = "showcase"
    waves: tuple[Any, ...] = ()
    _truth_inputs: tuple[Any, ...] | None = None

    def teams_with(self, pattern: str) -> tuple[Any, ...]:
        """Labels of the teams in which ``pattern`` was planted."""
        return tuple(sorted(t for t, p in self.planted.items() if p == pattern))

    @functools.cached_property
    def truth(self) -> Truth:
        """The ground truth of every wave (:class:`~analysis.simulate_truth.Truth`)."""
        if self._truth_inputs is None:
            raise ValueError("truth: this Simulation was built without its model")
        populations, q, parameters, planted_changes = self._truth_inputs
        return compute_truth(
            populations, q, scenario=self.scenario, parameters=parameters, planted_changes=planted_changes
        )

    def to_dict(self) -> dict[str, Any]:
        """``{"n", "planted", "scenario", "waves": [n per wave]}`` (the truth has its own
        :meth:`~analysis.simulate_truth.Truth.to_dict`)."""
        return {
            "n": self.data.n,
            "planted": dict(self.planted),
            "scenario": self.scenario,
            "waves": [w.n for w in (self.waves or (self.data,))],
        }


def _team_sizes(rng: np.random.Generator, respondents: int, teams: int) -> tuple[IntArray, int]:
    n_small = min(max(3, teams // 20), teams // 4) if teams >= 8 else 0
    small = rng.integers(1, 5, size=n_small)
    regular = teams - n_small
    if respondents - small.sum() < regular:  # very few respondents: small teams of one
        small = np.ones(n_small, dtype=small.dtype)
    remaining = respondents - int(small.sum())
    base = 6 if remaining >= 6 * regular else 1
    w = rng.gamma(3.0, 1.0, size=regular)
    sizes = base + rng.multinomial(remaining - base * regular, w / w.sum())
    return np.concatenate([small, sizes]), n_small


def _int(name: str, value: object, lo: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < lo:
        want = "a positive integer" if lo == 1 else f"an integer >= {lo}"
        raise ValueError(f"{name}: must be {want}, got {value!r}")
    return int(value)


def simulate(
    questionnaire: Questionnaire | str = "aligned-autonomy-v1",
    *,
    respondents: int | None = None,
    teams: int,
    units: int | None = None,
    seed: int = 0,
    scenario: str = "showcase",
    team_size: int | None = None,
    confounds: Confounds | None = None,
    icc: float = 0.15,
    planted: int | None = None,
    waves: int = 1,
    changes: Mapping[str, Any] | None = None,
    margin: tuple[float, float] | None = None,
    camp: float | None = None,
) -> Simulation:
    """Simulate a survey of one organization, with its ground truth.

    Parameters
    ----------
    questionnaire : Questionnaire or str
        Instrument (object, bundled id or path).
    respondents : int, optional
        Number of respondents (>= ``teams``), spread over teams of varying size. Required
        unless ``team_size`` is given.
    teams : int
        Number of teams (>= 1).
    units : int, optional
        Number of units (1 … ``teams``, contiguous blocks of teams); no unit column when
        omitted.
    seed : int
        Seed of :func:`numpy.random.default_rng`; same seed → same data.
    scenario : {'showcase', 'realistic', 'null', 'random_units'}
        ``showcase`` (default): the model of this module's docstring, patterns at ±3 SD.
        The others use the realistic model of :mod:`analysis.simulate_model`:
        ``realistic`` with planted patterns of realistic size, ``null`` without any team
        or unit effect, ``random_units`` with team effects but no unit effect.
    team_size : int, optional
        Fixed design: every team has exactly this many members (>= 1; realistic model
        only). ``respondents`` is then ``teams * team_size``.
    confounds : Confounds, optional
        Confounds of the realistic model (default :class:`Confounds()`, all on with
        realistic strengths; ``Confounds.none()`` switches them off).
    icc : float
        Share of between-team variance in the latent perception level (0 … 0.9;
        realistic model only; default 0.15).
    planted : int, optional
        Teams per planted pattern in ``realistic`` (default ``max(1, teams // 40)``).
    waves : int
        Number of waves (realistic model only): later waves draw new respondents from the
        same team states.
    changes : mapping, optional
        Planted change from the first to the later waves: team label → dimension → shift
        of the team's perception and structure level in team-level SD (e.g.
        ``{"T03": {"decision_rights": 1.5}}``); needs ``waves >= 2``.
    margin : (float, float), optional
        How far inside their bands the planted patterns' true perception and structure
        lie, in points (``realistic`` only; default (15, 20): clear patterns;
        :data:`analysis.simulate_model.MARGINAL` (5, 8): just inside).
    camp : float, optional
        The camps of the planted divided team lie at ±``camp`` SD of the respondents'
        perception level around the organization's (``realistic`` only; default
        :data:`analysis.simulate_model.CAMP`, 0.9; from 0 exclusive to 3).

    Returns
    -------
    Simulation
        The data (every wave), the planted patterns and the ground truth.

    Raises
    ------
    ValueError
        Naming the argument and the value.
    """
    q = questionnaire if isinstance(questionnaire, Questionnaire) else load_questionnaire(questionnaire)
    if scenario not in SCENARIOS:
        raise ValueError(f"scenario: must be one of {', '.join(SCENARIOS)}, got {scenario!r}")
    teams = _int("teams", teams)
    if team_size is not None:
        team_size = _int("team_size", team_size)
        if respondents is not None and respondents != teams * team_size:
            raise ValueError(
                f"respondents: {respondents!r} differs from teams * team_size ({teams * team_size}); give one of them"
            )
        respondents = teams * team_size
    if respondents is None:
        raise ValueError("respondents: required unless team_size is given")
    respondents = _int("respondents", respondents)
    if respondents < teams:
        raise ValueError(f"respondents: {respondents} are too few for {teams} teams (every team needs one)")
    if units is not None and (
        isinstance(units, bool) or not isinstance(units, (int, np.integer)) or not 1 <= units <= teams
    ):
        raise ValueError(f"units: must be an integer from 1 to teams ({teams}), got {units!r}")
    waves = _int("waves", waves)
    if scenario == "showcase":
        for name, value, default in (
            ("team_size", team_size, None),
            ("confounds", confounds, None),
            ("planted", planted, None),
            ("changes", changes, None),
            ("margin", margin, None),
            ("camp", camp, None),
        ):
            if value is not default:
                raise ValueError(
                    f"{name}: only for the scenarios {', '.join(MODEL_SCENARIOS)}, not for showcase (got {value!r})"
                )
        if waves != 1:
            raise ValueError(f"waves: the showcase scenario has one wave, got {waves!r}")
        if icc != 0.15:
            raise ValueError(
                f"icc: only for the scenarios {', '.join(MODEL_SCENARIOS)}, not for showcase (got {icc!r})"
            )
        return _showcase(q, respondents=respondents, teams=teams, units=units, seed=seed)
    if confounds is None:
        confounds = Confounds()
    elif not isinstance(confounds, Confounds):
        raise ValueError(f"confounds: must be a Confounds, got {confounds!r}")
    if isinstance(icc, bool) or not isinstance(icc, (int, float)) or not 0.0 <= icc <= 0.9:
        raise ValueError(f"icc: must be a number from 0 to 0.9, got {icc!r}")
    if planted is not None:
        planted = _int("planted", planted, lo=0)
    changes = _check_changes(changes, teams, waves)
    if camp is not None and (isinstance(camp, bool) or not isinstance(camp, (int, float)) or not 0.0 < camp <= 3.0):
        raise ValueError(f"camp: must be a number above 0 and at most 3, got {camp!r}")
    g = generate(
        q,
        scenario=scenario,
        teams=teams,
        team_size=team_size,
        respondents=respondents,
        units=units,
        confounds=confounds,
        icc=float(icc),
        planted=planted,
        waves=waves,
        changes=changes,
        seed=seed,
        margin=margin if margin is not None else (PERCEPTION_MARGIN, STRUCTURE_MARGIN),
        camp=float(camp) if camp is not None else CAMP,
    )
    labels = np.array(g["team_labels"])
    unit_names = np.array(g["unit_labels"]) if units else None
    datas = []
    for team, answers, role, tenure, (c_team, c_text) in g["waves"]:
        comments = tuple(zip(labels[c_team].tolist(), c_text))
        datas.append(
            _assemble(q, team, g["sizes"], labels, g["unit_of_team"], unit_names, answers, role, tenure, comments)
        )
    planted_map = {str(labels[t]): p for t, p in g["planted"].items()}
    return Simulation(
        data=datas[0],
        planted=MappingProxyType(dict(sorted(planted_map.items()))),
        scenario=scenario,
        waves=tuple(datas),
        _truth_inputs=(tuple(g["populations"]), q, g["parameters"], g["planted_changes"]),
    )


def _check_changes(changes: object, teams: int, waves: int) -> dict[str, dict[str, float]] | None:
    if changes is None:
        return None
    if not isinstance(changes, Mapping):
        raise ValueError(f"changes: must be a mapping of team label to {{dimension: shift}}, got {changes!r}")
    if waves < 2:
        raise ValueError(f"changes: need waves >= 2, got waves={waves!r}")
    width = len(str(teams))
    valid = {f"T{t + 1:0{width}d}" for t in range(teams)}
    out: dict[str, dict[str, float]] = {}
    for team, dims in changes.items():
        if team not in valid:
            raise ValueError(f"changes: unknown team {team!r} (teams are T{1:0{width}d} … T{teams:0{width}d})")
        if not isinstance(dims, Mapping):
            raise ValueError(f"changes[{team!r}]: must be a mapping of dimension to shift, got {dims!r}")
        for dim, shift in dims.items():
            if dim not in DIMENSIONS:
                raise ValueError(f"changes[{team!r}]: unknown dimension {dim!r} (one of {', '.join(DIMENSIONS)})")
            if isinstance(shift, bool) or not isinstance(shift, (int, float)) or not np.isfinite(shift):
                raise ValueError(f"changes[{team!r}][{dim!r}]: must be a finite number, got {shift!r}")
        out[team] = {d: float(v) for d, v in dims.items()}
    return out


def _assemble(
    q: Questionnaire,
    team: IntArray,
    sizes: IntArray,
    team_labels: StrArray,
    unit_of_team: IntArray,
    unit_names: StrArray | None,
    answers: Mapping[str, FloatArray],
    role: StrArray,
    tenure: StrArray,
    comments: Iterable[tuple[str, str]],
) -> ResponseData:
    """ResponseData of one wave, with the label codes known in advance."""
    has_tenure = any(i.background == "tenure" for i in q.items_of("background"))
    team_groups = Groups(codes=team, labels=tuple(team_labels.tolist()), counts=np.asarray(sizes))
    unit_labels = unit_groups = None
    if unit_names is not None:
        U = unit_names.size
        unit_labels = unit_names[unit_of_team[team]]
        unit_groups = Groups(
            codes=unit_of_team[team],
            labels=tuple(unit_names.tolist()),
            counts=np.bincount(unit_of_team[team], minlength=U),
        )
    return build_responses(
        q,
        team=team_labels[team],
        answers=answers,
        unit=unit_labels,
        role=role,
        tenure=tenure if has_tenure else None,
        comments=comments,
        team_groups=team_groups,
        unit_groups=unit_groups,
    )


# ------------------------------------------------------------------ showcase model


def _showcase(q: Questionnaire, *, respondents: int, teams: int, units: int | None, seed: int) -> Simulation:
    rng = np.random.default_rng(seed)
    T, N = int(teams), int(respondents)
    sizes, n_small = _team_sizes(rng, N, T)
    order = rng.permutation(T)  # small teams are not the first labels
    sizes = sizes[np.argsort(order)]
    is_small = np.zeros(T, bool)
    is_small[order[:n_small]] = True
    team = np.repeat(np.arange(T), sizes)
    start = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    pos = np.arange(N) - start[team]
    width = len(str(T))
    team_labels = np.array([f"T{t + 1:0{width}d}" for t in range(T)])

    unit_of_team = (np.arange(T) * units // T) if units else np.zeros(T, np.intp)
    unit_eff = rng.normal(size=units or 1)
    z = 0.3 * unit_eff[unit_of_team][:, None] + rng.normal(size=(T, 3))
    mu = 0.6 * z + 0.8 * rng.normal(size=(T, 3))
    m_team = rng.normal(scale=0.5, size=T)

    # planted patterns in the largest regular teams
    planted = {}
    candidates = [int(t) for t in np.argsort(-sizes, kind="stable") if not is_small[t]]
    per_pattern = max(1, T // 100)
    dim = {d: i for i, d in enumerate(DIMENSIONS)}
    divided = np.zeros(T, bool)
    for pattern in PATTERNS:
        for _ in range(per_pattern):
            if not candidates:
                break
            t = candidates.pop(0)
            planted[str(team_labels[t])] = pattern
            if pattern == "proclaimed_not_anchored":
                mu[t, dim["decision_rights"]], z[t, dim["decision_rights"]] = 3.0, -2.2
                m_team[t] = 1.0
            elif pattern == "structural_gap":
                mu[t, dim["direction"]], z[t, dim["direction"]] = -3.0, -2.2
            elif pattern == "unseen_structure":
                mu[t, dim["feedback"]], z[t, dim["feedback"]] = -3.0, 2.2
            elif pattern == "divided":
                divided[t] = True
            else:
                mu[t], z[t] = 3.0, 2.2
    for t in np.flatnonzero(is_small).tolist():
        planted[str(team_labels[t])] = "small"

    # background
    role = np.where((pos == 0) & (sizes[team] >= 2), "lead", "member")
    role = np.where(rng.random(N) < 0.03, "", role)
    tenure_keys = np.array(["lt1", "y1_3", "y3_10", "gt10"])
    tenure = tenure_keys[rng.choice(4, size=N, p=[0.15, 0.30, 0.35, 0.20])]
    tenure = np.where(rng.random(N) < 0.05, "", tenure)

    # respondent latents
    g = rng.normal(size=N)
    eta = 0.45 * mu[team] + 0.7 * (0.7 * g[:, None] + 0.714 * rng.normal(size=(N, 3)))
    eta[:, dim["decision_rights"]] += 1.0 * (role == "lead")
    split = divided[team]
    camp = np.where(pos % 2 == 0, 2.2, -2.2)
    eta[:, dim["decision_rights"]] = np.where(split, camp + 0.2 * rng.normal(size=N), eta[:, dim["decision_rights"]])
    offset = np.array([0.2, 0.0, -0.2])

    ids = answer_items(q)
    answers = {}
    for item in q.items:
        if item.id not in ids:
            continue
        if item.kind == "perception":
            assert item.dimension is not None  # the schema gives every perception and structure item one
            d = dim[item.dimension]
            x = np.clip(np.rint(3 + offset[d] + 0.9 * eta[:, d] + 0.6 * rng.normal(size=N)), 1, 5)
            answers[item.id] = 6 - x if item.reverse else x
        elif item.kind == "structure":
            assert item.dimension is not None
            d = dim[item.dimension]
            scored = item.ranked_options
            values = np.array([o.value for o in scored], dtype=float)
            dk = next(o.value for o in item.answer_options if o.dont_know)
            cuts = np.linspace(-0.8, 0.8, len(values) - 1)
            view = z[team, d] + 0.9 * rng.normal(size=N)
            x = values[np.searchsorted(cuts, view)]
            p_dk = 0.05 + 0.15 * (z[team, d] < -0.5) + 0.10 * (tenure == "lt1")
            answers[item.id] = np.where(rng.random(N) < p_dk, dk, x)
        elif item.kind == "priority":
            # most teams share the organization's reading (priority 1); every fifth team
            # reads the direction differently (priority 2)
            P = len(item.answer_options)
            favourite = np.where(team % 5 == 4, 1, 0)
            spread = rng.integers(0, P, size=N)
            answers[item.id] = np.where(rng.random(N) < 0.6, favourite, spread) + 1.0
        elif item.kind == "misconception":
            x = np.clip(np.rint(2.6 + m_team[team] + rng.normal(size=N)), 1, 5)
            answers[item.id] = 6 - x if item.reverse else x
        else:  # outcome
            lat = (
                0.5 * eta[:, dim["decision_rights"]]
                + 0.3 * eta[:, dim["direction"]]
                + 0.2 * eta[:, dim["feedback"]]
                + 0.3 * z[team, dim["decision_rights"]]
            )
            answers[item.id] = np.clip(np.rint(3 + lat + 0.6 * rng.normal(size=N)), 1, 5)
    skip_mc = rng.random(N) < 0.01
    for item in q.items_of("misconception"):
        answers[item.id] = np.where(skip_mc, np.nan, answers[item.id])
    for item_id in answers:
        answers[item_id] = np.where(rng.random(N) < 0.02, np.nan, answers[item_id])

    commenters = np.flatnonzero(rng.random(N) < 0.08)
    texts = rng.integers(0, len(_COMMENTS), size=commenters.size)
    comments = tuple(zip(team_labels[team[commenters]].tolist(), [_COMMENTS[i] for i in texts.tolist()]))

    unit_labels = unit_names = None
    if units:
        uw = len(str(units))
        unit_names = np.array([f"U{u + 1:0{uw}d}" for u in range(units)])
        unit_labels = unit_names[unit_of_team[team]]
    has_tenure = any(i.background == "tenure" for i in q.items_of("background"))
    # zero-padded labels sort like their numbers, so the codes are known already
    team_groups = Groups(codes=team, labels=tuple(team_labels.tolist()), counts=sizes)
    unit_groups = None
    if unit_names is not None:
        unit_groups = Groups(
            codes=unit_of_team[team],
            labels=tuple(unit_names.tolist()),
            counts=np.bincount(unit_of_team[team], minlength=unit_names.size),
        )
    data = build_responses(
        q,
        team=team_labels[team],
        answers=answers,
        unit=unit_labels,
        role=role,
        tenure=tenure if has_tenure else None,
        comments=comments,
        team_groups=team_groups,
        unit_groups=unit_groups,
    )
    state = dict(
        sizes=sizes,
        mu=mu,
        z=z,
        divided=divided,
        team_labels=tuple(team_labels.tolist()),
        unit_of_team=unit_of_team if units else None,
        unit_names=tuple(unit_names.tolist()) if unit_names is not None else None,
        planted=planted,
    )
    population = _showcase_population(q, state)
    parameters = {"model": "showcase", "patterns": dict(PATTERNS)}
    return Simulation(
        data=data,
        planted=MappingProxyType(dict(sorted(planted.items()))),
        scenario="showcase",
        waves=(data,),
        _truth_inputs=((population,), q, parameters, {}),
    )


def _showcase_population(q: Questionnaire, st: Mapping[str, Any]) -> Population:
    """The showcase model's populations (its parameters, exactly as drawn above)."""
    sizes = np.asarray(st["sizes"])
    T = sizes.size
    mu, z, divided = st["mu"], st["z"], st["divided"]
    offset = np.array([0.2, 0.0, -0.2])
    person = 0.9 * 0.7 * np.sqrt(0.7**2 + 0.714**2)  # loading of the person part of eta
    lead = np.where(sizes >= 2, 0.97 / sizes, 0.0)  # leads whose role is not blanked
    plus = np.ceil(sizes / 2) / sizes
    perception, structure = [], []
    for d, dim in enumerate(DIMENSIONS):
        J = len(q.items_of("perception", dim))
        base = 3 + offset[d] + 0.9 * 0.45 * mu[:, d]
        if dim == "decision_rights":
            w = np.where(
                divided[:, None],
                np.stack([np.zeros(T), plus, 1 - plus], -1),
                np.stack([lead, 1 - lead, np.zeros(T)], -1),
            )
            m = np.where(
                divided[:, None],
                3 + offset[d] + 0.9 * np.array([0.0, 2.2, -2.2]),
                np.stack([base + 0.9, base, base], -1),
            )
            ld = np.where(divided[:, None], 0.9 * 0.2, person)
        else:
            w = np.stack([np.zeros(T), np.ones(T), np.zeros(T)], -1)
            m = np.stack([base, base, base], -1)
            ld = np.full((T, 3), person)
        load = np.zeros((T, 3, J, 2))
        load[..., 0] = ld[..., None]
        perception.append(
            PerceptionPopulation(
                weights=w,
                mean=np.broadcast_to(m[..., None], (T, 3, J)).copy(),
                loadings=load,
                residual=np.full(J, 0.6),
                thresholds=np.array([1.5, 2.5, 3.5, 4.5]),
            )
        )
        items = q.items_of("structure", dim)
        cuts, scores, dk_score, has_dk = [], [], [], []
        for it in items:
            scored = it.ranked_options
            cuts.append(np.linspace(-0.8, 0.8, len(scored) - 1))
            scores.append(np.array([o.score for o in scored], float))
            dk = [o for o in it.answer_options if o.dont_know]
            score = dk[0].score if dk else 0.0
            if score is None:
                raise ValueError(f"questionnaire: the don't-know option of {it.id} has no score")
            dk_score.append(float(score))
            has_dk.append(bool(dk))
        Js = len(items)
        p_new = 0.15 * 0.95  # tenure label "lt1"
        p = 0.05 + 0.15 * (z[:, d] < -0.5)
        beta = special.ndtri(np.stack([p + 0.10, p], -1))  # (T, 2)
        dk_beta = np.broadcast_to(beta[..., None], (T, 2, Js)).copy()
        dk_beta[..., ~np.array(has_dk, bool)] = -np.inf
        structure.append(
            StructurePopulation(
                weights=np.broadcast_to(np.array([p_new, 1 - p_new]), (T, 2)).copy(),
                mean=np.broadcast_to(z[:, d, None, None], (T, 2, Js)).copy(),
                loadings=np.zeros(Js),
                residual=np.full(Js, 0.9),
                cuts=tuple(cuts),
                scores=tuple(scores),
                dont_know_score=np.array(dk_score),
                dont_know_beta=dk_beta,
                dont_know_loadings=np.zeros(Js),
                team=np.array([it.scope == "team" for it in items]),
            )
        )
    labels = st["team_labels"]
    cells = np.full((T, 3), None, object)
    typ = np.full(T, None, object)
    index = {lab: i for i, lab in enumerate(labels)}
    for team, pattern in st["planted"].items():
        t = index[team]
        if pattern == "aligned_autonomy":
            cells[t, :] = "anchored_strength"
            typ[t] = "aligned_autonomy"
        elif pattern in PATTERNS:
            cells[t, DIMENSIONS.index(PATTERNS[pattern])] = pattern
    return Population(
        teams=labels,
        sizes=sizes,
        units=st["unit_names"],
        unit_of_team=st["unit_of_team"],
        perception=tuple(perception),
        structure=tuple(structure),
        planted=cells,
        planted_typology=typ,
        unit_effect=None,
        points=5,
    )


def simulate_responses(
    questionnaire: Questionnaire | str = "aligned-autonomy-v1",
    *,
    respondents: int | None = None,
    teams: int,
    units: int | None = None,
    seed: int = 0,
    **options: Any,
) -> ResponseData:
    """Simulated :class:`ResponseData` (see :func:`simulate`, which also tells what was
    planted where and the truth). Same arguments as :func:`simulate`."""
    return simulate(questionnaire, respondents=respondents, teams=teams, units=units, seed=seed, **options).data
