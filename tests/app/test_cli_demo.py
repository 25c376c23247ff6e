"""The demo keeps to its own directory: ``aad serve --demo`` never touches the
configured database or data directory, ``aad demo reset`` deletes only a demo
directory, and a taken port is refused before anything is seeded or printed."""

from __future__ import annotations

import socket

import pytest

from app.cli import CLIError
from app.cli import main as aad
from app.cli.server import DEMO_MARKER, _check_port_free, _demo_environment
from app.core.config import Settings


@pytest.fixture
def production_env(monkeypatch, tmp_path):
    """A real installation's settings in the environment, and the checkout as cwd."""
    prod = tmp_path / "production"
    monkeypatch.setenv("AAD_DATA_DIR", str(prod))
    monkeypatch.setenv("AAD_DATABASE_URL", f"sqlite:///{prod / 'aad.db'}")
    monkeypatch.setenv("AAD_SECRET_KEY", "p" * 40)
    monkeypatch.setenv("AAD_ENV", "production")
    monkeypatch.delenv("AAD_DEMO_DIR", raising=False)
    monkeypatch.delenv("AAD_PREVIOUS_SECRET_KEYS", raising=False)  # the demo's changes are undone too
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    monkeypatch.chdir(checkout)
    return prod, checkout


def test_the_demo_uses_its_own_directory_whatever_the_settings_say(production_env):
    prod, checkout = production_env
    data_dir = _demo_environment()
    settings = Settings()
    assert data_dir == checkout / ".aad-demo" and (data_dir / DEMO_MARKER).exists()
    assert settings.sqlalchemy_url == f"sqlite:///{data_dir / 'aad.db'}" and settings.data_dir == data_dir
    assert settings.secret_key != "p" * 40 and settings.development
    assert not prod.exists()


def test_demo_reset_deletes_only_a_demo_directory(production_env, capsys, monkeypatch):
    _, checkout = production_env
    assert aad(["demo", "reset"]) == 0 and "no demo data" in capsys.readouterr().out
    data_dir = _demo_environment()
    (data_dir / "aad.db").write_bytes(b"x")
    assert aad(["demo", "reset"]) == 0 and not data_dir.exists()
    other = checkout / "elsewhere"
    other.mkdir()
    (other / "precious.db").write_bytes(b"x")
    monkeypatch.setenv("AAD_DEMO_DIR", str(other))
    assert aad(["demo", "reset"]) == 2
    assert "not a demo directory" in capsys.readouterr().err and (other / "precious.db").exists()
    with pytest.raises(CLIError, match="not empty and not a demo directory"):
        _demo_environment()


def test_a_taken_port_is_refused_before_anything_happens(production_env, capsys):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(CLIError, match=f"cannot listen on 127.0.0.1:{port}.*make run PORT="):
            _check_port_free("127.0.0.1", port)
        assert aad(["serve", "--demo", "--port", str(port)]) == 2
    assert "Demo ready" not in capsys.readouterr().out
    assert not (production_env[1] / ".aad-demo").exists()
