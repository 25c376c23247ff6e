"""English and German texts of the decision register: the deciders (shared by the
register page, the survey items and the decision map) and the register page."""

from __future__ import annotations

DECIDER_LABELS = {
    "team": {"en": "the team", "de": "das Team"},
    "team_with_consent": {"en": "the team, with the consent of affected teams",
                          "de": "das Team, mit Zustimmung der betroffenen Teams"},
    "unit": {"en": "the unit above the team", "de": "der übergeordnete Bereich"},
    "central": {"en": "the organization centrally", "de": "die Organisation zentral"},
    "not_decided": {"en": "not decided", "de": "nicht festgelegt"},
    "dont_know": {"en": "don't know", "de": "weiß nicht"},
}

DIMENSION_LABELS = {
    "direction": {"en": "Direction", "de": "Ausrichtung"},
    "decision_rights": {"en": "Decision rights", "de": "Entscheidungsrechte"},
    "feedback": {"en": "Feedback", "de": "Rückkopplung"},
}

UI = {
    "register": {"en": "Decision register", "de": "Entscheidungsregister"},
    "organizations": {"en": "Organizations", "de": "Organisationen"},
    "intro": {
        "en": "Who is designed to decide what: per decision type the team alone, the team with the consent of affected teams, the unit, the organization centrally — or not decided. A team follows its own entry, else that of its nearest unit, else the organization's. Every save is a new version; a launched campaign keeps the version it was launched with.",
        "de": "Wer was entscheiden soll: je Entscheidungsart das Team allein, das Team mit Zustimmung der betroffenen Teams, der Bereich, die Organisation zentral – oder nicht festgelegt. Ein Team folgt seinem eigenen Eintrag, sonst dem seines nächsten Bereichs, sonst dem der Organisation. Jedes Speichern ergibt eine neue Version; eine gestartete Befragung behält die Version, mit der sie gestartet wurde.",
    },
    "version": {"en": "Version {n}", "de": "Version {n}"},
    "starter": {"en": "Not saved yet: the starter set of decision types is shown.",
                "de": "Noch nicht gespeichert: Die Startauswahl an Entscheidungsarten wird gezeigt."},
    "saved": {"en": "Saved as version {n}.", "de": "Als Version {n} gespeichert."},
    "decision_types": {"en": "Decision types", "de": "Entscheidungsarten"},
    "decision_types_hint": {
        "en": "The label completes “Who decides about … in your team?”. Clear an id to remove the decision type (with its entries); fill in the empty row to add one.",
        "de": "Die Bezeichnung ergänzt „Wer entscheidet über … in Ihrem Team?“. Leeren Sie eine Kennung, um die Entscheidungsart (mit ihren Einträgen) zu entfernen; füllen Sie die leere Zeile aus, um eine hinzuzufügen.",
    },
    "id": {"en": "Id", "de": "Kennung"},
    "dimension": {"en": "Dimension", "de": "Dimension"},
    "label_en": {"en": "Label (English)", "de": "Bezeichnung (Englisch)"},
    "label_de": {"en": "Label (German)", "de": "Bezeichnung (Deutsch)"},
    "save": {"en": "Save", "de": "Speichern"},
    "designs": {"en": "Designed deciders", "de": "Vorgesehene Entscheider"},
    "designs_hint": {
        "en": "“inherit” takes the entry of the unit above (or the organization's). Below each team's choice: the decider it gets.",
        "de": "„erben“ übernimmt den Eintrag des Bereichs darüber (oder den der Organisation). Unter der Auswahl jedes Teams: der Entscheider, der für es gilt.",
    },
    "place": {"en": "Organization, unit or team", "de": "Organisation, Bereich oder Team"},
    "whole_org": {"en": "Whole organization", "de": "Ganze Organisation"},
    "inherit": {"en": "inherit", "de": "erben"},
    "from_team": {"en": "own entry", "de": "eigener Eintrag"},
    "from_unit": {"en": "from its unit", "de": "von seinem Bereich"},
    "from_organization": {"en": "from the organization", "de": "von der Organisation"},
    "from_": {"en": "no entry", "de": "kein Eintrag"},
    "agreements": {"en": "Agreements between teams", "de": "Vereinbarungen zwischen Teams"},
    "agreements_hint": {"en": "What two teams decide at their interface, who owns the agreement and when it is reviewed.",
                        "de": "Was zwei Teams an ihrer Schnittstelle entscheiden, wer die Vereinbarung verantwortet und wann sie überprüft wird."},
    "team_a": {"en": "Team", "de": "Team"},
    "team_b": {"en": "Partner team", "de": "Partnerteam"},
    "decision": {"en": "Decision type", "de": "Entscheidungsart"},
    "none": {"en": "(none)", "de": "(keine)"},
    "subject": {"en": "What they decide at the interface", "de": "Was sie an der Schnittstelle entscheiden"},
    "owner": {"en": "Owner", "de": "Verantwortlich"},
    "review_date": {"en": "Review date", "de": "Überprüfung am"},
    "add": {"en": "Add", "de": "Hinzufügen"},
    "remove": {"en": "Remove", "de": "Entfernen"},
    "no_agreements": {"en": "No agreements yet.", "de": "Noch keine Vereinbarungen."},
    "import": {"en": "Import and export", "de": "Import und Export"},
    "import_hint": {
        "en": "A CSV file (UTF-8, comma or semicolon) with one line per decision type, design or agreement; the download shows the format. The file becomes the next version; if any line is wrong, nothing is stored and each bad line is listed.",
        "de": "Eine CSV-Datei (UTF-8, Komma oder Semikolon) mit einer Zeile je Entscheidungsart, Festlegung oder Vereinbarung; der Download zeigt das Format. Die Datei wird zur nächsten Version; ist eine Zeile fehlerhaft, wird nichts gespeichert und jede fehlerhafte Zeile genannt.",
    },
    "download": {"en": "Download the register (CSV)", "de": "Register herunterladen (CSV)"},
    "check_import": {"en": "Check and import", "de": "Prüfen und importieren"},
    "csv_file": {"en": "CSV file", "de": "CSV-Datei"},
    "history": {"en": "History", "de": "Verlauf"},
    "saved_by": {"en": "Version {n}, saved {at} by {by}", "de": "Version {n}, gespeichert am {at} von {by}"},
    "counts": {"en": "{decisions} decision types, {designs} entries, {agreements} agreements",
               "de": "{decisions} Entscheidungsarten, {designs} Einträge, {agreements} Vereinbarungen"},
    "view": {"en": "view", "de": "ansehen"},
    "viewing": {"en": "You are viewing version {n}; editing starts from the latest version.",
                "de": "Sie sehen Version {n}; Änderungen gehen von der neuesten Version aus."},
    "latest": {"en": "Back to the latest version", "de": "Zurück zur neuesten Version"},
}
UI.update({f"decider_{key}": value for key, value in DECIDER_LABELS.items()})
UI.update({f"dim_{key}": value for key, value in DIMENSION_LABELS.items()})

#: Verdicts of a decision cell (analysis.decisions.VERDICTS): name and what it means.
VERDICT_LABELS = {
    "as_designed": {"en": "as designed", "de": "wie vorgesehen"},
    "escalation_beyond_design": {"en": "escalation beyond the design", "de": "Eskalation über das Vorgesehene hinaus"},
    "designed_not_known": {"en": "design not known", "de": "Festlegung nicht bekannt"},
    "contested": {"en": "contested", "de": "umstritten"},
    "no_design": {"en": "no designed decider", "de": "kein vorgesehener Entscheider"},
    "not_precise": {"en": "not precise enough", "de": "nicht genau genug"},
    "hidden": {"en": "fewer than k answers", "de": "weniger als k Antworten"},
}
VERDICT_HELP = {
    "escalation_beyond_design": {
        "en": "Most members believe a higher level decides than the register designs: autonomy is treated as granted, not as designed (the “softened hierarchy” pattern).",
        "de": "Die meisten Mitglieder meinen, eine höhere Ebene entscheide, als das Register vorsieht: Autonomie gilt als gewährt statt als gestaltet (Muster „aufgeweichte Hierarchie“).",
    },
    "designed_not_known": {
        "en": "The register designs a decider, but most members don't know it or name a lower level: a communication problem, not a design problem.",
        "de": "Das Register sieht einen Entscheider vor, aber die meisten Mitglieder kennen ihn nicht oder nennen eine tiefere Ebene: ein Kommunikations-, kein Gestaltungsproblem.",
    },
    "contested": {
        "en": "Members disagree: two answers are each held by at least a third, or no answer has a majority.",
        "de": "Die Mitglieder sind uneins: Zwei Antworten werden je von mindestens einem Drittel gegeben, oder keine Antwort hat eine Mehrheit.",
    },
    "no_design": {
        "en": "The register names no decider for this decision: alignment is left to establish itself.",
        "de": "Das Register nennt für diese Entscheidung keinen Entscheider: Die Ausrichtung soll sich von selbst ergeben.",
    },
}
RESULTS = {
    "decision_map": {"en": "Decision map", "de": "Entscheidungslandkarte"},
    "map_intro": {
        "en": "Decision types against units and teams. The colour is the designed level from the register frozen at launch (version {n}); each cell shows the share of members answering as designed and the verdict. Groups with fewer than k answers to a question are not shown, nor any cell that could be worked out from the others.",
        "de": "Entscheidungsarten nach Bereichen und Teams. Die Farbe ist die vorgesehene Ebene aus dem beim Start eingefrorenen Register (Version {n}); jede Zelle zeigt den Anteil der Mitglieder, die wie vorgesehen antworten, und die Einschätzung. Gruppen mit weniger als k Antworten auf eine Frage werden nicht gezeigt, ebenso keine Zelle, die sich aus den anderen errechnen ließe.",
    },
    "register_title": {"en": "Who decides? The register against the answers", "de": "Wer entscheidet? Das Register im Vergleich mit den Antworten"},
    "designed": {"en": "Designed", "de": "Vorgesehen"},
    "knowledge": {"en": "Answering as designed", "de": "Antworten wie vorgesehen"},
    "verdict": {"en": "Verdict", "de": "Einschätzung"},
    "answers": {"en": "Answers", "de": "Antworten"},
    "group": {"en": "Group", "de": "Gruppe"},
    "team": {"en": "Team", "de": "Team"},
    "unit": {"en": "Unit", "de": "Bereich"},
    "decision": {"en": "Decision type", "de": "Entscheidungsart"},
    "organization": {"en": "Organization", "de": "Organisation"},
    "findings": {"en": "Findings", "de": "Befunde"},
    "findings_sheet": {"en": "Register findings", "de": "Befunde zum Register"},
    "no_findings": {"en": "No register finding.", "de": "Kein Befund zum Register."},
    "legend": {"en": "Designed level", "de": "Vorgesehene Ebene"},
    "download_pdf": {"en": "Decision map (PDF)", "de": "Entscheidungslandkarte (PDF)"},
    "download_xlsx": {"en": "Decision map (XLSX)", "de": "Entscheidungslandkarte (XLSX)"},
    "class_designed": {"en": "as designed", "de": "wie vorgesehen"},
    "class_above": {"en": "higher level", "de": "höhere Ebene"},
    "class_below": {"en": "lower level", "de": "tiefere Ebene"},
    "class_dont_know": {"en": "don't know", "de": "weiß nicht"},
}
RESULTS.update({f"verdict_{key}": value for key, value in VERDICT_LABELS.items()})
RESULTS.update({f"help_{key}": value for key, value in VERDICT_HELP.items()})
RESULTS.update({f"decider_{key}": value for key, value in DECIDER_LABELS.items()})
