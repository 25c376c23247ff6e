"""Texts of the downloadable reports: messages of the translation catalogue.

Headings and labels, what each finding and typology means and what to do about it, how
to read a report, and the methodology in words. Each text is a message of the catalogue
(:mod:`app.catalogue`, ``app/locale/<lang>/LC_MESSAGES/messages.po``): the English text
is the message id, marked with ``N_()`` for extraction, and :class:`Localized` looks up
its translation in the language a report is rendered in, so ``TEXTS[key][lang]`` reads
as before. Placeholders are ``{name}`` fields, filled after translation. Labels of
findings and typologies and the ICC reading come from :mod:`analysis.narrative`
(catalogue messages too);
nothing here is a figure.
"""

from __future__ import annotations

from collections.abc import Mapping

from app.catalogue import N_, L, Localized, translations
from app.i18n import LANGUAGES

__all__ = [
    "FINDING_DO",
    "FINDING_HELP",
    "FINDING_MEANS",
    "FINDING_SHORT",
    "METHOD",
    "REFERENCES",
    "TEXTS",
    "TYPOLOGY_SHORT",
    "TYPOLOGY_HELP",
    "TYPOLOGY_MEANS",
    "READING",
    "L",
    "Localized",
    "by_language",
]


class _ByLanguage(Mapping):
    """``{lang: {key: translated text}}`` of a table of messages (nested tables too)."""

    def __init__(self, messages: dict):
        self._messages = messages

    def __getitem__(self, lang: str) -> dict:
        if lang not in LANGUAGES:
            raise KeyError(lang)
        tr = translations(lang)

        def walk(d):
            return {k: walk(v) if isinstance(v, dict) else tr.gettext(v) for k, v in d.items()}

        return walk(self._messages)

    def __iter__(self):
        return iter(LANGUAGES)

    def __len__(self) -> int:
        return len(LANGUAGES)


def by_language(messages: dict) -> Mapping:
    """A table of catalogue messages read per language: ``table[lang][key]``."""
    return _ByLanguage(messages)


TEXTS: dict[str, Localized] = {
    "report_title": L(N_("Aligned Autonomy Diagnostic")),
    "team_report_title": L(N_("Team report")),
    "questionnaire": L(N_("Questionnaire")),
    "campaign": L(N_("Campaign")),
    "scope_line": L(N_("Results of the unit {unit}, compared with the organization as a whole")),
    "respondents": L(N_("Respondents")),
    "teams": L(N_("Teams")),
    "teams_shown": L(N_("{shown} of {total} teams shown individually")),
    "units": L(N_("Units")),
    "unit": L(N_("Unit")),
    "team": L(N_("Team")),
    "organization": L(N_("Organization")),
    "level": L(N_("Level")),
    "group": L(N_("Group")),
    "min_group": L(N_("Minimum group size k = {k}; comments from {ck} people.")),
    "links_line": L(
        N_(
            "Survey links: {personal} personal and {open} open, created by {creators} (link log entries: {creations}; every member of the organization can read the log). Teams with more personal links than people: {over}."
        )
    ),
    "withheld_line": L(
        N_(
            "{w} answers that arrived after live results were shown could not be added without changing a team's figures by fewer than {k} people; they are not included."
        )
    ),
    "survey_links": L(N_("Survey links")),
    "contents": L(N_("Contents")),
    "summary": L(N_("Executive summary")),
    "key_findings": L(N_("Key findings")),
    "org_pattern": L(N_("Pattern of the organization")),
    "maturity_by_dimension": L(N_("Maturity per dimension")),
    "perception_vs_structure": L(N_("Perception vs structure")),
    "structure_or_perception": L(N_("Team matter or individual view?")),
    "dimension": L(N_("Dimension")),
    "dimensions": L(N_("Dimensions")),
    "maturity": L(N_("Maturity")),
    "maturity_level": L(N_("level {level} of 5")),
    "perception": L(N_("Perception")),
    "structure": L(N_("Structure")),
    "combined": L(N_("Combined (the lower)")),
    "shrunk": L(N_("Perception (shrunken)")),
    "shrunk_structure": L(N_("Structure (shrunken)")),
    "probability": L(N_("Probability of the finding")),
    "reliability_p": L(N_("Reliability (perception)")),
    "reliability_s": L(N_("Reliability (structure)")),
    "finding": L(N_("Finding")),
    "findings": L(N_("Findings")),
    "typology": L(N_("Pattern")),
    "outcome": L(N_("Litmus question")),
    "agreement": L(N_("Agreement")),
    "reliability": L(N_("Reliability")),
    "measurement_quality": L(N_("Measurement quality")),
    "ci_level": L(N_("{pct} % CI")),
    "heatmaps": L(N_("Heatmaps")),
    "heatmap_units": L(N_("Units")),
    "heatmap_teams": L(N_("Teams by unit")),
    "heatmap_note": L(
        N_(
            "Perception and structure 0–100, each cell labelled with its value and coloured on the fixed scale 0–100 below (red low, grey middle, blue high); the finding cell has the finding's colour. “n < {k}”: not shown to protect anonymity. “no data”: nobody answered."
        )
    ),
    "appendix_note": L(
        N_(
            "P = perception, S = structure, each 0–100 with the {ci} · L = maturity level 1–5 · finding with its probability · r_wg = agreement r_wg(j); the cell has the finding's colour, the team's pattern is under its name."
        )
    ),
    "misconceptions": L(N_("Misconceptions")),
    "misconception": L(N_("Misconception")),
    "share_holding": L(N_("Share holding it")),
    "vs_org": L(N_("vs organization")),
    "misconceptions_note": L(
        N_(
            "Share of respondents who agree with the belief (at least {mc_min} of 5); in brackets the difference from the organization in percentage points; red: held more widely than in the organization, blue: less widely."
        )
    ),
    "misconceptions_org_note": L(
        N_("Share of respondents who agree with the belief (at least {mc_min} of 5), across the organization.")
    ),
    "misconceptions_scope_note": L(
        N_("Share of respondents in {scope} who agree with the belief (at least {mc_min} of 5).")
    ),
    "teams_per_finding": L(N_("Teams per finding")),
    "teams_per_finding_note": L(
        N_(
            "How the teams shown fall into the findings, per dimension, with the number of teams in each (teams below k are not counted)."
        )
    ),
    "across": L(N_("Across the organization")),
    "role_gaps": L(N_("Team leads and members")),
    "role_gaps_note": L(
        N_(
            "Perception scores of team leads and members, shown only where both groups reach k. A gap is marked when it is reliable after correction and large enough to matter."
        )
    ),
    "leads": L(N_("Team leads")),
    "members": L(N_("Members")),
    "gap": L(N_("Gap")),
    "significant": L(N_("matters")),
    "no_role_gaps": L(N_("No subgroup of leads and members reaches k.")),
    "drivers": L(N_("What goes together with the litmus question")),
    "drivers_note": L(
        N_(
            "Litmus question: can a team make a decision that contributes to the overall direction without first asking permission? Relative weights: the share of the explained variance (R² = {r2}) that each predictor carries, with its 95 % interval from resampling whole teams. This is an association in the answers, not proof of cause."
        )
    ),
    "predictor": L(N_("Predictor")),
    "predictor_set": L(N_("Predictors")),
    "share_explained": L(N_("Share of R²")),
    "share_interval": L(N_("95 % interval")),
    "structure_items": L(N_("Structure questions")),
    "differences": L(N_("Differences that matter")),
    "differences_note": L(
        N_(
            "Groups that differ from the rest of the organization reliably ({correction}-corrected p < {alpha}) and by at least d = {effect}."
        )
    ),
    "no_differences": L(
        N_("No difference from the rest of the organization is both reliable and large enough to matter.")
    ),
    "higher": L(N_("higher")),
    "lower": L(N_("lower")),
    "difference": L(N_("Difference")),
    "measure": L(N_("Measure")),
    "and_more": L(N_("and {n} more")),
    "teams_with": L(N_("Teams")),
    "count": L(N_("Count")),
    "what_it_means": L(N_("What it means")),
    "what_to_do": L(N_("What to do")),
    "findings_across_teams": L(N_("Findings across teams")),
    "no_team_findings": L(N_("No team is shown for this dimension.")),
    "divided_count": L(
        N_(
            "In {n} of {total} teams shown, members disagree about this dimension beyond chance (α = {bar}); their means are not a team property."
        )
    ),
    "items": L(N_("Items")),
    "item": L(N_("Item")),
    "item_rest": L(N_("Item–rest r")),
    "alpha_if_deleted": L(N_("α if deleted")),
    "alpha": L(N_("Cronbach's α")),
    "omega": L(N_("McDonald's ω")),
    "icc1": L(N_("ICC(1)")),
    "icc2": L(N_("ICC(2)")),
    "cfa": L(N_("Three-factor model (CFA)")),
    "cfa_acceptable": L(
        N_("The three-factor model fits: the three dimensions are measured as distinct building blocks.")
    ),
    "cfa_not_acceptable": L(
        N_("The three-factor model does not fit well by the conventional bars; read the dimension scores with care.")
    ),
    "cfa_acquiescence": L(
        N_(
            "The three-factor model fits once the tendency to agree with everything (acquiescence) is modelled as a factor of its own: the plain model's misfit comes from that response style, not from the dimensions."
        )
    ),
    "cfa_acquiescence_fit": L(N_("With an acquiescence factor: CFI {cfi}, TLI {tli}, RMSEA {rmsea}, SRMR {srmr}.")),
    "not_estimable": L(N_("not estimable")),
    "appendix": L(N_("Appendix")),
    "appendix_intro": L(
        N_(
            "Details for analysts and consultants: every team, further analyses, the measurement quality, the questions and the method."
        )
    ),
    "three_dimensions": L(N_("The three dimensions")),
    "dimensions_intro": L(
        N_(
            "Each dimension is measured twice: perception (how clear it feels) and structure (what exists and happens), both 0–100 with their confidence intervals."
        )
    ),
    "pattern_of": L(N_("Pattern of {scope}")),
    "heatmap": L(N_("Heatmap")),
    "heatmap_teams_in_appendix": L(N_("The {n} teams are listed one by one in the appendix.")),
    "perception_short": L(N_("Perc.")),
    "structure_short": L(N_("Struct.")),
    "about_answers": L(N_("About the answers")),
    "team_appendix": L(N_("Teams one by one")),
    "method_appendix": L(N_("Method")),
    "references": L(N_("References")),
    "page": L(N_("Page")),
    "no_data": L(N_("no data")),
    "not_shown": L(N_("hidden")),
    "ci_low": L(N_("CI low")),
    "ci_high": L(N_("CI high")),
    "d_vs_rest": L(N_("d vs rest")),
    "d_vs_rest_structure": L(N_("d vs rest (structure)")),
    "org_hidden": L(N_("The organization has fewer than {k} responses: no figures can be shown.")),
    "org_no_data": L(N_("Nobody has answered yet: there are no figures to show.")),
    "your_team": L(N_("Your team")),
    "team_scores": L(N_("Scores with confidence intervals")),
    "team_vs_org": L(N_("Misconceptions compared with the organization")),
    "team_comments": L(N_("Comments from the team")),
    "rwg_agree": L(
        N_(
            "Members agree more than chance would make them (r_wg(j) = {rwg} against ordinary leniency): the mean describes a shared view."
        )
    ),
    "rwg_chance": L(
        N_(
            "Members agree no more than chance would make them (r_wg(j) = {rwg} against ordinary leniency): the mean describes individuals as much as the team."
        )
    ),
    "rwg_divided": L(
        N_("Members disagree beyond chance (r_wg(j) = {rwg}): the mean is not a shared view of the team.")
    ),
    "rwg_none": L(N_("Agreement is not estimable.")),
    "visibility": L(N_("Visibility")),
    "structure_unknown": L(N_("fewer than {k} members know the answers")),
    "verdict_probability": L(N_("Probability of this finding: {p} %.")),
    "verdict_reliability": L(
        N_(
            "The team's own data carry {rp} of its perception score and {rs} of its structure index (reliability; the rest is the organization's)."
        )
    ),
    "verdict_not_precise": L(
        N_(
            "Not precise enough to classify: the most likely finding, {finding}, has a probability of {p} % (at least {min_p} % needed), and the team's reliability must reach {min_r}."
        )
    ),
    "verdict_visibility": L(
        N_("Visibility {v} of 100: how much of the structure members can see (\"don't know\" counts 0).")
    ),
    "org_mark": L(N_("organization")),
    "how_to_read": L(N_("How to read this")),
    "method": L(N_("Method")),
    "deck_findings": L(N_("Findings and what to do")),
    "teams_by_finding": L(N_("Teams per finding")),
    "sheet_about": L(N_("About")),
    "sheet_teams": L(N_("Teams")),
    "sheet_units": L(N_("Units")),
    "sheet_dimensions": L(N_("Dimensions")),
    "sheet_misconceptions": L(N_("Misconceptions")),
    "sheet_reliability": L(N_("Reliability")),
    "sheet_findings": L(N_("Findings")),
    "sheet_role_gaps": L(N_("Role gaps")),
    "sheet_drivers": L(N_("Associations")),
    "sheet_differences": L(N_("Differences")),
    "sheet_tenure": L(N_("Tenure")),
    "tenure_band": L(N_("Tenure")),
    "status": L(N_("Status")),
    "shown": L(N_("shown")),
    "reason": L(N_("Reason")),
    "text": L(N_("Text")),
    "statistic": L(N_("Statistic")),
    "value": L(N_("Value")),
    "fit_value": L(N_("Value")),
    "fit_bar": L(N_("Conventional bar")),
    "reading": L(N_("Reading")),
}

#: Short finding labels for table cells (kept short so the heatmap reads in black and white).
FINDING_SHORT = {
    "divided": L(N_("divided")),
    "anchored_strength": L(N_("anchored")),
    "structural_gap": L(N_("gap")),
    "proclaimed_not_anchored": L(N_("proclaimed")),
    "unseen_structure": L(N_("unseen")),
    "mixed": L(N_("mixed")),
    "not_precise": L(N_("unclear")),
}

#: What a finding means, per finding (catalogue messages; pages translate them with ``_()``).
FINDING_MEANS = {
    "divided": N_(
        "Members of the team see this building block very differently. The team mean is not a shared reality: some experience clarity, others do not."
    ),
    "anchored_strength": N_(
        "The building block is both felt and anchored: members perceive it as clear, and the structures behind it exist and are used."
    ),
    "structural_gap": N_(
        "The building block is felt to be unclear, and the structures behind it are largely missing. This is a real gap in the structure, not a matter of perception."
    ),
    "proclaimed_not_anchored": N_(
        "The building block feels clear, but the structures behind it are missing: autonomy or alignment is proclaimed or felt, while in practice escalation and approvals still rule. This is the pattern of the misconceptions, such as autonomy as a softened hierarchy."
    ),
    "unseen_structure": N_(
        "The structures exist and are used, but members do not perceive the building block as clear. The structure is not known or not trusted: a communication problem, not a design problem."
    ),
    "mixed": N_(
        "Perception and structure lie in the middle band or point in no clear direction; there is no single clear pattern."
    ),
    "not_precise": N_(
        "The team's answers are too few or too varied to say with enough certainty which pattern it shows; its own data say little beyond the organization's."
    ),
}

#: What to do about a finding, per finding (catalogue messages).
FINDING_DO = {
    "divided": N_(
        "Do not act on the mean. Make the different experiences visible in the team: who sees it clearly, who does not, and why? Often the rules exist but apply unevenly, for example to the lead and not to the members."
    ),
    "anchored_strength": N_(
        "Keep it current and use it as an example: let this team show teams that struggle in this dimension how it works in practice."
    ),
    "structural_gap": N_(
        "Fix the structure, not the communication: write down what is missing (priorities and trade-off rules, the decisions the team may take alone, regular reviews against the goals), agree it with neighbouring teams and leadership, and review it after one quarter."
    ),
    "proclaimed_not_anchored": N_(
        "Test the feeling against the facts: count the decisions that needed outside approval last month and check whether written decision rights and interface agreements exist. Anchor what is proclaimed in explicit rules before the gap between words and practice erodes trust."
    ),
    "unseen_structure": N_(
        "Do not build new structure. Make the existing one visible and usable: walk through it with the team, link it where the work happens, and show with recent examples that it holds."
    ),
    "mixed": N_(
        "Look at the individual questions in a workshop to find what is partly there and what is missing, agree on one concrete step, and measure again after the change."
    ),
    "not_precise": N_(
        "Do not act on this team's figures alone: read the organization's and the unit's results, and discuss the individual questions with the team."
    ),
}

#: What a finding means and what to do, per finding and report language (DESIGN §3 item 5).
FINDING_HELP = {f: {"means": L(FINDING_MEANS[f]), "do": L(FINDING_DO[f])} for f in FINDING_MEANS}

#: What a typology means (catalogue messages; pages translate them with ``_()``).
TYPOLOGY_MEANS = {
    "aligned_autonomy": N_(
        "Direction, decision rights and feedback are all present: teams can decide at the edge within a shared framework."
    ),
    "ambiguity": N_(
        "Direction is present, decision rights are not: teams know where to go but not who may decide, so decisions wait or escalate."
    ),
    "fragmentation": N_(
        "Decision rights are present, direction is not: teams decide freely but without a shared framework, so decisions pull in different directions."
    ),
    "drift": N_(
        "Direction and decision rights are present, but feedback is missing: nobody notices when decisions move away from the direction, so the course is not corrected."
    ),
    "central_control": N_("Neither direction nor decision rights are present: decisions are taken above the teams."),
    "not_precise": N_("The answers do not show with enough certainty which building blocks are present."),
}

#: What a typology means, per report language (DESIGN §3 item 4).
TYPOLOGY_HELP = {t: L(message) for t, message in TYPOLOGY_MEANS.items()}

#: How to read a report: (heading, paragraph) pairs.
READING = (
    (
        L(N_("Two measurements per building block")),
        L(
            N_(
                "Each dimension is measured twice: perception (how clear it feels, 0–100) and structure (what exists and happens, 0–100). Where the two differ, the difference is the finding."
            )
        ),
    ),
    (
        L(N_("Findings")),
        L(
            N_(
                "anchored: felt and anchored · gap: neither felt nor anchored · proclaimed: felt, not anchored · unseen: anchored, not felt · divided: members disagree, the mean is no team property · mixed: no clear pattern · not precise enough: too few or too varied answers to say. Each finding comes with its probability."
            )
        ),
    ),
    (
        L(N_("Maturity 1–5")),
        L(
            N_(
                "The lower of the perception level and the structure level: a dimension is mature only when it is both felt and anchored; strong perception never makes up for missing structure."
            )
        ),
    ),
    (
        L(N_("Team matter or individual view")),
        L(
            N_(
                "ICC(1) is the share of the differences that lies between teams, shown with its interval. A high share means answers go together within teams — through the team's situation, its lead or simply shared talk; a low share means they mostly reflect individual views. It does not say which part is structure."
            )
        ),
    ),
    (
        L(N_("Anonymity")),
        L(
            N_(
                "No figure is shown for fewer than k respondents (“n < k”), nor for groups that would let a smaller group be worked out by subtraction. “no data” means nobody answered."
            )
        ),
    ),
)

#: The method in words: (heading, paragraph) pairs; ``{…}`` are filled from the settings
#: and the questionnaire's thresholds.
METHOD = (
    (
        L(N_("Scores")),
        L(
            N_(
                "A respondent's perception score is the mean of the dimension's agreement items after reverse-keying (at least two thirds answered), put on 0–100 as (mean − 1) / 4 × 100. The structure index is the mean of the scored answer options on 0–100; “don't know” counts as missing structure. A misconception is held by those who answer at least {mc_min} on its 1–5 agreement scale. Group scores are means with a t-based {ci_pct} % confidence interval."
            )
        ),
    ),
    (
        L(N_("Maturity, findings and patterns")),
        L(
            N_(
                "Maturity: the lower of the perception level and the structure level, each cut at {cuts} into levels 1–5 — high perception never makes up for missing structure. Perception counts as high from {p_high} and as low below {p_low}; structure as high from {s_high} and as low below {s_low}. Teams are placed in levels by their empirical-Bayes estimates, which pull small teams towards the organization. A team's finding is the band cell its true scores most probably lie in, judged from the uncertainty of its own means; it is given only when that probability reaches {min_p} % and the team's reliability (ICC(2) at its own size) reaches {min_r} for perception and structure; otherwise it is “not precise enough”. A team is “divided” when its members' scores spread more than the organization's teams ordinarily do, beyond chance (α = {alpha_agree}). A dimension is present for the pattern when perception and structure both reach {present}."
            )
        ),
    ),
    (
        L(N_("Reliability and construct validity")),
        L(
            N_(
                "Cronbach's α and McDonald's ω (one-factor model) per dimension; 0.70 or more is conventionally acceptable. A confirmatory factor analysis tests the three-factor model of the perception items; it fits when CFI ≥ {cfi_min}, RMSEA ≤ {rmsea_max} and SRMR ≤ {srmr_max}."
            )
        ),
    ),
    (
        L(N_("Agreement within teams")),
        L(
            N_(
                "r_wg(j) compares the variance of the members' answers with the variance expected without a shared view: under the uniform null and under the slightly and moderately skewed nulls of ordinary leniency; r*_wg(j), a_wg and the average deviation AD_M are reported alongside, and agreement on the structure questions as well. Whether a team agrees beyond chance is decided by small-sample critical values for its size (Dunlap et al. 2003), not by the fixed bar of 0.70, which teams of five that answer independently pass about half the time."
            )
        ),
    ),
    (
        L(N_("Team matter or individual view")),
        L(
            N_(
                "ICC(1) from a one-way analysis of variance with teams as groups is the share of the variance that lies between teams, with its 95 % confidence interval; between-team variance can come from structure, from a lead or from shared talk, so it is not the share that is structure. ICC(2) is the reliability of the team means, and each team's own reliability is ICC(2) at its size. Teams are ranked by empirical-Bayes estimates, which pull their means towards the organization in proportion to how little they can be trusted."
            )
        ),
    ),
    (
        L(N_("Differences, role gaps and associations")),
        L(
            N_(
                "Each team is compared with the rest of the organization; its p-value is the larger of Welch's t-test and a test against the pooled variation within teams. Units are compared at team level — their team means against those of the other teams — because members of one team are not independent. p-values are corrected for multiple comparisons ({correction}) and a difference counts only when p < {alpha} and Cohen's d ≥ {effect}. Team leads and members are compared the same way. What goes together with the litmus question is given as relative weights (Johnson 2000) — each predictor's share of the explained variance, with a 95 % interval from resampling whole teams; an association, not proof of cause."
            )
        ),
    ),
    (
        L(N_("Anonymity")),
        L(
            N_(
                "No figure is released for fewer than k = {k} respondents, and a visible group is hidden as well when otherwise a smaller group could be worked out by subtracting visible groups from their parent. Subgroups (leads, members) are shown only when they and their complement reach k. Comments appear only for groups of at least {ck} people, in shuffled order."
            )
        ),
    ),
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
TYPOLOGY_SHORT = {
    "aligned_autonomy": L(N_("aligned autonomy")),
    "ambiguity": L(N_("ambiguity")),
    "fragmentation": L(N_("fragmentation")),
    "drift": L(N_("drift")),
    "central_control": L(N_("central control")),
    "not_precise": L(N_("not precise enough to classify")),
}
