"""The employee-facing texts in English and German, and the choice of language."""

from __future__ import annotations

from urllib.parse import urlencode

LANGUAGES = ("en", "de")
LANGUAGE_NAMES = {"en": "English", "de": "Deutsch"}
#: Cookie that remembers an explicit choice of language (``?lang=``).
LANGUAGE_COOKIE = "aad_lang"

TEXTS: dict[str, dict[str, str]] = {
    "privacy_title": {"en": "Your privacy", "de": "Ihre Privatsphäre"},
    "privacy_k": {
        "en": "Results are shown only for groups of at least {k} people, and comments only for groups of at least {comment_k}. Nobody — not HR, not your manager — can see your individual answers.",
        "de": "Ergebnisse werden nur für Gruppen ab {k} Personen gezeigt, Kommentare nur für Gruppen ab {comment_k} Personen. Niemand – weder HR noch Ihre Führungskraft – kann Ihre einzelnen Antworten sehen.",
    },
    "privacy_stored": {
        "en": "What is stored: your answers; your team (taken from the link — you do not type it); your role and, if you give it, how long you have worked here; and the day you submit (not the time). Your comment is stored separately, with no link to your other answers.",
        "de": "Was gespeichert wird: Ihre Antworten; Ihr Team (aus dem Link – Sie geben es nicht ein); Ihre Rolle und, falls angegeben, wie lange Sie hier arbeiten; und der Tag der Abgabe (nicht die Uhrzeit). Ihr Kommentar wird getrennt gespeichert, ohne Verbindung zu Ihren übrigen Antworten.",
    },
    "privacy_not_stored": {
        "en": "What is never stored with your answers: your name, your e-mail address, your IP address, the time of day, or which link was used. A personal link is only marked as used, so that it cannot be used twice.",
        "de": "Was nie mit Ihren Antworten gespeichert wird: Ihr Name, Ihre E-Mail-Adresse, Ihre IP-Adresse, die Uhrzeit und welcher Link verwendet wurde. Ein persönlicher Link wird nur als benutzt markiert, damit er nicht zweimal verwendet werden kann.",
    },
    "privacy_email": {
        "en": "If this service sent you an e-mail invitation: your address is kept only to send the invitation and reminders, and is deleted when the survey closes (or earlier, on a date HR sets). The list of addresses knows whether you have answered — so that reminders go only to those who have not — but never what you answered and never when: it keeps no time and no link to your answers (as in LimeSurvey's anonymized mode).",
        "de": "Falls dieser Dienst Ihnen eine Einladung per E-Mail geschickt hat: Ihre Adresse wird nur für die Einladung und die Erinnerungen aufbewahrt und gelöscht, wenn die Befragung endet (oder früher, an einem Tag, den HR festlegt). Die Adressliste weiß, ob Sie geantwortet haben – damit Erinnerungen nur an diejenigen gehen, die noch nicht geantwortet haben –, aber nie, was Sie geantwortet haben, und nie, wann: Sie enthält keine Uhrzeit und keine Verbindung zu Ihren Antworten (wie im anonymisierten Modus von LimeSurvey).",
    },
    "privacy_device": {
        "en": "While you answer, your browser keeps your answers on this device so that you can continue later; they are deleted when you submit.",
        "de": "Während Sie antworten, speichert Ihr Browser Ihre Antworten auf diesem Gerät, damit Sie später weitermachen können; sie werden bei der Abgabe gelöscht.",
    },
    "open_link_notice": {
        "en": "This is a shared link for your whole team. To prevent answering twice, this device remembers (with a cookie) that the survey was answered here. This is a weaker guarantee than a personal link: it cannot stop someone from answering again on another device or after deleting cookies.",
        "de": "Dies ist ein gemeinsamer Link für Ihr ganzes Team. Damit niemand doppelt antwortet, merkt sich dieses Gerät (mit einem Cookie), dass hier bereits geantwortet wurde. Das ist ein schwächerer Schutz als ein persönlicher Link: Er verhindert nicht, dass jemand auf einem anderen Gerät oder nach dem Löschen der Cookies erneut antwortet.",
    },
    "team": {"en": "Your team", "de": "Ihr Team"},
    "question_of": {"en": "Question {n} of {total}", "de": "Frage {n} von {total}"},
    "answered_of": {"en": "{n} of {total} answered", "de": "{n} von {total} beantwortet"},
    "required": {"en": "required", "de": "Pflichtangabe"},
    "optional_hint": {"en": "All questions are optional except those marked as required.", "de": "Alle Fragen sind freiwillig, außer den als Pflichtangabe markierten."},
    "chars_max": {"en": "At most {n} characters.", "de": "Höchstens {n} Zeichen."},
    "submit": {"en": "Submit my answers", "de": "Antworten absenden"},
    "back_to_campaign": {"en": "Back to the campaign", "de": "Zurück zur Kampagne"},
    "preview_note": {"en": "Preview: this is how employees see the survey. Answers cannot be submitted here.", "de": "Vorschau: So sehen Mitarbeitende die Umfrage. Hier können keine Antworten abgesendet werden."},
    "error_title": {"en": "Please check your answers", "de": "Bitte prüfen Sie Ihre Antworten"},
    "error_intro": {"en": "Nothing was stored yet. The problem:", "de": "Es wurde noch nichts gespeichert. Das Problem:"},
    "thanks_title": {"en": "Thank you!", "de": "Vielen Dank!"},
    "thanks_body": {"en": "Your answers have been stored anonymously. You can close this page.", "de": "Ihre Antworten wurden anonym gespeichert. Sie können diese Seite schließen."},
    "used_title": {"en": "Already answered", "de": "Bereits beantwortet"},
    "used_body": {"en": "This survey has already been answered with this link. Thank you for taking part!", "de": "Mit diesem Link wurde die Umfrage bereits beantwortet. Vielen Dank für Ihre Teilnahme!"},
    "device_title": {"en": "Already answered on this device", "de": "Auf diesem Gerät bereits beantwortet"},
    "device_body": {"en": "The survey for this team has already been answered on this device. Thank you for taking part!", "de": "Die Umfrage für dieses Team wurde auf diesem Gerät bereits beantwortet. Vielen Dank für Ihre Teilnahme!"},
    "unknown_title": {"en": "This link is not valid", "de": "Dieser Link ist ungültig"},
    "unknown_body": {"en": "Please check that you copied the whole link from your invitation. If it still does not work, ask the person who sent it for a new one.", "de": "Bitte prüfen Sie, ob Sie den ganzen Link aus Ihrer Einladung kopiert haben. Falls es weiterhin nicht klappt, bitten Sie die Person, die ihn verschickt hat, um einen neuen."},
    "closed_title": {"en": "This survey is closed", "de": "Diese Umfrage ist geschlossen"},
    "closed_body": {"en": "The survey is not accepting answers at the moment. Thank you for your interest.", "de": "Die Umfrage nimmt derzeit keine Antworten an. Vielen Dank für Ihr Interesse."},
    "expired_title": {"en": "Your session has expired", "de": "Ihre Sitzung ist abgelaufen"},
    "expired_body": {"en": "For your privacy, a survey session lasts only a limited time. Please open the link from your invitation again; answers you gave on this device are restored.", "de": "Zu Ihrem Schutz ist eine Umfragesitzung nur begrenzt gültig. Bitte öffnen Sie den Link aus Ihrer Einladung erneut; Ihre Antworten auf diesem Gerät werden wiederhergestellt."},
    "too_many_title": {"en": "Too many requests", "de": "Zu viele Anfragen"},
    "too_many_body": {"en": "Please wait a minute and try again.", "de": "Bitte warten Sie eine Minute und versuchen Sie es erneut."},
    "team_full_title": {"en": "Your team has answered in full", "de": "Ihr Team hat vollständig geantwortet"},
    "team_full_body": {"en": "This team has already given as many answers as it has members, so no further answer can be taken. If you have not answered yet, please tell whoever runs the survey.",
                       "de": "Dieses Team hat bereits so viele Antworten gegeben, wie es Mitglieder hat; weitere Antworten sind nicht möglich. Falls Sie noch nicht geantwortet haben, wenden Sie sich bitte an die Verantwortlichen der Befragung."},
    "language": {"en": "Language", "de": "Sprache"},
    "skip": {"en": "Skip to the questions", "de": "Zu den Fragen springen"},
    "skip_content": {"en": "Skip to content", "de": "Zum Inhalt springen"},
    "nav_portfolio": {"en": "Portfolio", "de": "Portfolio"},
    "nav_benchmark": {"en": "Benchmark", "de": "Benchmark"},
    "nav_api": {"en": "API", "de": "API"},
    "log_out": {"en": "Log out", "de": "Abmelden"},
    "organizations": {"en": "Organizations", "de": "Organisationen"},
}

ERRORS_DE = {
    "unknown item": "unbekannte Frage",
    "an answer is required": "eine Antwort ist erforderlich",
    "more than one answer": "mehr als eine Antwort",
    "is not one of the answer values": "ist keiner der Antwortwerte",
    "the comment is longer than": "der Kommentar ist länger als",
    "characters": "Zeichen",
    "the comment is not valid text": "der Kommentar ist kein gültiger Text",
    "the comment must be text": "der Kommentar muss Text sein",
    "request body larger than": "Anfrage größer als",
    "bytes": "Bytes",
}


def t(key: str, lang: str, **values) -> str:
    """The text ``key`` in ``lang`` with ``values`` filled in."""
    entry = TEXTS[key]
    return entry.get(lang, entry["en"]).format(**values)


def translator(lang: str, *tables: dict[str, dict[str, str]]):
    """``tx(key, **values)``: the text ``key`` in ``lang`` from the first of ``tables``
    that has it, with ``values`` filled in."""
    def tx(key: str, **values) -> str:
        for table in tables:
            if key in table:
                text = table[key].get(lang, table[key]["en"])
                return text.format(**values) if values else text
        raise KeyError(key)
    return tx


def language_links(path: str, query: list[tuple[str, str]]) -> dict[str, str]:
    """The address of the page at ``path`` in each language, keeping every other
    parameter of ``query`` (repeated ones too)."""
    kept = [(k, v) for k, v in query if k != "lang"]
    return {code: f"{path}?{urlencode([*kept, ('lang', code)])}" for code in LANGUAGES}


def error_text(detail: str, lang: str) -> str:
    """A validation message in ``lang`` (the English text is the fixed one the API returns)."""
    if lang != "de":
        return detail
    for en, de in ERRORS_DE.items():
        detail = detail.replace(en, de)
    return detail


def choose_language(*, requested: str | None, cookie: str | None, accept: str | None, allowed=LANGUAGES) -> str:
    """The explicit choice, else the remembered one, else the browser's preference, else
    the first allowed language."""
    for candidate in (requested, cookie):
        if candidate in allowed:
            return candidate
    prefs = []
    for part in (accept or "")[:500].split(","):
        lang, _, q = part.strip().partition(";q=")
        try:
            weight = float(q) if q else 1.0
        except ValueError:
            continue
        prefs.append((weight, lang.split("-")[0].strip().lower()))
    for _, lang in sorted(prefs, key=lambda p: -p[0]):
        if lang in allowed:
            return lang
    return allowed[0]
