"""Shipped questionnaires load without the schema (pydantic) only when their bytes were
validated, and then load exactly as full validation would
(analysis/questionnaires_validated.json, scripts/validated_questionnaires.py)."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys

import pytest

from analysis import instrument
from analysis.instrument import QuestionnaireError, load_questionnaire, questionnaire_dir

STORED = json.loads(instrument.VALIDATED_PATH.read_text(encoding="utf-8"))["files"]
SHIPPED = sorted(questionnaire_dir().glob("*.yaml"))


def test_every_shipped_file_is_stored_with_its_validated_content():
    shas = {hashlib.sha256(p.read_bytes()).hexdigest(): p for p in SHIPPED}
    assert set(STORED) == set(shas), "run scripts/validated_questionnaires.py"
    for sha, path in shas.items():
        # JSON text, so that 40 and 40.0 differ
        fresh = instrument.validate_file(path.name, path.read_bytes())
        assert json.dumps(STORED[sha], sort_keys=True) == json.dumps(fresh, sort_keys=True), path.name


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_trusted_load_equals_validated_load(path, monkeypatch):
    instrument._load_cached.cache_clear()
    trusted = load_questionnaire(path)
    monkeypatch.setattr(instrument, "USE_VALIDATED", False)
    instrument._load_cached.cache_clear()
    validated = load_questionnaire(path)
    instrument._load_cached.cache_clear()
    assert repr(trusted) == repr(validated)
    assert trusted == validated and trusted.sha256 == validated.sha256


def test_shipped_questionnaire_loads_without_pydantic_or_yaml():
    code = (
        "import sys\nfrom analysis.instrument import load_questionnaire\n"
        "q = load_questionnaire('aligned-autonomy-v2')\n"
        "print(q.thresholds.findings.agreement_null, 'pydantic' in sys.modules, 'yaml' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["slight_skew", "False", "False"]


def test_a_changed_file_is_validated_in_full(tmp_path):
    src = (questionnaire_dir() / "aligned-autonomy-v2.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "changed.yaml"
    bad.write_text(src.replace("estimated_minutes:", "estimated_minute:", 1), encoding="utf-8")
    with pytest.raises(QuestionnaireError, match="changed.yaml: .*estimated_minute"):
        load_questionnaire(bad)
