"""Texts of the decision register: the register page, the decision map, the register
sections of the results pages and reports, and the team fact sheet in the reports.

Every page and report text is a message of the translation catalogue
(:mod:`app.catalogue`; German in ``app/locale/de/LC_MESSAGES/messages.po``). The tables
below map a key to a :class:`app.catalogue.Localized`, which reads as ``{"en": …, "de": …}``, so that
:func:`app.i18n.translator` works on them unchanged; ``{name}`` placeholders are filled
in after translation. :data:`DECIDER_LABELS` alone are plain bilingual content: they
are the answer options of the generated survey items, served with the items in both
languages like the instrument's own options (``questionnaires/*.yaml``).
"""

from __future__ import annotations


from app.problems import Problem
from app.catalogue import N_, L


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
    "team_with_consent": {
        "en": "the team, with the consent of affected teams",
        "de": "das Team, mit Zustimmung der betroffenen Teams",
    },
    "unit": {"en": "the unit above the team", "de": "der übergeordnete Bereich"},
    "central": {"en": "the organization centrally", "de": "die Organisation zentral"},
    "not_decided": {"en": "not decided", "de": "nicht festgelegt"},
    "dont_know": {"en": "don't know", "de": "weiß nicht"},
}

#: The deciders in the pages and reports.
DECIDER_TEXTS = {
    'team': L(N_("the team")),
    'team_with_consent': L(N_("the team, with the consent of affected teams")),
    'unit': L(N_("the unit above the team")),
    'central': L(N_("the organization centrally")),
    'not_decided': L(N_("not decided")),
    'dont_know': L(N_("don't know")),
}

DIMENSION_LABELS = {
    'direction': L(N_("Direction")),
    'decision_rights': L(N_("Decision rights")),
    'feedback': L(N_("Feedback")),
}

#: The register page.
UI = {
    'register': L(N_("Decision register")),
    'organizations': L(N_("Organizations")),
    'intro': L(
        N_(
            "Who is designed to decide what: per decision type the team alone, the team with the consent of affected teams, the unit, the organization centrally — or not decided. A team follows its own entry, else that of its nearest unit, else the organization's. Every save is a new version; a launched campaign keeps the version it was launched with."
        )
    ),
    'version': L(N_("Version {n}")),
    'starter': L(N_("Not saved yet: the starter set of decision types is shown.")),
    'saved': L(N_("Saved as version {n}.")),
    'decision_types': L(N_("Decision types")),
    'decision_types_hint': L(
        N_(
            "The label completes “Who decides about … in your team?”. Clear an id to remove the decision type (with its entries); fill in the empty row to add one."
        )
    ),
    'id': L(N_("Id")),
    'dimension': L(N_("Dimension")),
    'label_en': L(N_("Label (English)")),
    'label_de': L(N_("Label (German)")),
    'save': L(N_("Save")),
    'designs': L(N_("Designed deciders")),
    'designs_hint': L(
        N_(
            "“inherit” takes the entry of the unit above (or the organization's). Below each team's choice: the decider it gets."
        )
    ),
    'place': L(N_("Organization, unit or team")),
    'whole_org': L(N_("Whole organization")),
    'inherit': L(N_("inherit")),
    'from_team': L(N_("own entry")),
    'from_unit': L(N_("from its unit")),
    'from_organization': L(N_("from the organization")),
    'from_': L(N_("no entry")),
    'agreements': L(N_("Agreements between teams")),
    'agreements_hint': L(
        N_("What two teams decide at their interface, who owns the agreement and when it is reviewed.")
    ),
    'team_a': L(N_("Team")),
    'team_b': L(N_("Partner team")),
    'decision': L(N_("Decision type")),
    'none': L(N_("(none)")),
    'subject': L(N_("What they decide at the interface")),
    'owner': L(N_("Owner")),
    'review_date': L(N_("Review date")),
    'add': L(N_("Add")),
    'remove': L(N_("Remove")),
    'no_agreements': L(N_("No agreements yet.")),
    'import': L(N_("Import and export")),
    'import_hint': L(
        N_(
            "A CSV file (UTF-8, comma or semicolon) with one line per decision type, design or agreement; the download shows the format. The file becomes the next version; if any line is wrong, nothing is stored and each bad line is listed."
        )
    ),
    'download': L(N_("Download the register (CSV)")),
    'check_import': L(N_("Check and import")),
    'csv_file': L(N_("CSV file")),
    'history': L(N_("History")),
    'saved_by': L(N_("Version {n}, saved {at} by {by}")),
    'counts': L(N_("{decisions} decision types, {designs} entries, {agreements} agreements")),
    'view': L(N_("view")),
    'viewing': L(N_("You are viewing version {n}; editing starts from the latest version.")),
    'latest': L(N_("Back to the latest version")),
}

#: Verdicts of a decision cell (analysis.decisions.VERDICTS) and of a team's practice
#: (analysis.practice.VERDICTS).
VERDICT_LABELS = {
    'as_designed': L(N_("as designed")),
    'escalation_beyond_design': L(N_("escalation beyond the design")),
    'designed_not_known': L(N_("design not known")),
    'contested': L(N_("contested")),
    'no_design': L(N_("no designed decider")),
    'not_precise': L(N_("not precise enough")),
    'hidden': L(N_("fewer than k answers")),
    'practice_overrides_design': L(N_("practice overrides the design")),
    'practice_as_designed': L(N_("practice as designed")),
    'not_applicable': L(N_("register places the decisions above the team")),
}

#: What a finding means.
VERDICT_HELP = {
    'escalation_beyond_design': L(
        N_(
            "Most members believe a higher level decides than the register designs: autonomy is treated as granted, not as designed (the “softened hierarchy” pattern)."
        )
    ),
    'designed_not_known': L(
        N_(
            "The register designs a decider, but most members don't know it or name a lower level: a communication problem, not a design problem."
        )
    ),
    'contested': L(N_("Members disagree: two answers are each held by at least a third, or no answer has a majority.")),
    'no_design': L(N_("The register names no decider for this decision: alignment is left to establish itself.")),
    'practice_overrides_design': L(
        N_(
            "The register leaves decisions to the team, but most members report that such decisions still need approval from outside or are overruled from above: the design exists on paper, not in practice."
        )
    ),
    'not_applicable': L(
        N_(
            "The register places every decision of this team at the unit or the centre: approvals from outside are what the design asks for and are no finding."
        )
    ),
}

#: The decision map, the register sections of the results pages and reports.
RESULTS = {
    'decision_map': L(N_("Decision map")),
    'map_intro': L(
        N_(
            "Decision types against units and teams. The colour is the designed level from the register frozen at launch (version {n}); each cell shows the share of members answering as designed and the verdict. Groups with fewer than k answers to a question are not shown, nor any cell that could be worked out from the others."
        )
    ),
    'register_title': L(N_("Who decides? The register against the answers")),
    'designed': L(N_("Designed")),
    'knowledge': L(N_("Answering as designed")),
    'verdict': L(N_("Verdict")),
    'answers': L(N_("Answers")),
    'group': L(N_("Group")),
    'team': L(N_("Team")),
    'unit': L(N_("Unit")),
    'decision': L(N_("Decision type")),
    'organization': L(N_("Organization")),
    'findings': L(N_("Findings")),
    'findings_sheet': L(N_("Register findings")),
    'no_findings': L(N_("No register finding.")),
    'legend': L(N_("Designed level")),
    'download_pdf': L(N_("Decision map (PDF)")),
    'download_xlsx': L(N_("Decision map (XLSX)")),
    'class_designed': L(N_("as designed")),
    'class_above': L(N_("higher level")),
    'class_below': L(N_("lower level")),
    'class_dont_know': L(N_("don't know")),
    'practice_scope': L(N_("decisions the register leaves to the team")),
    'practice_share': L(N_("{share} report outside approvals or overrulings")),
    'practice_left': L(N_("Register leaves decisions to the team")),
    'practice_reports': L(N_("Reporting outside approvals or overrulings")),
    'practice_interval': L(N_("90 % interval")),
    'practice_column': L(N_("Practice: approvals and overrulings")),
    'practice_title': L(N_("Designed versus reported practice")),
    'practice_intro': L(
        N_(
            "Per team: whether members report that decisions the register leaves to the team still need approval from outside the team (three or more in the past month) or are overruled from above. A team is flagged only when the register leaves decisions to it and most of its members report this with a probability of at least 0.75, keeping the expected share of wrongly flagged teams at 5 %. Teams with fewer than k informative answers are not shown."
        )
    ),
    'practice_sheet': L(N_("Practice")),
    'facts_sheet': L(N_("Team fact sheets")),
    'facts_title': L(N_("Team fact sheets")),
    'facts_intro': L(
        N_(
            "Stated openly (not anonymously) by the team lead or HR, and compared with the share of the team's members whose anonymous answer says the same. A share is shown only where the question's result for the team is shown."
        )
    ),
    'fact': L(N_("Fact")),
    'fact_sheet_says': L(N_("Fact sheet")),
    'fact_members': L(N_("Members saying so")),
    'fact_agreement': L(N_("Agreement")),
    'fact_saved_by': L(N_("Filled in by")),
    'fact_goals_written': L(N_("Written goals")),
    'fact_decision_record': L(N_("Decision record kept")),
    'fact_reviewed_quarterly': L(N_("Decisions reviewed at least quarterly")),
    'state_agree': L(N_("agrees")),
    'state_disagree': L(N_("differs")),
    'state_not_shown': L(N_("not shown (too few answers)")),
    'state_no_sheet': L(N_("no fact sheet")),
    'state_not_asked': L(N_("not asked in this questionnaire")),
    'yes': L(N_("Yes")),
    'no': L(N_("No")),
}

UI.update({f"decider_{key}": value for key, value in DECIDER_TEXTS.items()})
UI.update({f"dim_{key}": value for key, value in DIMENSION_LABELS.items()})
RESULTS.update({f"verdict_{key}": value for key, value in VERDICT_LABELS.items()})
RESULTS.update({f"help_{key}": value for key, value in VERDICT_HELP.items()})
RESULTS.update({f"decider_{key}": value for key, value in DECIDER_TEXTS.items()})
