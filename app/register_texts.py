"""English and German texts of the decision register: the deciders (shared by the
register page, the survey items and the decision map) and the register page."""

from __future__ import annotations

DECIDER_LABELS = {
    "team": {"en": "the team", "de": "das Team"},
    "team_with_consent": {"en": "the team, with the consent of affected teams",
                          "de": "das Team, mit Zustimmung der betroffenen Teams"},
    "unit": {"en": "the unit above the team", "de": "die übergeordnete Einheit"},
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
        "de": "Wer was entscheiden soll: je Entscheidungsart das Team allein, das Team mit Zustimmung der betroffenen Teams, die Einheit, die Organisation zentral – oder nicht festgelegt. Ein Team folgt seinem eigenen Eintrag, sonst dem seiner nächsten Einheit, sonst dem der Organisation. Jedes Speichern ergibt eine neue Version; eine gestartete Befragung behält die Version, mit der sie gestartet wurde.",
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
        "de": "„erben“ übernimmt den Eintrag der Einheit darüber (oder den der Organisation). Unter der Auswahl jedes Teams: der Entscheider, der für es gilt.",
    },
    "place": {"en": "Organization, unit or team", "de": "Organisation, Einheit oder Team"},
    "whole_org": {"en": "Whole organization", "de": "Ganze Organisation"},
    "inherit": {"en": "inherit", "de": "erben"},
    "from_team": {"en": "own entry", "de": "eigener Eintrag"},
    "from_unit": {"en": "from its unit", "de": "von seiner Einheit"},
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
