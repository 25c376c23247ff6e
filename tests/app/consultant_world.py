"""A multi-tenant world for the consultant tests, built once per test module: a
consultant in organizations Alpha (three closed waves) and Beta, an HR admin of Alpha
alone, a viewer of Alpha, a viewer of Alpha's unit "Division 1", and Gamma (another HR admin's organization, no shared member);
Alpha, Beta and Gamma opted in to the benchmark, plus a file of simulated organizations.
``world`` runs on SQLite and, when ``AAD_TEST_POSTGRES_URL`` is set, on PostgreSQL."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field

import pytest
from sqlmodel import select

from app.core.db import session_scope
from app.demo import add_client_organization, simulated_benchmark
from app.i18n import LANGUAGE_COOKIE
from app.main import create_app
from app.models import Campaign, Membership, Role, Unit
from app.services.benchmarks import import_file, set_opt_in, sync_pool
from app.services.results import clear_cache
from app.services.users import create_user
from pg_reset import truncate_postgres
from web_helpers import PASSWORD, login, make_settings, new_client

PROFILES = (("logistics", "250-999"),) * 6 + (("software", "50-249"),) * 3 + (("finance", "1000-4999"),) * 2
SIMULATED_SOURCE = "simulated test organizations"
SCOPED_UNIT = "Division 1"


@dataclass
class World:
    app: object
    orgs: dict
    campaigns: dict  # org name -> campaign ids, oldest first
    clients: dict = field(default_factory=dict)
    csrf: dict = field(default_factory=dict)

    def client(self, who: str):
        """A logged-in client for 'consultant', 'hr_a', 'viewer_a', 'unit_viewer_a' or 'hr_c' (cached),
        without a remembered language (each test starts from the default)."""
        if who not in self.clients:
            c = new_client(self.app)
            self.csrf[who] = login(c, f"{who}@example.org")
            self.clients[who] = c
        self.clients[who].cookies.delete(LANGUAGE_COOKIE)
        return self.clients[who]

    def post(self, who: str, url: str, **kw):
        c = self.client(who)
        return c.post(url, headers={"X-CSRF-Token": self.csrf[who], **kw.pop("headers", {})}, **kw)


def build_world(database_url: str) -> World:
    app = create_app(make_settings(database_url))
    clear_cache()
    with session_scope(app.state.engine, write=True) as s:
        users = {
            w: create_user(s, email=f"{w}@example.org", password=PASSWORD)
            for w in ("consultant", "hr_a", "viewer_a", "unit_viewer_a", "hr_c")
        }
        s.commit()
        alpha = add_client_organization(
            s,
            users["consultant"],
            name="Alpha Logistics",
            industry="Logistics",
            size_band="250-999",
            teams=6,
            respondents=60,
            seeds=(31, 32, 33),
        )
        beta = add_client_organization(
            s,
            users["consultant"],
            name="Beta Software",
            industry="Software",
            size_band="50-249",
            teams=5,
            respondents=50,
            seeds=(41,),
        )
        gamma = add_client_organization(
            s,
            users["hr_c"],
            name="Gamma Finance",
            industry="Finance",
            size_band="1000-4999",
            teams=5,
            respondents=50,
            seeds=(51,),
            role=Role.hr_admin,
        )
        s.add(Membership(user_id=users["hr_a"].id, organization_id=alpha.id, role=Role.hr_admin))
        s.add(Membership(user_id=users["viewer_a"].id, organization_id=alpha.id, role=Role.viewer))
        unit = s.exec(select(Unit).where(Unit.organization_id == alpha.id, Unit.name == SCOPED_UNIT)).one()
        s.add(
            Membership(user_id=users["unit_viewer_a"].id, organization_id=alpha.id, role=Role.viewer, unit_id=unit.id)
        )
        s.commit()
        for org in (alpha, beta, gamma):
            set_opt_in(s, organization=org, opt_in=True)
        sync_pool(s)
        import_file(s, data=simulated_benchmark(PROFILES), source=SIMULATED_SOURCE)
        orgs = {o.name: str(o.id) for o in (alpha, beta, gamma)}
        campaigns = {}
        for o in (alpha, beta, gamma):
            rows = s.exec(select(Campaign).where(Campaign.organization_id == o.id).order_by(Campaign.closed_at)).all()
            campaigns[o.name] = [str(c.id) for c in rows]
    return World(app=app, orgs=orgs, campaigns=campaigns)


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def world(request, tmp_path_factory, sqlite_template):
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("world") / "aad.db"
        shutil.copy(sqlite_template, path)
        url = f"sqlite:///{path}"
    else:
        url = request.getfixturevalue("postgres_url")
    w = build_world(url)
    yield w
    w.app.state.engine.dispose()
    if request.param == "postgresql":
        truncate_postgres(url)
