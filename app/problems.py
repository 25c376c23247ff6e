"""Errors as codes with parameters, translated where they are shown.

A service or a router that refuses a request raises a :class:`~app.services.ServiceError`
carrying a :class:`Problem`: a code, its parameters and optionally where it occurred
(``at``: an item, a line of a file). The English text of every code is defined once, in
:data:`MESSAGES`, marked with ``N_()`` so that ``scripts/messages`` puts it into the
catalogue. The JSON API answers the English text (``detail``, stable; the command line
likewise, with file and line); a page shows :meth:`Problem.text`, the same message in the
language of the request, numbers in its conventions (docs/architecture.md, "Languages").

A fixed message without parameters may also be given as its English text (an ``N_()``
constant of the service); its code is then that text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from app.catalogue import N_, format_number, gettext

#: The English message of every code with parameters (``%(name)s`` placeholders).
MESSAGES: Mapping[str, str] = MappingProxyType(
    {
        # where a problem occurred
        "at_item": N_("item %(item)s"),
        "at_line": N_("line %(line)s"),
        "at_team": N_("team %(team)s"),
        # answers to the survey (app.services.survey)
        "unknown_item": N_("unknown item %(item)s"),
        "more_than_one_answer": N_("more than one answer"),
        "answer_required": N_("an answer is required"),
        "not_an_answer_value": N_("%(value)s is not one of the answer values %(allowed)s"),
        "comment_not_text": N_("the comment must be text"),
        "comment_not_valid": N_("the comment is not valid text"),
        "comment_too_long": N_("the comment is longer than %(max)s characters"),
        "unknown_field": N_("unknown field %(field)s"),
        # organizations, campaigns, invitations
        "size_band_choice": N_("size band must be one of %(bands)s"),
        "links_per_request": N_("between 0 and %(max)s links per request"),
        "links_whole_number": N_("the number of links must be a whole number"),
        "over_headcount": N_("%(team)s: %(existing)s links exist, %(asked)s more asked, headcount %(headcount)s"),
        # benchmark files (app.routers.benchmarks)
        "benchmark_file_too_large": N_("the benchmark file is larger than %(max)s bytes"),
        # uploaded files (app.core.csvfile and the readers that use it)
        "file_too_large": N_("the file is larger than %(max)s bytes"),
        "fields_count": N_("expected %(expected)s fields, found %(found)s"),
        "control_character": N_("control character %(char)s is not allowed"),
        "file_not_utf8": N_("the file is not UTF-8 text (byte %(byte)s)"),
        "header_missing": N_("the header '%(header)s' is missing"),
        "header_expected": N_("expected the header '%(header)s'"),
        "too_many_rows": N_("more than %(limit)s %(noun)s"),
        # team structure (app.services.teams)
        "team_repeats": N_("team '%(team)s' in '%(path)s' repeats line %(line)s"),
        "team_name_empty": N_("the team name is empty"),
        "names_too_long": N_("names may have at most %(max)s characters"),
        "path_too_deep": N_("the unit path is deeper than %(max)s levels"),
        "headcount_not_whole": N_("headcount '%(value)s' is not a whole number"),
        "headcount_too_large": N_("headcount %(value)s is larger than %(max)s"),
        "team_name_taken": N_("another team in this unit has this name"),
        # participant lists (app.services.participants)
        "participant_columns": N_(
            "expected the columns email, team and optionally unit path, language (e.g. '%(example)s')"
        ),
        "address_repeats": N_("the address repeats line %(line)s"),
        "not_an_email": N_("'%(email)s' is not an e-mail address"),
        "language_not_offered": N_("language '%(language)s' is not one of the campaign's (%(languages)s)"),
        "team_ambiguous": N_("team '%(team)s' exists in several units; give its unit path"),
        "team_not_in_campaign": N_("team '%(team)s' is not part of the campaign"),
        "team_in_path_not_in_campaign": N_("team '%(team)s' in '%(path)s' is not part of the campaign"),
        "address_listed": N_("the address is already on the campaign's list"),
        "no_rows": N_("the file has no %(noun)s"),
        # waves (app.services.waves)
        "map_too_long": N_("at most %(max)s lines"),
        "map_arrow": N_("write 'old team -> new team'"),
        "map_side_empty": N_("one team on at least one side of '->'"),
        "at_team_map": N_("team_map"),
        # a request that does not fit its schema (the pydantic error types)
        "input_missing": N_("a value is required"),
        "input_string_too_long": N_("at most %(max_length)s characters"),
        "input_string_too_short": N_("at least %(min_length)s characters"),
        "input_int_parsing": N_("a whole number is required"),
        "input_int_from_float": N_("a whole number is required"),
        "input_float_parsing": N_("a number is required"),
        "input_greater_than_equal": N_("at least %(ge)s"),
        "input_less_than_equal": N_("at most %(le)s"),
        "input_greater_than": N_("more than %(gt)s"),
        "input_less_than": N_("less than %(lt)s"),
        "input_uuid_parsing": N_("not a valid identifier"),
        "input_bool_parsing": N_("yes or no is required"),
        "input_literal_error": N_("one of %(expected)s is required"),
        "input_enum": N_("one of %(expected)s is required"),
        "input_date_parsing": N_("a date (YYYY-MM-DD) is required"),
        "input_date_from_datetime_parsing": N_("a date (YYYY-MM-DD) is required"),
    }
)
#: The refusal of a request that does not fit its schema.
INVALID_INPUT = N_("invalid input")


def _english(value: Any) -> str:
    return value.english() if isinstance(value, Problem) else str(value)


def local_value(value: Any) -> str:
    """``value`` in the conventions of the current language (a whole number with its
    thousands separator; a fraction with one decimal; a message translated)."""
    if isinstance(value, Problem):
        return value.text()
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    return format_number(value, 0 if isinstance(value, int) else 1)


@dataclass(frozen=True)
class Problem:
    """One reason for a refusal: ``code`` (a key of :data:`MESSAGES`, or a fixed English
    message), its ``params`` and, optionally, where it occurred (``at``)."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)
    at: Problem | None = None
    # a parameter may itself be a Problem (a message of the catalogue, e.g. a noun): it
    # is translated with the rest

    @classmethod
    def of(cls, value: Problem | str) -> Problem:
        """``value`` itself, or the problem whose code is the fixed message ``value``."""
        return value if isinstance(value, Problem) else cls(str(value))

    @property
    def template(self) -> str:
        return MESSAGES.get(self.code, self.code)

    def _fill(self, template: str, convert) -> str:
        if not self.params:
            return template
        return template % {k: convert(v) for k, v in self.params.items()}

    def english(self) -> str:
        """The stable English text (API ``detail``, command line, logs)."""
        text = self._fill(self.template, _english)
        return f"{self.at.english()}: {text}" if self.at else text

    def message(self) -> str:
        """The problem itself in the current language, without where it occurred."""
        return self._fill(gettext(self.template), local_value)

    def text(self) -> str:
        """The whole problem in the current language (:func:`app.catalogue.use_language`)."""
        return f"{self.at.text()}: {self.message()}" if self.at else self.message()

    def __str__(self) -> str:
        return self.english()


def at_item(item: str) -> Problem:
    return Problem("at_item", {"item": item})


def at_line(line: int) -> Problem:
    return Problem("at_line", {"line": line})


def located(problem: Problem | str, at: Problem) -> Problem:
    """``problem`` with where it occurred."""
    p = Problem.of(problem)
    return Problem(p.code, p.params, at)


def translated(value: Problem | str | None) -> str:
    """A problem, or a fixed message, in the current language (``""`` for None); the
    templates' ``tr`` filter."""
    if value is None or value == "":
        return ""
    if isinstance(value, Problem):
        return value.text()
    return gettext(str(value))


def input_problem(error: dict) -> Problem:
    """A pydantic validation error as a problem of its field: its type's message with the
    limits of its context, or — for a type without a message here — its English text."""
    where = Problem(".".join(str(p) for p in error["loc"][1:]) or "body")
    code = f"input_{error['type']}"
    if code not in MESSAGES:
        return Problem(error["msg"], at=where)
    context = error.get("ctx") or {}
    return Problem(code, {k: v if isinstance(v, (int, float, str)) else str(v) for k, v in context.items()}, where)
