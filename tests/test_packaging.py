"""An installed copy (a built wheel) works outside the checkout."""

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(out), str(ROOT)],
        check=True,
    )
    (path,) = out.glob("aligned_autonomy_diagnostic-*.whl")
    return path


def test_wheel_carries_questionnaires_static_files_and_the_catalogue(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "analysis/questionnaires/aligned-autonomy-v1.yaml" in names
    assert "analysis/questionnaires/aligned-autonomy-pulse-v1.yaml" in names
    assert any(n.startswith("app/static/") for n in names)
    assert "app/locale/de/LC_MESSAGES/messages.mo" in names  # the compiled catalogue the product reads
    assert not any(n.startswith("tests/") for n in names)


def test_installed_copy_loads_its_questionnaires_outside_the_checkout(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target), str(wheel)],
        check=True,
    )
    code = (
        "import analysis, sys; "
        "assert analysis.__file__.startswith(sys.argv[1]), analysis.__file__; "
        "from analysis.translate import translate; "
        "q = analysis.load_questionnaire('aligned-autonomy-v1'); print(q.id, len(q.items), translate('Questions', 'de'))"
    )
    env = {**os.environ, "PYTHONPATH": str(target)}
    proc = subprocess.run(
        [sys.executable, "-c", code, str(target)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert proc.stdout.strip() == "aligned-autonomy-v1 37 Fragen"
