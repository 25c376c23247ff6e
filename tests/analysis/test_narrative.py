"""Plain-language readings: ICC(1)/ICC(2) with their intervals and the drivers' wording.

Every statement must stay within what its interval supports: a band of between-team
variance is named as told apart only when the interval lies inside it, and the predictor
most strongly associated with the outcome is never called a cause or a "driver".
"""

import math
import re

import numpy as np
import pytest

from analysis.drivers import bootstrap_relative_weights
from analysis.icc import ICCResult, icc
from analysis.narrative import driver_finding, icc_reading, key_findings

NAME = {"en": "Direction", "de": "Ausrichtung"}


def result(icc1_lo, icc1_hi, *, est=None, icc2=0.6, icc2_lo=0.4, icc2_hi=0.75, n0=10.0, confidence=0.95):
    """An ICCResult with the interval fields set by hand (the other fields do not matter here)."""
    est = (icc1_lo + icc1_hi) / 2 if est is None else est
    return ICCResult(
        icc1=est,
        icc2=icc2,
        f=2.0,
        df_between=20,
        df_within=200,
        pvalue=0.01,
        ms_between=2.0,
        ms_within=1.0,
        n_groups=21,
        n_obs=221,
        n0=n0,
        icc1_n0=est,
        icc1_ci_low=icc1_lo,
        icc1_ci_high=icc1_hi,
        icc2_ci_low=icc2_lo,
        icc2_ci_high=icc2_hi,
        confidence=confidence,
    )


def test_wide_interval_cannot_tell_the_bands_apart():
    """The review's case: 15 teams of 8, true ICC(1) 0.05 -> interval about [-0.04, 0.25]."""
    r = icc_reading(0.05, 0.3, NAME, result=result(-0.04, 0.25, est=0.05, icc2_lo=-0.5, icc2_hi=0.73))
    en, de = r["en"], r["de"]
    assert en.startswith("5.0 % of the differences in perceived direction lie between teams (95 % interval 0 to 25 %).")
    assert (
        "spans the bands 'little' (below 5 %), 'moderate' (5 to 10 %) and 'substantial' (10 % or more), "
        "so the data cannot tell them apart" in en
    )
    assert "does not rule out that teams do not differ at all" in en
    assert "Whether team means are reliable enough to rank teams is open" in en
    assert "reicht über die Bereiche „gering“ (unter 5 %), „mittel“ (5 bis 10 %) und „deutlich“ (ab 10 %)" in de
    assert de.startswith(
        "5,0 % der Unterschiede in der Wahrnehmung von „Ausrichtung“ liegen zwischen den Teams "
        "(95-%-Intervall 0 bis 25 %)."
    )
    assert "individual perception" not in en and "individuelle Wahrnehmung" not in de


@pytest.mark.parametrize(
    ("lo", "hi", "band", "others"),
    [
        (0.11, 0.22, "'substantial' (10 % or more)", "'little' or 'moderate'"),
        (0.003, 0.02, "'little' (below 5 %)", "'moderate' or 'substantial'"),
        (0.055, 0.095, "'moderate' (5 to 10 %)", "'little' or 'substantial'"),
    ],
)
def test_narrow_interval_tells_its_band_apart(lo, hi, band, others):
    en = icc_reading(0.1, 0.8, NAME, result=result(lo, hi))["en"]
    assert f"lies entirely in the band {band}, so the data tell it apart from {others}." in en
    assert "cannot tell" not in en and "does not rule out" not in en


def test_reading_states_what_between_team_variance_can_and_cannot_mean():
    for measure in ("perception", "structure"):
        r = icc_reading(0.1, 0.8, NAME, measure=measure, result=result(0.05, 0.2))
        assert "leadership" in r["en"] and "composition" in r["en"]
        assert "same for the whole organization does not show up here at all" in r["en"]
        assert "Führung" in r["de"] and "Zusammensetzung" in r["de"]
        assert "für die ganze Organisation gleich ist, zeigt sich hier gar nicht" in r["de"]
    assert (
        "the structure index of direction"
        in icc_reading(0.1, 0.8, NAME, measure="structure", result=result(0.05, 0.2))["en"]
    )


def test_reliability_and_team_size_from_the_interval():
    y = np.random.default_rng(3).normal(size=60)[np.repeat(np.arange(60), 15)] * 0.5 + np.random.default_rng(4).normal(
        size=900
    )
    res = icc(y, np.repeat(np.arange(60), 15))
    en = icc_reading(res.icc1, res.icc2, NAME, result=res)["en"]
    assert f"(ICC(2) = {res.icc2:.2f}, interval {res.icc2_ci_low:.2f} to {res.icc2_ci_high:.2f}" in en
    assert "for teams of about 15 members" in en
    m = re.search(r"A team mean reaches 0.70 from about (\d+) members \(interval: (\d+) to (\d+) members\)", en)
    assert m, en
    n, a, b = map(int, m.groups())
    assert a <= n <= b
    rho = res.icc1_n0
    assert n == math.ceil(0.7 * (1 - rho) / (0.3 * rho))
    # reliable / not reliable / open
    assert (
        "Team means are reliable enough to compare teams"
        in icc_reading(0.3, 0.85, NAME, result=result(0.2, 0.4, icc2=0.85, icc2_lo=0.75, icc2_hi=0.9))["en"]
    )
    assert (
        "Team means are not reliable enough to rank teams"
        in icc_reading(0.02, 0.3, NAME, result=result(0.0, 0.05, icc2=0.3, icc2_lo=0.1, icc2_hi=0.5))["en"]
    )
    # an interval reaching down to zero leaves the team size open upwards
    en = icc_reading(0.05, 0.3, NAME, result=result(-0.02, 0.12, est=0.05))["en"]
    assert "members or more, no upper limit" in en
    # one member is enough (singular, also in German)
    r = icc_reading(0.9, 0.99, NAME, result=result(0.85, 0.95, est=0.9, icc2=0.99, icc2_lo=0.98, icc2_hi=0.995))
    assert "A team mean reaches 0.70 from about 1 member (interval: 1 member)." in r["en"]
    assert "ab etwa 1 Mitglied (Intervall: 1 Mitglied)." in r["de"]
    # no between-team variance estimated at all
    en = icc_reading(-0.02, -0.2, NAME, result=result(-0.05, 0.03, est=-0.02, icc2=-0.2, icc2_lo=-1, icc2_hi=0.2))["en"]
    assert en.startswith("0 % of the differences") and "no team size gives a reliable team mean" in en


def test_reading_without_an_interval_claims_no_size():
    r = icc_reading(0.31, 0.8, NAME)
    assert r["en"].startswith(
        "31 % of the differences in perceived direction lie between teams (without an "
        "interval its size cannot be judged)."
    )
    assert "(ohne Intervall lässt sich die Größe nicht beurteilen)" in r["de"]
    assert "band" not in r["en"]
    assert icc_reading(float("nan"), float("nan"), NAME)["en"].startswith("Not estimable for Direction")
    with pytest.raises(ValueError, match=r"^measure: must be 'perception' or 'structure', got 'x'$"):
        icc_reading(0.1, 0.5, NAME, measure="x")
    with pytest.raises(TypeError, match=r"^result: must be an ICCResult, got dict$"):
        icc_reading(0.1, 0.5, NAME, result={})


class _Teams:
    """The smallest stand-in for a GroupTable that key_findings reads."""

    suppressed = np.zeros(0, bool)
    finding = np.zeros((0, 3), object)
    typology = np.zeros(0, object)
    dimensions = ("direction", "decision_rights", "feedback")


def _findings(dimensions, drivers=None):
    names = {d: {"en": d.replace("_", " ").title(), "de": d} for d in dimensions}
    return {
        f["id"]: f
        for f in key_findings(
            dimensions=dimensions,
            dim_names=names,
            organization={},
            teams=_Teams(),
            differences=[],
            role_gaps=[],
            drivers=drivers or {},
            misconception_names={},
            k=5,
        )
    }


def test_key_findings_on_between_team_variance_follow_the_interval():
    wide = {
        "direction": {"icc1": 0.02, "icc1_ci_low": -0.03, "icc1_ci_high": 0.12},
        "feedback": {"icc1": 0.15, "icc1_ci_low": 0.04, "icc1_ci_high": 0.3},
    }
    f = _findings(wide)
    assert "icc_low" not in f and "icc_high" not in f  # both intervals span several bands
    narrow = {
        "direction": {"icc1": 0.01, "icc1_n0": 0.012, "icc1_ci_low": 0.002, "icc1_ci_high": 0.03},
        "feedback": {"icc1": 0.16, "icc1_n0": 0.17, "icc1_ci_low": 0.11, "icc1_ci_high": 0.25},
    }
    f = _findings(narrow)
    assert f["icc_low"]["en"].startswith(
        "Perceived direction hardly differs between teams: at most 3.0 % of "
        "the differences lie between teams (95 % interval)"
    )
    assert f["icc_high"]["en"].startswith(
        "17 % of the differences in perceived feedback lie between teams (95 % interval 11 to 25 %)"
    )
    assert "leadership or composition" in f["icc_high"]["en"]
    assert "Führung oder Zusammensetzung" in f["icc_high"]["de"]
    # without intervals (an older diagnosis) no statement on the size is made
    f = _findings({"direction": {"icc1": 0.01}, "feedback": {"icc1": 0.3}})
    assert "icc_low" not in f and "icc_high" not in f


def _drivers_block(seed, beta, teams=60):
    rng = np.random.default_rng(seed)
    team = np.repeat(np.arange(teams), 12)
    X = rng.normal(size=(team.size, 3)) + 0.5 * rng.normal(size=(teams, 3))[team]
    y = X @ np.asarray(beta) + rng.normal(size=team.size)
    block = bootstrap_relative_weights(X, y, team, names=["dr", "dir", "fb"]).to_dict()
    labels = {
        "dr": {"en": "Decision rights (perception)", "de": "Entscheidungsrechte (Wahrnehmung)"},
        "dir": {"en": "Direction (perception)", "de": "Ausrichtung (Wahrnehmung)"},
        "fb": {"en": "Feedback (perception)", "de": "Rückkopplung (Wahrnehmung)"},
    }
    for p in block["predictors"]:
        p["label"] = labels[p["name"]]
    return {"estimable": True, **block}


def test_driver_wording_is_not_causal_and_gives_the_interval():
    block = _drivers_block(1, (0.8, 0.2, 0.1))
    text = driver_finding(block)
    top = block["predictors"][0]
    assert text["en"].startswith(
        f"Most strongly associated with the litmus question: Decision rights (perception) "
        f"({top['percent']:.0f} % of the explained variance, 95 % interval {top['percent_ci_low']:.0f} to "
        f"{top['percent_ci_high']:.0f} %)."
    )
    assert "It ranks first in 100 % of 1,000 bootstrap samples of teams." in text["en"]
    assert "It is clearly ahead of Direction (perception)" in text["en"]
    assert text["en"].endswith("This is an association, not proof of cause.")
    assert text["de"].startswith("Am stärksten mit der Lackmusfrage verbunden: Entscheidungsrechte (Wahrnehmung)")
    assert "In 100 % von 1.000 Bootstrap-Stichproben der Teams liegt dieser Prädiktor vorn." in text["de"]
    assert text["de"].endswith("Das ist ein Zusammenhang, kein Nachweis einer Ursache.")
    for t in (text["en"].lower(), text["de"].lower()):
        assert "driver" not in t and "treiber" not in t and "strongest" not in t and "stärkster" not in t


def test_driver_wording_when_the_top_two_cannot_be_told_apart():
    block = _drivers_block(5, (0.4, 0.4, 0.0), teams=25)
    assert not block["top"]["distinguishable"]
    text = driver_finding(block)
    assert "It cannot be told apart from" in text["en"] and "including zero" in text["en"]
    assert "ist dieser Prädiktor nicht zu unterscheiden" in text["de"]
    f = _findings({}, drivers={"dimensions": block})
    assert f["driver"]["en"] == text["en"]


def test_driver_wording_without_interval_and_without_predictors():
    block = {
        "predictors": [
            {
                "name": "dr",
                "percent": 41.2,
                "weight": 0.1,
                "label": {"en": "Decision rights (perception)", "de": "Entscheidungsrechte"},
            }
        ]
    }
    text = driver_finding(block)
    assert text["en"] == (
        "Most strongly associated with the litmus question: Decision rights (perception) "
        "(41 % of the explained variance; no interval). This is an association, not proof of cause."
    )
    assert driver_finding({}) is None and driver_finding({"estimable": False}) is None
    assert "driver" not in _findings({})


class _HandTeams:
    """A hand-made team table: ``gaps`` visible teams with a structural gap in direction
    (the first of them also in decision rights, confirming central control), the other
    visible teams mixed, and ``hidden`` suppressed teams."""

    dimensions = ("direction", "decision_rights", "feedback")

    def __init__(self, visible: int, gaps: int, hidden: int):
        g = visible + hidden
        self.suppressed = np.arange(g) >= visible
        self.finding = np.full((g, 3), "mixed", dtype=object)
        self.finding[:gaps, 0] = "structural_gap"
        self.finding[0, 1] = "structural_gap"
        self.typology = np.full(g, "not_precise", dtype=object)
        self.typology[0] = "central_control"


HAND_NAMES = {
    "direction": {"en": "Direction", "de": "Ausrichtung"},
    "decision_rights": {"en": "Decision rights", "de": "Entscheidungsrechte"},
    "feedback": {"en": "Feedback", "de": "Rückkopplung"},
}


def _hand_findings(gaps: int, hidden: int, differences: int) -> dict:
    org = {
        "dimensions": {
            "direction": {
                "combined": 30.0,
                "level": 2,
                "score": 70.0,
                "structure": 30.0,
                "finding": "proclaimed_not_anchored",
                "finding_probability": 0.9,
            },
            "feedback": {"combined": 55.0, "level": 3, "score": 58.0, "structure": 55.0, "finding": "mixed"},
        },
        "misconceptions": {"softened": 0.42},
    }
    found = key_findings(
        dimensions={},
        dim_names=HAND_NAMES,
        organization=org,
        teams=_HandTeams(21, gaps, hidden),
        differences=[{"level": "team"}] * differences + [{"level": "unit"}],
        role_gaps=[{"significant": True, "gap": -8.2, "dimension": "direction", "level": "unit", "group": "Sales"}],
        drivers={},
        misconception_names={
            "softened": {"en": "autonomy is softened hierarchy", "de": "Autonomie ist sanfte Hierarchie"}
        },
        k=5,
        limit=20,
    )
    return {f["id"]: f for f in found}


def test_key_findings_in_german_with_the_singular():
    f = _hand_findings(gaps=1, hidden=1, differences=1)
    assert f["teams_structural_gap"]["en"] == (
        "1 of 21 teams shows 'structural gap' in at least one dimension (Direction, Decision rights)."
    )
    assert f["teams_structural_gap"]["de"] == (
        "1 von 21 Teams zeigt „strukturelle Lücke“ in mindestens einer Dimension (Ausrichtung, Entscheidungsrechte)."
    )
    assert f["differences"]["en"].startswith("1 team difference from the rest of the organization is both reliable")
    assert f["differences"]["de"].startswith("1 Teamunterschied zum Rest der Organisation ist verlässlich")
    assert f["suppressed"]["en"].startswith("1 team is not shown individually to protect anonymity (groups below 5")
    assert f["suppressed"]["de"].startswith(
        "1 Team wird zum Schutz der Anonymität nicht einzeln gezeigt (Gruppen unter 5"
    )
    assert f["typology"]["de"] == (
        "Häufigstes Teammuster: zentrale Steuerung (weder Ausrichtung noch Entscheidungsrechte) (1 von 21 gezeigten "
        "Teams; 20 ohne ein Muster, das ihre Befunde bestätigen)."
    )
    assert f["weakest_dimension"]["de"] == (
        "Schwächster Baustein: Ausrichtung (Stufe 2 von 5, die niedrigere aus Wahrnehmung 70 und Struktur 30 von 100)."
    )
    assert f["proclaimed_direction"]["de"] == (
        "Ausrichtung: Die Wahrnehmung liegt im hohen Bereich (70), der Strukturindex im niedrigen (30): eher "
        "proklamiert als verankert (Wahrscheinlichkeit 90 %)."
    )
    assert f["proclaimed_direction"]["en"].startswith("Direction: perception is in the high band (70)")
    assert f["misconception"]["de"] == "42 % teilen das Missverständnis: Autonomie ist sanfte Hierarchie."
    assert f["role_gap"]["en"] == "In the unit Sales, members rate direction 8 points higher than the others."
    assert (
        f["role_gap"]["de"]
        == "In dem Bereich Sales bewerten Mitglieder „Ausrichtung“ um 8 Punkte höher als die anderen."
    )


def test_key_findings_in_german_with_the_plural():
    f = _hand_findings(gaps=3, hidden=2, differences=0)
    assert f["teams_structural_gap"]["en"].startswith("3 of 21 teams show 'structural gap' in at least one dimension")
    assert f["teams_structural_gap"]["de"].startswith("3 von 21 Teams zeigen „strukturelle Lücke“ in mindestens")
    assert f["differences"]["en"].startswith("0 team differences from the rest of the organization are both reliable")
    assert f["differences"]["de"].startswith("0 Teamunterschiede zum Rest der Organisation sind verlässlich")
    assert f["suppressed"]["en"].startswith("2 teams are not shown individually")
    assert f["suppressed"]["de"].startswith("2 Teams werden zum Schutz der Anonymität nicht einzeln gezeigt")
    # no English left in any German finding, no placeholder left in any text
    for finding in f.values():
        assert "%(" not in finding["en"] + finding["de"] and finding["en"] != finding["de"], finding


def test_team_sizes_in_the_reliability_reading_take_the_plural_of_their_number():
    one = icc_reading(0.2, 0.5, NAME, result=result(0.1, 0.3, icc2_lo=0.1, icc2_hi=0.6, n0=1.0))
    assert "for teams of about 1 member)." in one["en"] and "für Teams von etwa 1 Mitglied)." in one["de"]
    many = icc_reading(0.2, 0.5, NAME, result=result(0.1, 0.3, icc2_lo=0.1, icc2_hi=0.6, n0=12.0))
    assert "for teams of about 12 members)." in many["en"] and "für Teams von etwa 12 Mitgliedern)." in many["de"]
