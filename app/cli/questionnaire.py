"""``aad questionnaire check|list``: validate and list instrument files."""

from __future__ import annotations

from app.cli import CLIError


def register(sub) -> None:
    parser = sub.add_parser("questionnaire", help="validate and list questionnaire files")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    check = actions.add_parser("check", help="validate a questionnaire file (exit 2 on error)")
    check.add_argument("file", help="path to a YAML file, or the id of a bundled questionnaire")
    check.set_defaults(handler=_check)
    listing = actions.add_parser("list", help="list the bundled questionnaires")
    listing.set_defaults(handler=_list)


def _check(args) -> int:
    from analysis.instrument import QuestionnaireError, load_questionnaire

    try:
        q = load_questionnaire(args.file)
    except QuestionnaireError as exc:
        raise CLIError(str(exc)) from None
    counts = {k: len(q.items_of(k)) for k in ("perception", "structure", "misconception")}
    print(
        f"{q.source}: OK — {q.id} version {q.version}, {len(q.items)} items "
        f"({counts['perception']} perception, {counts['structure']} structure, "
        f"{counts['misconception']} misconception)"
    )
    return 0


def _list(args) -> int:
    from analysis.instrument import list_questionnaires

    for q in list_questionnaires():
        print(f"{q.id}\tversion {q.version}\t{len(q.items)} items\t{q.title['en']}")
    return 0
