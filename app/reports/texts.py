"""Texts of the downloadable reports in English and German.

Headings and labels, what each finding and typology means and what to do about it, how
to read a report, and the methodology in words. Labels of findings and typologies and
the ICC reading come from :mod:`analysis.narrative`; nothing here is a figure.
"""

from __future__ import annotations

from analysis.narrative import LABELS

__all__ = ["FINDING_HELP", "FINDING_SHORT", "LABELS", "METHOD", "REFERENCES", "TEXTS", "TYPOLOGY_SHORT",
           "TYPOLOGY_HELP", "READING"]

TEXTS: dict[str, dict[str, str]] = {
    "report_title": {"en": "Aligned Autonomy Diagnostic", "de": "Diagnose ausgerichteter Autonomie"},
    "team_report_title": {"en": "Team report", "de": "Teambericht"},
    "questionnaire": {"en": "Questionnaire", "de": "Fragebogen"},
    "campaign": {"en": "Campaign", "de": "Befragung"},
    "scope_line": {"en": "Results of the unit {unit}, compared with the organization as a whole",
                   "de": "Ergebnisse des Bereichs {unit}, verglichen mit der Organisation insgesamt"},
    "respondents": {"en": "Respondents", "de": "Antwortende"},
    "teams": {"en": "Teams", "de": "Teams"},
    "teams_shown": {"en": "{shown} of {total} teams shown individually", "de": "{shown} von {total} Teams einzeln gezeigt"},
    "units": {"en": "Units", "de": "Bereiche"},
    "unit": {"en": "Unit", "de": "Bereich"},
    "team": {"en": "Team", "de": "Team"},
    "organization": {"en": "Organization", "de": "Organisation"},
    "level": {"en": "Level", "de": "Ebene"},
    "group": {"en": "Group", "de": "Gruppe"},
    "min_group": {"en": "Minimum group size k = {k}; comments from {ck} people.",
                  "de": "Mindestgruppengröße k = {k}; Kommentare ab {ck} Personen."},
    "links_line": {"en": "Survey links: {personal} personal and {open} open, created by {creators} (link log entries: {creations}; every member of the organization can read the log). Teams with more personal links than people: {over}.",
                   "de": "Umfragelinks: {personal} persönliche und {open} offene, erstellt von {creators} (Einträge im Link-Protokoll: {creations}; jedes Mitglied der Organisation kann es lesen). Teams mit mehr persönlichen Links als Personen: {over}."},
    "withheld_line": {"en": "{w} answers that arrived after live results were shown could not be added without changing a team's figures by fewer than {k} people; they are not included.",
                      "de": "{w} Antworten, die nach gezeigten Live-Ergebnissen eintrafen, konnten nicht hinzugefügt werden, ohne die Zahlen eines Teams um weniger als {k} Personen zu verändern; sie sind nicht enthalten."},
    "survey_links": {"en": "Survey links", "de": "Umfragelinks"},
    "contents": {"en": "Contents", "de": "Inhalt"},
    "summary": {"en": "Executive summary", "de": "Zusammenfassung"},
    "key_findings": {"en": "Key findings", "de": "Wichtigste Erkenntnisse"},
    "org_pattern": {"en": "Pattern of the organization", "de": "Muster der Organisation"},
    "maturity_by_dimension": {"en": "Maturity per dimension", "de": "Reifegrad je Dimension"},
    "perception_vs_structure": {"en": "Perception vs structure", "de": "Wahrnehmung und Struktur"},
    "structure_or_perception": {"en": "Team matter or individual view?", "de": "Teamsache oder individuelle Sicht?"},
    "dimension": {"en": "Dimension", "de": "Dimension"},
    "dimensions": {"en": "Dimensions", "de": "Dimensionen"},
    "maturity": {"en": "Maturity", "de": "Reifegrad"},
    "maturity_level": {"en": "level {level} of 5", "de": "Stufe {level} von 5"},
    "perception": {"en": "Perception", "de": "Wahrnehmung"},
    "structure": {"en": "Structure", "de": "Struktur"},
    "combined": {"en": "Combined (the lower)", "de": "Kombiniert (der niedrigere)"},
    "shrunk": {"en": "Perception (shrunken)", "de": "Wahrnehmung (geschrumpft)"},
    "shrunk_structure": {"en": "Structure (shrunken)", "de": "Struktur (geschrumpft)"},
    "probability": {"en": "Probability of the finding", "de": "Wahrscheinlichkeit des Befunds"},
    "reliability_p": {"en": "Reliability (perception)", "de": "Reliabilität (Wahrnehmung)"},
    "reliability_s": {"en": "Reliability (structure)", "de": "Reliabilität (Struktur)"},
    "finding": {"en": "Finding", "de": "Befund"},
    "findings": {"en": "Findings", "de": "Befunde"},
    "typology": {"en": "Pattern", "de": "Muster"},
    "outcome": {"en": "Litmus question", "de": "Lackmusfrage"},
    "agreement": {"en": "Agreement", "de": "Übereinstimmung"},
    "reliability": {"en": "Reliability", "de": "Reliabilität"},
    "measurement_quality": {"en": "Measurement quality", "de": "Messqualität"},
    "ci_level": {"en": "{pct} % CI", "de": "{pct}-%-KI"},
    "heatmaps": {"en": "Heatmaps", "de": "Heatmaps"},
    "heatmap_units": {"en": "Units", "de": "Bereiche"},
    "heatmap_teams": {"en": "Teams by unit", "de": "Teams nach Bereich"},
    "heatmap_note": {
        "en": "Perception and structure 0–100, each cell labelled with its value and coloured on the fixed scale 0–100 below (red low, grey middle, blue high); the finding cell has the finding's colour. “n < {k}”: not shown to protect anonymity. “no data”: nobody answered.",
        "de": "Wahrnehmung und Struktur 0–100, jede Zelle mit ihrem Wert beschriftet und auf der festen Skala 0–100 unten eingefärbt (Rot niedrig, Grau Mitte, Blau hoch); die Befundzelle trägt die Farbe des Befunds. „n < {k}“: zum Schutz der Anonymität nicht gezeigt. „keine Daten“: niemand hat geantwortet.",
    },
    "appendix_note": {
        "en": "P = perception, S = structure, each 0–100 with the {ci} · L = maturity level 1–5 · finding with its probability · r_wg = agreement r_wg(j); the cell has the finding's colour, the team's pattern is under its name.",
        "de": "P = Wahrnehmung, S = Struktur, jeweils 0–100 mit {ci} · L = Reifegrad 1–5 · Befund mit seiner Wahrscheinlichkeit · r_wg = Übereinstimmung r_wg(j); die Zelle trägt die Farbe des Befunds, das Muster des Teams steht unter seinem Namen.",
    },
    "misconceptions": {"en": "Misconceptions", "de": "Missverständnisse"},
    "misconception": {"en": "Misconception", "de": "Missverständnis"},
    "share_holding": {"en": "Share holding it", "de": "Anteil, der es teilt"},
    "vs_org": {"en": "vs organization", "de": "ggü. Organisation"},
    "misconceptions_note": {
        "en": "Share of respondents who agree with the belief (at least {mc_min} of 5); in brackets the difference from the organization in percentage points; red: held more widely than in the organization, blue: less widely.",
        "de": "Anteil der Antwortenden, die der Aussage zustimmen (mindestens {mc_min} von 5); in Klammern der Unterschied zur Organisation in Prozentpunkten; rot: verbreiteter als in der Organisation, blau: weniger verbreitet.",
    },
    "misconceptions_org_note": {
        "en": "Share of respondents who agree with the belief (at least {mc_min} of 5), across the organization.",
        "de": "Anteil der Antwortenden, die der Aussage zustimmen (mindestens {mc_min} von 5), in der ganzen Organisation.",
    },
    "across": {"en": "Across the organization", "de": "Organisationsweit"},
    "role_gaps": {"en": "Team leads and members", "de": "Teamleitungen und Mitglieder"},
    "role_gaps_note": {
        "en": "Perception scores of team leads and members, shown only where both groups reach k. A gap is marked when it is reliable after correction and large enough to matter.",
        "de": "Wahrnehmungswerte von Teamleitungen und Mitgliedern, nur gezeigt, wo beide Gruppen k erreichen. Eine Lücke wird markiert, wenn sie nach Korrektur verlässlich und groß genug ist.",
    },
    "leads": {"en": "Team leads", "de": "Teamleitungen"},
    "members": {"en": "Members", "de": "Mitglieder"},
    "gap": {"en": "Gap", "de": "Lücke"},
    "significant": {"en": "matters", "de": "relevant"},
    "no_role_gaps": {"en": "No subgroup of leads and members reaches k.", "de": "Keine Teilgruppe von Leitungen und Mitgliedern erreicht k."},
    "drivers": {"en": "What goes together with the litmus question", "de": "Was mit der Lackmusfrage zusammenhängt"},
    "drivers_note": {
        "en": "Litmus question: can a team make a decision that contributes to the overall direction without first asking permission? Relative weights: the share of the explained variance (R² = {r2}) that each predictor carries, with its 95 % interval from resampling whole teams. This is an association in the answers, not proof of cause.",
        "de": "Lackmusfrage: Kann ein Team eine Entscheidung treffen, die zur Gesamtrichtung beiträgt, ohne vorher um Erlaubnis zu fragen? Relative Gewichte: Anteil an der erklärten Varianz (R² = {r2}), den jeder Prädiktor trägt, mit seinem 95-%-Intervall aus dem Ziehen ganzer Teams. Das ist ein Zusammenhang in den Antworten, kein Beleg für eine Ursache.",
    },
    "predictor": {"en": "Predictor", "de": "Prädiktor"},
    "predictor_set": {"en": "Predictors", "de": "Prädiktoren"},
    "share_explained": {"en": "Share of R²", "de": "Anteil an R²"},
    "share_interval": {"en": "95 % interval", "de": "95-%-Intervall"},
    "structure_items": {"en": "Structure questions", "de": "Strukturfragen"},
    "differences": {"en": "Differences that matter", "de": "Relevante Unterschiede"},
    "differences_note": {
        "en": "Groups that differ from the rest of the organization reliably ({correction}-corrected p < {alpha}) and by at least d = {effect}.",
        "de": "Gruppen, die sich verlässlich ({correction}-korrigiert p < {alpha}) und um mindestens d = {effect} vom Rest der Organisation unterscheiden.",
    },
    "no_differences": {"en": "No difference from the rest of the organization is both reliable and large enough to matter.",
                       "de": "Kein Unterschied zum Rest der Organisation ist zugleich verlässlich und groß genug, um relevant zu sein."},
    "higher": {"en": "higher", "de": "höher"},
    "lower": {"en": "lower", "de": "niedriger"},
    "difference": {"en": "Difference", "de": "Unterschied"},
    "measure": {"en": "Measure", "de": "Messung"},
    "and_more": {"en": "and {n} more", "de": "und {n} weitere"},
    "teams_with": {"en": "Teams", "de": "Teams"},
    "count": {"en": "Count", "de": "Anzahl"},
    "what_it_means": {"en": "What it means", "de": "Was es bedeutet"},
    "what_to_do": {"en": "What to do", "de": "Was zu tun ist"},
    "findings_across_teams": {"en": "Findings across teams", "de": "Befunde über die Teams"},
    "no_team_findings": {"en": "No team is shown for this dimension.", "de": "Für diese Dimension wird kein Team gezeigt."},
    "divided_count": {
        "en": "In {n} of {total} teams shown, members disagree about this dimension beyond chance (α = {bar}); their means are not a team property.",
        "de": "In {n} von {total} gezeigten Teams sind sich die Mitglieder in dieser Dimension über den Zufall hinaus uneinig (α = {bar}); ihre Mittelwerte sind keine Teameigenschaft.",
    },
    "items": {"en": "Items", "de": "Fragen"},
    "item": {"en": "Item", "de": "Frage"},
    "item_rest": {"en": "Item–rest r", "de": "Trennschärfe"},
    "alpha_if_deleted": {"en": "α if deleted", "de": "α ohne Frage"},
    "alpha": {"en": "Cronbach's α", "de": "Cronbachs α"},
    "omega": {"en": "McDonald's ω", "de": "McDonalds ω"},
    "icc1": {"en": "ICC(1)", "de": "ICC(1)"},
    "icc2": {"en": "ICC(2)", "de": "ICC(2)"},
    "cfa": {"en": "Three-factor model (CFA)", "de": "Drei-Faktoren-Modell (CFA)"},
    "cfa_acceptable": {"en": "The three-factor model fits: the three dimensions are measured as distinct building blocks.",
                       "de": "Das Drei-Faktoren-Modell passt: Die drei Dimensionen werden als getrennte Bausteine gemessen."},
    "cfa_not_acceptable": {"en": "The three-factor model does not fit well by the conventional bars; read the dimension scores with care.",
                           "de": "Das Drei-Faktoren-Modell passt nach den üblichen Grenzen nicht gut; die Dimensionswerte sind mit Vorsicht zu lesen."},
    "not_estimable": {"en": "not estimable", "de": "nicht schätzbar"},
    "appendix": {"en": "Appendix", "de": "Anhang"},
    "appendix_intro": {"en": "Details for analysts and consultants: every team, further analyses, the measurement quality, the questions and the method.",
                       "de": "Einzelheiten für Analyse und Beratung: alle Teams, weitere Auswertungen, die Messqualität, die Fragen und die Methode."},
    "three_dimensions": {"en": "The three dimensions", "de": "Die drei Dimensionen"},
    "dimensions_intro": {"en": "Each dimension is measured twice: perception (how clear it feels) and structure (what exists and happens), both 0–100 with their confidence intervals.",
                         "de": "Jede Dimension wird zweimal gemessen: Wahrnehmung (wie klar sie sich anfühlt) und Struktur (was existiert und geschieht), beide 0–100 mit ihren Konfidenzintervallen."},
    "pattern_of": {"en": "Pattern of {scope}", "de": "Muster von {scope}"},
    "heatmap": {"en": "Heatmap", "de": "Heatmap"},
    "heatmap_teams_in_appendix": {"en": "The {n} teams are listed one by one in the appendix.",
                                  "de": "Die {n} Teams stehen einzeln im Anhang."},
    "perception_short": {"en": "Perc.", "de": "Wahrn."},
    "structure_short": {"en": "Struct.", "de": "Strukt."},
    "about_answers": {"en": "About the answers", "de": "Zu den Antworten"},
    "team_appendix": {"en": "Teams one by one", "de": "Die Teams einzeln"},
    "method_appendix": {"en": "Method", "de": "Methode"},
    "references": {"en": "References", "de": "Literatur"},
    "page": {"en": "Page", "de": "Seite"},
    "no_data": {"en": "no data", "de": "keine Daten"},
    "not_shown": {"en": "hidden", "de": "ausgeblendet"},
    "ci_low": {"en": "CI low", "de": "KI unten"},
    "ci_high": {"en": "CI high", "de": "KI oben"},
    "d_vs_rest": {"en": "d vs rest", "de": "d ggü. Rest"},
    "d_vs_rest_structure": {"en": "d vs rest (structure)", "de": "d ggü. Rest (Struktur)"},
    "org_hidden": {
        "en": "The organization has fewer than {k} responses: no figures can be shown.",
        "de": "Die Organisation hat weniger als {k} Antworten: Es können keine Zahlen gezeigt werden.",
    },
    "org_no_data": {
        "en": "Nobody has answered yet: there are no figures to show.",
        "de": "Es hat noch niemand geantwortet: Es gibt keine Zahlen zu zeigen.",
    },
    "your_team": {"en": "Your team", "de": "Ihr Team"},
    "team_scores": {"en": "Scores with confidence intervals", "de": "Werte mit Konfidenzintervallen"},
    "team_vs_org": {"en": "Misconceptions compared with the organization", "de": "Missverständnisse im Vergleich zur Organisation"},
    "team_comments": {"en": "Comments from the team", "de": "Kommentare aus dem Team"},
    "rwg_agree": {"en": "Members agree more than chance would make them (r_wg(j) = {rwg} against ordinary leniency): the mean describes a shared view.",
                  "de": "Die Mitglieder sind sich einiger, als der Zufall erklärt (r_wg(j) = {rwg} gegenüber gewöhnlicher Milde): Der Mittelwert beschreibt eine gemeinsame Sicht."},
    "rwg_chance": {"en": "Members agree no more than chance would make them (r_wg(j) = {rwg} against ordinary leniency): the mean describes individuals as much as the team.",
                   "de": "Die Mitglieder sind sich nicht einiger, als der Zufall erklärt (r_wg(j) = {rwg} gegenüber gewöhnlicher Milde): Der Mittelwert beschreibt ebenso Einzelne wie das Team."},
    "rwg_divided": {"en": "Members disagree beyond chance (r_wg(j) = {rwg}): the mean is not a shared view of the team.",
                    "de": "Die Mitglieder sind sich über den Zufall hinaus uneinig (r_wg(j) = {rwg}): Der Mittelwert ist keine gemeinsame Sicht des Teams."},
    "rwg_none": {"en": "Agreement is not estimable.", "de": "Die Übereinstimmung ist nicht schätzbar."},
    "visibility": {"en": "Visibility", "de": "Sichtbarkeit"},
    "structure_unknown": {"en": "fewer than {k} members know the answers", "de": "weniger als {k} Mitglieder kennen die Antworten"},
    "verdict_probability": {"en": "Probability of this finding: {p} %.", "de": "Wahrscheinlichkeit dieses Befunds: {p} %."},
    "verdict_reliability": {"en": "The team's own data carry {rp} of its perception score and {rs} of its structure index (reliability; the rest is the organization's).",
                            "de": "Die eigenen Daten des Teams tragen {rp} seines Wahrnehmungswerts und {rs} seines Strukturindex (Reliabilität; der Rest stammt von der Organisation)."},
    "verdict_not_precise": {"en": "Not precise enough to classify: the most likely finding, {finding}, has a probability of {p} % (at least {min_p} % needed), and the team's reliability must reach {min_r}.",
                            "de": "Zu ungenau für eine Einordnung: Der wahrscheinlichste Befund, {finding}, hat eine Wahrscheinlichkeit von {p} % (mindestens {min_p} % nötig), und die Reliabilität des Teams muss {min_r} erreichen."},
    "verdict_visibility": {"en": "Visibility {v} of 100: how much of the structure members can see (\"don't know\" counts 0).",
                           "de": "Sichtbarkeit {v} von 100: wie viel der Struktur die Mitglieder sehen („weiß ich nicht“ zählt 0)."},
    "org_mark": {"en": "organization", "de": "Organisation"},
    "how_to_read": {"en": "How to read this", "de": "So lesen Sie diesen Bericht"},
    "method": {"en": "Method", "de": "Methode"},
    "deck_findings": {"en": "Findings and what to do", "de": "Befunde und was zu tun ist"},
    "teams_by_finding": {"en": "Teams per finding", "de": "Teams je Befund"},
    "sheet_about": {"en": "About", "de": "Info"},
    "sheet_teams": {"en": "Teams", "de": "Teams"},
    "sheet_units": {"en": "Units", "de": "Bereiche"},
    "sheet_dimensions": {"en": "Dimensions", "de": "Dimensionen"},
    "sheet_misconceptions": {"en": "Misconceptions", "de": "Missverständnisse"},
    "sheet_reliability": {"en": "Reliability", "de": "Reliabilität"},
    "sheet_findings": {"en": "Findings", "de": "Erkenntnisse"},
    "sheet_role_gaps": {"en": "Role gaps", "de": "Rollenunterschiede"},
    "sheet_drivers": {"en": "Associations", "de": "Zusammenhänge"},
    "sheet_differences": {"en": "Differences", "de": "Unterschiede"},
    "sheet_tenure": {"en": "Tenure", "de": "Zugehörigkeit"},
    "tenure_band": {"en": "Tenure", "de": "Zugehörigkeit"},
    "status": {"en": "Status", "de": "Status"},
    "shown": {"en": "shown", "de": "gezeigt"},
    "reason": {"en": "Reason", "de": "Grund"},
    "text": {"en": "Text", "de": "Text"},
    "statistic": {"en": "Statistic", "de": "Kennzahl"},
    "value": {"en": "Value", "de": "Wert"},
    "fit_value": {"en": "Value", "de": "Wert"},
    "fit_bar": {"en": "Conventional bar", "de": "Übliche Grenze"},
    "reading": {"en": "Reading", "de": "Lesart"},
}

#: Short finding labels for table cells (kept short so the heatmap reads in black and white).
FINDING_SHORT = {
    "divided": {"en": "divided", "de": "uneinig"},
    "anchored_strength": {"en": "anchored", "de": "verankert"},
    "structural_gap": {"en": "gap", "de": "Lücke"},
    "proclaimed_not_anchored": {"en": "proclaimed", "de": "proklamiert"},
    "unseen_structure": {"en": "unseen", "de": "unsichtbar"},
    "mixed": {"en": "mixed", "de": "gemischt"},
    "not_precise": {"en": "unclear", "de": "unklar"},
}

#: What a finding means and what to do, per finding (DESIGN §3 item 5).
FINDING_HELP = {
    "divided": {
        "means": {
            "en": "Members of the team see this building block very differently. The team mean is not a shared reality: some experience clarity, others do not.",
            "de": "Die Mitglieder des Teams sehen diesen Baustein sehr unterschiedlich. Der Teammittelwert ist keine gemeinsame Wirklichkeit: Manche erleben Klarheit, andere nicht.",
        },
        "do": {
            "en": "Do not act on the mean. Make the different experiences visible in the team: who sees it clearly, who does not, and why? Often the rules exist but apply unevenly, for example to the lead and not to the members.",
            "de": "Handeln Sie nicht auf Basis des Mittelwerts. Machen Sie die unterschiedlichen Erfahrungen im Team sichtbar: Wer sieht es klar, wer nicht, und warum? Oft gibt es die Regeln, aber sie gelten ungleich – etwa für die Leitung und nicht für die Mitglieder.",
        },
    },
    "anchored_strength": {
        "means": {
            "en": "The building block is both felt and anchored: members perceive it as clear, and the structures behind it exist and are used.",
            "de": "Der Baustein ist gefühlt und verankert: Die Mitglieder nehmen ihn als klar wahr, und die Strukturen dahinter existieren und werden genutzt.",
        },
        "do": {
            "en": "Keep it current and use it as an example: let this team show teams that struggle in this dimension how it works in practice.",
            "de": "Halten Sie ihn aktuell und nutzen Sie ihn als Beispiel: Lassen Sie dieses Team den Teams, die in dieser Dimension kämpfen, zeigen, wie es in der Praxis funktioniert.",
        },
    },
    "structural_gap": {
        "means": {
            "en": "The building block is felt to be unclear, and the structures behind it are largely missing. This is a real gap in the structure, not a matter of perception.",
            "de": "Der Baustein wird als unklar erlebt, und die Strukturen dahinter fehlen weitgehend. Das ist eine echte Lücke in der Struktur, keine Frage der Wahrnehmung.",
        },
        "do": {
            "en": "Fix the structure, not the communication: write down what is missing (priorities and trade-off rules, the decisions the team may take alone, regular reviews against the goals), agree it with neighbouring teams and leadership, and review it after one quarter.",
            "de": "Beheben Sie die Struktur, nicht die Kommunikation: Halten Sie schriftlich fest, was fehlt (Prioritäten und Regeln für Zielkonflikte, die Entscheidungen, die das Team allein treffen darf, regelmäßige Überprüfung an den Zielen), stimmen Sie es mit Nachbarteams und Führung ab und überprüfen Sie es nach einem Quartal.",
        },
    },
    "proclaimed_not_anchored": {
        "means": {
            "en": "The building block feels clear, but the structures behind it are missing: autonomy or alignment is proclaimed or felt, while in practice escalation and approvals still rule. This is the pattern of the misconceptions, such as autonomy as a softened hierarchy.",
            "de": "Der Baustein wirkt klar, aber die Strukturen dahinter fehlen: Autonomie oder Ausrichtung wird verkündet oder gefühlt, während in der Praxis weiter Eskalation und Freigaben herrschen. Das ist das Muster der Missverständnisse, etwa Autonomie als abgeschwächte Hierarchie.",
        },
        "do": {
            "en": "Test the feeling against the facts: count the decisions that needed outside approval last month and check whether written decision rights and interface agreements exist. Anchor what is proclaimed in explicit rules before the gap between words and practice erodes trust.",
            "de": "Prüfen Sie das Gefühl an den Fakten: Zählen Sie die Entscheidungen, die im letzten Monat eine Freigabe von außen brauchten, und prüfen Sie, ob schriftliche Entscheidungsrechte und Schnittstellenvereinbarungen existieren. Verankern Sie das Verkündete in ausdrücklichen Regeln, bevor die Lücke zwischen Worten und Praxis Vertrauen kostet.",
        },
    },
    "unseen_structure": {
        "means": {
            "en": "The structures exist and are used, but members do not perceive the building block as clear. The structure is not known or not trusted: a communication problem, not a design problem.",
            "de": "Die Strukturen existieren und werden genutzt, aber die Mitglieder nehmen den Baustein nicht als klar wahr. Die Struktur ist nicht bekannt oder genießt kein Vertrauen: ein Kommunikations-, kein Gestaltungsproblem.",
        },
        "do": {
            "en": "Do not build new structure. Make the existing one visible and usable: walk through it with the team, link it where the work happens, and show with recent examples that it holds.",
            "de": "Bauen Sie keine neue Struktur. Machen Sie die vorhandene sichtbar und nutzbar: Gehen Sie sie mit dem Team durch, verlinken Sie sie dort, wo gearbeitet wird, und zeigen Sie an aktuellen Beispielen, dass sie trägt.",
        },
    },
    "mixed": {
        "means": {
            "en": "Perception and structure lie in the middle band or point in no clear direction; there is no single clear pattern.",
            "de": "Wahrnehmung und Struktur liegen im mittleren Bereich oder zeigen in keine klare Richtung; es gibt kein eindeutiges Muster.",
        },
        "do": {
            "en": "Look at the individual questions in a workshop to find what is partly there and what is missing, agree on one concrete step, and measure again after the change.",
            "de": "Sehen Sie sich in einem Workshop die einzelnen Fragen an, um herauszufinden, was teilweise da ist und was fehlt, vereinbaren Sie einen konkreten Schritt und messen Sie nach der Veränderung erneut.",
        },
    },
    "not_precise": {
        "means": {
            "en": "The team's answers are too few or too varied to say with enough certainty which pattern it shows; its own data say little beyond the organization's.",
            "de": "Die Antworten des Teams sind zu wenige oder zu unterschiedlich, um mit genügender Sicherheit zu sagen, welches Muster es zeigt; seine eigenen Daten sagen wenig über die der Organisation hinaus.",
        },
        "do": {
            "en": "Do not act on this team's figures alone: read the organization's and the unit's results, and discuss the individual questions with the team.",
            "de": "Handeln Sie nicht allein aufgrund der Zahlen dieses Teams: Lesen Sie die Ergebnisse der Organisation und des Bereichs und besprechen Sie die einzelnen Fragen mit dem Team.",
        },
    },
}

#: What a typology means (DESIGN §3 item 4).
TYPOLOGY_HELP = {
    "aligned_autonomy": {
        "en": "Direction, decision rights and feedback are all present: teams can decide at the edge within a shared framework.",
        "de": "Ausrichtung, Entscheidungsrechte und Rückkopplung sind vorhanden: Teams können am Rand der Organisation innerhalb eines gemeinsamen Rahmens entscheiden.",
    },
    "ambiguity": {
        "en": "Direction is present, decision rights are not: teams know where to go but not who may decide, so decisions wait or escalate.",
        "de": "Ausrichtung ist vorhanden, Entscheidungsrechte nicht: Teams wissen, wohin es gehen soll, aber nicht, wer entscheiden darf; Entscheidungen warten oder eskalieren.",
    },
    "fragmentation": {
        "en": "Decision rights are present, direction is not: teams decide freely but without a shared framework, so decisions pull in different directions.",
        "de": "Entscheidungsrechte sind vorhanden, Ausrichtung nicht: Teams entscheiden frei, aber ohne gemeinsamen Rahmen, sodass Entscheidungen in verschiedene Richtungen ziehen.",
    },
    "drift": {
        "en": "Direction and decision rights are present, but feedback is missing: nobody notices when decisions move away from the direction, so the course is not corrected.",
        "de": "Ausrichtung und Entscheidungsrechte sind vorhanden, aber die Rückkopplung fehlt: Niemand bemerkt, wenn Entscheidungen von der Richtung abweichen, und der Kurs wird nicht korrigiert.",
    },
    "central_control": {
        "en": "Neither direction nor decision rights are present: decisions are taken above the teams.",
        "de": "Weder Ausrichtung noch Entscheidungsrechte sind vorhanden: Entscheidungen fallen oberhalb der Teams.",
    },
    "not_precise": {
        "en": "The answers do not show with enough certainty which building blocks are present.",
        "de": "Die Antworten zeigen nicht mit genügender Sicherheit, welche Bausteine vorhanden sind.",
    },
}

#: How to read a report: (heading, paragraph) pairs.
READING = (
    ({"en": "Two measurements per building block", "de": "Zwei Messungen je Baustein"},
     {"en": "Each dimension is measured twice: perception (how clear it feels, 0–100) and structure (what exists and happens, 0–100). Where the two differ, the difference is the finding.",
      "de": "Jede Dimension wird zweimal gemessen: Wahrnehmung (wie klar sie sich anfühlt, 0–100) und Struktur (was existiert und geschieht, 0–100). Wo beide auseinandergehen, ist der Unterschied der Befund."}),
    ({"en": "Findings", "de": "Befunde"},
     {"en": "anchored: felt and anchored · gap: neither felt nor anchored · proclaimed: felt, not anchored · unseen: anchored, not felt · divided: members disagree, the mean is no team property · mixed: no clear pattern · not precise enough: too few or too varied answers to say. Each finding comes with its probability.",
      "de": "verankert: gefühlt und verankert · Lücke: weder gefühlt noch verankert · proklamiert: gefühlt, nicht verankert · unsichtbar: verankert, nicht gefühlt · uneinig: Mitglieder sehen es verschieden, der Mittelwert ist keine Teameigenschaft · gemischt: kein klares Muster · zu ungenau: zu wenige oder zu unterschiedliche Antworten für eine Aussage. Jeder Befund steht mit seiner Wahrscheinlichkeit."}),
    ({"en": "Maturity 1–5", "de": "Reifegrad 1–5"},
     {"en": "The lower of the perception level and the structure level: a dimension is mature only when it is both felt and anchored; strong perception never makes up for missing structure.",
      "de": "Die niedrigere der Stufen von Wahrnehmung und Struktur: Eine Dimension ist nur reif, wenn sie gefühlt und verankert ist; eine starke Wahrnehmung gleicht fehlende Struktur nie aus."}),
    ({"en": "Team matter or individual view", "de": "Teamsache oder individuelle Sicht"},
     {"en": "ICC(1) is the share of the differences that lies between teams, shown with its interval. A high share means answers go together within teams — through the team's situation, its lead or simply shared talk; a low share means they mostly reflect individual views. It does not say which part is structure.",
      "de": "ICC(1) ist der Anteil der Unterschiede, der zwischen Teams liegt, mit seinem Intervall. Ein hoher Anteil heißt: Antworten hängen innerhalb der Teams zusammen — durch die Lage des Teams, seine Leitung oder schlicht gemeinsames Reden; ein niedriger: Sie spiegeln vor allem individuelle Sichtweisen. Welcher Teil davon Struktur ist, sagt er nicht."}),
    ({"en": "Anonymity", "de": "Anonymität"},
     {"en": "No figure is shown for fewer than k respondents (“n < k”), nor for groups that would let a smaller group be worked out by subtraction. “no data” means nobody answered.",
      "de": "Für weniger als k Antwortende wird keine Zahl gezeigt („n < k“), ebenso wenig für Gruppen, aus denen eine kleinere Gruppe durch Subtraktion errechnet werden könnte. „keine Daten“ heißt: Niemand hat geantwortet."}),
)

#: The method in words: (heading, paragraph) pairs; ``{…}`` are filled from the settings
#: and the questionnaire's thresholds.
METHOD = (
    ({"en": "Scores", "de": "Werte"},
     {"en": "A respondent's perception score is the mean of the dimension's agreement items after reverse-keying (at least two thirds answered), put on 0–100 as (mean − 1) / 4 × 100. The structure index is the mean of the scored answer options on 0–100; “don't know” counts as missing structure. A misconception is held by those who answer at least {mc_min} on its 1–5 agreement scale. Group scores are means with a t-based {ci_pct} % confidence interval.",
      "de": "Der Wahrnehmungswert einer Person ist der Mittelwert der Zustimmungsfragen der Dimension nach Umpolung (mindestens zwei Drittel beantwortet), auf 0–100 gebracht als (Mittelwert − 1) / 4 × 100. Der Strukturindex ist der Mittelwert der bewerteten Antwortoptionen auf 0–100; „weiß ich nicht“ zählt als fehlende Struktur. Ein Missverständnis teilt, wer auf der Zustimmungsskala 1–5 mindestens {mc_min} antwortet. Gruppenwerte sind Mittelwerte mit einem t-basierten {ci_pct}-%-Konfidenzintervall."}),
    ({"en": "Maturity, findings and patterns", "de": "Reifegrad, Befunde und Muster"},
     {"en": "Maturity: the lower of the perception level and the structure level, each cut at {cuts} into levels 1–5 — high perception never makes up for missing structure. Perception counts as high from {p_high} and as low below {p_low}; structure as high from {s_high} and as low below {s_low}. Teams are placed in levels by their empirical-Bayes estimates, which pull small teams towards the organization. A team's finding is the band cell its true scores most probably lie in, judged from the uncertainty of its own means; it is given only when that probability reaches {min_p} % and the team's reliability (ICC(2) at its own size) reaches {min_r} for perception and structure; otherwise it is “not precise enough”. A team is “divided” when its members' scores spread more than the organization's teams ordinarily do, beyond chance (α = {alpha_agree}). A dimension is present for the pattern when perception and structure both reach {present}.",
      "de": "Reifegrad: die niedrigere der beiden Stufen von Wahrnehmung und Struktur, jeweils bei {cuts} in die Stufen 1–5 geteilt — hohe Wahrnehmung gleicht fehlende Struktur nie aus. Wahrnehmung gilt ab {p_high} als hoch und unter {p_low} als niedrig; Struktur ab {s_high} als hoch und unter {s_low} als niedrig. Teams werden über empirische Bayes-Schätzer in Stufen eingeordnet, die kleine Teams zur Organisation hin ziehen. Der Befund eines Teams ist das Feld, in dem seine wahren Werte am wahrscheinlichsten liegen, beurteilt nach der Unsicherheit seiner eigenen Mittelwerte; er wird nur genannt, wenn diese Wahrscheinlichkeit {min_p} % und die Reliabilität des Teams (ICC(2) bei seiner Größe) für Wahrnehmung und Struktur {min_r} erreicht; sonst ist er „zu ungenau“. Ein Team ist „uneinig“, wenn die Werte seiner Mitglieder stärker streuen, als es in den Teams der Organisation üblich ist, über den Zufall hinaus (α = {alpha_agree}). Eine Dimension ist für das Muster vorhanden, wenn Wahrnehmung und Struktur beide {present} erreichen."}),
    ({"en": "Reliability and construct validity", "de": "Reliabilität und Konstruktvalidität"},
     {"en": "Cronbach's α and McDonald's ω (one-factor model) per dimension; 0.70 or more is conventionally acceptable. A confirmatory factor analysis tests the three-factor model of the perception items; it fits when CFI ≥ {cfi_min}, RMSEA ≤ {rmsea_max} and SRMR ≤ {srmr_max}.",
      "de": "Cronbachs α und McDonalds ω (Ein-Faktor-Modell) je Dimension; ab 0,70 gilt das üblicherweise als akzeptabel. Eine konfirmatorische Faktorenanalyse prüft das Drei-Faktoren-Modell der Wahrnehmungsfragen; es passt bei CFI ≥ {cfi_min}, RMSEA ≤ {rmsea_max} und SRMR ≤ {srmr_max}."}),
    ({"en": "Agreement within teams", "de": "Übereinstimmung in Teams"},
     {"en": "r_wg(j) compares the variance of the members' answers with the variance expected without a shared view: under the uniform null and under the slightly and moderately skewed nulls of ordinary leniency; r*_wg(j), a_wg and the average deviation AD_M are reported alongside, and agreement on the structure questions as well. Whether a team agrees beyond chance is decided by small-sample critical values for its size (Dunlap et al. 2003), not by the fixed bar of 0.70, which teams of five that answer independently pass about half the time.",
      "de": "r_wg(j) vergleicht die Varianz der Antworten der Mitglieder mit der Varianz ohne gemeinsame Sicht: unter der Gleichverteilung und unter der leicht und mäßig schiefen Verteilung gewöhnlicher Milde; r*_wg(j), a_wg und die mittlere Abweichung AD_M werden ergänzend berichtet, ebenso die Übereinstimmung bei den Strukturfragen. Ob ein Team über den Zufall hinaus übereinstimmt, entscheiden kritische Werte für kleine Stichproben bei seiner Größe (Dunlap et al. 2003), nicht die feste Schwelle 0,70, die Teams von fünf unabhängig Antwortenden etwa in der Hälfte der Fälle überschreiten."}),
    ({"en": "Team matter or individual view", "de": "Teamsache oder individuelle Sicht"},
     {"en": "ICC(1) from a one-way analysis of variance with teams as groups is the share of the variance that lies between teams, with its 95 % confidence interval; between-team variance can come from structure, from a lead or from shared talk, so it is not the share that is structure. ICC(2) is the reliability of the team means, and each team's own reliability is ICC(2) at its size. Teams are ranked by empirical-Bayes estimates, which pull their means towards the organization in proportion to how little they can be trusted.",
      "de": "ICC(1) aus einer einfaktoriellen Varianzanalyse mit Teams als Gruppen ist der Anteil der Varianz zwischen den Teams, mit seinem 95-%-Konfidenzintervall; Unterschiede zwischen Teams können aus der Struktur, von einer Leitung oder aus gemeinsamem Reden kommen, er ist also nicht der Anteil, der Struktur ist. ICC(2) ist die Reliabilität der Teammittelwerte, und die Reliabilität jedes Teams ist ICC(2) bei seiner Größe. Teams werden über empirische Bayes-Schätzer in eine Rangfolge gebracht, die ihre Mittelwerte umso stärker zur Organisation ziehen, je weniger verlässlich sie sind."}),
    ({"en": "Differences, role gaps and associations", "de": "Unterschiede, Rollen und Zusammenhänge"},
     {"en": "Each team is compared with the rest of the organization; its p-value is the larger of Welch's t-test and a test against the pooled variation within teams. Units are compared at team level — their team means against those of the other teams — because members of one team are not independent. p-values are corrected for multiple comparisons ({correction}) and a difference counts only when p < {alpha} and Cohen's d ≥ {effect}. Team leads and members are compared the same way. What goes together with the litmus question is given as relative weights (Johnson 2000) — each predictor's share of the explained variance, with a 95 % interval from resampling whole teams; an association, not proof of cause.",
      "de": "Jedes Team wird mit dem Rest der Organisation verglichen; sein p-Wert ist der größere aus dem Welch-t-Test und einem Test gegen die gepoolte Streuung innerhalb der Teams. Bereiche werden auf Teamebene verglichen — ihre Teammittelwerte gegen die der übrigen Teams —, weil Mitglieder eines Teams nicht unabhängig sind. Die p-Werte werden für multiples Testen korrigiert ({correction}), und ein Unterschied zählt nur bei p < {alpha} und Cohens d ≥ {effect}. Teamleitungen und Mitglieder werden ebenso verglichen. Was mit der Lackmusfrage zusammenhängt, zeigen relative Gewichte (Johnson 2000) — der Anteil jedes Prädiktors an der erklärten Varianz mit einem 95-%-Intervall aus dem Ziehen ganzer Teams; ein Zusammenhang, kein Beleg für eine Ursache."}),
    ({"en": "Anonymity", "de": "Anonymität"},
     {"en": "No figure is released for fewer than k = {k} respondents, and a visible group is hidden as well when otherwise a smaller group could be worked out by subtracting visible groups from their parent. Subgroups (leads, members) are shown only when they and their complement reach k. Comments appear only for groups of at least {ck} people, in shuffled order.",
      "de": "Für weniger als k = {k} Antwortende wird keine Zahl veröffentlicht, und eine sichtbare Gruppe wird ebenfalls ausgeblendet, wenn sonst eine kleinere Gruppe durch Subtraktion sichtbarer Gruppen von ihrer übergeordneten Gruppe errechnet werden könnte. Teilgruppen (Leitungen, Mitglieder) werden nur gezeigt, wenn sie und ihr Gegenstück k erreichen. Kommentare erscheinen nur für Gruppen ab {ck} Personen, in gemischter Reihenfolge."}),
)

REFERENCES = (
    "Benjamini, Y., & Hochberg, Y. (1995). Controlling the false discovery rate. Journal of the Royal Statistical Society B, 57(1), 289–300.",
    "Bliese, P. D. (2000). Within-group agreement, non-independence, and reliability: Implications for data aggregation and analysis. In K. J. Klein & S. W. J. Kozlowski (Eds.), Multilevel theory, research, and methods in organizations (pp. 349–381). Jossey-Bass.",
    "Brown, R. D., & Hauenstein, N. M. A. (2005). Interrater agreement reconsidered: An alternative to the rwg indices. Organizational Research Methods, 8(2), 165–184.",
    "Burke, M. J., Finkelstein, L. M., & Dusig, M. S. (1999). On average deviation indices for estimating interrater agreement. Organizational Research Methods, 2(1), 49–68.",
    "Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests. Psychometrika, 16(3), 297–334.",
    "Davison, A. C., & Hinkley, D. V. (1997). Bootstrap methods and their application. Cambridge University Press.",
    "Dunlap, W. P., Burke, M. J., & Smith-Crowe, K. (2003). Accurate tests of statistical significance for r_WG and average deviation interrater agreement indexes. Journal of Applied Psychology, 88(2), 356–362.",
    "Holm, S. (1979). A simple sequentially rejective multiple test procedure. Scandinavian Journal of Statistics, 6(2), 65–70.",
    "Hu, L., & Bentler, P. M. (1999). Cutoff criteria for fit indexes in covariance structure analysis. Structural Equation Modeling, 6(1), 1–55.",
    "Hundepool, A., Domingo-Ferrer, J., Franconi, L., Giessing, S., Schulte Nordholt, E., Spicer, K., & de Wolf, P.-P. (2012). Statistical Disclosure Control. Wiley.",
    "James, L. R., Demaree, R. G., & Wolf, G. (1984). Estimating within-group interrater reliability with and without response bias. Journal of Applied Psychology, 69(1), 85–98.",
    "Johnson, J. W. (2000). A heuristic method for estimating the relative weight of predictor variables in multiple regression. Multivariate Behavioral Research, 35(1), 1–19.",
    "LeBreton, J. M., & Senter, J. L. (2008). Answers to 20 questions about interrater reliability and interrater agreement. Organizational Research Methods, 11(4), 815–852.",
    "McDonald, R. P. (1999). Test theory: A unified treatment. Lawrence Erlbaum.",
    "Morris, C. N. (1983). Parametric empirical Bayes inference: Theory and applications. Journal of the American Statistical Association, 78(381), 47–55.",
    "Welch, B. L. (1947). The generalization of “Student's” problem when several different population variances are involved. Biometrika, 34(1–2), 28–35.",
)

#: Typology labels without their explanation in brackets, for narrow table cells.
TYPOLOGY_SHORT = {k: {lang: v.split(" (")[0] for lang, v in names.items()}
                  for k, names in LABELS["typology"].items()}
