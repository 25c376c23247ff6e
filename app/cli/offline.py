"""``aad simulate`` and ``aad analyze``: offline diagnosis of CSV exports.

``aad simulate`` writes synthetic responses (with planted patterns, scenarios and
confounds, see :mod:`analysis.simulate`) as a CSV file and, with ``--truth``, their ground
truth as JSON; ``aad analyze`` reads such a file (or an export
of any survey tool in the same format, see :mod:`analysis.csv_input`), runs
:func:`analysis.diagnose` and writes the result as JSON or as a self-contained HTML page.
Output files are written by :func:`app.cli.write_output`: atomically, and only to a
regular file or a new path.
"""

from __future__ import annotations

import gc
import os
import sys
import time

from app.cli import CLIError, check_output_path, write_output

SCENARIOS = ("showcase", "realistic", "null", "random_units")

DEFAULT_QUESTIONNAIRE = "aligned-autonomy-v1"


def register(sub) -> None:
    sim = sub.add_parser(
        "simulate",
        help="write synthetic survey responses with planted patterns as CSV",
        description="Write synthetic responses (team effects, individual noise, missing "
        "answers, leads and members, planted patterns and small teams) and, with "
        "--truth, their ground truth. The showcase scenario plants unmistakable "
        "patterns; realistic, null and random_units use the realistic model with "
        "confounds (see docs/methodology.md, 'Simulation').",
    )
    size = sim.add_mutually_exclusive_group(required=True)
    size.add_argument("--respondents", type=int, metavar="N", help="spread N respondents over the teams")
    size.add_argument("--team-size", type=int, metavar="N", help="every team has exactly N members (not for showcase)")
    sim.add_argument("--teams", type=int, required=True, metavar="T")
    sim.add_argument("--units", type=int, metavar="U", help="group the teams into U units")
    sim.add_argument("--seed", type=int, default=0, metavar="S")
    sim.add_argument(
        "--scenario",
        choices=SCENARIOS,
        default="showcase",
        help="showcase (default: patterns at about 3 SD), realistic (realistic "
        "patterns and confounds), null (no team or unit effects), "
        "random_units (team effects, no unit effects)",
    )
    sim.add_argument(
        "--icc",
        type=float,
        default=0.15,
        metavar="X",
        help="share of between-team variance of the latent perception (default 0.15)",
    )
    sim.add_argument("--planted", type=int, metavar="K", help="teams per planted pattern (realistic)")
    for flag, what in (
        ("halo", "same-source halo"),
        ("acquiescence", "acquiescence"),
        ("leniency", "lenient (skewed) answers"),
        ("unawareness", "\"don't know\" from unawareness"),
        ("small-teams", "small teams (sizes 3-5 common)"),
    ):
        sim.add_argument(f"--no-{flag}", action="store_true", help=f"switch off the confound: {what}")
    sim.add_argument(
        "--questionnaire",
        default=DEFAULT_QUESTIONNAIRE,
        metavar="ID",
        help=f"bundled questionnaire id or YAML file (default {DEFAULT_QUESTIONNAIRE})",
    )
    sim.add_argument("--out", required=True, metavar="FILE.csv")
    sim.add_argument("--truth", metavar="FILE.json", help="also write the ground truth as JSON")
    sim.set_defaults(handler=_simulate)

    ana = sub.add_parser(
        "analyze",
        help="diagnose a responses CSV and write JSON or HTML",
        description="Diagnose a responses CSV (one row per respondent; columns team, unit, "
        "role, tenure, comment and one per item id).",
    )
    ana.add_argument("file", metavar="FILE.csv")
    ana.add_argument("--questionnaire", default=DEFAULT_QUESTIONNAIRE, metavar="FILE|ID")
    ana.add_argument(
        "--min-group-size", type=int, default=5, metavar="K", help="anonymity threshold k (3-50, default 5)"
    )
    ana.add_argument(
        "--acknowledge-small-groups", action="store_true", help="required for a minimum group size below 5"
    )
    ana.add_argument(
        "--comment-min-group-size",
        type=int,
        default=10,
        metavar="K",
        help="smallest group whose comments are shown (default 10)",
    )
    ana.add_argument(
        "--register",
        metavar="REGISTER.csv",
        help="the decision register (the format of its CSV import); the file's columns "
        "decides.<decision> are compared with it (docs/methodology.md §18)",
    )
    ana.add_argument("--format", choices=("json", "html"), default="json")
    ana.add_argument(
        "--lang", choices=("en", "de"), default="en", help="language of the HTML report (JSON carries both)"
    )
    ana.add_argument("--out", metavar="PATH", help="output file (default: standard output)")
    ana.add_argument(
        "--progress", action="store_true", help="report the stages on standard error even when it is not a terminal"
    )
    ana.set_defaults(handler=_analyze)


# --------------------------------------------------------------------------- helpers


def _single_threaded_blas() -> None:
    """One BLAS thread unless the user chose otherwise (before numpy is imported): the
    statistics multiply many small matrices, where threads only add start-up and
    contention (``aad analyze`` on 100,000 respondents: 13 % less CPU time)."""
    if "numpy" not in sys.modules:
        os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def _statistics():
    """``read_responses_with_extra`` and ``diagnose``, imported without the cyclic garbage
    collector: their modules (numpy, scipy, pyarrow) hold tens of thousands of objects
    that live as long as the process, which the collector would traverse a hundred times
    while they load; they are then frozen out of its way (about 20 ms less)."""
    from analysis.frozen import without_gc

    with without_gc():
        from analysis.csv_input import read_responses_with_extra
        from analysis.diagnosis import diagnose
    gc.freeze()
    return read_responses_with_extra, diagnose


def _questionnaire(ref):
    from analysis.instrument import QuestionnaireError, load_questionnaire

    try:
        return load_questionnaire(ref)
    except QuestionnaireError as exc:
        raise CLIError(str(exc)) from None


class _Progress:
    """Stage messages with timings on stderr (only when wanted)."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.t0 = time.perf_counter()
        self.stage: float | None = None

    def __call__(self, message: str | None) -> None:
        """End the current stage (printing its time) and start ``message`` (None: finish)."""
        if not self.enabled:
            return
        now = time.perf_counter()
        if self.stage is not None:
            print(f"aad:   {now - self.stage:.2f} s", file=sys.stderr, flush=True)
        if message is None:
            print(f"aad: done in {now - self.t0:.2f} s", file=sys.stderr, flush=True)
        else:
            print(f"aad: {message}…", file=sys.stderr, flush=True)
        self.stage = now


def responses_table(data):
    """The CSV layout of :mod:`analysis.csv_input` as an Arrow table.

    Comments are not linked to rows in :class:`ResponseData`; each is put in the
    ``comment`` cell of some respondent of its team (the k-th comment of a team on the
    team's k-th row in file order); comments beyond one per respondent are left out.
    """
    import numpy as np
    import pyarrow as pa

    cols = {"team": pa.array(data.team)}
    for name in ("unit", "role", "tenure"):
        values = getattr(data, name)
        if values is not None:
            cols[name] = pa.array(values)
    for j, item_id in enumerate(data.item_ids):
        v = data.values[:, j]
        cols[item_id] = pa.array(v, mask=np.isnan(v)).cast(pa.int16())
    if data.comments:
        comment = np.full(data.n, None, dtype=object)
        teams = data.teams
        codes, counts = teams.codes, teams.counts
        order = np.argsort(codes, kind="stable")  # rows grouped by team
        start = np.concatenate(([0], np.cumsum(counts)[:-1]))
        c_team = np.searchsorted(np.array(teams.labels), np.array([t for t, _ in data.comments]))
        c_order = np.argsort(c_team, kind="stable")
        sorted_team = c_team[c_order]
        rank = np.arange(sorted_team.size) - np.searchsorted(sorted_team, sorted_team)
        fits = rank < counts[sorted_team]  # one comment cell per row
        rows = order[start[sorted_team[fits]] + rank[fits]]
        texts = np.array([text for _, text in data.comments], dtype=object)[c_order]
        comment[rows] = texts[fits]
        cols["comment"] = pa.array(comment, type=pa.string())
    return pa.table(cols)


# -------------------------------------------------------------------------- commands


def _simulate(args) -> int:
    _single_threaded_blas()
    import pyarrow.csv as pacsv

    from analysis.simulate import Confounds, simulate

    check_output_path(args.out)
    if args.truth:
        check_output_path(args.truth)
    q = _questionnaire(args.questionnaire)
    switched = {
        name: getattr(args, f"no_{name}") for name in ("halo", "acquiescence", "leniency", "unawareness", "small_teams")
    }
    options = {}
    if args.scenario != "showcase":
        on, off = Confounds().to_dict(), Confounds.none().to_dict()
        chosen = {k: (off if switched[k] else on)[k] for k in switched}
        chosen["acquiescence_mean"] = (off if switched["acquiescence"] else on)["acquiescence_mean"]
        confounds = Confounds(**chosen)
        options = dict(team_size=args.team_size, confounds=confounds, icc=args.icc, planted=args.planted)
    else:
        given = [
            f"--{k.replace('_', '-')}"
            for k, v in (("team_size", args.team_size), ("planted", args.planted))
            if v is not None
        ]
        given += [f"--no-{k.replace('_', '-')}" for k, v in switched.items() if v]
        given += ["--icc"] if args.icc != 0.15 else []
        if given:
            raise CLIError(
                f"{', '.join(given)}: only for the scenarios realistic, null and random_units, not for showcase"
            )
    try:
        sim = simulate(
            q,
            respondents=args.respondents,
            teams=args.teams,
            units=args.units,
            seed=args.seed,
            scenario=args.scenario,
            **options,
        )
    except ValueError as exc:
        raise CLIError(str(exc)) from None
    table = responses_table(sim.data)
    csv_options = pacsv.WriteOptions(quoting_style="needed")
    write_output(args.out, lambda fh: pacsv.write_csv(table, fh, write_options=csv_options))
    if args.truth:
        import orjson

        truth = orjson.dumps(sim.truth.to_dict()) + b"\n"
        write_output(args.truth, lambda fh: fh.write(truth))
    by_pattern: dict[str, list[str]] = {}
    for team, pattern in sim.planted.items():
        if pattern != "small":
            by_pattern.setdefault(pattern, []).append(str(team))
    planted = "; ".join(
        f"{p}: {', '.join(teams[:5])}{f' and {len(teams) - 5} more' if len(teams) > 5 else ''}"
        for p, teams in by_pattern.items()
    )
    print(f"wrote {sim.data.n} responses of {args.teams} teams to {args.out}", file=sys.stderr)
    if planted:
        print(f"planted: {planted}", file=sys.stderr)
    if args.truth:
        print(f"wrote the ground truth ({args.scenario}) to {args.truth}", file=sys.stderr)
    return 0


def _analyze(args) -> int:
    _single_threaded_blas()
    if args.out:
        check_output_path(args.out)
    progress = _Progress(args.progress or sys.stderr.isatty())
    progress("loading")
    read_responses_with_extra, diagnose = _statistics()

    q = _questionnaire(args.questionnaire)
    register = _read_register(args.register) if args.register else None
    progress(f"reading {args.file}")
    extra: dict[str, tuple[int, ...]] = {}
    if register is not None:  # the service layer (its database stack) only when a register is given
        from analysis.decisions import DONT_KNOW
        from app.services.register_items import PREFIX

        extra = {PREFIX + d["id"]: tuple(range(DONT_KNOW + 1)) for d in register["decisions"]}
    try:
        data, further = read_responses_with_extra(args.file, q, extra)
    except ValueError as exc:
        raise CLIError(str(exc)) from None
    progress(f"diagnosing {data.n} responses")
    try:
        diagnosis = diagnose(
            data,
            min_group_size=args.min_group_size,
            comment_min_group_size=args.comment_min_group_size,
            acknowledge_small_groups=args.acknowledge_small_groups,
        )
    except ValueError as exc:
        raise CLIError(str(exc)) from None
    findings = None
    if register is not None:
        progress("comparing with the decision register")
        findings = _register_findings(args.register, register, data, further, diagnosis, k=args.min_group_size)
    progress(f"writing {args.format}")
    if args.format == "json":
        import orjson

        # keys come in a fixed order already, so the output is deterministic unsorted too
        out = diagnosis.to_dict()
        if register is not None:
            out["decision_register"] = findings.to_dict() if findings is not None else None
        text = orjson.dumps(out).decode("utf-8")
    else:
        from app.reports.html_report import render_report_html

        text = render_report_html(diagnosis, lang=args.lang, register=findings)
    payload = (text + "\n").encode("utf-8")
    if args.out:
        write_output(args.out, lambda fh: fh.write(payload))
    else:
        sys.stdout.buffer.write(payload)
        sys.stdout.flush()
    progress(None)
    return 0


MAX_REGISTER_BYTES = 1_000_000


def _read_register(path: str) -> dict:
    """The register CSV as read (lines that cannot be read at all are named with the
    file); it is checked against the teams of the responses in :func:`_register_findings`."""
    from app.services import Invalid
    from app.services.register_csv import parse_register_csv

    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_REGISTER_BYTES + 1)
    except OSError as exc:
        raise CLIError(f"{path}: {exc.strerror}") from None
    try:
        document, where, errors = parse_register_csv(data, name=path)
    except Invalid as exc:
        errors = exc.problems
    if errors:
        raise CLIError("\n".join(map(str, errors)))
    return {
        "document": document,
        "where": where,
        "decisions": [d for d in document["decisions"] if isinstance(d.get("id"), str)],
    }


def _register_findings(path: str, register: dict, data, further: dict, diagnosis, *, k: int):
    """The register against the ``decides.<decision>`` columns, as the service does it
    for a campaign (None when the file answers none of the register's decision types)."""
    from types import SimpleNamespace

    import numpy as np
    import pyarrow as pa

    from app.services import Invalid
    from app.services.register import check_document, resolve
    from app.services.register_items import PREFIX
    from app.services.register_results import diagnose_register
    from app.services.teams import split_path

    labels = list(diagnosis.teams.labels)
    unit_of = dict(zip(data.team.tolist(), data.unit.tolist())) if data.unit is not None else {}
    paths = {t: tuple(p.casefold() for p in split_path(unit_of.get(t, ""))) for t in labels}
    structure = (
        {(paths[t], t.casefold()) for t in labels},
        {p[:depth] for p in paths.values() for depth in range(1, len(p) + 1)},
    )
    try:
        document = check_document(register["document"], structure, where=register["where"])
    except Invalid as exc:
        raise CLIError("\n".join([f"{path}: {exc.detail}", *exc.errors])) from None
    asked = [d["id"] for d in document["decisions"] if not np.isnan(further[PREFIX + d["id"]]).all()]
    if not asked:
        return None
    codes, _ = resolve(document, [(unit_of.get(t, ""), t) for t in labels])
    frozen = SimpleNamespace(
        decisions=document["decisions"], asked=asked, register_number=1, design=dict(zip(labels, codes))
    )
    practice = {i: data.values[:, data.item_ids.index(i)] for i in ("dr_s4", "dr_s5") if i in data.item_ids}
    columns = {"answers": pa.table({c: pa.array(v) for c, v in {**further, **practice}.items()}), "team": data.team}
    return diagnose_register(frozen, columns, diagnosis, k=k, team_ids={t: t for t in labels})
