r"""The realistic generative model of the simulator, with confounds and scenarios.

:func:`analysis.simulate.simulate` uses this model for the scenarios ``realistic``,
``null`` and ``random_units`` (the ``showcase`` scenario keeps the original model of
:mod:`analysis.simulate`). Everything is vectorized over respondents and teams; the
same parameters give the population values of :mod:`analysis.simulate_truth`.

Notation: team :math:`t`, respondent :math:`i` in team :math:`t(i)`, dimension
:math:`d`, item :math:`j`; :math:`N(0, 1)` draws are independent unless stated.

Teams and units
    Fixed design (``team_size``): every team has exactly that many members. Otherwise
    ``respondents`` are spread over the teams: with the ``small_teams`` confound, every
    team has 3 members plus a multinomial share of the rest with exponential
    (:math:`\mathrm{Gamma}(1, 1)`) weights, so sizes 3–5 are common (a third of the
    teams when the mean size is 8); without it the sizes are as equal as possible.
    Units are contiguous blocks of teams.
Team states (standardized, team-level SD 1)
    Per team a vector :math:`X_t = (\mu_{t1}, \mu_{t2}, \mu_{t3}, \zeta_{t1}, \zeta_{t2},
    \zeta_{t3})` of perception levels :math:`\mu` and structure levels :math:`\zeta`,
    :math:`X_t = \sqrt{u}\,U_{u(t)} + \sqrt{1 - u}\,E_t` with unit and team parts
    :math:`U, E \sim N(0, R)`; :math:`R` has correlation 0.5 between perception and
    structure of a dimension, 0.3 between dimensions of one measure and 0.15 across
    measure and dimension. :math:`u` = :data:`UNIT_SHARE` (0.25) is the share of the
    between-team variance that lies between units. A team awareness
    :math:`A_t \sim N(0, 1)` and a misconception propensity :math:`M_t \sim N(0, 1)`.
Perception
    Respondent level of a dimension

    .. math:: \theta_{id} = c_d + \sqrt{\rho}\,\mu_{t d} + \ell_d\,[\text{lead}] +
              \pm\delta\,[\text{divided}] + \sqrt{1 - \rho}\,\big(h\,g_i +
              \sqrt{1 - h^2}\,e_{id}\big)

    with the ICC :math:`\rho` (``icc``, default 0.15: the share of between-team variance
    of :math:`\theta`), the halo loading :math:`h` on the general positivity
    :math:`g_i`, and the lead effect :math:`\ell` = :data:`LEAD_EFFECT`. Item answer
    after reverse keying: :math:`x_{ij} = 1 + \#\{k: f_{ij} > \tau_k\}` for

    .. math:: f_{ij} = \lambda\,\theta_{id} + \kappa_j a_i + \sigma\,\varepsilon_{ij},
              \qquad \sigma = \sqrt{1 - \lambda^2 - \operatorname{sd}(a)^2},

    loading :math:`\lambda` = :data:`LOADING` (0.75), acquiescence
    :math:`a_i \sim N(\alpha_0, \alpha^2)` entering with :math:`\kappa_j = +1` for a
    positively keyed item and :math:`-1` for a reverse-keyed one (agreeing with a
    reverse-keyed statement lowers the recoded answer), and thresholds :math:`\tau`
    that turn :math:`f \sim N(0, 1)` into the *null proportions*: with ``leniency`` the
    slightly skewed null of LeBreton & Senter (2008), 5/15/20/35/25 % (variance 1.34),
    otherwise the symmetric 11/23/32/23/11 % (also variance 1.34). Reverse-keyed items
    are stored as :math:`6 - x`. :math:`\operatorname{Var}(f) = 1` over the
    organization, so with no team effects (the ``null`` scenario) and no acquiescence
    bias every perception item of every team follows the null proportions exactly:
    independent responding with within-team item variance 1.34.
Structure
    Report latent :math:`v_{ij} = s_d + \sqrt{\rho_S}\,\zeta_{td} + \sqrt{1 - \rho_S}\,
    (h\,g_i + \sqrt{1 - h^2}\,\varepsilon_{ij})` with :math:`\rho_S` =
    :data:`STRUCTURE_ICC` (0.35) and the *same* :math:`g_i` as the perception items (the
    same-source halo), mapped to the item's options ordered by score at cut points
    equally spaced on [−0.8, 0.8]. "Don't know" when :math:`\beta + b_t +
    0.5\,[\text{tenure} < 1\,\text{year}] + \omega\sqrt{1 - a_T}\,o_i + \varepsilon'_{ij}
    > 0`: an unawareness latent with team part :math:`b_t = -\omega\sqrt{a_T}\,A_t`
    (:math:`a_T` = :data:`AWARENESS_TEAM_SHARE`, 0.5) and person part :math:`o_i` shared
    by all items, independent of whether the structure exists; :math:`\omega` is the
    ``unawareness`` SD and :math:`\beta = \Phi^{-1}(r)\sqrt{1 + \omega^2(1 - a_T)}` gives
    the base rate :math:`r` = :data:`DONT_KNOW_RATE` (8 %) for members of a year or more
    in a team of average awareness.
Misconceptions and outcome
    Misconception item: category of :math:`-0.2 + 0.3\,M_t + a_i + \sqrt{0.91 -
    \alpha^2}\,\varepsilon` at the symmetric thresholds (acquiescence inflates
    agreement with a belief). Outcome: category of :math:`-0.3 + 0.6\,(0.5\,\theta_{dr} +
    0.3\,\theta_{dir} + 0.2\,\theta_{fb}) + 0.2\sqrt{\rho_S}\,\zeta_{dr} + a_i +
    0.6\,\varepsilon` at the null thresholds.
Background and missing answers
    As in the showcase model: the first member of a team of at least two is its lead
    (role blank for 3 %), tenure bands 15/30/35/20 % (blank for 5 %), every answer
    missing with probability 0.02, 1 % skip the misconception block, 8 % comment.

Confounds (:class:`Confounds`; ``Confounds.none()`` switches all off)
    ``halo`` (:math:`h`, 0.4), ``acquiescence`` (:math:`\alpha`, 0.3) with
    ``acquiescence_mean`` (:math:`\alpha_0`, 0.15), ``leniency`` (True),
    ``unawareness`` (:math:`\omega`, 1.0; 0 = "don't know" at the base rate for
    everyone) and ``small_teams`` (True).

Scenarios
    ``realistic``: team and unit effects as above and planted patterns;
    ``null``: no team or unit effects at all (:math:`X_t = 0`, :math:`A_t = M_t = 0`:
    every team's true state is the organization's), nothing planted;
    ``random_units``: team effects but :math:`u = 0` (units are random groupings of
    teams), nothing planted.

Planted patterns (``realistic``; :data:`REALISTIC_PATTERNS` gives the dimension)
    In ``planted`` randomly chosen teams per pattern (default one per 40 teams, at
    least one) of at least 5 members, the planted dimension's state is set so that its
    *true* values lie clearly inside the finding's band: perception
    :data:`PERCEPTION_MARGIN` (15) points above ``perception.high`` or below
    ``perception.low``, structure :data:`STRUCTURE_MARGIN` (20) points beyond the
    structure band (found by bisection on the exact population value):
    ``anchored_strength`` (high, high), ``structural_gap`` (low, low),
    ``proclaimed_not_anchored`` (high perception, low structure),
    ``unseen_structure`` *through unawareness*: the structure exists (the index among
    those who know is high by the margin) but the team's unawareness is set so that
    :data:`PLANTED_DONT_KNOW` (60 %) of the answers are "don't know", and perception is
    low; ``divided``: two camps (even and odd positions) at
    :math:`\pm\delta` = ``camp`` (default :data:`CAMP`, 0.9 SD of :math:`\theta`) around
    the organization's level. The team's awareness is average in the other patterns. With
    the defaults these are shifts of about 1–2 team-level SD (recorded per planted team
    in the truth's parameters), not the ±3 SD of the showcase.

Waves
    Later waves draw new respondents (new person-level draws, same sizes) from the same
    team states, plus the planted ``changes``: team → dimension → shift of
    :math:`\mu_{td}` and :math:`\zeta_{td}` in team-level SD.

References
----------
.. [1] LeBreton, J. M., & Senter, J. L. (2008). Answers to 20 questions about interrater
   reliability and interrater agreement. *Organizational Research Methods*, 11(4),
   815–852 (the slightly skewed null distribution).
.. [2] Podsakoff, P. M., MacKenzie, S. B., Lee, J.-Y., & Podsakoff, N. P. (2003). Common
   method biases in behavioral research. *Journal of Applied Psychology*, 88(5),
   879–903 (same-source halo, acquiescence, leniency).
.. [3] Baumgartner, H., & Steenkamp, J.-B. E. M. (2001). Response styles in marketing
   research: A cross-national investigation. *Journal of Marketing Research*, 38(2),
   143–156 (acquiescence and reverse-keyed items).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from types import MappingProxyType
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypedDict

import numpy as np
from numpy.typing import ArrayLike
from scipy import special

from analysis.instrument import DIMENSIONS, Item, Questionnaire
from analysis.simulate_truth import (
    PerceptionPopulation,
    Population,
    StructurePopulation,
    perception_moments,
    structure_moments,
)
from analysis.arrays import FloatArray, IntArray, StrArray

#: One wave of respondents: team index, answers per item id, role, tenure and the
#: comments (team index of each commenter, texts).
Wave = tuple[IntArray, dict[str, FloatArray], StrArray, StrArray, tuple[IntArray, list[str]]]


class Generated(TypedDict):
    """What :func:`generate` draws (see there)."""

    waves: list[Wave]
    sizes: IntArray
    unit_of_team: IntArray
    team_labels: list[str]
    unit_labels: list[str] | None
    planted: dict[int, str]
    populations: list[Population]
    parameters: dict[str, Any]
    planted_changes: dict[int, set[tuple[str, str]]]


class _StructureItem(TypedDict):
    item: Item
    values: FloatArray
    scores: FloatArray
    cuts: FloatArray
    dk_value: int | None
    dk_score: float
    has_dk: bool


__all__ = [
    "Confounds",
    "REALISTIC_PATTERNS",
    "MODEL_SCENARIOS",
    "NULL_PROPORTIONS",
    "generate",
]

#: Scenarios of this model.
MODEL_SCENARIOS = ("realistic", "null", "random_units")
#: Planted pattern → dimension (``realistic`` scenario).
REALISTIC_PATTERNS = MappingProxyType(
    {
        "anchored_strength": "direction",
        "structural_gap": "direction",
        "proclaimed_not_anchored": "decision_rights",
        "unseen_structure": "feedback",
        "divided": "decision_rights",
    }
)
#: Null proportions of a 5-point agreement item (leniency on / off).
NULL_PROPORTIONS = MappingProxyType(
    {
        True: (0.05, 0.15, 0.20, 0.35, 0.25),
        False: (0.11, 0.23, 0.32, 0.23, 0.11),
    }
)
LOADING = 0.75
STRUCTURE_ICC = 0.35
UNIT_SHARE = 0.25
LEAD_EFFECT = (0.2, 0.4, 0.2)
#: Organization's latent level per dimension (direction, decision rights, feedback).
PERCEPTION_CENTER = (-0.5, -0.6, -0.7)
STRUCTURE_CENTER = (0.15, 0.1, 0.1)
DONT_KNOW_RATE = 0.08
AWARENESS_TEAM_SHARE = 0.5
NEW_MEMBER_UNAWARENESS = 0.5
STRUCTURE_CUT = 0.8
PERCEPTION_MARGIN = 15.0
STRUCTURE_MARGIN = 20.0
#: Marginal patterns, just inside their bands (``margin=`` of :func:`generate`).
MARGINAL = (5.0, 8.0)
PLANTED_DONT_KNOW = 0.6
#: Camps of a planted divided team at ±CAMP SD of θ (``camp=`` of :func:`generate`).
CAMP = 0.9
_TEAM_CORR = (0.5, 0.3, 0.3, 0.15)  # P–S same dim, P–P, S–S, P–S other dim
_MC_CENTER, _MC_TEAM = -0.2, 0.3
_OUT_CENTER = -0.3
_TENURE_P = (0.15, 0.30, 0.35, 0.20)
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


@dataclass(frozen=True)
class Confounds:
    """Switchable confounds of the realistic model (see the module docstring).

    Attributes
    ----------
    halo : float
        Loading :math:`h` (0–0.9) of a respondent's general positivity on both the
        perception and the structure answers (same-source bias). 0 = off.
    acquiescence : float
        SD :math:`\\alpha` (0–0.6, latent units) of a respondent's tendency to agree
        with any agreement item, reverse-keyed and misconception items included. 0 = off.
    acquiescence_mean : float
        Mean :math:`\\alpha_0` (−1 … 1) of that tendency (ignored when
        ``acquiescence`` is 0 and this is 0).
    leniency : bool
        Agreement answers piled at the favourable end (slightly skewed null,
        variance 1.34) instead of symmetric ones.
    unawareness : float
        SD :math:`\\omega` (0–3, probit units) of the unawareness that drives "don't
        know" independently of the structure; 0 = "don't know" at the base rate only.
    small_teams : bool
        With ``respondents`` (not a fixed ``team_size``): sizes 3–5 common; otherwise
        sizes as equal as possible.
    """

    halo: float = 0.4
    acquiescence: float = 0.3
    acquiescence_mean: float = 0.15
    leniency: bool = True
    unawareness: float = 1.0
    small_teams: bool = True

    def __post_init__(self) -> None:
        for name, lo, hi in (
            ("halo", 0.0, 0.9),
            ("acquiescence", 0.0, 0.6),
            ("acquiescence_mean", -1.0, 1.0),
            ("unawareness", 0.0, 3.0),
        ):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not lo <= v <= hi:
                raise ValueError(f"confounds.{name}: must be a number from {lo} to {hi}, got {v!r}")
        for name in ("leniency", "small_teams"):
            if not isinstance(getattr(self, name), bool):
                raise ValueError(f"confounds.{name}: must be True or False, got {getattr(self, name)!r}")

    @classmethod
    def none(cls) -> Confounds:
        """Every confound switched off."""
        return cls(
            halo=0.0, acquiescence=0.0, acquiescence_mean=0.0, leniency=False, unawareness=0.0, small_teams=False
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def thresholds(leniency: bool) -> FloatArray:
    """Thresholds of a standard normal latent that give the null proportions."""
    p = np.cumsum(NULL_PROPORTIONS[bool(leniency)])[:-1]
    out: FloatArray = special.ndtri(p)
    return out


def _corr() -> FloatArray:
    ps, pp, ss, cross = _TEAM_CORR
    R = np.empty((6, 6))
    for a in range(6):
        for b in range(6):
            same_measure = (a < 3) == (b < 3)
            same_dim = a % 3 == b % 3
            R[a, b] = 1.0 if a == b else (pp if a < 3 else ss) if same_measure else (ps if same_dim else cross)
    return R


# ------------------------------------------------------------------ design


def _sizes(
    rng: np.random.Generator, *, teams: int, team_size: int | None, respondents: int | None, small_teams: bool
) -> IntArray:
    if team_size is not None:
        return np.full(teams, team_size, np.int64)
    if respondents is None:
        raise ValueError("respondents: required unless team_size is given")
    if small_teams:
        base = 3 if respondents >= 3 * teams else 1
        w = rng.gamma(1.0, 1.0, size=teams)
        return base + rng.multinomial(respondents - base * teams, w / w.sum())
    sizes = np.full(teams, respondents // teams, np.int64)
    sizes[: respondents % teams] += 1
    return rng.permutation(sizes)


@dataclass(frozen=True, eq=False)
class _Params:
    """Resolved parameters of one simulation (internal)."""

    icc: float
    conf: Confounds
    acq_mean: float
    sigma: float  # item residual SD of perception
    tau: FloatArray  # perception thresholds
    tau_sym: FloatArray
    beta: float  # "don't know" intercept

    @classmethod
    def make(cls, icc: float, conf: Confounds) -> _Params:
        acq_sd = conf.acquiescence
        acq_mean = conf.acquiescence_mean if acq_sd > 0 or conf.acquiescence_mean != 0 else 0.0
        sigma = np.sqrt(1.0 - LOADING**2 - acq_sd**2)
        # base rate for members of a year or more in a team of average awareness
        beta = float(special.ndtri(DONT_KNOW_RATE) * np.sqrt(1.0 + conf.unawareness**2 * (1.0 - AWARENESS_TEAM_SHARE)))
        return cls(
            icc=icc,
            conf=conf,
            acq_mean=acq_mean,
            sigma=float(sigma),
            tau=thresholds(conf.leniency),
            tau_sym=thresholds(False),
            beta=beta,
        )


def _perception_items(q: Questionnaire, d: str) -> tuple[tuple[Item, ...], FloatArray]:
    items = q.items_of("perception", d)
    points = {len(it.answer_options) for it in items}
    if points != {5}:
        raise ValueError(
            f"questionnaire: the realistic model needs 5-point agreement items, "
            f"{q.id} has {sorted(points)} points in {d}"
        )
    return items, np.array([-1.0 if it.reverse else 1.0 for it in items])


def _structure_items(q: Questionnaire, d: str) -> list[_StructureItem]:
    out: list[_StructureItem] = []
    for it in q.items_of("structure", d):
        scored = it.ranked_options
        dk = [o for o in it.answer_options if o.dont_know]
        K = len(scored)
        cuts = np.linspace(-STRUCTURE_CUT, STRUCTURE_CUT, K - 1) if K > 2 else np.zeros(1)
        dk_score = dk[0].score if dk else 0.0
        if dk_score is None:
            raise ValueError(f"questionnaire: the don't-know option of {it.id} has no score")
        out.append(
            _StructureItem(
                item=it,
                values=np.array([o.value for o in scored], float),
                scores=np.array([o.score for o in scored], float),
                cuts=cuts,
                dk_value=dk[0].value if dk else None,
                dk_score=float(dk_score),
                has_dk=bool(dk),
            )
        )
    return out


# ------------------------------------------------------------------ populations


def _lead_weight(sizes: IntArray) -> FloatArray:
    return np.where(sizes >= 2, 1.0 / sizes, 0.0)


def perception_population(
    q: Questionnaire, d: int, par: _Params, mu: FloatArray, sizes: IntArray, camp: ArrayLike
) -> PerceptionPopulation:
    """Population of dimension ``d``'s perception items for teams with levels ``mu`` (T,)
    and camps at ``±camp`` SD of θ (T,; 0 for a team that is not split)."""
    _, kappa = _perception_items(q, DIMENSIONS[d])
    lead = _lead_weight(sizes)
    camp = np.asarray(camp, float)
    plus = np.where(camp > 0, np.ceil(sizes / 2) / sizes, 1.0)  # camp + (even positions, lead)
    # sub-populations: lead (camp +), member camp +, member camp −
    w = np.stack([lead, plus - lead, 1.0 - plus], -1)
    base = PERCEPTION_CENTER[d] + np.sqrt(par.icc) * mu
    theta = np.stack([base + LEAD_EFFECT[d] + camp, base + camp, base - camp], -1)  # (T,3)
    mean = LOADING * theta[..., None] + kappa * par.acq_mean
    loadings = np.stack([np.full(kappa.size, LOADING * np.sqrt(1.0 - par.icc)), kappa * par.conf.acquiescence], -1)
    return PerceptionPopulation(
        weights=w, mean=mean, loadings=loadings, residual=np.full(kappa.size, par.sigma), thresholds=par.tau
    )


def structure_population(
    q: Questionnaire, d: int, par: _Params, zeta: FloatArray, team_unaware: FloatArray
) -> StructurePopulation:
    """Population of dimension ``d``'s structure items for teams with levels ``zeta`` (T,)
    and team unawareness ``team_unaware`` (T,, probit units)."""
    items = _structure_items(q, DIMENSIONS[d])
    J = len(items)
    T = zeta.size
    h = par.conf.halo
    m = STRUCTURE_CENTER[d] + np.sqrt(STRUCTURE_ICC) * zeta
    mean = np.broadcast_to(m[:, None, None], (T, 2, J)).copy()
    beta = par.beta + team_unaware[:, None] + np.array([NEW_MEMBER_UNAWARENESS, 0.0])[None, :]
    dk_beta = np.broadcast_to(beta[..., None], (T, 2, J)).copy()
    no_dk = np.array([not it["has_dk"] for it in items])
    dk_beta[..., no_dk] = -np.inf
    w = np.broadcast_to(np.array([_TENURE_P[0], 1.0 - _TENURE_P[0]]), (T, 2)).copy()
    return StructurePopulation(
        weights=w,
        mean=mean,
        loadings=np.full(J, np.sqrt(1.0 - STRUCTURE_ICC) * h),
        residual=np.full(J, np.sqrt(1.0 - STRUCTURE_ICC) * np.sqrt(1.0 - h**2)),
        cuts=tuple(it["cuts"] for it in items),
        scores=tuple(it["scores"] for it in items),
        dont_know_score=np.array([it["dk_score"] for it in items]),
        dont_know_beta=dk_beta,
        dont_know_loadings=np.full(J, par.conf.unawareness * np.sqrt(1.0 - AWARENESS_TEAM_SHARE)),
        team=np.array([it["item"].scope == "team" for it in items]),
    )


def _bisect(
    f: Callable[[FloatArray], FloatArray], target: FloatArray, lo: float = -8.0, hi: float = 8.0, steps: int = 60
) -> FloatArray:
    """Vectorized bisection for increasing ``f``: x with f(x) = target (clipped to [lo, hi])."""
    a = np.full(np.shape(target), lo)
    b = np.full(np.shape(target), hi)
    for _ in range(steps):
        mid = (a + b) / 2
        below = f(mid) < target
        a = np.where(below, mid, a)
        b = np.where(below, b, mid)
    root: FloatArray = (a + b) / 2
    return root


# ------------------------------------------------------------------ states


@dataclass(frozen=True, eq=False)
class _States:
    X: FloatArray  # (T, 6) perception and structure levels
    unaware: FloatArray  # (T,) team unawareness (probit units)
    M: FloatArray  # (T,) misconception propensity
    camp: FloatArray  # (T, 3) camps at ±camp SD of θ in that dimension (0: not split)
    unit_effect: FloatArray | None


def _states(
    rng: np.random.Generator,
    q: Questionnaire,
    par: _Params,
    scenario: str,
    sizes: IntArray,
    unit_of_team: IntArray,
    U: int,
    planted_per_pattern: int,
    margin: tuple[float, float],
    camp_sd: float,
) -> tuple[_States, dict[int, str], dict[int, dict[str, Any]]]:
    T = sizes.size
    L = np.linalg.cholesky(_corr())
    u_share = UNIT_SHARE if scenario == "realistic" and U > 0 else 0.0
    E = rng.normal(size=(T, 6)) @ L.T
    Uu = rng.normal(size=(max(U, 1), 6)) @ L.T
    A = rng.normal(size=T)
    M = rng.normal(size=T)
    pick = rng.permutation(T)
    if scenario == "null":
        X = np.zeros((T, 6))
        A = np.zeros(T)
        M = np.zeros(T)
        unit_effect = np.zeros((max(U, 1), 6))
    else:
        unit_effect = np.sqrt(u_share) * Uu
        X = unit_effect[unit_of_team] + np.sqrt(1.0 - u_share) * E
    omega = par.conf.unawareness
    unaware = -omega * np.sqrt(AWARENESS_TEAM_SHARE) * A
    camp = np.zeros((T, 3))
    planted: dict[int, str] = {}
    details: dict[int, dict[str, Any]] = {}
    if scenario == "realistic":
        eligible = [int(t) for t in pick if sizes[t] >= 5]
        th = q.thresholds.findings
        pm, sm = margin
        p_hi, p_lo = th.perception.high + pm, th.perception.low - pm
        s_hi, s_lo = th.structure.high + sm, th.structure.low - sm
        targets = {
            "anchored_strength": (p_hi, s_hi),
            "structural_gap": (p_lo, s_lo),
            "proclaimed_not_anchored": (p_hi, s_lo),
            "unseen_structure": (p_lo, s_hi),
            "divided": (None, None),
        }
        for pattern in REALISTIC_PATTERNS:
            for _ in range(planted_per_pattern):
                if not eligible:
                    break
                planted[eligible.pop(0)] = pattern
        for pattern, dim in REALISTIC_PATTERNS.items():
            rows = np.array(sorted(t for t, p in planted.items() if p == pattern), np.intp)
            if rows.size == 0:
                continue
            d = DIMENSIONS.index(dim)
            P, S = targets[pattern]
            if pattern == "divided":
                camp[rows, d] = camp_sd
                X[rows, d] = 0.0
                unaware[rows] = 0.0
                continue
            n = sizes[rows]
            no = np.zeros(rows.size)
            X[rows, d] = _bisect(
                lambda x: perception_moments(perception_population(q, d, par, x, n, no), spread=False)[0],
                np.full(rows.size, P),
            )
            if pattern == "unseen_structure":
                # the team's unawareness: PLANTED_DONT_KNOW of the answers are "don't know"
                unaware[rows] = _bisect(
                    lambda b: structure_moments(structure_population(q, d, par, np.zeros(rows.size), b), spread=False)[
                        2
                    ],
                    np.full(rows.size, PLANTED_DONT_KNOW),
                )
                X[rows, 3 + d] = _bisect(
                    lambda x: structure_moments(structure_population(q, d, par, x, unaware[rows]), spread=False)[0],
                    np.full(rows.size, S),
                )
            else:
                unaware[rows] = 0.0
                X[rows, 3 + d] = _bisect(
                    lambda x: structure_moments(structure_population(q, d, par, x, unaware[rows]), spread=False)[0],
                    np.full(rows.size, S),
                )
            for t in rows.tolist():
                details[t] = {
                    "pattern": pattern,
                    "dimension": dim,
                    "perception_shift_sd": round(float(X[t, d]), 3),
                    "structure_shift_sd": round(float(X[t, 3 + d]), 3),
                }
    return _States(X=X, unaware=unaware, M=M, camp=camp, unit_effect=unit_effect), planted, details


# ------------------------------------------------------------------ respondents


def _respond(rng: np.random.Generator, q: Questionnaire, par: _Params, st: _States, sizes: IntArray) -> Wave:
    """Answers, roles and tenures of one wave (vectorized over respondents)."""
    T = sizes.size
    N = int(sizes.sum())
    team = np.repeat(np.arange(T), sizes)
    start = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    pos = np.arange(N) - start[team]
    conf = par.conf
    is_lead = (pos == 0) & (sizes[team] >= 2)
    role = np.where(is_lead, "lead", "member")
    role = np.where(rng.random(N) < 0.03, "", role)
    tenure_keys = np.array(["lt1", "y1_3", "y3_10", "gt10"])
    t_code = rng.choice(4, size=N, p=_TENURE_P)
    tenure = np.where(rng.random(N) < 0.05, "", tenure_keys[t_code])
    new = t_code == 0

    h = conf.halo
    g = rng.normal(size=N)
    a = par.acq_mean + conf.acquiescence * rng.normal(size=N)
    e = rng.normal(size=(N, 3))
    o = rng.normal(size=N)
    camp = st.camp[team] * np.where(pos % 2 == 0, 1.0, -1.0)[:, None]
    theta = (
        np.asarray(PERCEPTION_CENTER)
        + np.sqrt(par.icc) * st.X[team, :3]
        + np.asarray(LEAD_EFFECT) * is_lead[:, None]
        + camp
        + np.sqrt(1.0 - par.icc) * (h * g[:, None] + np.sqrt(1.0 - h * h) * e)
    )
    unaware = (
        par.beta
        + st.unaware[team]
        + NEW_MEMBER_UNAWARENESS * new
        + conf.unawareness * np.sqrt(1.0 - AWARENESS_TEAM_SHARE) * o
    )

    answers: dict[str, FloatArray] = {}
    for d, dim in enumerate(DIMENSIONS):
        items, kappa = _perception_items(q, dim)
        for it, k in zip(items, kappa):
            f = LOADING * theta[:, d] + k * a + par.sigma * rng.normal(size=N)
            x = 1.0 + np.searchsorted(par.tau, f).astype(float)  # #thresholds below f
            answers[it.id] = 6.0 - x if it.reverse else x
        lvl = STRUCTURE_CENTER[d] + np.sqrt(STRUCTURE_ICC) * st.X[team, 3 + d]
        for s in _structure_items(q, dim):
            v = lvl + np.sqrt(1.0 - STRUCTURE_ICC) * (h * g + np.sqrt(1.0 - h * h) * rng.normal(size=N))
            x = s["values"][np.searchsorted(s["cuts"], v)]
            if s["has_dk"]:
                dk = unaware + rng.normal(size=N) > 0
                x = np.where(dk, s["dk_value"], x)
            answers[s["item"].id] = x
    mc_noise = np.sqrt(max(1.0 - _MC_TEAM**2 - conf.acquiescence**2, 0.05))
    for it in q.items_of("misconception"):
        held = _MC_CENTER + _MC_TEAM * st.M[team] + mc_noise * rng.normal(size=N)
        # acquiescence pushes towards "agree" whatever the keying
        answers[it.id] = 1.0 + np.searchsorted(par.tau_sym, (-held if it.reverse else held) + a)
    for it in q.items_of("outcome"):
        y = (
            _OUT_CENTER
            + 0.6 * (0.5 * theta[:, 1] + 0.3 * theta[:, 0] + 0.2 * theta[:, 2])
            + 0.2 * np.sqrt(STRUCTURE_ICC) * st.X[team, 4]
            + a
            + 0.6 * rng.normal(size=N)
        )
        answers[it.id] = 1.0 + np.searchsorted(par.tau, y)
    skip_mc = rng.random(N) < 0.01
    for it in q.items_of("misconception"):
        answers[it.id] = np.where(skip_mc, np.nan, answers[it.id])
    for item_id in answers:
        answers[item_id] = np.where(rng.random(N) < 0.02, np.nan, answers[item_id])
    commenters = np.flatnonzero(rng.random(N) < 0.08)
    texts = rng.integers(0, len(_COMMENTS), size=commenters.size)
    comments = (team[commenters], [_COMMENTS[i] for i in texts.tolist()])
    return team, answers, role, tenure, comments


def _population(
    q: Questionnaire,
    par: _Params,
    st: _States,
    sizes: IntArray,
    team_labels: Sequence[str],
    unit_labels: Sequence[str] | None,
    unit_of_team: IntArray,
    planted: Mapping[int, str],
) -> Population:
    T = sizes.size
    cells = np.full((T, 3), None, object)
    for t, pattern in planted.items():
        cells[t, DIMENSIONS.index(REALISTIC_PATTERNS[pattern])] = pattern
    return Population(
        teams=tuple(team_labels),
        sizes=sizes,
        units=tuple(unit_labels) if unit_labels is not None else None,
        unit_of_team=unit_of_team if unit_labels is not None else None,
        perception=tuple(perception_population(q, d, par, st.X[:, d], sizes, st.camp[:, d]) for d in range(3)),
        structure=tuple(structure_population(q, d, par, st.X[:, 3 + d], st.unaware) for d in range(3)),
        planted=cells,
        planted_typology=np.full(T, None, object),
        unit_effect=st.unit_effect if unit_labels is not None else None,
        points=5,
    )


def generate(
    q: Questionnaire,
    *,
    scenario: str,
    teams: int,
    team_size: int | None,
    respondents: int | None,
    units: int | None,
    confounds: Confounds,
    icc: float,
    planted: int | None,
    waves: int,
    changes: Mapping[str, Mapping[str, float]] | None,
    seed: int,
    margin: tuple[float, float] = (PERCEPTION_MARGIN, STRUCTURE_MARGIN),
    camp: float = CAMP,
) -> Generated:
    """Draw every wave of the realistic model (see the module docstring).

    Returns
    -------
    dict
        ``waves``: per wave ``(team_index, answers, role, tenure, comments)``;
        ``sizes``, ``unit_of_team``, ``planted`` (team index → pattern),
        ``populations`` (one :class:`~analysis.simulate_truth.Population` per wave),
        ``parameters`` and ``planted_changes``.
    """
    par = _Params.make(icc, confounds)
    ss = np.random.SeedSequence(seed)
    children = ss.spawn(1 + waves)
    rng = np.random.default_rng(children[0])
    T = teams
    sizes = _sizes(rng, teams=T, team_size=team_size, respondents=respondents, small_teams=confounds.small_teams)
    U = units or 0
    unit_of_team = (np.arange(T) * U // T) if units else np.zeros(T, np.intp)
    per = planted if planted is not None else max(1, T // 40)
    st, planted_teams, details = _states(rng, q, par, scenario, sizes, unit_of_team, U, per, margin, camp)

    width = len(str(T))
    team_labels = [f"T{t + 1:0{width}d}" for t in range(T)]
    unit_labels = None
    if units:
        uw = len(str(units))
        unit_labels = [f"U{u + 1:0{uw}d}" for u in range(units)]

    out_waves: list[Wave] = []
    pops: list[Population] = []
    planted_changes: dict[int, set[tuple[str, str]]] = {}
    label_index = {lab: i for i, lab in enumerate(team_labels)}
    for w in range(waves):
        if w > 0 and changes:
            X = st.X.copy()
            step: set[tuple[str, str]] = set()
            for team_label, dims in changes.items():
                t = label_index[team_label]
                for dim, shift in dims.items():
                    d = DIMENSIONS.index(dim)
                    X[t, d] += shift
                    X[t, 3 + d] += shift
                    step.add((team_label, dim))
            planted_changes[w] = step
            st = _States(X=X, unaware=st.unaware, M=st.M, camp=st.camp, unit_effect=st.unit_effect)
        wrng = np.random.default_rng(children[1 + w])
        out_waves.append(_respond(wrng, q, par, st, sizes))
        pops.append(_population(q, par, st, sizes, team_labels, unit_labels, unit_of_team, planted_teams))

    parameters = {
        "model": "realistic",
        "icc": icc,
        "confounds": confounds.to_dict(),
        "loading": LOADING,
        "structure_icc": STRUCTURE_ICC,
        "unit_share": UNIT_SHARE if scenario == "realistic" else 0.0,
        "lead_effect": list(LEAD_EFFECT),
        "perception_center": list(PERCEPTION_CENTER),
        "structure_center": list(STRUCTURE_CENTER),
        "dont_know_rate": DONT_KNOW_RATE,
        "null_proportions": list(NULL_PROPORTIONS[confounds.leniency]),
        "planted_per_pattern": per if scenario == "realistic" else 0,
        "planted_margin": list(margin) if scenario == "realistic" else None,
        "planted": [dict(team=team_labels[t], **details[t]) for t in sorted(details)]
        + [
            dict(team=team_labels[t], pattern="divided", dimension="decision_rights", camp_sd=camp)
            for t, p in sorted(planted_teams.items())
            if p == "divided"
        ],
        "changes": {k: dict(v) for k, v in (changes or {}).items()},
    }
    return Generated(
        waves=out_waves,
        sizes=sizes,
        unit_of_team=unit_of_team,
        team_labels=team_labels,
        unit_labels=unit_labels,
        planted=planted_teams,
        populations=pops,
        parameters=parameters,
        planted_changes=planted_changes,
    )
