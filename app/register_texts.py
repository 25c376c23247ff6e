"""Texts of the decision register: the register page, the decision map, the register
sections of the results pages and reports, and the team fact sheet in the reports.

Every page and report text is a message of the translation catalogue
(:mod:`app.catalogue`; German in ``app/locale/de/LC_MESSAGES/messages.po``). The tables
below map a key to a :class:`Text`, which reads as ``{"en": …, "de": …}``, so that
:func:`app.i18n.translator` works on them unchanged; ``{name}`` placeholders are filled
in after translation. :data:`DECIDER_LABELS` alone are plain bilingual content: they
are the answer options of the generated survey items, served with the items in both
languages like the instrument's own options (``questionnaires/*.yaml``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from app.problems import Problem
from app.catalogue import N_, translations
from app.i18n import LANGUAGES


class Text(Mapping[str, str]):
    """A catalogue message read per language: ``text["de"]`` is its German translation."""

    __slots__ = ("msgid",)

    def __init__(self, msgid: str) -> None:
        self.msgid = msgid

    def __getitem__(self, lang: str) -> str:
        if lang not in LANGUAGES:
            raise KeyError(lang)
        return translations(lang).gettext(self.msgid)

    def __iter__(self) -> Iterator[str]:
        return iter(LANGUAGES)

    def __len__(self) -> int:
        return len(LANGUAGES)

    def __repr__(self) -> str:
        return f"Text({self.msgid!r})"


def message(msgid: str, **values: object) -> Problem:
    """A fixed catalogue message with values, e.g. a bad line of a register import: a
    :class:`~app.problems.Problem` whose code is its English text, so that the API answers
    the English text and a page shows it translated (values that are messages too).

    >>> m = message("%(where)s: %(problem)s", where=message("line %(line)s", line=3), problem="x")
    >>> str(m), m.code
    ('line 3: x', '%(where)s: %(problem)s')
    """
    return Problem(msgid, values)


#: The answer options of the generated survey items (survey content, both languages).
DECIDER_LABELS = {
    "team": {"en": "the team", "de": "das Team"},
    "team_with_consent": {"en": "the team, with the consent of affected teams",
                          "de": "das Team, mit Zustimmung der betroffenen Teams"},
    "unit": {"en": "the unit above the team", "de": "der übergeordnete Bereich"},
    "central": {"en": "the organization centrally", "de": "die Organisation zentral"},
    "not_decided": {"en": "not decided", "de": "nicht festgelegt"},
    "dont_know": {"en": "don't know", "de": "weiß nicht"},
}

#: The deciders in the pages and reports.
DECIDER_TEXTS = {
    'team': Text(N_("the team")),
    'team_with_consent': Text(N_("the team, with the consent of affected teams")),
    'unit': Text(N_("the unit above the team")),
    'central': Text(N_("the organization centrally")),
    'not_decided': Text(N_("not decided")),
    'dont_know': Text(N_("don't know")),
}

DIMENSION_LABELS = {
    'direction': Text(N_("Direction")),
    'decision_rights': Text(N_("Decision rights")),
    'feedback': Text(N_("Feedback")),
}

#: The register page.
UI = {
    'register': Text(N_("Decision register")),
    'organizations': Text(N_("Organizations")),
    'intro': Text(N_("Who is designed to decide what: per decision type the team alone, the team with the consent of affected teams, the unit, the organization centrally — or not decided. A team follows its own entry, else that of its nearest unit, else the organization's. Every save is a new version; a launched campaign keeps the version it was launched with.")),
    'version': Text(N_("Version {n}")),
    'starter': Text(N_("Not saved yet: the starter set of decision types is shown.")),
    'saved': Text(N_("Saved as version {n}.")),
    'decision_types': Text(N_("Decision types")),
    'decision_types_hint': Text(N_("The label completes “Who decides about … in your team?”. Clear an id to remove the decision type (with its entries); fill in the empty row to add one.")),
    'id': Text(N_("Id")),
    'dimension': Text(N_("Dimension")),
    'label_en': Text(N_("Label (English)")),
    'label_de': Text(N_("Label (German)")),
    'save': Text(N_("Save")),
    'designs': Text(N_("Designed deciders")),
    'designs_hint': Text(N_("“inherit” takes the entry of the unit above (or the organization's). Below each team's choice: the decider it gets.")),
    'place': Text(N_("Organization, unit or team")),
    'whole_org': Text(N_("Whole organization")),
    'inherit': Text(N_("inherit")),
    'from_team': Text(N_("own entry")),
    'from_unit': Text(N_("from its unit")),
    'from_organization': Text(N_("from the organization")),
    'from_': Text(N_("no entry")),
    'agreements': Text(N_("Agreements between teams")),
    'agreements_hint': Text(N_("What two teams decide at their interface, who owns the agreement and when it is reviewed.")),
    'team_a': Text(N_("Team")),
    'team_b': Text(N_("Partner team")),
    'decision': Text(N_("Decision type")),
    'none': Text(N_("(none)")),
    'subject': Text(N_("What they decide at the interface")),
    'owner': Text(N_("Owner")),
    'review_date': Text(N_("Review date")),
    'add': Text(N_("Add")),
    'remove': Text(N_("Remove")),
    'no_agreements': Text(N_("No agreements yet.")),
    'import': Text(N_("Import and export")),
    'import_hint': Text(N_("A CSV file (UTF-8, comma or semicolon) with one line per decision type, design or agreement; the download shows the format. The file becomes the next version; if any line is wrong, nothing is stored and each bad line is listed.")),
    'download': Text(N_("Download the register (CSV)")),
    'check_import': Text(N_("Check and import")),
    'csv_file': Text(N_("CSV file")),
    'history': Text(N_("History")),
    'saved_by': Text(N_("Version {n}, saved {at} by {by}")),
    'counts': Text(N_("{decisions} decision types, {designs} entries, {agreements} agreements")),
    'view': Text(N_("view")),
    'viewing': Text(N_("You are viewing version {n}; editing starts from the latest version.")),
    'latest': Text(N_("Back to the latest version")),
}

#: Verdicts of a decision cell (analysis.decisions.VERDICTS) and of a team's practice
#: (analysis.practice.VERDICTS).
VERDICT_LABELS = {
    'as_designed': Text(N_("as designed")),
    'escalation_beyond_design': Text(N_("escalation beyond the design")),
    'designed_not_known': Text(N_("design not known")),
    'contested': Text(N_("contested")),
    'no_design': Text(N_("no designed decider")),
    'not_precise': Text(N_("not precise enough")),
    'hidden': Text(N_("fewer than k answers")),
    'practice_overrides_design': Text(N_("practice overrides the design")),
    'practice_as_designed': Text(N_("practice as designed")),
    'not_applicable': Text(N_("register places the decisions above the team")),
}

#: What a finding means.
VERDICT_HELP = {
    'escalation_beyond_design': Text(N_("Most members believe a higher level decides than the register designs: autonomy is treated as granted, not as designed (the “softened hierarchy” pattern).")),
    'designed_not_known': Text(N_("The register designs a decider, but most members don't know it or name a lower level: a communication problem, not a design problem.")),
    'contested': Text(N_("Members disagree: two answers are each held by at least a third, or no answer has a majority.")),
    'no_design': Text(N_("The register names no decider for this decision: alignment is left to establish itself.")),
    'practice_overrides_design': Text(N_("The register leaves decisions to the team, but most members report that such decisions still need approval from outside or are overruled from above: the design exists on paper, not in practice.")),
    'not_applicable': Text(N_("The register places every decision of this team at the unit or the centre: approvals from outside are what the design asks for and are no finding.")),
}

#: The decision map, the register sections of the results pages and reports.
RESULTS = {
    'decision_map': Text(N_("Decision map")),
    'map_intro': Text(N_("Decision types against units and teams. The colour is the designed level from the register frozen at launch (version {n}); each cell shows the share of members answering as designed and the verdict. Groups with fewer than k answers to a question are not shown, nor any cell that could be worked out from the others.")),
    'register_title': Text(N_("Who decides? The register against the answers")),
    'designed': Text(N_("Designed")),
    'knowledge': Text(N_("Answering as designed")),
    'verdict': Text(N_("Verdict")),
    'answers': Text(N_("Answers")),
    'group': Text(N_("Group")),
    'team': Text(N_("Team")),
    'unit': Text(N_("Unit")),
    'decision': Text(N_("Decision type")),
    'organization': Text(N_("Organization")),
    'findings': Text(N_("Findings")),
    'findings_sheet': Text(N_("Register findings")),
    'no_findings': Text(N_("No register finding.")),
    'legend': Text(N_("Designed level")),
    'download_pdf': Text(N_("Decision map (PDF)")),
    'download_xlsx': Text(N_("Decision map (XLSX)")),
    'class_designed': Text(N_("as designed")),
    'class_above': Text(N_("higher level")),
    'class_below': Text(N_("lower level")),
    'class_dont_know': Text(N_("don't know")),
    'practice_scope': Text(N_("decisions the register leaves to the team")),
    'practice_share': Text(N_("{share} report outside approvals or overrulings")),
    'practice_left': Text(N_("Register leaves decisions to the team")),
    'practice_reports': Text(N_("Reporting outside approvals or overrulings")),
    'practice_interval': Text(N_("90 % interval")),
    'practice_column': Text(N_("Practice: approvals and overrulings")),
    'practice_title': Text(N_("Designed versus reported practice")),
    'practice_intro': Text(N_("Per team: whether members report that decisions the register leaves to the team still need approval from outside the team (three or more in the past month) or are overruled from above. A team is flagged only when the register leaves decisions to it and most of its members report this with a probability of at least 0.75, keeping the expected share of wrongly flagged teams at 5 %. Teams with fewer than k informative answers are not shown.")),
    'practice_sheet': Text(N_("Practice")),
    'facts_sheet': Text(N_("Team fact sheets")),
    'facts_title': Text(N_("Team fact sheets")),
    'facts_intro': Text(N_("Stated openly (not anonymously) by the team lead or HR, and compared with the share of the team's members whose anonymous answer says the same. A share is shown only where the question's result for the team is shown.")),
    'fact': Text(N_("Fact")),
    'fact_sheet_says': Text(N_("Fact sheet")),
    'fact_members': Text(N_("Members saying so")),
    'fact_agreement': Text(N_("Agreement")),
    'fact_saved_by': Text(N_("Filled in by")),
    'fact_goals_written': Text(N_("Written goals")),
    'fact_decision_record': Text(N_("Decision record kept")),
    'fact_reviewed_quarterly': Text(N_("Decisions reviewed at least quarterly")),
    'state_agree': Text(N_("agrees")),
    'state_disagree': Text(N_("differs")),
    'state_not_shown': Text(N_("not shown (too few answers)")),
    'state_no_sheet': Text(N_("no fact sheet")),
    'state_not_asked': Text(N_("not asked in this questionnaire")),
    'yes': Text(N_("Yes")),
    'no': Text(N_("No")),
}

UI.update({f"decider_{key}": value for key, value in DECIDER_TEXTS.items()})
UI.update({f"dim_{key}": value for key, value in DIMENSION_LABELS.items()})
RESULTS.update({f"verdict_{key}": value for key, value in VERDICT_LABELS.items()})
RESULTS.update({f"help_{key}": value for key, value in VERDICT_HELP.items()})
RESULTS.update({f"decider_{key}": value for key, value in DECIDER_TEXTS.items()})
