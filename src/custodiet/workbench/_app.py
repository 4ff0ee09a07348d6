"""The workbench's web app: server-rendered pages (Jinja2 templates shipped in the package),
one small script of its own, a strict Content-Security-Policy, and requests accepted only from
the machine itself (the host header must name 127.0.0.1 or localhost; a form post must come
from the page)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from custodiet.report import MAP_KEY
from custodiet.store import path_name
from custodiet.workbench import _engine as engine
from custodiet.workbench import _view
from custodiet.workbench._bench import Bench, Card
from custodiet.workbench._form import WEEKDAYS, sections
from custodiet.workbench._tabs import MAX_TABS, Tab, Tabs

#: No script but the package's own, no style but its own, nothing from the network; forms post
#: only here; the page cannot be framed.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
       "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
#: The study's own report has inline styles and no script.
REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'"
#: A map of the city is an SVG image with inline styles and nothing else.
MAP_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"
#: The largest form post accepted (a card's form is about 2 kB; 200 MB used to be read whole
#: into memory, and what a card holds as typed is kept with its tab).
MAX_POST_BYTES: int = 64_000
_LOCAL = ("127.0.0.1", "localhost")


def environment() -> Environment:
    """The Jinja2 environment of the package's templates, escaping everything."""
    env = Environment(loader=PackageLoader("custodiet.workbench", "templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True))
    env.globals.update(number=_view.number, share=_view.share, count=_view.count,
                       precision_text=_view.precision_text, lift_text=_view.lift_text,
                       innocents_text=_view.innocents_text, status_text=_view.status_text,
                       charts=_view.charts, map_note=_view.map_note, map_key=MAP_KEY,
                       before_after=_view.before_after, weekday_names=WEEKDAYS)
    return env


class Workbench:
    """The app's state: the answered bench every tab starts from, each tab's own state (see
    :mod:`custodiet.workbench._tabs`), where files are saved and studies written."""

    def __init__(self, bench: Bench, *, save_dir: Path, study_dir: Path,
                 max_tabs: int = MAX_TABS):
        self.origin = bench
        self.save_dir = Path(save_dir)
        self.study_dir = Path(study_dir)
        self.tabs = Tabs(bench, self.save_dir, limit=max_tabs)
        self.env = environment()
        self.env.globals["sections"] = self.sections

    def sections(self, card: Card) -> list[Any]:
        b = self.origin
        return sections(card.template, {**card.values, "new_list": card.new_list},
                        lists=b.list_names, scorers=b.scorer_names)

    def render(self, name: str, tab: Tab, **extra: Any) -> str:
        b = tab.bench
        return self.env.get_template(name).render(
            bench=b, city=b.city, scenario=b.scenario, templates=engine.TEMPLATES,
            study=tab.study, save_dir=self.save_dir, saved=tab.saved, tab=tab,
            save_name=tab.save_name(), max_tabs=self.tabs.limit, **extra)


def _security(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    # same-origin, not no-referrer: with no-referrer a form post says "Origin: null"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Cache-Control"] = "no-store"
    return response


def create_app(wb: Workbench) -> Starlette:
    """The Starlette app serving ``wb`` (its handlers find it in ``app.state.workbench``)."""
    routes = [
        Route("/", _index), Route("/card/{index:int}", _card, methods=["POST"]),
        Route("/card/{index:int}/map.svg", _map),
        Route("/add", _add, methods=["POST"]), Route("/save", _save, methods=["POST"]),
        Route("/reset", _reset, methods=["POST"]), Route("/copy", _copy),
        Route("/hotspots", _hotspots, methods=["POST"]),
        Route("/study", _study_page, methods=["GET", "POST"]), Route("/study/report", _report),
        Mount("/static", StaticFiles(packages=[("custodiet.workbench", "static")]),
              name="static"),
    ]
    app = Starlette(routes=routes, middleware=[Middleware(BaseHTTPMiddleware, dispatch=_guard)])
    app.state.workbench = wb
    return app


def _wb(request: Request) -> Workbench:
    return request.app.state.workbench


class _TooLargeError(Exception):
    """A form post larger than :data:`MAX_POST_BYTES`."""


async def _form(request: Request) -> list[tuple[str, str]]:
    """The posted form, read up to :data:`MAX_POST_BYTES` (more: :class:`_TooLargeError`)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_POST_BYTES:
        raise _TooLargeError()
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_POST_BYTES:
            raise _TooLargeError()
    return parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True,
                     max_num_fields=10_000)


def _fetched(request: Request) -> bool:
    return request.headers.get("x-requested-with") == "fetch"


def _page(wb: Workbench, tab: Tab, message: str = "", status: int = 200) -> Response:
    return HTMLResponse(wb.render("page.html", tab, message=message), status_code=status)


def _to(tab: Tab, fragment: str = "") -> RedirectResponse:
    """Back to the tab's page (at ``fragment``) after a post."""
    return RedirectResponse(f"/?s={tab.id}{fragment}", status_code=303)


def _tab(request: Request) -> Tab | None:
    """The request's tab (``?s=ID``), or None when the workbench holds no such tab."""
    return _wb(request).tabs.get(request.query_params.get("s"))


def _lost(request: Request) -> Response:
    """A request without a tab held: a new tab at the scenario's rules, its page shown (an
    edit for a tab no longer held is not applied; the page says so)."""
    tab = _wb(request).tabs.new()
    tab.lost = bool(request.query_params.get("s"))
    return _to(tab)


async def _index(request: Request) -> Response:
    tab = _tab(request)
    if tab is None:
        return _lost(request)
    response = _page(_wb(request), tab)
    tab.lost, tab.shown = False, True
    return response


async def _card(request: Request) -> Response:
    """One card's edit: the card again (fetched), or the page at the card (no script)."""
    wb, tab = _wb(request), _tab(request)
    if tab is None:
        return _lost(request)
    index_ = int(request.path_params["index"])
    if not 0 <= index_ < len(tab.bench.cards):
        return _page(wb, tab, "No such rule.", 404)
    from starlette.concurrency import run_in_threadpool

    edited = await run_in_threadpool(tab.bench.edit, index_, await _form(request))
    if _fetched(request):
        return HTMLResponse(wb.env.get_template("_card.html").render(
            card=edited, i=index_, sections=wb.sections, tab=tab, **_globals(tab)))
    # without the script: the page again, at the card (its messages are in its state)
    return _to(tab, f"#card-{index_}")


async def _hotspots(request: Request) -> Response:
    """The predictor card's edit (``[hotspots]``): the page again, at the card."""
    from starlette.concurrency import run_in_threadpool

    from custodiet.workbench._hotspots import edit

    wb, tab = _wb(request), _tab(request)
    if tab is None:
        return _lost(request)
    if tab.bench.hotspot is None:
        return _page(wb, tab, "This scenario has no hot-spot predictor.", 404)
    await run_in_threadpool(edit, tab.bench, await _form(request))
    return _to(tab, "#hotspots")


async def _map(request: Request) -> Response:
    """The map of a card's answer (an image the card's answer shows; no tab is opened for
    it: a tab not held, a card not there or not answered is not found)."""
    from starlette.concurrency import run_in_threadpool

    tab = _tab(request)
    index_ = int(request.path_params["index"])
    if tab is None or not 0 <= index_ < len(tab.bench.cards) or \
            tab.bench.cards[index_].answer is None:
        return Response("no such map", status_code=404)
    svg = await run_in_threadpool(_view.map_image, tab.bench.cards[index_].answer)
    response = _security(Response(svg, media_type="image/svg+xml"))
    response.headers["Content-Security-Policy"] = MAP_CSP
    return response


async def _add(request: Request) -> Response:
    from starlette.concurrency import run_in_threadpool

    wb, tab = _wb(request), _tab(request)
    if tab is None:
        return _lost(request)
    data = dict(await _form(request))
    try:
        i = await run_in_threadpool(tab.bench.add, data.get("template", ""))
    except engine.UserError as err:
        return _page(wb, tab, err.format(), 400)
    return _to(tab, f"#card-{i}")


async def _copy(request: Request) -> Response:
    """A new tab holding a copy of the tab's rules (asked for by a duplicated browser tab,
    which found the tab it copies still open)."""
    tab = _tab(request)
    if tab is None:
        return _lost(request)
    return _to(_wb(request).tabs.new(like=tab))  # (a redirect keeps the address's #part)


async def _reset(request: Request) -> Response:
    tab = _tab(request)
    if tab is None:
        return _lost(request)
    _wb(request).tabs.reset(tab)
    return _to(tab)


async def _save(request: Request) -> Response:
    wb, tab = _wb(request), _tab(request)
    if tab is None:
        return _lost(request)
    data = dict(await _form(request))
    try:
        tab.save(data.get("filename", ""))
    except engine.UserError as err:
        return _page(wb, tab, err.format(), 400)
    return _to(tab, "#saved")


async def _study_page(request: Request) -> Response:
    """Start the full study (POST) or show its progress."""
    wb, tab = _wb(request), _tab(request)
    if tab is None:
        return _lost(request)
    if request.method == "POST":
        if tab.study is None or tab.study.state != "running":
            name = path_name(tab.bench.base.name)
            out = wb.study_dir / f"{name}-{time.strftime('%Y%m%d-%H%M%S')}"
            try:
                wb.tabs.start_study(tab, out)
            except engine.UserError as err:
                return _page(wb, tab, err.format(), 400)
        return _to(tab, "#study")
    if _fetched(request):
        return HTMLResponse(wb.render("_study.html", tab))
    return _page(wb, tab)


async def _report(request: Request) -> Response:
    wb, tab = _wb(request), _tab(request)
    if tab is None:
        return _lost(request)
    if tab.study is None or tab.study.state != "done":
        return _page(wb, tab, "No finished study yet.", 404)
    response = FileResponse(tab.study.report, media_type="text/html")
    response.headers["Content-Security-Policy"] = REPORT_CSP
    return response


async def _guard(request: Request, call_next: Any) -> Response:
    """Answer only on the loopback host, refuse cross-site posts, set the security headers."""
    host = (request.headers.get("host") or "").rsplit(":", 1)[0]
    if host not in _LOCAL:
        return _security(Response("this workbench answers only on 127.0.0.1",
                                  status_code=403))
    if request.method == "POST":
        origin = request.headers.get("origin")
        if origin and origin.split("://", 1)[-1] != request.headers.get("host"):
            return _security(Response("cross-site form post refused", status_code=403))
    try:
        response = await call_next(request)
    except _TooLargeError:
        response = Response(f"a form post is at most {MAX_POST_BYTES:,} bytes",
                            status_code=413)
    except ClientDisconnect:  # the browser went away mid-post: nobody to answer
        response = Response(status_code=400)
    if "Content-Security-Policy" in response.headers:
        return response
    return _security(response)


def _globals(tab: Tab) -> dict[str, Any]:
    b = tab.bench
    return {"bench": b, "city": b.city, "scenario": b.scenario}
