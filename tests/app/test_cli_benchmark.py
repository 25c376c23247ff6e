"""``aad benchmark export FILE`` / ``aad benchmark import FILE``: round trip between two
installations with generalized rows; an export of fewer than 5 entries is refused;
malformed files name the problem, exit 2 and change nothing."""

from __future__ import annotations

import json
import shutil

import pytest

from analysis.benchmark import load_benchmark
from app.cli import main
from app.core.db import make_engine, session_scope
from app.demo import simulated_benchmark
from app.services.benchmarks import import_file, pool_status
from output_targets import KINDS, protect_dev_null, special_target
from web_helpers import SECRET


@pytest.fixture(scope="module")
def installations(tmp_path_factory, sqlite_template):
    """Two SQLite installations; the first holds six released simulated entries."""
    root = tmp_path_factory.mktemp("cli-benchmark")
    urls = []
    for name in ("one", "two"):
        path = root / f"{name}.db"
        shutil.copy(sqlite_template, path)
        urls.append(f"sqlite:///{path}")
    engine = make_engine(urls[0])
    with session_scope(engine, write=True) as s:
        import_file(s, data=simulated_benchmark((("logistics", "250-999"),) * 6), source="simulated")
    engine.dispose()
    return root, urls


def _use(monkeypatch, url, root):
    monkeypatch.setenv("AAD_DATABASE_URL", url)
    monkeypatch.setenv("AAD_SECRET_KEY", SECRET)
    monkeypatch.setenv("AAD_ENV", "production")
    monkeypatch.setenv("AAD_BASE_URL", "https://survey.example.org")
    monkeypatch.setenv("AAD_DATA_DIR", str(root))


def _status(url):
    engine = make_engine(url)
    with session_scope(engine) as s:
        out = pool_status(s)
    engine.dispose()
    return out


def test_export_then_import_round_trip(installations, monkeypatch, capsys):
    root, (one, two) = installations
    target = root / "norms.json"
    _use(monkeypatch, one, root)
    assert main(["benchmark", "export", str(target)]) == 0
    assert "6 benchmark entries written" in capsys.readouterr().out
    exported = load_benchmark(target.read_bytes())
    assert len(exported) == 6
    # six months 2026-01 … 2026-06: two quarters of three, so the year is written
    assert {(e.industry, e.size_band, e.closed_on) for e in exported} == {("logistics", "250-999", "2026")}
    _use(monkeypatch, two, root)
    assert main(["benchmark", "export", str(root / "empty.json")]) == 2
    assert "fewer than 5 released entries; nothing may leave this installation" in capsys.readouterr().err
    assert not (root / "empty.json").exists()
    assert main(["benchmark", "import", str(target), "--source", "norms 2026"]) == 0
    assert "6 new benchmark entries imported" in capsys.readouterr().out
    assert _status(two)["released"] == 6
    assert _status(two)["sources"] == [{"source": "norms 2026", "entries": 6}]
    again = root / "again.json"
    assert main(["benchmark", "export", str(again)]) == 0
    assert load_benchmark(again.read_bytes()).entries == exported.entries  # generalizing again: no change
    assert main(["benchmark", "import", str(target)]) == 0
    assert "0 new benchmark entries" in capsys.readouterr().out


@pytest.mark.parametrize(
    "content, problem",
    [
        (b"{", "JSON"),
        (b'{"format": "aad-benchmark", "version": 4, "entries": []}', "version"),
        (b'{"format": "something-else", "version": 1, "entries": []}', "format"),
    ],
)
def test_malformed_files_exit_2_and_change_nothing(installations, monkeypatch, capsys, content, problem):
    root, (one, _) = installations
    _use(monkeypatch, one, root)
    before = _status(one)
    bad = root / "bad.json"
    bad.write_bytes(content)
    assert main(["benchmark", "import", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"aad: error: {bad}: the benchmark file was not imported")
    assert problem.lower() in err.lower() and "nothing was imported" in err
    assert _status(one) == before


def test_an_entry_out_of_range_is_named(installations, monkeypatch, capsys):
    root, (one, _) = installations
    _use(monkeypatch, one, root)
    data = json.loads(simulated_benchmark((("retail", "50-249"),)))
    data["entries"][0]["dimensions"]["feedback"]["level"] = 7
    bad = root / "range.json"
    bad.write_text(json.dumps(data))
    assert main(["benchmark", "import", str(bad)]) == 2
    assert "entries[0].dimensions.feedback.level" in capsys.readouterr().err


def test_missing_file_and_bad_target(installations, monkeypatch, capsys):
    root, (one, _) = installations
    _use(monkeypatch, one, root)
    assert main(["benchmark", "import", str(root / "missing.json")]) == 2
    assert "cannot read" in capsys.readouterr().err
    assert main(["benchmark", "export", str(root)]) == 2
    assert "is a directory" in capsys.readouterr().err


@pytest.mark.parametrize("kind", KINDS)
def test_export_refuses_anything_but_a_regular_file_or_a_new_path(installations, tmp_path, monkeypatch, capsys, kind):
    root, (one, _) = installations
    _use(monkeypatch, one, root)
    protect_dev_null(monkeypatch)
    path, message, unchanged = special_target(tmp_path, kind)
    before = sorted(p.name for p in tmp_path.iterdir())
    assert main(["benchmark", "export", path]) == 2
    assert capsys.readouterr().err == f"aad: error: {message} (give a new path or a regular file)\n"
    unchanged()
    assert sorted(p.name for p in tmp_path.iterdir()) == before
