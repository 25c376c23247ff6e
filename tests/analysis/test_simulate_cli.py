"""``aad simulate`` with scenarios, fixed team sizes, confound switches and ``--truth``."""

import json

import pytest

from analysis.csv_input import read_responses_csv
from analysis.simulate import SCENARIOS, simulate
from app.cli import main
from app.cli.offline import SCENARIOS as CLI_SCENARIOS


def test_the_command_knows_every_scenario():
    assert CLI_SCENARIOS == SCENARIOS


def test_realistic_scenario_with_truth(tmp_path, capsys):
    out, truth = tmp_path / "s.csv", tmp_path / "truth.json"
    assert (
        main(
            [
                "simulate",
                "--teams",
                "12",
                "--team-size",
                "8",
                "--units",
                "3",
                "--scenario",
                "realistic",
                "--seed",
                "4",
                "--no-halo",
                "--no-leniency",
                "--icc",
                "0.2",
                "--out",
                str(out),
                "--truth",
                str(truth),
            ]
        )
        == 0
    )
    err = capsys.readouterr().err
    assert "wrote 96 responses of 12 teams" in err and "wrote the ground truth (realistic)" in err
    assert "unseen_structure" in err
    data = read_responses_csv(out, "aligned-autonomy-v1")
    t = json.loads(truth.read_text())
    assert t["scenario"] == "realistic" and t["parameters"]["icc"] == 0.2
    conf = t["parameters"]["confounds"]
    assert conf["halo"] == 0.0 and conf["leniency"] is False and conf["acquiescence"] == 0.3
    teams = t["waves"][0]["teams"]
    assert [x["team"] for x in teams] == sorted(set(data.team.tolist())) and all(x["n"] == 8 for x in teams)
    # the file is the library's truth of the same simulation
    from analysis.simulate import Confounds

    sim = simulate(
        teams=12,
        team_size=8,
        units=3,
        scenario="realistic",
        seed=4,
        icc=0.2,
        confounds=Confounds(halo=0.0, leniency=False),
    )
    assert t == json.loads(json.dumps(sim.truth.to_dict()))


def test_null_scenario_and_showcase_truth(tmp_path, capsys):
    truth = tmp_path / "t.json"
    assert (
        main(
            [
                "simulate",
                "--teams",
                "6",
                "--team-size",
                "5",
                "--scenario",
                "null",
                "--no-acquiescence",
                "--no-unawareness",
                "--out",
                str(tmp_path / "n.csv"),
                "--truth",
                str(truth),
            ]
        )
        == 0
    )
    t = json.loads(truth.read_text())
    assert t["parameters"]["confounds"]["acquiescence"] == 0 == t["parameters"]["confounds"]["acquiescence_mean"]
    assert len({x["dimensions"]["direction"]["perception"] for x in t["waves"][0]["teams"]}) == 1
    assert (
        main(
            [
                "simulate",
                "--teams",
                "10",
                "--respondents",
                "200",
                "--out",
                str(tmp_path / "s.csv"),
                "--truth",
                str(truth),
            ]
        )
        == 0
    )
    assert json.loads(truth.read_text())["scenario"] == "showcase"


@pytest.mark.parametrize(
    "args, message",
    [
        (["--respondents", "100", "--no-halo"], "--no-halo: only for the scenarios realistic, null and random_units"),
        (["--team-size", "8"], "--team-size: only for the scenarios"),
        (["--respondents", "100", "--icc", "0.3"], "--icc: only for the scenarios"),
        (["--team-size", "8", "--scenario", "null", "--icc", "2"], "icc: must be a number from 0 to 0.9, got 2.0"),
    ],
)
def test_refused_options(tmp_path, capsys, args, message):
    out = tmp_path / "s.csv"
    assert main(["simulate", "--teams", "10", *args, "--out", str(out)]) == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_truth_must_be_a_regular_file_or_a_new_path(tmp_path, capsys):
    out = tmp_path / "s.csv"
    assert main(["simulate", "--teams", "10", "--respondents", "100", "--out", str(out), "--truth", str(tmp_path)]) == 2
    assert "is a directory" in capsys.readouterr().err
    assert not out.exists()
