"""The translation catalogue and the admin pages in both languages: every message has its
German translation with the same placeholders, the language is negotiated the same way
on every page, and the admin workflow (errors on the form, confirmations, warnings,
members) works as an HR person expects."""

from __future__ import annotations

import ast
import html
import io
import re
import subprocess
import sys
import uuid
from pathlib import Path

from babel.messages.pofile import read_po
from sqlmodel import select

from analysis.translate import po_path
from app.catalogue import gettext, ngettext, translations, use_language
from app.core.db import session_scope
from app.models import Organization, Role, User
from app.cli import main as aad
from app.services.organizations import add_member
from app.services.users import MIN_PASSWORD_LENGTH, PASSWORD_TOO_SHORT
from page_text import english_on, english_words
from web_helpers import PASSWORD, add_organization, add_user, login, new_client, open_survey

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def _extracted(tmp_path) -> set:
    pot = tmp_path / "messages.pot"
    pybabel = Path(sys.executable).with_name("pybabel")
    subprocess.run(
        [str(pybabel), "-q", "extract", "-F", "babel.cfg", "-k", "N_", "-o", str(pot), "."], cwd=ROOT, check=True
    )
    with pot.open("rb") as f:
        return {m.id for m in read_po(f) if m.id}


def test_every_message_has_its_german_translation_with_the_same_placeholders(tmp_path):
    with po_path("de").open("rb") as f:
        catalog = read_po(f, locale="de")
    entries = {m.id: m for m in catalog if m.id}
    missing = _extracted(tmp_path) - set(entries)
    assert not missing, f"messages not in the German catalogue (run scripts/messages): {sorted(missing)[:5]}"
    for msgid, m in entries.items():
        assert not m.fuzzy, msgid
        ids = msgid if isinstance(msgid, tuple) else (msgid,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        assert all(strings), f"untranslated: {msgid!r}"
        wanted = set(PLACEHOLDER.findall(ids[-1]))
        for s in strings:
            assert set(PLACEHOLDER.findall(s)) <= wanted | {"num"} and set(PLACEHOLDER.findall(s)) >= wanted - {
                "num"
            }, (msgid, s)


def test_gettext_follows_the_language_of_the_block_and_knows_german_plurals():
    assert gettext("Log in") == "Log in"
    with use_language("de"):
        assert gettext("Log in") == "Anmelden"
        assert ngettext("%(num)d team", "%(num)d teams", 1) % {"num": 1} == "1 Team"
        assert ngettext("%(num)d team", "%(num)d teams", 3) % {"num": 3} == "3 Teams"
        with use_language("xx"):  # an unknown language falls back to English
            assert gettext("Log in") == "Log in"
    assert translations("de").gettext("Settings") == "Einstellungen"


def _page(client, url, **headers):
    r = client.get(url, headers=headers)
    assert r.status_code == 200, (url, r.status_code)
    return html.unescape(r.text)


def test_admin_pages_are_german_by_choice_and_by_browser_and_english_by_default(app, admin):
    cid = admin.campaign(launch=False)
    pages = {
        "/orgs": "Organisationen",
        f"/orgs/{admin.org_id}": "Mitglied hinzufügen",
        f"/orgs/{admin.org_id}/teams": "Teamstruktur importieren",
        f"/campaigns/{cid}": "Befragung starten",
    }
    fresh = new_client(app)
    login(fresh, admin.email)
    for url, german in pages.items():
        english = _page(fresh, url)
        assert '<html lang="en">' in english and german not in english, url
        assert german in _page(fresh, url, **{"Accept-Language": "de-DE,de;q=0.9"}), url
    for url, german in pages.items():
        assert german in _page(admin.client, f"{url}?lang=de"), url
        assert german in _page(admin.client, url), url  # remembered
    login_page = _page(new_client(app), "/login?lang=de")
    assert "Anmelden" in login_page and "Passwort" in login_page and "E-Mail" in login_page


def test_an_unknown_address_gets_a_page_and_the_api_json(client):
    page = client.get("/no/such/page", headers={"Accept-Language": "de"})
    assert page.status_code == 404 and "text/html" in page.headers["content-type"]
    assert "Diese Seite gibt es nicht" in page.text
    assert "This page does not exist" in client.get("/no/such/page?lang=en").text
    api = client.get("/api/v1/no/such/thing")
    assert api.status_code == 404 and api.json() == {"detail": "Not Found"}


def test_a_refused_form_shows_the_error_on_the_form_and_keeps_the_input(app):
    add_user(app, "c@example.org")
    add_organization(app, "c@example.org", "Existing", Role.consultant)  # makes them a consultant
    c = new_client(app)
    csrf = login(c, "c@example.org")
    r = c.post(
        "/orgs?lang=de",
        data={"csrf_token": csrf, "name": "Omega Logistik", "industry": "Fishing", "size_band": "50-249", "k": "5"},
    )
    assert r.status_code == 422
    page = html.unescape(r.text)
    assert "wählen Sie die Branche aus der Liste" in page and "Es wurde nichts gespeichert" in page
    assert 'value="Omega Logistik"' in page and '<option value="Fishing" selected>' in page
    assert 'value="50-249" selected' in page
    assert "Omega Logistik" not in _page(c, "/orgs").split("New organization")[0].split("Neue Organisation")[0]
    ok = c.post(
        "/orgs",
        data={"csrf_token": csrf, "name": "Omega", "industry": "logistics", "size_band": "50-249", "k": "5"},
        follow_redirects=False,
    )
    assert ok.status_code == 303
    org_page = _page(c, ok.headers["location"] + "?lang=en")
    assert '<option value="logistics" selected>Logistics and transport</option>' in org_page


def test_organization_settings_errors_keep_the_input(admin):
    r = admin.client.post(
        f"/orgs/{admin.org_id}",
        data={
            "csrf_token": admin.csrf,
            "name": "Renamed",
            "industry": "nonsense",
            "size_band": "",
            "k": "5",
            "comment_k": "10",
        },
    )
    assert r.status_code == 422
    page = html.unescape(r.text)
    assert "choose the industry from the list" in page and 'value="Renamed"' in page
    assert "Renamed" not in _page(admin.client, "/orgs")  # nothing stored


def test_irreversible_steps_ask_for_confirmation_and_small_teams_are_named(app, admin):
    cid = admin.campaign(launch=False)
    page = _page(admin.client, f"/campaigns/{cid}")
    assert re.search(r'action="/campaigns/[^"]+/launch"[^>]*data-confirm="Launch Spring\?', page)
    assert '<script src="/static/admin.js"></script>' in page
    assert "1 team has fewer people than k = 5" in page  # Inside Sales, 2 people
    assert "1 team has fewer people than k = 5" in _page(admin.client, f"/orgs/{admin.org_id}")
    assert "below k" in _page(admin.client, f"/orgs/{admin.org_id}/teams")
    admin.post(f"/api/v1/campaigns/{cid}/launch")
    open_page = _page(admin.client, f"/campaigns/{cid}")
    assert re.search(r'action="/campaigns/[^"]+/close"[^>]*data-confirm="Close Spring\?', open_page)
    script = new_client(app).get("/static/admin.js")
    assert script.status_code == 200 and "dataset.confirm" in script.text and "preventDefault" in script.text


def test_members_can_be_changed_and_removed_within_the_rules(app, admin):
    add_user(app, "v@example.org")
    add_user(app, "boss@example.org")
    r = admin.post(f"/api/v1/organizations/{admin.org_id}/members", json={"email": "v@example.org", "role": "viewer"})
    assert r.status_code == 204
    page = _page(admin.client, f"/orgs/{admin.org_id}")
    assert "HR admin" in page and "hr_admin</td>" not in page
    r = admin.client.post(
        f"/orgs/{admin.org_id}/members",
        data={"csrf_token": admin.csrf, "email": "v@example.org", "role": "hr_admin"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    roles = {m["email"]: m["role"] for m in admin.client.get(f"/api/v1/organizations/{admin.org_id}/members").json()}
    assert roles["v@example.org"] == "hr_admin"
    # an HR admin cannot remove a consultant, nor themselves
    with session_scope(app.state.engine, write=True) as s:
        org = s.get(Organization, uuid.UUID(admin.org_id))
        boss = s.exec(select(User).where(User.email == "boss@example.org")).one()
        add_member(s, organization=org, by=None, user=boss, role=Role.consultant)
        s.commit()
    url = f"/api/v1/organizations/{admin.org_id}/members"
    assert admin.client.delete(url, params={"email": "boss@example.org"}, headers=admin.h).status_code == 403
    assert admin.client.delete(url, params={"email": admin.email}, headers=admin.h).status_code == 403
    assert admin.client.delete(url, params={"email": "nobody@example.org"}, headers=admin.h).status_code == 404
    assert admin.client.delete(url, params={"email": "v@example.org"}).status_code == 403  # no CSRF token
    r = admin.client.post(
        f"/orgs/{admin.org_id}/members/remove",
        data={"csrf_token": admin.csrf, "email": "v@example.org"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    emails = {m["email"] for m in admin.client.get(url).json()}
    assert "v@example.org" not in emails and {"boss@example.org", admin.email} <= emails
    page = _page(admin.client, f"/orgs/{admin.org_id}")
    assert 'data-confirm="Remove boss@example.org' not in page  # not removable by an HR admin
    viewer = new_client(app)
    login(viewer, "v@example.org")
    assert viewer.get(f"/orgs/{admin.org_id}").status_code == 404  # access ended at once


def test_a_member_changes_their_password_and_other_logins_end(app, admin):
    other = new_client(app)
    login(other, admin.email)
    url = "/api/v1/account/password"
    assert admin.post(url, json={"current_password": "wrong one!!", "new_password": "n" * 12}).status_code == 403
    assert admin.post(url, json={"current_password": PASSWORD, "new_password": "short"}).status_code == 422
    assert admin.post(url, json={"current_password": PASSWORD, "new_password": PASSWORD}).status_code == 422
    assert admin.client.post(url, json={"current_password": PASSWORD, "new_password": "n" * 12}).status_code == 403
    assert admin.post(url, json={"current_password": PASSWORD, "new_password": "a new password"}).status_code == 204
    assert admin.client.get("/api/v1/me").status_code == 200  # this login stays
    assert other.get("/api/v1/me").status_code == 401  # every other one ended
    assert new_client(app).post("/api/v1/login", json={"email": admin.email, "password": PASSWORD}).status_code == 401
    fresh = new_client(app)
    login(fresh, admin.email, "a new password")
    page = fresh.get("/account?lang=de")
    assert page.status_code == 200 and "Passwort ändern" in page.text
    csrf = fresh.get("/api/v1/me").json()["csrf_token"]
    r = fresh.post(
        "/account/password",
        data={
            "csrf_token": csrf,
            "current_password": "a new password",
            "new_password": "another password",
            "repeat_password": "different!!",
        },
    )
    assert r.status_code == 422 and "die beiden neuen Passwörter unterscheiden sich" in html.unescape(r.text)
    r = fresh.post(
        "/account/password",
        data={
            "csrf_token": csrf,
            "current_password": "a new password",
            "new_password": "another password",
            "repeat_password": "another password",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303 and "Ihr Passwort wurde geändert" in html.unescape(
        fresh.get(r.headers["location"]).text
    )
    assert str(MIN_PASSWORD_LENGTH) in PASSWORD_TOO_SHORT


def test_the_operator_resets_a_forgotten_password(app, admin, monkeypatch, capsys):
    monkeypatch.setenv("AAD_ENV", "development")
    monkeypatch.setenv("AAD_DATABASE_URL", str(app.state.engine.url.render_as_string(hide_password=False)))
    monkeypatch.setattr(sys, "stdin", io.StringIO("reset password 1\n"))
    assert aad(["user", "reset-password", admin.email]) == 0
    assert "login sessions have ended" in capsys.readouterr().out
    assert admin.client.get("/api/v1/me").status_code == 401
    login(new_client(app), admin.email, "reset password 1")
    monkeypatch.setattr(sys, "stdin", io.StringIO("reset password 2\n"))
    assert aad(["user", "reset-password", "nobody@example.org"]) == 2
    assert "no user with this e-mail address" in capsys.readouterr().err


# ---------------------------------------------------------------- no hand-made translation tables

#: Modules that may still hold dicts with both "en" and "de" texts, each with its reason
#: (docs/architecture.md, "Languages"). ``path`` or ``path:NAME`` (the top-level name that
#: holds the dict). An entry whose file no longer holds such a dict fails the test too,
#: so that the list only shrinks.
PENDING = "texts of the results pages, reports and decision register, moving into the catalogue"
API = (
    "texts of an analysis result in both languages, part of the JSON API (reason_text, note, labels); "
    "the pages translate the codes (app/reasons.py)"
)
TABLE_EXCEPTIONS = {
    "app/i18n.py:LANGUAGE_NAMES": "each language's name in that language (the language switch), not a translation",
    "app/demo.py": "demonstration data: the priorities an organization enters in both languages",
    "app/register_texts.py": PENDING,
    "app/reports/pptx_report.py": PENDING,
    "app/routers/results.py": PENDING,
    "app/services/register_items.py": PENDING,
    "analysis/benchmark.py": API,
    "analysis/benchmark_schema.py": API,
    "analysis/diagnosis_steps.py": API,
    "analysis/waves_result.py": API,
    "analysis/invariance.py": API,
    "analysis/items.py": API,
    "analysis/scope.py": API,
    "analysis/views.py": API,
}
#: A template that picks a text by language instead of translating it.
TEMPLATE_TABLE = re.compile(
    r"""\{\s*["']en["']\s*:\s*["']|"""
    r"""\bif\s+(?:lang\s*==\s*["']de["']|de)\s+else\s+["'][^"'{}]*\s[^"'{}]*["']"""
)
TEMPLATE_EXCEPTIONS: dict[str, str] = {}


def _owner(tree, node) -> str:
    """The top-level name (assignment target, function or class) that holds ``node``."""
    for top in tree.body:
        if top.lineno <= node.lineno <= (top.end_lineno or top.lineno):
            if isinstance(top, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                return top.name
            targets = getattr(top, "targets", None) or [getattr(top, "target", None)]
            names = [t.id for t in targets if isinstance(t, ast.Name)]
            return names[0] if names else ""
    return ""


def translation_tables(source: str) -> list[tuple[int, str]]:
    """``(line, owner)`` of every dict literal with both an "en" and a "de" key of which
    at least one holds a text (a string, an f-string, a nested table or an expression
    that builds one) — a translation kept by hand instead of in the catalogue."""
    tree = ast.parse(source)
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Dict):
            continue
        values = {k.value: v for k, v in zip(node.keys, node.values) if isinstance(k, ast.Constant)}
        if {"en", "de"} <= values.keys() and any(
            isinstance(values[lang], (ast.Constant, ast.JoinedStr, ast.Dict, ast.BinOp, ast.Call))
            for lang in ("en", "de")
        ):
            found.append((node.lineno, _owner(tree, node)))
    return found


def test_the_table_detector_finds_tables_and_leaves_data_alone():
    assert translation_tables('UI = {"title": {"en": "Waves", "de": "Wellen"}}') == [(1, "UI")]
    assert translation_tables('def f(k):\n    return {"en": f"{k} people", "de": f"{k} Personen"}') == [(2, "f")]
    assert translation_tables('X = {"en": {"a": "b"}, "de": {"a": "c"}}') == [(1, "X")]
    assert translation_tables('P = [{"en": en, "de": de} for en, de in pairs]') == []  # data entered per language
    assert translation_tables('N = {"en": 1, "fr": "x"}') == []
    assert TEMPLATE_TABLE.search('{{ {"en": "Yes", "de": "Ja"}[lang] }}')
    assert TEMPLATE_TABLE.search("{{ 'Ja, gern' if lang == 'de' else 'Yes, please' }}")
    assert TEMPLATE_TABLE.search("{% set de = lang == 'de' %}{{ 'Ja, gern' if de else 'Yes, please' }}")
    assert not TEMPLATE_TABLE.search('{{ _("Yes") }} {% set langs = ("en", "de") %}')
    assert not TEMPLATE_TABLE.search('{% set label = "label_de" if lang == "de" else "label_en" %}')  # a data field


def test_no_module_or_template_keeps_a_translation_table_of_its_own():
    """Every text shown to people is in the catalogue; the questionnaire YAML (texts per
    language by design) and the documented exceptions aside."""
    found: dict[str, list] = {}
    for base in ("app", "analysis", "scripts"):
        for path in sorted((ROOT / base).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            for line, owner in translation_tables(path.read_text(encoding="utf-8")):
                key = f"{rel}:{owner}" if f"{rel}:{owner}" in TABLE_EXCEPTIONS else rel
                found.setdefault(key, []).append(line)
    unexpected = {k: v for k, v in found.items() if k not in TABLE_EXCEPTIONS}
    assert not unexpected, f"translation tables outside the catalogue (use _()/N_(), scripts/messages): {unexpected}"
    stale = set(TABLE_EXCEPTIONS) - set(found)
    assert not stale, f"exceptions that hold no table any more; remove them from TABLE_EXCEPTIONS: {sorted(stale)}"
    in_templates = {
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "app" / "templates").rglob("*.html")
        if TEMPLATE_TABLE.search(path.read_text(encoding="utf-8"))
    }
    assert in_templates <= set(TEMPLATE_EXCEPTIONS), sorted(in_templates - set(TEMPLATE_EXCEPTIONS))
    assert set(TEMPLATE_EXCEPTIONS) <= in_templates, sorted(set(TEMPLATE_EXCEPTIONS) - in_templates)
    assert not (ROOT / "app" / "i18n.py").read_text(encoding="utf-8").count("TEXTS")


# ---------------------------------------------------------------- no English on German pages


def test_the_check_finds_english_catalogue_text_on_a_page():
    assert [w.strip() for w in english_words("<body><p>Speichern</p><button>Save the file</button></body>")] == [
        "Speichern Save the file"
    ]
    assert english_words("<body><p>Legal and Procurement</p><p>Bereich</p></body>") == []
    page = "<html><body><main><p>Nothing was stored yet. The problem:</p></main></body></html>"
    assert english_on(page) == ["Nothing was stored yet. The problem:"]
    assert english_on('<body><button aria-label="Go to organization">x</button></body>') == ["Go to organization"]
    assert (
        english_on("<body><p>Es wurde noch nichts gespeichert.</p><script>Nothing was stored yet</script></body>") == []
    )


def _german(client, url: str, status: int = 200) -> str:
    r = client.get(url + ("&" if "?" in url else "?") + "lang=de")
    assert r.status_code == status, (url, r.status_code)
    assert '<html lang="de">' in r.text, url
    return r.text


def test_the_admin_and_survey_pages_show_no_english_in_german(app, admin):
    draft = admin.campaign(launch=False)
    launched = admin.campaign(name="Autumn")
    pages = {
        url: _german(admin.client, url)
        for url in (
            "/orgs",
            f"/orgs/{admin.org_id}",
            f"/orgs/{admin.org_id}/teams",
            f"/campaigns/{draft}",
            f"/campaigns/{launched}",
            f"/campaigns/{draft}/preview",
            "/account",
            "/portfolio",
            f"/orgs/{admin.org_id}/waves",
        )
    }
    pages["/login"] = _german(new_client(app), "/login")
    pages["404"] = _german(admin.client, "/no/such/page", 404)
    employee, _ = open_survey(app, admin.links(launched)[0]["link"])
    pages["/survey"] = _german(employee, "/survey")
    pages["unknown link"] = _german(new_client(app), "/s/no-such-token", 404)
    pages["thanks"] = _german(new_client(app), "/survey/thanks")
    pages["expired"] = _german(new_client(app), "/survey", 401)
    pages["link log"] = _german(admin.client, f"/campaigns/{launched}/link-log")
    for url, page in pages.items():
        assert not english_on(page), (url, english_on(page))
        assert not english_words(page), (url, english_words(page))  # nor English outside the catalogue
    assert "Ihre Privatsphäre" in pages["/survey"] and "Frage 1 von" in pages["/survey"]
    assert "Dieser Link ist ungültig" in pages["unknown link"] and "Vielen Dank!" in pages["thanks"]
    assert "Ihre Sitzung ist abgelaufen" in pages["expired"]


def test_refusals_are_shown_in_german_with_their_parameters(app, admin):
    r = admin.client.post(
        f"/orgs/{admin.org_id}/teams/import?lang=de",
        data={"csrf_token": admin.csrf},
        files={"file": ("teams.csv", b"unit_path,team,headcount\nSales,North,many\nSales,,3\n", "text/csv")},
    )
    page = html.unescape(r.text)
    assert r.status_code == 422 and not english_on(page), english_on(page)
    assert "Zeile 2: die Personenzahl „many“ ist keine ganze Zahl" in page
    assert "Zeile 3: der Teamname ist leer" in page
    api = admin.client.post(
        f"/api/v1/organizations/{admin.org_id}/teams/import",
        content=b"unit_path,team,headcount\nSales,North,many\n",
        headers={**admin.h, "content-type": "text/csv"},
    )
    assert api.status_code == 422 and "line 2: headcount 'many' is not a whole number" in api.json()["errors"]


def test_a_problem_keeps_its_english_text_and_translates_with_numbers_in_the_locale():
    from app.problems import Problem, at_item, at_line, translated

    p = Problem("comment_too_long", {"max": 2000}, at=at_item("comment"))
    assert p.english() == str(p) == "item comment: the comment is longer than 2000 characters"
    with use_language("de"):
        assert p.text() == "Frage comment: der Kommentar ist länger als 2.000 Zeichen"
        assert p.message() == "der Kommentar ist länger als 2.000 Zeichen"
        nested = Problem("too_many_rows", {"limit": 1000, "noun": Problem("teams")}, at_line(1002))
        assert nested.text() == "Zeile 1.002: mehr als 1.000 Teams"
        assert translated("already answered") == "bereits beantwortet" and translated(None) == ""
    assert nested.english() == "line 1002: more than 1000 teams"
    assert Problem.of("survey closed") == Problem("survey closed")


def test_a_form_that_does_not_fit_its_schema_is_refused_in_the_page_language(admin):
    url = f"/orgs/{admin.org_id}/benchmark"
    page = html.unescape(admin.client.post(f"{url}?lang=de", data={"csrf_token": admin.csrf, "opt_in": "maybe"}).text)
    assert "ungültige Eingabe" in page and "opt_in: ja oder nein ist erforderlich" in page and not english_on(page)
    page = html.unescape(admin.client.post(f"{url}?lang=de", data={"csrf_token": admin.csrf}).text)
    assert "opt_in: ein Wert ist erforderlich" in page
    api = admin.post(f"/api/v1/organizations/{admin.org_id}/benchmark", json={"opt_in": "maybe"})
    assert api.status_code == 422 and api.json()["detail"] == "invalid input"
    assert api.json()["errors"][0].startswith("opt_in: Input should be a valid boolean")
