r"""Realistic synthetic survey responses with planted patterns.

Used by ``aad simulate``, the demo data of the service and the tests, which check that
:func:`analysis.diagnose` finds what was planted. Everything is vectorized over
respondents (no loop per team or respondent), so a million respondents take seconds.

Generative model
----------------
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

from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from analysis.instrument import DIMENSIONS, Questionnaire, load_questionnaire
from analysis.groups import Groups
from analysis.responses import ResponseData, answer_items, build_responses

__all__ = ["PATTERNS", "Simulation", "simulate", "simulate_responses"]

#: Planted pattern → the dimension it is planted in (None: all / not dimension-specific).
PATTERNS = MappingProxyType({
    "proclaimed_not_anchored": "decision_rights",
    "structural_gap": "direction",
    "unseen_structure": "feedback",
    "divided": "decision_rights",
    "aligned_autonomy": None,
})

_COMMENTS = (
    "Decisions are taken quickly when the priorities are clear.",
    "We often wait for approval on things we could decide ourselves.",
    "Nobody looks at the results of our decisions afterwards.",
    "The strategy changes every quarter.",
    "Our team agreements with the neighbouring teams help a lot.",
    "Wir warten oft auf Freigaben, die eigentlich nicht nötig wären.",
    "Die Prioritäten sind klar, aber niemand weiß, wer entscheidet.",
    "Rückmeldungen zu unseren Entscheidungen bekommen wir selten.",
)


@dataclass(frozen=True, eq=False)
class Simulation:
    """Synthetic responses and what was planted in them.

    Attributes
    ----------
    data : ResponseData
    planted : mapping of str to str
        Team label → planted pattern (a key of :data:`PATTERNS`, or ``"small"``).
    """

    data: ResponseData
    planted: MappingProxyType

    def teams_with(self, pattern: str) -> tuple:
        """Labels of the teams in which ``pattern`` was planted."""
        return tuple(sorted(t for t, p in self.planted.items() if p == pattern))

    def to_dict(self) -> dict:
        return {"n": self.data.n, "planted": dict(self.planted)}


def _team_sizes(rng, respondents: int, teams: int):
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


def simulate(questionnaire="aligned-autonomy-v1", *, respondents: int, teams: int,
             units: int | None = None, seed: int = 0) -> Simulation:
    """Simulate a survey with the generative model of the module docstring.

    Parameters
    ----------
    questionnaire : Questionnaire or str
        Instrument (object, bundled id or path).
    respondents : int
        Number of respondents (>= ``teams``).
    teams : int
        Number of teams (>= 1).
    units : int, optional
        Number of units (1 … ``teams``); no unit column when omitted.
    seed : int
        Seed of :func:`numpy.random.default_rng`; same seed → same data.

    Returns
    -------
    Simulation
        The data and the planted patterns.
    """
    q = questionnaire if isinstance(questionnaire, Questionnaire) else load_questionnaire(questionnaire)
    for name, value in (("respondents", respondents), ("teams", teams)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{name}: must be a positive integer, got {value!r}")
    if respondents < teams:
        raise ValueError(f"respondents: {respondents} are too few for {teams} teams (every team needs one)")
    if units is not None and (isinstance(units, bool) or not isinstance(units, (int, np.integer))
                              or not 1 <= units <= teams):
        raise ValueError(f"units: must be an integer from 1 to teams ({teams}), got {units!r}")
    rng = np.random.default_rng(seed)
    T, N = int(teams), int(respondents)
    sizes, n_small = _team_sizes(rng, N, T)
    order = rng.permutation(T)                       # small teams are not the first labels
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
    for t in np.flatnonzero(is_small):
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
    eta[:, dim["decision_rights"]] = np.where(split, camp + 0.2 * rng.normal(size=N),
                                              eta[:, dim["decision_rights"]])
    offset = np.array([0.2, 0.0, -0.2])

    ids = answer_items(q)
    answers = {}
    for item in q.items:
        if item.id not in ids:
            continue
        if item.kind == "perception":
            d = dim[item.dimension]
            x = np.clip(np.rint(3 + offset[d] + 0.9 * eta[:, d] + 0.6 * rng.normal(size=N)), 1, 5)
            answers[item.id] = 6 - x if item.reverse else x
        elif item.kind == "structure":
            d = dim[item.dimension]
            scored = sorted((o for o in item.options if not o.dont_know), key=lambda o: o.score)
            values = np.array([o.value for o in scored], dtype=float)
            dk = next(o.value for o in item.options if o.dont_know)
            cuts = np.linspace(-0.8, 0.8, len(values) - 1)
            view = z[team, d] + 0.9 * rng.normal(size=N)
            x = values[np.searchsorted(cuts, view)]
            p_dk = 0.05 + 0.15 * (z[team, d] < -0.5) + 0.10 * (tenure == "lt1")
            answers[item.id] = np.where(rng.random(N) < p_dk, dk, x)
        elif item.kind == "misconception":
            answers[item.id] = np.clip(np.rint(2.6 + m_team[team] + rng.normal(size=N)), 1, 5)
        else:  # outcome
            lat = (0.5 * eta[:, dim["decision_rights"]] + 0.3 * eta[:, dim["direction"]]
                   + 0.2 * eta[:, dim["feedback"]] + 0.3 * z[team, dim["decision_rights"]])
            answers[item.id] = np.clip(np.rint(3 + lat + 0.6 * rng.normal(size=N)), 1, 5)
    skip_mc = rng.random(N) < 0.01
    for item in q.items_of("misconception"):
        answers[item.id] = np.where(skip_mc, np.nan, answers[item.id])
    for item_id in answers:
        answers[item_id] = np.where(rng.random(N) < 0.02, np.nan, answers[item_id])

    commenters = np.flatnonzero(rng.random(N) < 0.08)
    texts = rng.integers(0, len(_COMMENTS), size=commenters.size)
    comments = tuple(zip(team_labels[team[commenters]].tolist(),
                         [_COMMENTS[i] for i in texts.tolist()]))

    unit_labels = unit_names = None
    if units:
        uw = len(str(units))
        unit_names = np.array([f"U{u + 1:0{uw}d}" for u in range(units)])
        unit_labels = unit_names[unit_of_team[team]]
    has_tenure = any(i.background == "tenure" for i in q.items_of("background"))
    # zero-padded labels sort like their numbers, so the codes are known already
    team_groups = Groups(codes=team, labels=tuple(team_labels.tolist()), counts=sizes)
    unit_groups = None
    if units:
        unit_groups = Groups(codes=unit_of_team[team], labels=tuple(unit_names.tolist()),
                             counts=np.bincount(unit_of_team[team], minlength=units))
    data = build_responses(
        q, team=team_labels[team], answers=answers, unit=unit_labels, role=role,
        tenure=tenure if has_tenure else None, comments=comments,
        team_groups=team_groups, unit_groups=unit_groups,
    )
    return Simulation(data=data, planted=MappingProxyType(dict(sorted(planted.items()))))


def simulate_responses(questionnaire="aligned-autonomy-v1", *, respondents: int, teams: int,
                       units: int | None = None, seed: int = 0) -> ResponseData:
    """Simulated :class:`ResponseData` (see :func:`simulate`, which also tells what was
    planted where). Same arguments as :func:`simulate`."""
    return simulate(questionnaire, respondents=respondents, teams=teams, units=units,
                    seed=seed).data
