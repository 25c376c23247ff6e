"""The floor for the survey benchmark: a bare FastAPI app that serves an equal form
(the same 37 questions as radio buttons in fieldsets, rendered by Jinja2) and stores
the answers in one transaction that also marks the link used — on the same database
engine settings as the product, but without sessions, signing, CSRF, rate limits,
security headers, validation against the instrument or anonymity measures.

    uvicorn tests.benchmarks.bare_survey_app:create_app --factory   (BARE_DATABASE_URL=…)
"""

from __future__ import annotations

import json
import os
import uuid

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Template
from sqlalchemy import Column, MetaData, String, Table, Text, insert, update

from analysis import load_questionnaire
from app.core.db import make_engine, session_scope
from app.deps import FormBody

META = MetaData()
LINKS = Table("bare_link", META, Column("token", String(64), primary_key=True), Column("used", String(1)))
ANSWERS = Table("bare_answer", META, Column("id", String(36), primary_key=True), Column("answers", Text))
PAGE = Template("""<!doctype html><html lang="en"><meta charset="utf-8"><title>{{ q.title.en }}</title>
<main><h1>{{ q.title.en }}</h1><p>{{ q.intro.en }}</p>
<form method="post" action="/survey"><input type="hidden" name="token" value="{{ token }}">
{% for item in q.items %}{% if item.options %}<fieldset><legend>{{ loop.index }}. {{ item.text.en }}</legend>
{% for o in item.options %}<label><input type="radio" name="{{ item.id }}" value="{{ o.value }}">{{ o.label.en }}</label>
{% endfor %}</fieldset>{% else %}<label>{{ item.text.en }}<textarea name="{{ item.id }}"></textarea></label>{% endif %}
{% endfor %}<button type="submit">Send</button></form></main></html>""")


def create_app() -> FastAPI:
    engine = make_engine(os.environ["BARE_DATABASE_URL"], pool_size=40)
    questionnaire = load_questionnaire("aligned-autonomy-v1")
    app = FastAPI()

    @app.get("/s/{token}")
    def open_link(token: str):
        response = RedirectResponse("/survey", status_code=303)
        response.set_cookie("token", token)
        return response

    @app.get("/survey", response_class=HTMLResponse)
    def form(request: Request):
        return PAGE.render(q=questionnaire, token=request.cookies.get("token", ""))

    @app.post("/survey")
    def submit(form: FormBody):
        answers = {key: form[key] for key in form if key != "token"}
        with session_scope(engine, write=True) as session:
            session.execute(update(LINKS).where(LINKS.c.token == form["token"]).values(used="1"))
            session.execute(insert(ANSWERS).values(id=str(uuid.uuid4()), answers=json.dumps(answers)))
            session.commit()
        return RedirectResponse("/survey/thanks", status_code=303)

    @app.get("/survey/thanks", response_class=HTMLResponse)
    def thanks():
        return "<!doctype html><title>Thanks</title><p>Thank you</p>"

    return app


def prepare(url: str, tokens: list[str]) -> None:
    """Create the tables and the links."""
    engine = make_engine(url)
    META.create_all(engine)
    with engine.begin() as conn:
        conn.execute(insert(LINKS), [{"token": t, "used": "0"} for t in tokens])
    engine.dispose()


def stored(url: str) -> int:
    engine = make_engine(url)
    with engine.connect() as conn:
        n = conn.exec_driver_sql("SELECT count(*) FROM bare_answer").scalar_one()
    engine.dispose()
    return n
