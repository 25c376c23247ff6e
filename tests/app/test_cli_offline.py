"""``aad simulate`` and ``aad analyze`` as a consultant runs them."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli import main
from output_targets import KINDS, protect_dev_null, special_target

AAD = str(Path(sys.executable).with_name("aad"))


@pytest.fixture(scope="module")
def simulated(tmp_path_factory):
    path = tmp_path_factory.mktemp("sim") / "responses.csv"
    assert (
        main(["simulate", "--respondents", "3000", "--teams", "120", "--units", "5", "--seed", "7", "--out", str(path)])
        == 0
    )
    return path


def test_simulate_then_analyze_to_stdout_finds_the_planted_patterns(simulated, capsys):
    capsys.readouterr()
    assert main(["analyze", str(simulated)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["n_respondents"] == 3000 and out["questionnaire"]["id"] == "aligned-autonomy-v1"
    findings = {
        (t["team"], d): c["finding"] for t in out["teams"] if not t["suppressed"] for d, c in t["dimensions"].items()
    }
    from analysis.simulate import PATTERNS, simulate

    sim = simulate(respondents=3000, teams=120, units=5, seed=7)
    for pattern, dim in PATTERNS.items():
        if dim is not None:
            for team in sim.teams_with(pattern):
                assert findings[team, dim] == pattern
    assert any(t["suppressed"] for t in out["teams"])
    # question-level results are part of the offline output, hidden teams without figures
    items = out["items"]
    assert len(items["questions"]) == 34 and len(items["teams"]) == 120 and len(items["units"]) == 5
    assert items["organization"]["items"]["dir_p1"]["n"] > 2900
    assert all("items" not in t for t in items["teams"] if t["suppressed"])


def test_simulate_reports_what_it_planted(tmp_path, capsys):
    assert main(["simulate", "--respondents", "500", "--teams", "25", "--out", str(tmp_path / "s.csv")]) == 0
    err = capsys.readouterr().err
    assert "wrote 500 responses of 25 teams" in err and "planted:" in err and "divided" in err
    header = (tmp_path / "s.csv").read_text().splitlines()[0]
    assert header.replace('"', "").startswith("team,role,tenure,dir_p1")


def test_analyze_writes_json_and_html_files(simulated, tmp_path):
    out_json, out_html = tmp_path / "d.json", tmp_path / "d.html"
    assert main(["analyze", str(simulated), "--out", str(out_json)]) == 0
    assert main(["analyze", str(simulated), "--format", "html", "--out", str(out_html)]) == 0
    assert json.loads(out_json.read_text())["teams"]
    html = out_html.read_text()
    assert html.startswith("<!DOCTYPE html>") and not re.search(
        r'<(script|link|img|iframe)[^>]*(src|href)="https?:', html
    )
    assert "Key findings" in html and "fewer than 5 responses" in html
    assert "docs/methodology.md" in html
    assert main(["analyze", str(simulated), "--format", "html", "--lang", "de", "--out", str(out_html)]) == 0
    assert '<html lang="de">' in out_html.read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.html", "d.json"]


def test_progress_goes_to_stderr(simulated, tmp_path, capsys):
    assert main(["analyze", str(simulated), "--progress", "--out", str(tmp_path / "x.json")]) == 0
    err = capsys.readouterr().err
    for stage in ("reading", "diagnosing 3000 responses", "writing json", "done in"):
        assert stage in err


def test_bad_csv_exits_2_without_partial_output(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("team;dir_p1\nA;3\n", encoding="utf-8")
    out = tmp_path / "out.json"
    out.write_text("previous result")
    assert main(["analyze", str(bad), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"aad: error: {bad}: line 1: wrong delimiter: expected ','")
    assert out.read_text() == "previous result"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.csv", "out.json"]


@pytest.mark.parametrize(
    "args, message",
    [
        (["--min-group-size", "3"], "acknowledge_small_groups=True"),
        (["--questionnaire", "no-such-form"], "unknown questionnaire 'no-such-form'"),
        (["--out", "/nonexistent/dir/out.json"], "does not exist"),
    ],
)
def test_bad_options_exit_2(simulated, capsys, args, message):
    assert main(["analyze", str(simulated), *args]) == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("command", ["simulate", "analyze"])
def test_out_must_be_a_regular_file_or_a_new_path(simulated, tmp_path, capsys, monkeypatch, command, kind):
    """A device, FIFO, directory or symbolic link is refused with exit 2 and never replaced
    (as root, ``--out /dev/null`` used to replace the device by a regular file)."""
    protect_dev_null(monkeypatch)
    path, message, unchanged = special_target(tmp_path, kind)
    before = sorted(p.name for p in tmp_path.iterdir())
    args = (
        ["simulate", "--respondents", "200", "--teams", "10"] if command == "simulate" else ["analyze", str(simulated)]
    )
    assert main([*args, "--out", path]) == 2
    assert capsys.readouterr().err == f"aad: error: {message} (give a new path or a regular file)\n"
    unchanged()
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_out_replaces_a_regular_file(simulated, tmp_path):
    out = tmp_path / "diagnosis.json"
    out.write_text("previous result")
    assert main(["analyze", str(simulated), "--out", str(out)]) == 0
    assert json.loads(out.read_text())["n_respondents"] == 3000
    assert [p.name for p in tmp_path.iterdir()] == ["diagnosis.json"]


def test_simulate_rejects_bad_sizes(tmp_path, capsys):
    assert main(["simulate", "--respondents", "3", "--teams", "9", "--out", str(tmp_path / "s.csv")]) == 2
    assert "respondents: 3 are too few for 9 teams" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


def test_installed_command_end_to_end(tmp_path):
    csv_path, json_path = tmp_path / "r.csv", tmp_path / "r.json"
    run = lambda *a: subprocess.run([AAD, *a], capture_output=True, text=True, check=False)  # noqa: E731
    proc = run(
        "simulate",
        "--respondents",
        "400",
        "--teams",
        "20",
        "--questionnaire",
        "aligned-autonomy-pulse-v1",
        "--out",
        str(csv_path),
    )
    assert proc.returncode == 0, proc.stderr
    proc = run("analyze", str(csv_path), "--questionnaire", "aligned-autonomy-pulse-v1", "--out", str(json_path))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "" and proc.stderr == ""  # no progress when stderr is not a terminal
    out = json.loads(json_path.read_text())
    assert out["cfa"]["estimable"] is False
    proc = run("analyze", str(csv_path))  # full questionnaire on a pulse file
    assert proc.returncode == 2 and proc.stdout == ""
    assert "item column(s) of aligned-autonomy-v1 are missing" in proc.stderr
