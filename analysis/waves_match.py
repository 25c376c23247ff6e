"""Matching of groups across waves for :func:`analysis.waves.compare_waves`: the optional maps of
renamed, split and merged teams are normalized and the groups of two waves joined into
connected components, each compared as one.

Part of :mod:`analysis.waves`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from analysis.messages import N_, CodedError


# --------------------------------------------------------------------------- matching


def _normalize_map(
    team_map: object, name: str, n_steps: int, waves_labels: list[set[str]]
) -> list[dict[str, tuple[str, ...]]]:
    """Per step: {old: (new, ...)} with validation (see module docstring)."""
    if team_map is None:
        return [{} for _ in range(n_steps)]

    def parse(mp: object, where: str) -> dict[str, tuple[str, ...]]:
        if not isinstance(mp, Mapping):
            raise TypeError(f"{where}: must be a mapping, got {type(mp).__name__}")
        out: dict[str, tuple[str, ...]] = {}
        for key, val in mp.items():
            keys = (key,) if isinstance(key, str) else key
            if not isinstance(keys, tuple) or not keys or not all(isinstance(k, str) and k for k in keys):
                raise ValueError(f"{where}: keys must be team ids (str) or tuples of team ids, got {key!r}")
            targets = (val,) if isinstance(val, str) else val
            if (
                not isinstance(targets, (list, tuple))
                or not targets
                or not all(isinstance(t, str) and t for t in targets)
            ):
                raise ValueError(f"{where}[{key!r}]: must be a team id or a non-empty list of team ids, got {val!r}")
            if len(set(targets)) != len(targets):
                raise CodedError(f"{where}[{key!r}]", N_("lists a team twice: %(teams)s"), teams=repr(list(targets)))
            for k in keys:
                if k in out:
                    raise CodedError(where, N_("team %(team)s is mapped twice"), team=repr(k))
                out[k] = tuple(targets)
        return out

    if isinstance(team_map, Mapping):
        mp = parse(team_map, name)
        earlier = set().union(*waves_labels[:-1])
        later = set().union(*waves_labels[1:])
        for k, targets in mp.items():
            if k not in earlier:
                raise CodedError(name, N_("%(team)s is not a group of any wave but the last"), team=repr(k))
            for t in targets:
                if t not in later:
                    raise CodedError(
                        f"{name}[{k!r}]", N_("%(team)s is not a group of any wave but the first"), team=repr(t)
                    )
        return [{k: v for k, v in mp.items() if k in waves_labels[i]} for i in range(n_steps)]
    if isinstance(team_map, (str, bytes)) or not isinstance(team_map, Sequence):
        raise TypeError(f"{name}: must be a mapping or a sequence of mappings, got {type(team_map).__name__}")
    if len(team_map) != n_steps:
        raise ValueError(f"{name}: needs one mapping per step ({n_steps}), got {len(team_map)}")
    steps = []
    for i, mp in enumerate(team_map):
        mp = parse(mp or {}, f"{name}[{i}]")
        for k, targets in mp.items():
            if k not in waves_labels[i]:
                raise ValueError(f"{name}[{i}]: {k!r} is not a group of wave {i + 1}")
            for t in targets:
                if t not in waves_labels[i + 1]:
                    raise ValueError(f"{name}[{i}][{k!r}]: {t!r} is not a group of wave {i + 2}")
        steps.append(mp)
    return steps


def _components(
    before: tuple[str, ...],
    after: tuple[str, ...],
    succ: dict[str, set[str]],
) -> tuple[list[tuple[tuple[str, ...], tuple[str, ...], str]], list[str], list[str]]:
    """Connected components of the before/after link graph.

    Returns (components, ended, new) with components as (before labels, after labels, match).
    """
    after_set = set(after)
    parent: dict[tuple[str, str], tuple[str, str]] = {}

    def find(x: tuple[str, str]) -> tuple[str, str]:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for b in before:
        parent[("b", b)] = ("b", b)
    for a in after:
        parent[("a", a)] = ("a", a)
    for b in before:
        for a in succ.get(b, ()):
            if a in after_set:
                ra, rb = find(("a", a)), find(("b", b))
                if ra != rb:
                    parent[ra] = rb
    comps: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for node in parent:
        comps.setdefault(find(node), []).append(node)
    out, ended, new = [], [], []
    for nodes in comps.values():
        bs = sorted(x for s, x in nodes if s == "b")
        as_ = sorted(x for s, x in nodes if s == "a")
        if not as_:
            ended.extend(bs)
            continue
        if not bs:
            new.extend(as_)
            continue
        if len(bs) == 1 and len(as_) == 1:
            match = "same" if bs[0] == as_[0] else "renamed"
        elif len(bs) == 1:
            match = "split"
        elif len(as_) == 1:
            match = "merged"
        else:
            match = "restructured"
        out.append((tuple(bs), tuple(as_), match))
    out.sort(key=lambda c: (c[1], c[0]))
    return out, sorted(ended), sorted(new)


def _succ(labels: tuple[str, ...], step_maps: list[dict[str, tuple[str, ...]]]) -> dict[str, set[str]]:
    """Successor labels of every label through the given steps (composed)."""
    out = {}
    for x in labels:
        cur = {x}
        for mp in step_maps:
            nxt: set[str] = set()
            for y in cur:
                nxt.update(mp.get(y, (y,)))
            cur = nxt
        out[x] = cur
    return out
