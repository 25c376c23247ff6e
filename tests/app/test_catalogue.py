"""The translation catalogue and the admin pages in both languages: every message has its
German translation with the same placeholders, the language is negotiated the same way
on every page, and the admin workflow (errors on the form, confirmations, warnings,
members) works as an HR person expects."""

from __future__ import annotations

import html
import io
import re
import subprocess
import sys
import uuid
from pathlib import Path

from babel.messages.pofile import read_po
from sqlmodel import select

from app.catalogue import gettext, ngettext, po_path, translations, use_language
from app.core.db import session_scope
from app.models import Organization, Role, User
from app.cli import main as aad
from app.services.organizations import add_member
from app.services.users import MIN_PASSWORD_LENGTH, PASSWORD_TOO_SHORT
from web_helpers import PASSWORD, add_organization, add_user, login, new_client

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def _extracted(tmp_path) -> set:
    pot = tmp_path / "messages.pot"
    pybabel = Path(sys.executable).with_name("pybabel")
    subprocess.run([str(pybabel), "-q", "extract", "-F", "babel.cfg", "-k", "N_", "-o", str(pot), "."],
                   cwd=ROOT, check=True)
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
            assert set(PLACEHOLDER.findall(s)) <= wanted | {"num"} and \
                set(PLACEHOLDER.findall(s)) >= wanted - {"num"}, (msgid, s)


def test_gettext_follows_the_language_of_the_block_and_knows_german_plurals():
    assert gettext("Log in") == "Log in"
    with use_language("de"):
        assert gettext("Log in") == "Anmelden"
        assert ngettext("%(num)d team", "%(num)d teams", 1) % {"num": 1} == "1 Team"
        assert ngettext("%(num)d team", "%(num)d teams", 3) % {"num": 3} == "3 Teams"
        with use_language("xx"):            # an unknown language falls back to English
            assert gettext("Log in") == "Log in"
    assert translations("de").gettext("Settings") == "Einstellungen"


def _page(client, url, **headers):
    r = client.get(url, headers=headers)
    assert r.status_code == 200, (url, r.status_code)
    return html.unescape(r.text)


def test_admin_pages_are_german_by_choice_and_by_browser_and_english_by_default(app, admin):
    cid = admin.campaign(launch=False)
    pages = {"/orgs": "Organisationen", f"/orgs/{admin.org_id}": "Mitglied hinzufügen",
             f"/orgs/{admin.org_id}/teams": "Teamstruktur importieren", f"/campaigns/{cid}": "Befragung starten"}
    fresh = new_client(app)
    login(fresh, admin.email)
    for url, german in pages.items():
        english = _page(fresh, url)
        assert '<html lang="en">' in english and german not in english, url
        assert german in _page(fresh, url, **{"Accept-Language": "de-DE,de;q=0.9"}), url
    for url, german in pages.items():
        assert german in _page(admin.client, f"{url}?lang=de"), url
        assert german in _page(admin.client, url), url      # remembered
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
    add_organization(app, "c@example.org", "Existing", Role.consultant)   # makes them a consultant
    c = new_client(app)
    csrf = login(c, "c@example.org")
    r = c.post("/orgs?lang=de", data={"csrf_token": csrf, "name": "Omega Logistik", "industry": "Fishing",
                                      "size_band": "50-249", "k": "5"})
    assert r.status_code == 422
    page = html.unescape(r.text)
    assert "wählen Sie die Branche aus der Liste" in page and "Es wurde nichts gespeichert" in page
    assert 'value="Omega Logistik"' in page and '<option value="Fishing" selected>' in page
    assert 'value="50-249" selected' in page
    assert "Omega Logistik" not in _page(c, "/orgs").split("New organization")[0].split("Neue Organisation")[0]
    ok = c.post("/orgs", data={"csrf_token": csrf, "name": "Omega", "industry": "logistics", "size_band": "50-249",
                               "k": "5"}, follow_redirects=False)
    assert ok.status_code == 303
    org_page = _page(c, ok.headers["location"] + "?lang=en")
    assert '<option value="logistics" selected>Logistics and transport</option>' in org_page


def test_organization_settings_errors_keep_the_input(admin):
    r = admin.client.post(f"/orgs/{admin.org_id}", data={"csrf_token": admin.csrf, "name": "Renamed",
                                                         "industry": "nonsense", "size_band": "", "k": "5",
                                                         "comment_k": "10"})
    assert r.status_code == 422
    page = html.unescape(r.text)
    assert "choose the industry from the list" in page and 'value="Renamed"' in page
    assert "Renamed" not in _page(admin.client, "/orgs")          # nothing stored


def test_irreversible_steps_ask_for_confirmation_and_small_teams_are_named(app, admin):
    cid = admin.campaign(launch=False)
    page = _page(admin.client, f"/campaigns/{cid}")
    assert re.search(r'action="/campaigns/[^"]+/launch"[^>]*data-confirm="Launch Spring\?', page)
    assert '<script src="/static/admin.js"></script>' in page
    assert "1 team has fewer people than k = 5" in page                 # Inside Sales, 2 people
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
    r = admin.client.post(f"/orgs/{admin.org_id}/members", data={"csrf_token": admin.csrf, "email": "v@example.org",
                                                                "role": "hr_admin"}, follow_redirects=False)
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
    assert admin.client.delete(url, params={"email": "v@example.org"}).status_code == 403     # no CSRF token
    r = admin.client.post(f"/orgs/{admin.org_id}/members/remove", data={"csrf_token": admin.csrf,
                                                                        "email": "v@example.org"},
                          follow_redirects=False)
    assert r.status_code == 303
    emails = {m["email"] for m in admin.client.get(url).json()}
    assert "v@example.org" not in emails and {"boss@example.org", admin.email} <= emails
    page = _page(admin.client, f"/orgs/{admin.org_id}")
    assert 'data-confirm="Remove boss@example.org' not in page       # not removable by an HR admin
    viewer = new_client(app)
    login(viewer, "v@example.org")
    assert viewer.get(f"/orgs/{admin.org_id}").status_code == 404      # access ended at once


def test_a_member_changes_their_password_and_other_logins_end(app, admin):
    other = new_client(app)
    login(other, admin.email)
    url = "/api/v1/account/password"
    assert admin.post(url, json={"current_password": "wrong one!!", "new_password": "n" * 12}).status_code == 403
    assert admin.post(url, json={"current_password": PASSWORD, "new_password": "short"}).status_code == 422
    assert admin.post(url, json={"current_password": PASSWORD, "new_password": PASSWORD}).status_code == 422
    assert admin.client.post(url, json={"current_password": PASSWORD, "new_password": "n" * 12}).status_code == 403
    assert admin.post(url, json={"current_password": PASSWORD, "new_password": "a new password"}).status_code == 204
    assert admin.client.get("/api/v1/me").status_code == 200             # this login stays
    assert other.get("/api/v1/me").status_code == 401                    # every other one ended
    assert new_client(app).post("/api/v1/login", json={"email": admin.email, "password": PASSWORD}).status_code == 401
    fresh = new_client(app)
    login(fresh, admin.email, "a new password")
    page = fresh.get("/account?lang=de")
    assert page.status_code == 200 and "Passwort ändern" in page.text
    csrf = fresh.get("/api/v1/me").json()["csrf_token"]
    r = fresh.post("/account/password", data={"csrf_token": csrf, "current_password": "a new password",
                                             "new_password": "another password", "repeat_password": "different!!"})
    assert r.status_code == 422 and "die beiden neuen Passwörter unterscheiden sich" in html.unescape(r.text)
    r = fresh.post("/account/password", data={"csrf_token": csrf, "current_password": "a new password",
                                             "new_password": "another password", "repeat_password": "another password"},
                   follow_redirects=False)
    assert r.status_code == 303 and "Ihr Passwort wurde geändert" in html.unescape(fresh.get(r.headers["location"]).text)
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
