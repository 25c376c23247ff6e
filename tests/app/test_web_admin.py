"""Organizations and k, the team CSV import, campaigns, links and response rates."""

from __future__ import annotations

import csv
import io

import pytest

from analysis import load_questionnaire
from app.models import Role
from web_helpers import TEAMS_CSV, full_answers, make_admin, open_survey

Q = load_questionnaire("aligned-autonomy-v1")


def _import(admin, body: bytes | str):
    data = body.encode() if isinstance(body, str) else body
    return admin.post(
        f"/api/v1/organizations/{admin.org_id}/teams/import", content=data, headers={"content-type": "text/csv"}
    )


def _teams(admin):
    return admin.client.get(f"/api/v1/organizations/{admin.org_id}/teams").json()


def _answer(app, link):
    employee, csrf = open_survey(app, link)
    r = employee.post("/survey", data={"csrf_token": csrf, **full_answers(Q)}, follow_redirects=False)
    assert r.status_code == 303


# ---------------------------------------------------------------- organizations and k


@pytest.mark.parametrize(
    ("body", "status", "detail"),
    [
        ({"name": "X", "k": 2}, 422, None),
        ({"name": "X", "k": 51}, 422, None),
        ({"name": "X", "k": 4}, 422, "k below 5 needs an explicit acknowledgement"),
        ({"name": "X", "k": 4, "k_acknowledged": True}, 201, None),
        ({"name": "X", "k": 3, "k_acknowledged": True}, 201, None),
        ({"name": "", "k": 5}, 422, None),
        ({"name": "X", "size_band": "huge"}, 422, "size band must be one of 1-49, 50-249, 250-999, 1000-4999, 5000+"),
    ],
)
def test_organization_k_rules(app, body, status, detail):
    consultant = make_admin(
        app, "consultant@example.org", role=Role.consultant
    )  # only consultants create organizations
    r = consultant.post("/api/v1/organizations", json=body)
    assert r.status_code == status, r.text
    if detail:
        assert r.json()["detail"] == detail


def test_k_cannot_be_lowered_after_the_first_response(app, admin):
    assert admin.patch(f"/api/v1/organizations/{admin.org_id}", json={"k": 7}).status_code == 200
    assert admin.patch(f"/api/v1/organizations/{admin.org_id}", json={"k": 6}).status_code == 200
    cid = admin.campaign()
    link = admin.links(cid, {admin.team_ids(cid)["Assembly"]: 1})[0]["link"]
    _answer(app, link)
    r = admin.patch(f"/api/v1/organizations/{admin.org_id}", json={"k": 5})
    assert r.status_code == 409
    assert r.json() == {"detail": "k cannot be lowered after the first response"}
    assert admin.patch(f"/api/v1/organizations/{admin.org_id}", json={"k": 8}).status_code == 200


def test_campaign_k_is_frozen_at_launch(admin):
    cid = admin.campaign(launch=False)
    assert admin.patch(f"/api/v1/campaigns/{cid}", json={"k": 8}).json()["k"] == 8
    r = admin.patch(f"/api/v1/campaigns/{cid}", json={"k": 4})
    assert r.status_code == 422 and r.json()["detail"] == "k below 5 needs an explicit acknowledgement"
    admin.post(f"/api/v1/campaigns/{cid}/launch")
    for k in (3, 5, 9):
        r = admin.patch(f"/api/v1/campaigns/{cid}", json={"k": k, "k_acknowledged": True})
        assert r.status_code == 409 and r.json() == {"detail": "k is frozen at launch"}
    assert admin.client.get(f"/api/v1/campaigns/{cid}").json()["k"] == 8


NULL_REFUSED = "must not be null; leave the field out to keep its value"


@pytest.mark.parametrize("field", ["name", "languages", "k", "k_acknowledged"])
@pytest.mark.parametrize("launched", [False, True])
def test_campaign_patch_refuses_null_for_a_field_that_cannot_be_empty(admin, field, launched):
    cid = admin.campaign(launch=launched)
    before = admin.client.get(f"/api/v1/campaigns/{cid}").json()
    r = admin.patch(f"/api/v1/campaigns/{cid}", json={field: None})
    assert r.status_code == 422, r.text
    assert r.json() == {"detail": "invalid input", "errors": [f"{field}: {NULL_REFUSED}"]}
    assert admin.client.get(f"/api/v1/campaigns/{cid}").json() == before


def test_campaign_patch_clears_a_date_with_null(admin):
    cid = admin.campaign(launch=False, opens_on="2027-01-04", closes_on="2027-01-29")
    r = admin.patch(f"/api/v1/campaigns/{cid}", json={"opens_on": None, "closes_on": None})
    assert r.status_code == 200 and (r.json()["opens_on"], r.json()["closes_on"]) == (None, None)
    schema = admin.client.get("/api/v1/openapi.json").json()["components"]["schemas"]["CampaignPatch"]["properties"]
    assert schema["k"]["type"] == "integer" and {"type": "null"} in schema["closes_on"]["anyOf"]


@pytest.mark.parametrize("field", ["name", "industry", "size_band", "k", "k_acknowledged", "comment_k"])
def test_organization_patch_refuses_null(admin, field):
    url = f"/api/v1/organizations/{admin.org_id}"
    before = admin.client.get(url).json()
    r = admin.patch(url, json={field: None, "k": 9} if field != "k" else {field: None})
    assert r.status_code == 422, r.text
    assert r.json() == {"detail": "invalid input", "errors": [f"{field}: {NULL_REFUSED}"]}
    assert admin.client.get(url).json() == before


# ------------------------------------------------------------------------ team import


def test_import_builds_nested_units_and_keeps_team_ids_on_reimport(admin):
    teams = _teams(admin)
    assert [(t["unit_path"], t["name"], t["headcount"]) for t in teams][:2] == [
        ("Operations / North", "Assembly", 8),
        ("Operations / North", "Logistics", 6),
    ]
    ids = {t["name"]: t["id"] for t in teams}
    r = _import(admin, "unit path;team;headcount\nOperations / North;Assembly;9\nSales;Field;4\n")
    assert r.json() == {"created": 1, "updated": 1, "removed": 4}
    after = {t["name"]: t for t in _teams(admin)}
    assert set(after) == {"Assembly", "Field"}
    assert after["Assembly"]["id"] == ids["Assembly"] and after["Assembly"]["headcount"] == 9


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ("team,headcount\nA,1\n", ["line 1: expected the header 'unit path,team,headcount'"]),
        (
            "unit path,team,headcount\nOps,,3\nOps,B,x\nOps,C,-1\nOps,D\n",
            [
                "line 2: the team name is empty",
                "line 3: headcount 'x' is not a whole number",
                "line 4: headcount '-1' is not a whole number",
                "line 5: expected 3 fields, found 2",
            ],
        ),
        ("unit path,team,headcount\nOps,A,1\nops,a,2\n", ["line 3: team 'a' in 'ops' repeats line 2"]),
        ("unit path,team,headcount\nOps,A,100001\n", ["line 2: headcount 100001 is larger than 100000"]),
        ("unit path,team,headcount\n", ["the file has no teams"]),
        (b"unit path,team,headcount\nOps,\xff\xfe,1\n", ["the file is not UTF-8 text (byte 29)"]),
        ("unit path,team,headcount\nOps,A\x00,1\n", ["line 2: control character U+0000 is not allowed"]),
        (
            "unit path,team,headcount\nOps,A,1\nOps\x1b[2J,B,1\nOps,C,\x0c2\nOps,\"D\nE\",1\n",
            [
                "line 3: control character U+001B is not allowed",
                "line 4: control character U+000C is not allowed",
                "line 6: control character U+000A is not allowed",
            ],
        ),
        (
            "unit path,team,headcount\n" + "/".join(["u"] * 11) + ",A,1\n",
            ["line 2: the unit path is deeper than 10 levels"],
        ),
        ("unit path,team,headcount\nOps," + "x" * 101 + ",1\n", ["line 2: names may have at most 100 characters"]),
        ('unit path,team,headcount\nOps,"unterminated,1\n', None),
    ],
)
def test_bad_csv_names_each_line_and_stores_nothing(admin, body, errors):
    before = _teams(admin)
    r = _import(admin, body)
    assert r.status_code == 422
    assert r.json()["detail"] == "the file has errors; nothing was stored"
    if errors:
        assert r.json()["errors"] == errors
    assert _teams(admin) == before


def test_oversized_csv_is_refused(admin):
    r = _import(admin, "unit path,team,headcount\n" + "Ops,A,1\n" * 200_000)
    assert r.status_code == 422
    assert "request body larger than" in r.json()["detail"]


def test_csv_import_page_lists_bad_lines(admin):
    page = admin.client.get(f"/orgs/{admin.org_id}/teams")
    assert page.status_code == 200 and "Assembly" in page.text
    r = admin.client.post(
        f"/orgs/{admin.org_id}/teams/import",
        data={"csrf_token": admin.csrf},
        files={"file": ("teams.csv", b"unit path,team,headcount\nOps,B,x\n", "text/csv")},
    )
    assert r.status_code == 422
    assert "line 2: headcount &#39;x&#39; is not a whole number" in r.text
    ok = admin.client.post(
        f"/orgs/{admin.org_id}/teams/import",
        data={"csrf_token": admin.csrf},
        files={"file": ("teams.csv", TEAMS_CSV.encode(), "text/csv")},
    )
    assert ok.status_code == 200 and "Imported: 0 new" in ok.text


def test_structure_downloads_in_the_import_format(admin):
    r = admin.client.get(f"/orgs/{admin.org_id}/teams.csv")
    assert r.headers["content-disposition"] == 'attachment; filename="teams.csv"'
    assert r.content.startswith("\ufeff".encode())  # a byte-order mark for spreadsheet programs
    assert r.text.removeprefix("\ufeff").replace("\r\n", "\n") == TEAMS_CSV.replace(
        "Operations / South,Quality,5\n", ""
    ).replace(
        "Sales,Key Accounts,7\nSales,Inside Sales,2\n",
        "Operations / South,Quality,5\nSales,Inside Sales,2\nSales,Key Accounts,7\n",
    )
    assert _import(admin, r.content).json() == {"created": 0, "updated": 0, "removed": 0}
    team = _teams(admin)[0]
    admin.patch(f"/api/v1/teams/{team['id']}", json={"name": "=SUM(1)"})
    download = admin.client.get(f"/orgs/{admin.org_id}/teams.csv").content
    assert b"'=SUM(1)" in download
    assert _import(admin, download).json() == {"created": 0, "updated": 0, "removed": 0}
    excel = admin.client.get(f"/orgs/{admin.org_id}/teams.csv?sep=semicolon").text
    assert excel.startswith("\ufeffunit path;team;headcount\r\n") and "Sales;Inside Sales;2" in excel
    assert _import(admin, excel.encode()).json() == {"created": 0, "updated": 0, "removed": 0}
    assert admin.client.get(f"/orgs/{admin.org_id}/teams.csv?sep=tab").status_code == 422


def test_edit_add_and_delete_teams(admin):
    team = _teams(admin)[0]
    r = admin.patch(f"/api/v1/teams/{team['id']}", json={"name": "Assembly East", "unit_path": "Operations / East"})
    assert r.status_code == 200 and r.json()["unit_path"] == "Operations / East"
    assert (
        admin.patch(
            f"/api/v1/teams/{team['id']}", json={"name": "Logistics", "unit_path": "Operations / North"}
        ).status_code
        == 422
    )
    r = admin.post(
        f"/api/v1/organizations/{admin.org_id}/teams", json={"name": "New", "headcount": 3, "unit_path": "HQ"}
    )
    assert r.status_code == 201
    assert admin.client.delete(f"/api/v1/teams/{r.json()['id']}", headers=admin.h).status_code == 204
    form = admin.client.post(
        f"/teams/{team['id']}",
        data={"csrf_token": admin.csrf, "name": "Renamed", "headcount": "4", "unit_path": "Operations / East"},
        follow_redirects=False,
    )
    assert form.status_code == 303
    assert any(t["name"] == "Renamed" for t in _teams(admin))


# ------------------------------------------------------------------------- campaigns


def test_campaign_lifecycle_and_frozen_structure(admin):
    assert admin.post(
        f"/api/v1/organizations/{admin.org_id}/campaigns", json={"name": "X", "questionnaire_id": "../etc/passwd"}
    ).json() == {"detail": "unknown questionnaire"}
    cid = admin.campaign(launch=False, questionnaire="aligned-autonomy-pulse-v1", languages=["de"])
    assert admin.post(f"/api/v1/campaigns/{cid}/invitations", json={}).status_code == 409
    preview = admin.client.get(f"/campaigns/{cid}/preview")
    assert preview.status_code == 200 and "Vorschau" in preview.text and "disabled" in preview.text
    assert len(admin.client.get(f"/api/v1/campaigns/{cid}/preview").json()["items"]) == 12
    assert admin.post(f"/api/v1/campaigns/{cid}/launch").json()["status"] == "open"
    assert admin.post(f"/api/v1/campaigns/{cid}/launch").status_code == 409
    team = _teams(admin)[0]
    admin.patch(f"/api/v1/teams/{team['id']}", json={"name": "Renamed after launch"})
    assert "Assembly" in admin.team_ids(cid)
    assert admin.patch(f"/api/v1/campaigns/{cid}", json={"name": "New name"}).status_code == 409
    assert admin.post(f"/api/v1/campaigns/{cid}/close").json()["status"] == "closed"
    assert admin.post(f"/api/v1/campaigns/{cid}/close").status_code == 409
    assert admin.client.get(f"/campaigns/{cid}").status_code == 200


def test_launch_needs_teams(app):
    consultant = make_admin(app, "consultant@example.org", role=Role.consultant)
    org = consultant.post("/api/v1/organizations", json={"name": "Empty"}).json()["id"]
    cid = consultant.post(
        f"/api/v1/organizations/{org}/campaigns", json={"name": "x", "questionnaire_id": "aligned-autonomy-v1"}
    ).json()["id"]
    r = consultant.post(f"/api/v1/campaigns/{cid}/launch")
    assert r.json() == {"detail": "import the team structure before launching"}


def test_pages_render_for_the_whole_admin_flow(admin):
    r = admin.client.post(
        f"/orgs/{admin.org_id}/campaigns",
        data={
            "csrf_token": admin.csrf,
            "name": "Autumn",
            "questionnaire_id": "aligned-autonomy-v1",
            "languages": ["en", "de"],
        },
        follow_redirects=False,
    )
    assert r.status_code == 303
    url = r.headers["location"]
    assert "Launch campaign" in admin.client.get(url).text
    admin.client.post(f"{url}/launch", data={"csrf_token": admin.csrf})
    page = admin.client.get(url)
    assert "Response rates" in page.text and "Personal links" in page.text
    assert admin.client.get("/orgs").status_code == 200
    assert admin.client.get(f"/orgs/{admin.org_id}").status_code == 200
    assert admin.client.get("/docs").status_code == 200


# ------------------------------------------------------------------------- links


def test_personal_links_csv_is_shown_once_and_formula_safe(admin):
    admin.patch(f"/api/v1/teams/{_teams(admin)[0]['id']}", json={"name": "=HYPERLINK(1)"})
    cid = admin.campaign()
    ids = admin.team_ids(cid)
    r = admin.client.post(
        f"/campaigns/{cid}/invitations",
        data={"csrf_token": admin.csrf, f"n_{ids['=HYPERLINK(1)']}": "2", f"n_{ids['Quality']}": "1"},
    )
    assert r.status_code == 200
    assert r.headers["content-disposition"] == 'attachment; filename="personal-links.csv"'
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert [row["team"] for row in rows] == ["'=HYPERLINK(1)"] * 2 + ["Quality"]
    assert all(row["link"].startswith("https://testserver/s/") for row in rows)
    counts = {
        row["team"]: row["personal_links"] for row in admin.client.get(f"/api/v1/campaigns/{cid}/invitations").json()
    }
    assert counts["Quality"] == 1
    assert "link" not in admin.client.get(f"/api/v1/campaigns/{cid}/invitations").text.replace(
        "personal_links", ""
    ).replace("open_link", "")


@pytest.mark.parametrize("counts", [{"00000000-0000-0000-0000-000000000000": 1}, {}])
def test_bad_link_requests(admin, counts):
    cid = admin.campaign()
    r = admin.post(f"/api/v1/campaigns/{cid}/invitations", json={"counts": counts} if counts else {"counts": {}})
    assert r.status_code == 422


def test_open_link_guards_the_device_and_states_its_weaker_guarantee(app, admin):
    cid = admin.campaign()
    first = admin.post(
        f"/api/v1/campaigns/{cid}/open-links", json={"team_ids": [admin.team_ids(cid)["Assembly"]]}
    ).json()
    link = first[0]["link"]
    employee, csrf = open_survey(app, link)
    page = employee.get("/survey")
    assert "weaker guarantee" in page.text
    assert (
        employee.post("/survey", data={"csrf_token": csrf, **full_answers(Q)}, follow_redirects=False).status_code
        == 303
    )
    again = employee.get(link.removeprefix("https://testserver"))
    assert again.status_code == 409 and "Already answered on this device" in again.text
    colleague, csrf2 = open_survey(app, link)  # another device may answer
    assert (
        colleague.post("/survey", data={"csrf_token": csrf2, **full_answers(Q)}, follow_redirects=False).status_code
        == 303
    )
    replaced = admin.post(
        f"/api/v1/campaigns/{cid}/open-links", json={"team_ids": [admin.team_ids(cid)["Assembly"]]}
    ).json()
    assert replaced[0]["link"] != link
    from web_helpers import new_client

    assert new_client(app).get(link.removeprefix("https://testserver")).status_code == 404


# ------------------------------------------------------------------------- rates


def test_rates_hide_small_groups_and_their_complements(app, admin):
    cid = admin.campaign()
    ids = admin.team_ids(cid)
    links = admin.links(
        cid,
        {ids["Assembly"]: 8, ids["Logistics"]: 6, ids["Quality"]: 5, ids["Key Accounts"]: 7, ids["Inside Sales"]: 2},
    )
    for row in links:
        if row["team"] in ("Assembly", "Inside Sales"):
            _answer(app, row["link"])
            break
    rates = {r["name"]: r for r in admin.client.get(f"/api/v1/campaigns/{cid}/rates").json()}
    assert rates["Organization"]["headcount"] == 28 and rates["Organization"]["responses"] == 1
    assert rates["Inside Sales"]["responses"] is None and rates["Inside Sales"]["hidden"] == "fewer than k people"
    assert rates["Key Accounts"]["responses"] is None  # else Sales − Key Accounts = Inside Sales
    assert rates["North / Assembly"]["responses"] == 1 and rates["North / Assembly"]["rate"] == 0.125
    assert rates["Operations"]["headcount"] == 19 and rates["Operations"]["responses"] == 1
    page = admin.client.get(f"/campaigns/{cid}")
    assert "hidden — fewer than k people" in page.text
