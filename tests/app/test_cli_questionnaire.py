"""``aad questionnaire check|list`` as a user runs it."""

import subprocess
import sys
from pathlib import Path

from analysis.instrument import questionnaire_dir
from app.cli import main


def test_check_accepts_the_bundled_files(capsys):
    for path in sorted(questionnaire_dir().glob("*.yaml")):
        assert main(["questionnaire", "check", str(path)]) == 0
    assert "aligned-autonomy-v1.yaml: OK — aligned-autonomy-v1 version 1, 37 items" in capsys.readouterr().out


def test_check_rejects_a_bad_file_with_exit_code_2(tmp_path):
    src = (questionnaire_dir() / "aligned-autonomy-v1.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "aligned-autonomy-v1.yaml"
    bad.write_text(src.replace("scale: agree5\n", "scale: agree5x\n", 1), encoding="utf-8")
    proc = subprocess.run(
        [str(Path(sys.executable).with_name("aad")), "questionnaire", "check", str(bad)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.strip() == ("aad: error: aligned-autonomy-v1.yaml: item dir_p1: scale 'agree5x' is not declared")


def test_list_names_both_instruments(capsys):
    assert main(["questionnaire", "list"]) == 0
    out = capsys.readouterr().out
    assert "aligned-autonomy-v1\tversion 1" in out and "aligned-autonomy-pulse-v1\tversion 1" in out
