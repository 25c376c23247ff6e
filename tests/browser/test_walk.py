"""The acceptance walk: the HR, unit-viewer and consultant paths of the demo, every page
reachable from the navigation, in English and German, on a desktop (1,440 px) and a
phone (390 px).

Each page fails the walk on
- an untranslated string in German: visible text (or a label, placeholder or option)
  equal to an English text of the catalogue, or of a bilingual table, whose German
  differs;
- raw code text: ``{`` or ``}``, ``<built-in``, ``object at 0x``, ``None``, ``nan`` or
  an identifier with an underscore (``hr_admin``);
- horizontal overflow (``document.documentElement.scrollWidth > innerWidth``);
- a serious or critical violation found by axe-core (installed from the npm registry
  into ``tests/browser/node_modules`` by ``npm ci``; see ``scripts/install-system-deps``).

The pages are found by following the links of each role's navigation (one page per
pattern of path and query keys, so that 25 teams make one visit, not 25). Which pages
must pass is :data:`STRICT` (every page); problems on other pages would be printed and
written to ``walk-report.txt`` in the test's temporary folder.
"""

from __future__ import annotations

import fnmatch
import importlib
import os
import re
import shutil
import subprocess
import time
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from babel.messages.pofile import read_po

from app.core.config import Settings
from app.demo import DEMO_ORG, TEAM_NAMES, UNITS, seed_demo

pytestmark = pytest.mark.browser

HERE = Path(__file__).resolve().parent
AXE = HERE / "node_modules" / "axe-core" / "axe.min.js"
PO = HERE.parent.parent / "app" / "locale" / "de" / "LC_MESSAGES" / "messages.po"
WIDTHS = (1440, 390)
LANGS = ("en", "de")
MAX_PAGES = 45
HR_EMAIL = "hr-director@demo.example"

#: The pages the walk must pass (fnmatch patterns of the path and query, ids as ``*``):
#: every page; a pattern list here would let problems on the other pages be reported
#: without failing.
STRICT = ("*",)

#: Links the walk does not follow: files, the API and its documentation, logging out,
#: survey links (the survey has its own browser tests) and forms' targets.
SKIP = (
    "/api/*",
    "/static/*",
    "/docs*",
    "/redoc*",
    "/openapi.json",
    "/logout*",
    "/s/*",
    "/survey/*",
    "*/download/*",
    "*.csv*",
    "*.xlsx*",
    "*.pdf*",
    "*.pptx*",
    "*/export*",
)

#: Texts that stay English in German on purpose: the product's name, and the language
#: switch naming each language in itself.
NOT_TRANSLATED = ("Aligned Autonomy Diagnostic", "English")

#: The demo's own names (they may read as English).
NAMES = (
    *TEAM_NAMES,
    *UNITS,
    "Nordlicht Logistics",
    "Brightwater Utilities",
    "Harbour Freight Partners",
    "Kestrel Software",
    "demo.example",
)

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
RAW = [
    (re.compile(r"[{}]"), "brace"),
    (re.compile(r"<built-in"), "built-in"),
    (re.compile(r"object at 0x"), "object repr"),
    (re.compile(r"(?<![\w.-])None(?![\w-])"), "None"),  # German pages only: "None" is also an English answer
    (re.compile(r"(?<![\w.-])nan(?![\w-])", re.I), "nan"),
    (re.compile(r"(?<![\w@./:-])[a-z][a-z0-9]*_[a-z0-9_]+(?![\w@.-])"), "identifier"),
]

#: English words that do not occur in German running text: a German page's text node of
#: three or more words with two of them is English (written into a template, not taken
#: from the catalogue). Names and people's comments are no evidence (``.comments``,
#: ``[translate=no]``).
ENGLISH_WORDS = frozenset(
    "the and of with your you for this that are is not which from have has be "
    "will can what who when there their these those".split()
)
_WORD = re.compile(r"[A-Za-zÄÖÜäöüß]+")


def english_prose(text: str) -> bool:
    words = [w.lower() for w in _WORD.findall(text)]
    return len(words) >= 3 and sum(w in ENGLISH_WORDS for w in words) >= 2


#: axe-core's text and attribute collection runs in the page; texts of elements that are
#: not rendered are left out.
COLLECT = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    const el = node.parentElement;
    if (!el || el.closest('script,style,template,[hidden],.js-plotly-plot .hoverlayer,.comments,[translate=no]')) continue;
    const t = node.textContent.replace(/\\s+/g, ' ').trim();
    if (t) out.push(t);
  }
  for (const el of document.querySelectorAll('[placeholder],[aria-label],[title],[alt],input[type=submit]')) {
    for (const a of ['placeholder', 'aria-label', 'title', 'alt', 'value']) {
      if (a === 'value' && el.type !== 'submit') continue;
      const v = el.getAttribute(a);
      if (v && v.trim()) out.push(v.trim());
    }
  }
  return out;
}"""


# ------------------------------------------------------------------ what "English" is


def _bilingual(value, out: dict) -> None:
    """Collect ``{"en": …, "de": …}`` pairs (any depth) whose texts differ."""
    if isinstance(value, dict):
        en, de = value.get("en"), value.get("de")
        if isinstance(en, str) and isinstance(de, str):
            if en.strip() != de.strip() and "{" not in en:
                out.setdefault(en.strip(), de.strip())
            return
        for v in value.values():
            _bilingual(v, out)
    elif isinstance(value, (list, tuple)):
        for v in value:
            _bilingual(v, out)


def english_texts() -> dict:
    """English text → its German: the catalogue's messages and the bilingual tables of
    the code (whichever still exist), where the German differs and the text has no
    placeholder."""
    out = {}
    with PO.open("rb") as f:
        for m in read_po(f, locale="de"):
            if (
                isinstance(m.id, str)
                and m.id
                and isinstance(m.string, str)
                and m.string
                and m.id != m.string
                and "%(" not in m.id
                and "{" not in m.id
            ):
                out[m.id.strip()] = m.string.strip()
    for name in (
        "app.i18n",
        "app.reports.texts",
        "app.register_texts",
        "analysis.narrative",
        "analysis.figures",
        "app.routers.results",
        "app.routers.waves",
        "app.routers.portfolio",
        "app.routers.benchmarks",
        "app.routers.questions",
        "app.routers.survey",
        "app.routers.organizations",
        "app.routers.campaigns",
        "app.routers.teams",
        "app.routers.login",
    ):
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        for value in vars(module).values():
            if isinstance(value, dict):
                _bilingual(value, out)
    # short words that are the same in running German text are no evidence; names are
    # the organization's own (the demo's teams and units) and the product's name stays
    names = {*TEAM_NAMES, *UNITS, *NOT_TRANSLATED}
    return {en: de for en, de in out.items() if len(en) >= 4 and en.lower() != de.lower() and en not in names}


# ------------------------------------------------------------------ the walk


def pattern(path: str) -> str:
    """A page's pattern: ids as ``*``, query keys kept, values dropped (``lang`` left out)."""
    parts = urlsplit(path)
    keys = sorted({k for k, _ in parse_qsl(parts.query) if k not in ("lang", "page")})
    return _UUID.sub("*", parts.path) + ("?" + "&".join(f"{k}=*" for k in keys) if keys else "")


def strict(path: str) -> bool:
    key = pattern(path)
    return any(fnmatch.fnmatchcase(key, p) for p in STRICT)


def _followable(href: str, base: str) -> str | None:
    if not href or href.startswith(("#", "mailto:", "javascript:")):
        return None
    parts = urlsplit(href)
    if parts.netloc and f"{parts.scheme}://{parts.netloc}" != base:
        return None
    path = parts.path or "/"
    if any(fnmatch.fnmatchcase(path, s) for s in SKIP):
        return None
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "lang"]
    return path + ("?" + urlencode(query) if query else "")


def crawl(page, base: str, starts, visit) -> list[str]:
    """The pages reachable from ``starts`` by links, one per pattern, in the order found;
    ``visit(path)`` loads each (its first check) and returns False for a page that is not
    there for this role."""
    seen, order, queue = set(), [], list(starts)
    while queue and len(order) < MAX_PAGES:
        path = queue.pop(0)
        key = pattern(path)
        if key in seen:
            continue
        seen.add(key)
        if not visit(path):
            continue
        order.append(path)
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))"):
            nxt = _followable(href, base)
            if nxt and pattern(nxt) not in seen:
                queue.append(nxt)
    return order


def _with_lang(path: str, lang: str) -> str:
    return path + ("&" if "?" in path else "?") + f"lang={lang}"


TIMES = {"load": 0.0, "checks": 0.0, "axe": 0.0}


def check_page(page, base: str, path: str, lang: str, width: int, english: dict, axe: bool) -> list[str]:
    """Problems of one page in one language at one width."""
    t0 = time.monotonic()
    page.set_viewport_size({"width": width, "height": 900})
    response = page.goto(base + _with_lang(path, lang), wait_until="domcontentloaded")
    if response is None or response.status in (401, 403, 404) or urlsplit(page.url).path == "/login":
        return ["missing"]
    if response.status >= 400:
        return [f"status {response.status}"]
    if page.locator("[data-figure]").count():
        try:
            page.wait_for_selector("[data-figure] .main-svg", timeout=8000)
        except Exception:  # noqa: BLE001 - reported as a problem below
            return ["a figure was not drawn"]
    problems = []
    t1 = time.monotonic()
    TIMES["load"] += t1 - t0
    if page.evaluate("document.documentElement.scrollWidth > innerWidth"):
        wide = page.evaluate("""() => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > innerWidth + 1 && !e.closest('.scroll-x,.table-wrap'))
            .slice(0, 3).map(e => e.tagName.toLowerCase() + (e.className && typeof e.className === 'string'
              ? '.' + e.className.split(' ')[0] : ''))""")
        problems.append(
            f"horizontal overflow at {width} px ({page.evaluate('document.documentElement.scrollWidth')} px; {', '.join(wide)})"
        )
    texts = page.evaluate(COLLECT)
    for text in dict.fromkeys(texts):
        for rx, what in RAW:
            if what == "None" and lang != "de":
                continue
            hit = rx.search(text)
            if hit:
                problems.append(f"raw code text ({what}): {text[:120]!r}")
                break
        if lang == "de" and width == WIDTHS[0] and text in english:
            problems.append(f"untranslated: {text[:120]!r} (German: {english[text][:60]!r})")
        elif lang == "de" and width == WIDTHS[0] and english_prose(text) and not any(n in text for n in NAMES):
            problems.append(f"untranslated (English words): {text[:120]!r}")
    t2 = time.monotonic()
    TIMES["checks"] += t2 - t1
    if axe:
        page.add_script_tag(path=str(AXE))
        # plotly's SVG is left out: its container is an image with a label, and its
        # figures are in the table beside it
        result = page.evaluate("""async () => {
            const r = await axe.run({exclude: [['.js-plotly-plot']]}, {resultTypes: ['violations']});
            return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
              .map(v => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '));
        }""")
        problems += [f"axe {v}" for v in result]
        TIMES["axe"] += time.monotonic() - t2
    return problems


# ------------------------------------------------------------------ fixtures


@pytest.fixture(scope="module")
def axe_script():
    if not AXE.exists() and shutil.which("npm"):
        subprocess.run(
            ["npm", "ci", "--prefix", str(HERE), "--no-audit", "--no-fund", "--silent"], check=False, timeout=300
        )
    if not AXE.exists():
        if os.environ.get("AAD_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{AXE} is missing: run `npm ci --prefix tests/browser` (scripts/install-system-deps does)")
        pytest.skip("axe-core is missing (npm ci --prefix tests/browser)")
    return AXE


@pytest.fixture(scope="module")
def demo(server):
    from sqlmodel import select

    from app.core.db import make_engine, session_scope
    from app.models import Organization, Role, User
    from app.services.organizations import add_member
    from app.services.users import create_user

    settings = Settings(
        env="development", secret_key="browser-test-" + "s" * 40, database_url=server["db_url"], data_dir=server["data"]
    )
    info = seed_demo(settings=settings)
    engine = make_engine(server["db_url"])
    with session_scope(engine, write=True) as session:  # an HR director of the demo organization
        user = session.exec(select(User).where(User.email == HR_EMAIL)).first() or create_user(
            session, email=HR_EMAIL, password=info.password, full_name="Demo HR director"
        )
        org = session.exec(select(Organization).where(Organization.name == DEMO_ORG)).one()
        add_member(session, organization=org, by=None, user=user, role=Role.hr_admin)
        session.commit()
    engine.dispose()
    return info


def _log_in(context, base: str, email: str, password: str):
    page = context.new_page()
    page.goto(f"{base}/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/orgs"))
    return page


@pytest.fixture(scope="module")
def demo_pages(server, demo):
    """Pages the links of one campaign's pages lead to but that the walk, seeing one
    campaign per pattern, would not reach: the decision map of the campaign with a register."""
    from sqlmodel import select

    from app.core.db import make_engine, session_scope
    from app.models import Campaign, CampaignRegister

    engine = make_engine(server["db_url"])
    with session_scope(engine) as session:
        ids = session.exec(
            select(Campaign.id)
            .join(CampaignRegister, CampaignRegister.campaign_id == Campaign.id)
            .where(Campaign.status == "closed")
        ).all()
    engine.dispose()
    extra = [f"/campaigns/{ids[0]}/results/decisions"] if ids else []
    return {"consultant": extra, "hr": extra}


def _raw(text: str) -> list[str]:
    return [what for rx, what in RAW if rx.search(text)]


def test_the_checks_can_fail(browser, axe_script):
    """Each check of the walk finds what it looks for (and passes clean text)."""
    assert _raw("(aligned-autonomy-v1, <built-in method items of dict object at 0x7f>)") == ["built-in", "object repr"]
    assert _raw("R² = {r2}") == ["brace"] and _raw("role: hr_admin") == ["identifier"]
    assert _raw("Perzentilrang nan") == ["nan"] and _raw("None") == ["None"]
    assert _raw("technology-lead@demo.example · 54 [52–57] · Decision rights") == []
    assert english_prose("Download the report for this team") and not english_prose("Die Zahlen als Tabelle")
    english = english_texts()
    assert english["Perception and structure"] == "Wahrnehmung und Struktur"  # the catalogue
    assert english["Pattern of the organization"] == "Muster der Organisation"  # a bilingual table
    assert "People" not in english and "English" not in english
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.set_content(
        '<html lang="en"><head><title>t</title></head><body><main><img src="x.png">'
        '<p style="color:#aaa;background:#fff">faint</p></main></body></html>'
    )
    page.add_script_tag(path=str(axe_script))
    ids = page.evaluate("async () => (await axe.run(document)).violations.map(v => v.id + ':' + v.impact)")
    context.close()
    assert "image-alt:critical" in ids and "color-contrast:serious" in ids


def test_the_walk(browser, server, demo, demo_pages, axe_script, tmp_path):
    base = server["base"]
    english = english_texts()
    roles = (("consultant", demo.email), ("hr", HR_EMAIL), ("unit viewer", demo.unit_viewer))
    failures, reported, axed, walked = [], [], set(), set()
    visited = 0
    started = time.monotonic()
    for role, email in roles:
        t_role = time.monotonic()
        context = browser.new_context(bypass_csp=True)  # axe-core is injected as a script
        page = _log_in(context, base, email, demo.password)
        errors = []
        page.on("pageerror", lambda exc, errors=errors: errors.append(str(exc)))

        # a page another role has walked in full: German (the longer texts) on both widths
        def combos(path):
            full = pattern(path) not in walked
            return [(lang, width) for lang in LANGS for width in WIDTHS] if full else [("de", w) for w in WIDTHS]

        def check(path, lang, width):
            nonlocal visited
            # axe-core once per page, in German (the longer texts; the same structure)
            run_axe = width == WIDTHS[0] and lang == "de" and pattern(path) not in axed
            if run_axe:
                axed.add(pattern(path))
            problems = check_page(page, base, path, lang, width, english, run_axe)
            visited += 1
            if problems == ["missing"]:
                return False
            for p in problems:
                line = f"[{role}] {pattern(path)} ({lang}, {width} px): {p}"
                (failures if strict(path) else reported).append(line)
            return True

        def visit(path):  # the first check of a page finds its links
            return check(path, *combos(path)[0])

        paths = crawl(page, base, ["/orgs", "/account", "/portfolio", "/benchmark", *demo_pages.get(role, [])], visit)
        assert len(paths) >= (10 if role != "unit viewer" else 4), (role, paths)
        for path in paths:
            for lang, width in combos(path)[1:]:
                check(path, lang, width)
            walked.add(pattern(path))
        failures += [f"[{role}] JavaScript error: {e}" for e in errors]
        context.close()
        print(f"\n[{role}] {len(paths)} pages in {time.monotonic() - t_role:.0f} s: {', '.join(map(pattern, paths))}")
    seconds = time.monotonic() - started
    report = tmp_path / "walk-report.txt"
    report.write_text(
        "\n".join(sorted(set(failures)) + ["", "Pages of others:"] + sorted(set(reported))), encoding="utf-8"
    )
    print(
        f"\nwalk: {visited} page views in {seconds:.0f} s (loading {TIMES['load']:.0f} s, text checks "
        f"{TIMES['checks']:.0f} s, axe-core {TIMES['axe']:.0f} s); {len(set(reported))} problems on pages outside "
        f"STRICT (see {report}):"
    )
    for line in sorted(set(reported)):
        print("  " + line)
    assert not failures, "\n".join(sorted(set(failures)))
