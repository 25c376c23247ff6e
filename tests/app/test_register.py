"""The decision register: versions, inheritance, CSV import and export with every bad
line named, the admin page, and the register frozen into a campaign at launch."""

from __future__ import annotations

import pytest

import uuid

from sqlmodel import select

from app.core.db import session_scope
from app.models import Membership, Role, User
from app.services.register import resolve, starter_document
from app.services.register_csv import HEADER, register_csv
from web_helpers import add_user, login, make_admin, new_client

H = ",".join(HEADER) + "\n"
GOOD_CSV = H + (
    "decision,priorities,decision_rights,the team's priorities,die Prioritäten des Teams,,,,,,,,\n"
    "decision,hiring,decision_rights,hiring into the team,Einstellungen ins Team,,,,,,,,\n"
    "design,priorities,,,,,,team,,,,,\n"
    "design,priorities,,,,Operations,,unit,,,,,\n"
    "design,priorities,,,,Operations / North,Assembly,central,,,,,\n"
    "design,hiring,,,,Sales,,team_with_consent,,,,,\n"
    "design,hiring,,,,Sales,Inside Sales,not_decided,,,,,\n"
    "agreement,hiring,,,,Operations / North,Assembly,,Operations / North,Logistics,shift handover rules,Jo Doe,2027-03-31\n"
)


def _url(admin, tail=""):
    return f"/api/v1/organizations/{admin.org_id}/register{tail}"


def _import(admin, body):
    data = body.encode() if isinstance(body, str) else body
    return admin.post(_url(admin, "/import"), content=data, headers={"content-type": "text/csv"})


def _version(admin):
    return admin.client.get(_url(admin)).json()["version"]


# ---------------------------------------------------------------- the model


def test_a_team_takes_its_own_entry_else_its_nearest_unit_else_the_organization():
    doc = {
        "decisions": [{"id": "a"}, {"id": "b"}, {"id": "c"}],
        "designs": [
            {"decision": "a", "unit_path": "", "team": "", "decider": "team"},
            {"decision": "a", "unit_path": "Ops", "team": "", "decider": "unit"},
            {"decision": "a", "unit_path": "Ops / North", "team": "X", "decider": "central"},
            {"decision": "b", "unit_path": "ops", "team": "", "decider": "team_with_consent"},  # case-insensitive
            {"decision": "b", "unit_path": "Ops / North", "team": "Y", "decider": "not_decided"},
        ],
    }
    codes, sources = resolve(doc, [("Ops / North", "X"), ("Ops / North", "Y"), ("Sales", "Z")])
    assert codes == [[3, 1, -1], [2, -1, -1], [0, -1, -1]]
    assert sources == [["team", "unit", ""], ["unit", "team", ""], ["organization", "", ""]]


def test_nothing_saved_shows_the_starter_set(admin):
    r = admin.client.get(_url(admin)).json()
    assert r["version"] is None
    assert [d["id"] for d in r["decisions"]] == [d["id"] for d in starter_document()["decisions"]]
    assert r["designs"] == [] and r["agreements"] == []
    assert admin.client.get(_url(admin, "/versions")).json() == []


def test_every_save_is_a_new_version_and_old_versions_stay(admin):
    doc = starter_document()
    r = admin.client.put(_url(admin), json={**doc, "base": 0}, headers=admin.h)
    assert r.status_code == 201 and r.json()["version"] == 1
    doc["designs"] = [{"decision": "priorities", "unit_path": "Sales", "team": "", "decider": "unit"}]
    r = admin.client.put(_url(admin), json={**doc, "base": 1}, headers=admin.h)
    assert r.status_code == 201 and r.json()["version"] == 2
    history = admin.client.get(_url(admin, "/versions")).json()
    assert [(v["number"], v["designs"], v["created_by"]) for v in history] == [(2, 1, admin.email), (1, 0, admin.email)]
    assert admin.client.get(_url(admin, "/versions/1")).json()["designs"] == []
    assert admin.client.get(_url(admin, "/versions/9")).status_code == 404
    # an editor who started from version 1 does not overwrite version 2
    r = admin.client.put(_url(admin), json={**doc, "base": 1}, headers=admin.h)
    assert r.status_code == 409 and _version(admin) == 2


@pytest.mark.parametrize(
    ("change", "error"),
    [
        (
            {"decisions": [{"id": "Bad Id", "dimension": "direction", "label_en": "x", "label_de": "y"}]},
            "decisions[0]: decision id 'Bad Id' must be",
        ),
        (
            {"decisions": [{"id": "a", "dimension": "mood", "label_en": "x", "label_de": "y"}]},
            "decisions[0]: dimension 'mood' is not one of",
        ),
        ({"designs": [{"decision": "nope", "decider": "team"}]}, "designs[0]: decision 'nope' is not a decision type"),
        ({"designs": [{"decision": "hiring", "decider": "boss"}]}, "designs[0]: decider 'boss' is not one of"),
        (
            {"designs": [{"decision": "hiring", "unit_path": "Nowhere", "decider": "unit"}]},
            "designs[0]: unit 'Nowhere' is not in the team structure",
        ),
        (
            {
                "agreements": [
                    {
                        "unit_path": "Sales",
                        "team": "Key Accounts",
                        "partner_unit_path": "Sales",
                        "partner_team": "Key Accounts",
                        "subject": "s",
                        "owner": "o",
                        "review_date": "2027-01-01",
                    }
                ]
            },
            "agreements[0]: an agreement needs two different teams",
        ),
    ],
)
def test_an_invalid_register_names_the_entry_and_stores_nothing(admin, change, error):
    r = admin.client.put(_url(admin), json={**starter_document(), **change}, headers=admin.h)
    assert r.status_code == 422
    assert r.json()["detail"] == "the register has errors; nothing was stored"
    assert any(e.startswith(error) for e in r.json()["errors"]), r.json()
    assert _version(admin) is None


def test_only_admins_write_and_other_tenants_see_nothing(app, admin):
    other = make_admin(app, "other@example.org", org="Other")
    assert other.client.get(_url(admin)).status_code == 404
    assert other.client.put(_url(admin), json=starter_document(), headers=other.h).status_code == 404
    add_user(app, "viewer@example.org")
    with session_scope(app.state.engine, write=True) as s:
        user = s.exec(select(User).where(User.email == "viewer@example.org")).one()
        s.add(Membership(user_id=user.id, organization_id=uuid.UUID(admin.org_id), role=Role.viewer))
        s.commit()
    viewer = new_client(app)
    csrf = login(viewer, "viewer@example.org")
    assert viewer.get(_url(admin)).status_code == 200
    assert viewer.put(_url(admin), json=starter_document(), headers={"X-CSRF-Token": csrf}).status_code == 403
    assert "Check and import" not in viewer.get(f"/orgs/{admin.org_id}/register").text
    no_csrf = admin.client.put(_url(admin), json=starter_document())
    assert no_csrf.status_code == 403 and _version(admin) is None


# ---------------------------------------------------------------- CSV


def test_csv_import_and_export_round_trip(admin):
    r = _import(admin, GOOD_CSV)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["version"] == 1 and len(body["designs"]) == 5 and len(body["agreements"]) == 1
    exported = admin.client.get(f"/orgs/{admin.org_id}/register.csv")
    assert exported.headers["content-type"].startswith("text/csv")
    assert _import(admin, exported.content).json()["designs"] == body["designs"]
    assert _version(admin) == 2


def test_csv_export_neutralizes_formulas_and_imports_them_back():
    doc = {
        "decisions": [{"id": "a", "dimension": "direction", "label_en": "=HYPERLINK(1)", "label_de": "@x"}],
        "designs": [],
        "agreements": [],
    }
    text = register_csv(doc)
    assert ",'=HYPERLINK(1),'@x," in text


def test_csv_with_semicolons_is_read(admin):
    text = GOOD_CSV.replace(",", ";").replace("the team's priorities", "priorities")
    assert _import(admin, text).status_code == 201


@pytest.mark.parametrize(
    ("line", "error"),
    [
        ("policy,priorities,,,,,,team,,,,,", "line 4: kind 'policy' is not one of decision, design, agreement"),
        ("design,priorities,,,,,,team", "line 4: expected 13 fields, found 8"),
        ("design,priorities,,,,,,boss,,,,,", "line 4: decider 'boss' is not one of"),
        ("design,strategy,,,,,,team,,,,,", "line 4: decision 'strategy' is not a decision type"),
        (
            "design,priorities,,,,Operations / West,Assembly,team,,,,,",
            "line 4: team 'Assembly' in 'Operations / West' is not in",
        ),
        ("design,priorities,,,,,,team,,,,,", "line 4: the design of 'priorities' for this place repeats line 3"),
        ("decision,priorities,direction,again,wieder,,,,,,,,", "line 4: decision 'priorities' repeats line 2"),
        (
            "agreement,,,,,Sales,Key Accounts,,Sales,Inside Sales,terms,Jo,31.03.2027",
            "line 4: review date '31.03.2027' is not a date",
        ),
        ("agreement,,,,,Sales,Key Accounts,,Sales,Inside Sales,,Jo,2027-03-31", "line 4: subject is empty"),
        ("decision,x,direction," + "a" * 201 + ",b,,,,,,,,", "line 4: label en has more than 200 characters"),
    ],
)
def test_every_bad_line_is_named_and_nothing_is_stored(admin, line, error):
    text = H + "decision,priorities,decision_rights,p,p,,,,,,,,\ndesign,priorities,,,,,,team,,,,,\n" + line + "\n"
    r = _import(admin, text)
    assert r.status_code == 422, r.text
    errors = r.json()["errors"]
    assert any(e.startswith(error) for e in errors), errors
    assert _version(admin) is None


def test_several_bad_lines_are_all_named(admin):
    text = H + ("decision,a,direction,x,y,,,,,,,,\ndesign,a,,,,,,boss,,,,,\ndesign,b,,,,,,team,,,,,\nnonsense\n")
    errors = _import(admin, text).json()["errors"]
    assert [e.split(":")[0] for e in errors] == ["line 3", "line 4", "line 5"]


@pytest.mark.parametrize(
    ("body", "status", "error"),
    [
        (b"", 422, "line 1: expected the header"),
        (b"kind,decision\n", 422, "line 1: expected the header"),
        (H.encode() + b"decision,a,direction,\xff\xfe,b,,,,,,,,\n", 422, "the file is not UTF-8 text"),
        (H.encode() + b"decision,a,direction,x\x00y,b,,,,,,,,\n", 422, "line 2: label en: control character U+0000"),
        (H.encode() + b'decision,a,direction,"' + b"x" * 200_000 + b'",b,,,,,,,,\n', 422, "line 2: field larger than"),
        (H.encode() + b"design,a,,,,,,team,,,,,\n" * 60_000, 422, None),
    ],
)
def test_hostile_and_oversized_files_store_nothing(admin, body, status, error):
    r = _import(admin, body)
    assert r.status_code == status, r.text[:300]
    if error:
        assert any(error in e for e in r.json()["errors"]), r.json()
    assert _version(admin) is None


def test_a_register_with_too_many_entries_is_refused(admin):
    text = (
        H + "decision,a,direction,x,y,,,,,,,,\n" + "".join(f"decision,d{i},direction,x,y,,,,,,,,\n" for i in range(60))
    )
    r = _import(admin, text)
    assert r.status_code == 422 and r.json()["errors"] == ["decisions: more than 50 entries"]


# ---------------------------------------------------------------- the page


def _form(admin, path, data, lang="en"):
    return admin.client.post(
        f"/orgs/{admin.org_id}/register{path}",
        data={"csrf_token": admin.csrf, "lang": lang, **data},
        follow_redirects=False,
    )


@pytest.mark.parametrize(
    ("lang", "title", "inherit"), [("en", "Decision register", "inherit"), ("de", "Entscheidungsregister", "erben")]
)
def test_the_page_in_both_languages(admin, lang, title, inherit):
    r = admin.client.get(f"/orgs/{admin.org_id}/register?lang={lang}")
    assert r.status_code == 200
    assert title in r.text and f">{inherit}</option>" in r.text and "Key Accounts" in r.text


def test_editing_on_the_page_saves_versions(admin):
    ids = [d["id"] for d in starter_document()["decisions"]]
    data = {
        "base": "",
        "id": ids[:2] + ["budget", ""],
        "dimension": ["decision_rights"] * 4,
        "label_en": ["p", "h", "the budget", ""],
        "label_de": ["p", "h", "das Budget", ""],
    }
    r = _form(admin, "/decisions", data)
    assert r.status_code == 303 and r.headers["location"].endswith("saved=1")
    assert [d["id"] for d in admin.client.get(_url(admin)).json()["decisions"]] == ids[:2] + ["budget"]
    r = _form(
        admin,
        "/design",
        {"base": "1", "unit_path": "Sales", "team": "", "decider_budget": "unit", "decider_priorities": ""},
    )
    assert r.status_code == 303
    r = _form(admin, "/design", {"base": "2", "unit_path": "Sales", "team": "Key Accounts", "decider_budget": "team"})
    assert r.status_code == 303
    page = admin.client.get(f"/orgs/{admin.org_id}/register").text
    assert "→ the team (own entry)" in page and "→ the unit above the team (from its unit)" in page
    r = _form(
        admin,
        "/agreements",
        {
            "base": "3",
            "team": "Sales|Key Accounts",
            "partner_team": "Sales|Inside Sales",
            "decision": "budget",
            "subject": "joint offers",
            "owner": "Ana",
            "review_date": "2027-06-30",
        },
    )
    assert r.status_code == 303
    assert admin.client.get(_url(admin)).json()["agreements"][0]["partner_team"] == "Inside Sales"
    assert _form(admin, "/agreements/0/delete", {"base": "4"}).status_code == 303
    assert _form(admin, "/agreements/0/delete", {"base": "5"}).status_code == 404
    assert [v["number"] for v in admin.client.get(_url(admin, "/versions")).json()] == [5, 4, 3, 2, 1]
    old = admin.client.get(f"/orgs/{admin.org_id}/register?version=1")
    assert (
        "You are viewing version 1" in old.text
        and 'action="/orgs/' + admin.org_id + '/register/design"' not in old.text
    )


def test_a_bad_edit_on_the_page_shows_the_errors(admin):
    r = _form(admin, "/design", {"base": "", "unit_path": "", "team": "", "decider_hiring": "boss"}, lang="de")
    assert r.status_code == 422  # the fixed messages, translated on the page
    assert "Das Register enthält Fehler" in r.text or "das Register enthält Fehler" in r.text
    assert "Entscheider „boss“ ist keiner von" in r.text and "Entscheidungsregister" in r.text
    r = _form(admin, "/design", {"base": "", "unit_path": "", "team": "", "decider_hiring": "boss"})
    assert "decider &#39;boss&#39; is not one of" in r.text and "the register has errors" in r.text
    assert _form(admin, "/design", {"base": "7", "decider_hiring": "team"}).status_code == 409
    assert _version(admin) is None


def test_the_page_import_names_bad_lines(admin):
    r = admin.client.post(
        f"/orgs/{admin.org_id}/register/import",
        data={"csrf_token": admin.csrf},
        files={"file": ("r.csv", H + "design,x,,,,,,team,,,,,\n", "text/csv")},
    )
    assert r.status_code == 422 and "line 2: decision &#39;x&#39; is not a decision type" in r.text
    de = admin.client.post(
        f"/orgs/{admin.org_id}/register/import?lang=de",
        data={"csrf_token": admin.csrf},
        files={"file": ("r.csv", H + "design,x,,,,,,team,,,,,\nbogus,,\n", "text/csv")},
    )
    assert de.status_code == 422
    assert "Zeile 2: „x“ ist keine Entscheidungsart des Registers" in de.text
    assert "Zeile 3: 13 Felder erwartet, 3 gefunden" in de.text
    api = admin.post(
        _url(admin, "/import"), content=(H + "design,x,,,,,,team,,,,,\n").encode(), headers={"content-type": "text/csv"}
    )
    assert api.json()["errors"] == ["line 2: decision 'x' is not a decision type of the register"]  # English
    ok = admin.client.post(
        f"/orgs/{admin.org_id}/register/import",
        data={"csrf_token": admin.csrf},
        files={"file": ("r.csv", GOOD_CSV, "text/csv")},
        follow_redirects=False,
    )
    assert ok.status_code == 303 and _version(admin) == 1


# ---------------------------------------------------------------- frozen at launch


def test_launch_freezes_the_register_and_later_edits_do_not_reach_it(admin):
    assert _import(admin, GOOD_CSV).status_code == 201
    cid = admin.campaign(launch=False)
    r = admin.post(f"/api/v1/campaigns/{cid}/launch", json={"decisions": ["hiring", "priorities"]})
    assert r.status_code == 200, r.text
    frozen = admin.client.get(f"/api/v1/campaigns/{cid}/register").json()
    teams = admin.team_ids(cid)
    assert frozen["version"] == 1 and frozen["asked"] == ["priorities", "hiring"]
    # priorities: org team, Operations unit, Assembly central; hiring: Sales team_with_consent, Inside Sales none
    assert frozen["design"][teams["Assembly"]] == [3, -1]
    assert frozen["design"][teams["Logistics"]] == [2, -1]
    assert frozen["design"][teams["Key Accounts"]] == [0, 1]
    assert frozen["design"][teams["Inside Sales"]] == [0, -1]
    assert _import(admin, GOOD_CSV.replace("Operations,,unit", "Operations,,central")).status_code == 201
    assert admin.client.get(f"/api/v1/campaigns/{cid}/register").json() == frozen
    page = admin.client.get(f"/campaigns/{cid}").text
    assert "version 1, frozen at launch" in page and "hiring into the team" in page


def test_launch_with_an_unknown_decision_type_changes_nothing(admin):
    assert _import(admin, GOOD_CSV).status_code == 201
    cid = admin.campaign(launch=False)
    r = admin.post(f"/api/v1/campaigns/{cid}/launch", json={"decisions": ["strategy"]})
    assert r.status_code == 422 and r.json()["detail"] == "unknown decision type"
    assert admin.client.get(f"/api/v1/campaigns/{cid}").json()["status"] == "draft"
    assert admin.client.get(f"/api/v1/campaigns/{cid}/invitations").json() == []
    assert admin.client.get(f"/api/v1/campaigns/{cid}/register").status_code == 404


def test_the_launch_form_offers_the_register_items(admin):
    assert _import(admin, GOOD_CSV).status_code == 201
    cid = admin.campaign(launch=False)
    page = admin.client.get(f"/campaigns/{cid}").text
    assert 'name="decisions" value="hiring" form="launch-form"' in page
    r = admin.client.post(
        f"/campaigns/{cid}/launch", data={"csrf_token": admin.csrf, "decisions": ["hiring"]}, follow_redirects=False
    )
    assert r.status_code == 303
    assert admin.client.get(f"/api/v1/campaigns/{cid}/register").json()["asked"] == ["hiring"]


def test_a_campaign_without_a_register_launches_as_before(admin):
    cid = admin.campaign()
    assert admin.client.get(f"/api/v1/campaigns/{cid}/register").status_code == 404
