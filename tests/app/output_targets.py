"""Output paths that the ``aad`` commands must refuse and leave as they are: a FIFO, a
symbolic link to a file, a directory and /dev/null. ``/dev/null`` is protected while the
test runs, so that a regression fails the test instead of replacing the device."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

KINDS = ("fifo", "symlink", "directory", "device")


def protect_dev_null(monkeypatch) -> None:
    """Make every rename onto /dev/null fail the test."""
    replace = os.replace

    def guarded(src, dst, **kwargs):
        assert os.path.realpath(dst) != "/dev/null", "an output file would have replaced /dev/null"
        return replace(src, dst, **kwargs)

    monkeypatch.setattr(os, "replace", guarded)


def special_target(tmp_path: Path, kind: str) -> tuple[str, str, Callable[[], None]]:
    """``(path, the expected message, a check that the path is unchanged)``."""
    if kind == "fifo":
        path = tmp_path / "pipe"
        os.mkfifo(path)
        return str(path), f"{path}: is a FIFO; nothing was written", lambda: _assert(stat.S_ISFIFO, path)
    if kind == "symlink":
        real = tmp_path / "real.txt"
        real.write_text("keep me")
        path = tmp_path / "link"
        path.symlink_to(real)

        def unchanged():
            _assert(stat.S_ISLNK, path)
            assert real.read_text() == "keep me"

        return str(path), f"{path}: is a symbolic link; nothing was written", unchanged
    if kind == "directory":
        path = tmp_path / "folder"
        path.mkdir()
        (path / "inside.txt").write_text("keep me")

        def unchanged():
            _assert(stat.S_ISDIR, path)
            assert [p.name for p in path.iterdir()] == ["inside.txt"]

        return str(path), f"{path}: is a directory; nothing was written", unchanged
    return (
        "/dev/null",
        "/dev/null: is a character device; nothing was written",
        lambda: _assert(stat.S_ISCHR, "/dev/null"),
    )


def _assert(test, path) -> None:
    assert test(os.lstat(path).st_mode), f"{path} was replaced"
