"""Regenerate ``analysis/questionnaires_validated.json``: the validated content of every
shipped questionnaire by the SHA-256 of its bytes.

``analysis.instrument.load_questionnaire`` builds a file whose bytes are listed there
without importing the schema (pydantic); any other file is validated in full. Run from
the repository root after changing a file in ``questionnaires/`` or the schema
(``analysis/instrument_schema.py``):

    python scripts/validated_questionnaires.py

``tests/analysis/test_instrument_validated.py`` fails until the table matches.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis import instrument  # noqa: E402


def table() -> dict[str, dict]:
    """SHA-256 → validated content of every shipped questionnaire file."""
    files = {}
    for path in sorted(instrument.questionnaire_dir().glob("*.yaml")):
        raw = path.read_bytes()
        files[hashlib.sha256(raw).hexdigest()] = instrument.validate_file(path.name, raw)
    return files


def main() -> None:
    files = table()
    doc = {"generated_by": "scripts/validated_questionnaires.py", "files": dict(sorted(files.items()))}
    instrument.VALIDATED_PATH.write_text(json.dumps(doc, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {len(files)} questionnaires to {instrument.VALIDATED_PATH}")


if __name__ == "__main__":
    main()
