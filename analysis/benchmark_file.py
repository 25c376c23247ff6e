"""Benchmark files: :func:`dump_benchmark` and :func:`load_benchmark` (UTF-8 JSON, layout in
:mod:`analysis.benchmark`), strict on duplicate keys, control characters and size.

Part of :mod:`analysis.benchmark`; import the public names from there.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
from pydantic import ValidationError

from analysis.benchmark_schema import (
    FORMAT,
    MAX_ENTRIES,
    MAX_FILE_BYTES,
    READ_VERSIONS,
    _CONTROL_ESCAPE,
    _FileModel,
    _describe,
    _show,
)
from analysis.benchmark_pool import BenchmarkEntry, BenchmarkPool

__all__ = ["dump_benchmark", "load_benchmark"]


# --------------------------------------------------------------------------- files


class _DuplicateKey(ValueError):
    pass


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        seen = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return out


def dump_benchmark(pool: BenchmarkPool, *, rng: np.random.Generator | None = None) -> bytes:
    """Serialize a pool as a benchmark file (see :func:`load_benchmark`).

    Parameters
    ----------
    pool : BenchmarkPool
    rng : numpy.random.Generator, optional
        Writes the entries in a random order drawn from ``rng``; by default they are
        sorted by id.

    Returns
    -------
    bytes
        Compact UTF-8 JSON with sorted keys, ending in a newline; without ``rng``
        byte-identical for equal pools.

    Raises
    ------
    ValueError
        The file would exceed :data:`MAX_FILE_BYTES`.
    """
    if not isinstance(pool, BenchmarkPool):
        raise TypeError(f"pool: must be a BenchmarkPool, got {type(pool).__name__}")
    doc = pool.to_dict()
    if rng is not None:
        doc["entries"] = [doc["entries"][i] for i in rng.permutation(len(pool))]
    data = (
        json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode("utf-8")
        + b"\n"
    )
    if len(data) > MAX_FILE_BYTES:
        raise ValueError(f"pool: the file would be {len(data):,} bytes; at most {MAX_FILE_BYTES:,} bytes are allowed")
    return data


def load_benchmark(data: bytes) -> BenchmarkPool:
    """Read and validate a benchmark file.

    Layout (version 2)::

        {"format": "aad-benchmark", "version": 2,
         "entries": [{"entry_id": "<32 hex>", "questionnaire_id": "aligned-autonomy-v1",
                      "questionnaire_version": 1,
                      "closed_on": "2024-05" | "2024-Q2" | "2024" | "any",
                      "industry": "manufacturing" | "any",
                      "size_band": "250-999" | "any",
                      "typology": "drift" | null,
                      "dimensions": {"direction": {"score": 0–100 | null,
                                                   "structure": 0–100 | null,
                                                   "n": 1–10000000 | null,
                                                   "icc1": -1–1 | null,
                                                   "level": 1–5 | null}, ...}}, ...]}

    Every field is required, no other field is allowed, numbers must be finite JSON
    numbers of the right type (integers for ``n``, ``level`` and versions), at most
    :data:`MAX_FILE_BYTES` bytes and :data:`MAX_ENTRIES` entries. :data:`ANY` marks a
    generalized industry, size band or closing period (:func:`generalize`). Version 1
    files, whose entries always give the month, the industry and the size band, are
    read as they are.

    Parameters
    ----------
    data : bytes
        The file content (UTF-8, an optional byte-order mark is ignored).

    Returns
    -------
    BenchmarkPool

    Raises
    ------
    ValueError
        The message names the problem and where, e.g.
        ``"entries[3].dimensions.direction.score: must be <= 100.0, got 120.0"``;
        ``"version: unsupported benchmark file version 3; this installation reads versions 1 to 2"``;
        a control character other than tab and line breaks, raw or escaped, names its line.
    TypeError
        ``data`` is not bytes.
    """
    if isinstance(data, (bytearray, memoryview)):
        data = bytes(data)
    if not isinstance(data, bytes):
        raise TypeError(f"data: must be bytes, got {type(data).__name__}")
    if len(data) > MAX_FILE_BYTES:
        raise ValueError(f"data: the file is {len(data):,} bytes; at most {MAX_FILE_BYTES:,} bytes are allowed")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(f"data: not UTF-8 text (invalid byte at offset {exc.start})") from None
    escaped = _CONTROL_ESCAPE.search(text)
    if escaped:
        line = text.count("\n", 0, escaped.start(1)) + 1
        raise ValueError(f"data: line {line}: the control character {escaped.group(1)} is not allowed")
    try:
        doc = json.loads(text, object_pairs_hook=_no_duplicates)
    except _DuplicateKey as exc:
        raise ValueError(f"data: duplicate key {exc.args[0]!r} in a JSON object") from None
    except json.JSONDecodeError as exc:
        raise ValueError(
            f"data: not valid JSON: {exc.msg.removesuffix(' at')} at line {exc.lineno}, column {exc.colno}"
        ) from None
    except RecursionError:
        raise ValueError("data: JSON is nested too deeply") from None
    except ValueError as exc:
        raise ValueError(f"data: not valid JSON: {exc}") from None
    if not isinstance(doc, dict):
        raise ValueError(f"data: the top level must be a JSON object, got {_show(doc)}")
    if doc.get("format") != FORMAT:
        raise ValueError(f"format: not a benchmark file (expected {FORMAT!r}, got {_show(doc.get('format'))})")
    version = doc.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version not in READ_VERSIONS:
        raise ValueError(
            f"version: unsupported benchmark file version {_show(version)}; this "
            f"installation reads versions {READ_VERSIONS[0]} to {READ_VERSIONS[-1]}"
        )
    entries = doc.get("entries")
    if isinstance(entries, list) and len(entries) > MAX_ENTRIES:
        raise ValueError(f"entries: {len(entries):,} entries; at most {MAX_ENTRIES:,} are allowed")
    try:
        _FileModel.model_validate(doc)
    except ValidationError as exc:
        raise ValueError(_describe(exc)) from None
    # valid: in strict mode the parsed document already has the schema's types
    return BenchmarkPool([BenchmarkEntry._trusted(e) for e in doc["entries"]])
