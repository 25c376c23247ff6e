"""``aad analyze --register``: the offline path compares the register with the answers
to the register items, with the same CSV format as the import."""

import csv
import json

import pytest

from app.cli import main
from app.services.register_csv import HEADER

REGISTER = (
    ",".join(HEADER)
    + "\n"
    + (
        "decision,priorities,decision_rights,the team's priorities,die Prioritäten des Teams,,,,,,,,\n"
        "decision,hiring,decision_rights,hiring into the team,Einstellungen ins Team,,,,,,,,\n"
        "design,priorities,,,,,,team,,,,,\n"
        "design,hiring,,,,U2,,central,,,,,\n"
    )
)


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """Simulated responses with answers to the priorities item: the teams of unit U1
    believe the centre decides (escalation beyond the design), the others answer as designed."""
    d = tmp_path_factory.mktemp("reg")
    responses = d / "responses.csv"
    assert (
        main(
            [
                "simulate",
                "--team-size",
                "8",
                "--teams",
                "12",
                "--units",
                "2",
                "--scenario",
                "null",
                "--seed",
                "3",
                "--out",
                str(responses),
            ]
        )
        == 0
    )
    with open(responses, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    unit = rows[0].index("unit")
    rows[0].append("decides.priorities")
    for row in rows[1:]:
        row.append("3" if row[unit] == "U1" else "0")
    with open(responses, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    register = d / "register.csv"
    register.write_text(REGISTER, encoding="utf-8")
    return responses, register, {r[unit] for r in rows[1:]}


def test_analyze_with_the_register_finds_the_escalation(files, capsys):
    responses, register, units = files
    assert units == {"U1", "U2"}
    capsys.readouterr()
    assert main(["analyze", str(responses), "--register", str(register)]) == 0
    out = json.loads(capsys.readouterr().out)["decision_register"]
    assert [d["id"] for d in out["decisions"]] == ["priorities"]  # hiring was not asked
    verdicts = {(t["unit"], c["verdict"]) for t in out["teams"] for c in t["cells"]}
    assert verdicts == {("U1", "escalation_beyond_design"), ("U2", "as_designed")}


def test_the_html_report_has_the_register(files, tmp_path):
    responses, register, _ = files
    out = tmp_path / "r.html"
    assert (
        main(
            [
                "analyze",
                str(responses),
                "--register",
                str(register),
                "--format",
                "html",
                "--lang",
                "de",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    assert "Eskalation über das Vorgesehene hinaus" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("register", "message"),
    [
        ("kind,decision\n", "register.csv, line 1: expected the header"),
        (REGISTER + "policy,x,,,,,,,,,,,\n", "register.csv, line 6: kind 'policy' is not one of"),
        (
            REGISTER + "design,priorities,,,,U9,,team,,,,,\n",
            "register.csv, line 6: unit 'U9' is not in the team structure",
        ),
        (
            REGISTER + "design,strategy,,,,,,team,,,,,\n",
            "register.csv, line 6: decision 'strategy' is not a decision type",
        ),
    ],
)
def test_a_bad_register_names_file_and_line(files, tmp_path, capsys, register, message):
    responses, _, _ = files
    path = tmp_path / "register.csv"
    path.write_text(register, encoding="utf-8")
    out = tmp_path / "out.json"
    assert main(["analyze", str(responses), "--register", str(path), "--out", str(out)]) == 2
    assert message in capsys.readouterr().err.replace(str(tmp_path) + "/", "")
    assert not out.exists()


def test_a_bad_answer_to_a_register_item_names_line_and_column(files, tmp_path, capsys):
    responses, register, _ = files
    bad = tmp_path / "bad.csv"
    lines = responses.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].rsplit(",", 1)[0] + ",7"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["analyze", str(bad), "--register", str(register)]) == 2
    err = capsys.readouterr().err
    assert "line 4" in err and "decides.priorities" in err and "7 is not one of the answer values" in err


def test_without_register_a_register_column_is_unknown(files, capsys):
    responses, _, _ = files
    assert main(["analyze", str(responses)]) == 2
    assert "unknown column" in capsys.readouterr().err


def test_offline_v2_responses_get_the_practice_comparison(tmp_path, capsys):
    """With instrument v2 the offline path compares the register with the reported
    practice too: teams of U1 report outside approvals for decisions the register leaves
    to them; U2's design places every decision at the centre."""
    responses = tmp_path / "responses.csv"
    assert (
        main(
            [
                "simulate",
                "--team-size",
                "8",
                "--teams",
                "6",
                "--units",
                "2",
                "--scenario",
                "null",
                "--seed",
                "4",
                "--questionnaire",
                "aligned-autonomy-v2",
                "--out",
                str(responses),
            ]
        )
        == 0
    )
    with open(responses, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    unit, s4, s5 = (rows[0].index(c) for c in ("unit", "dr_s4", "dr_s5"))
    rows[0].append("decides.priorities")
    for row in rows[1:]:
        row[s4], row[s5] = ("4", "3") if row[unit] in ("U1", "U2") else ("1", "4")
        row.append("0")
    with open(responses, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    register = tmp_path / "register.csv"
    register.write_text(
        ",".join(HEADER)
        + "\n"
        + (
            "decision,priorities,decision_rights,the team's priorities,die Prioritäten des Teams,,,,,,,,\n"
            "design,priorities,,,,,,team,,,,,\n"
            "design,priorities,,,,U2,,central,,,,,\n"
        ),
        encoding="utf-8",
    )
    capsys.readouterr()
    assert main(["analyze", str(responses), "--questionnaire", "aligned-autonomy-v2", "--register", str(register)]) == 0
    out = json.loads(capsys.readouterr().out)["decision_register"]
    verdicts = {(t["unit"], t["practice"]["verdict"]) for t in out["teams"]}
    assert verdicts == {("U1", "practice_overrides_design"), ("U2", "not_applicable")}
    assert {f["unit"] for f in out["practice_findings"]} == {"U1"}
