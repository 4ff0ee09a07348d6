"""The workbench's web app: server-rendered pages (Jinja2 templates shipped in the package),
one small script of its own, a strict Content-Security-Policy, and requests accepted only from
the machine itself (the host header must name 127.0.0.1 or localhost; a form post must come
from the page)."""

from __future__ import annotations

import os
import tempfile
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

from custodiet.store import PATH_NAME_RULE, is_path_name, path_name, printable
from custodiet.workbench import _engine as engine
from custodiet.workbench import _study, _view
from custodiet.workbench._bench import Bench, Card
from custodiet.workbench._form import WEEKDAYS, sections

#: No script but the package's own, no style but its own, nothing from the network; forms post
#: only here; the page cannot be framed.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
       "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
#: The study's own report has inline styles and no script.
REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'"
#: The largest form post accepted (a bench's edits are a few kilobytes; 200 MB used to be read
#: whole into memory).
MAX_POST_BYTES: int = 1_000_000
_LOCAL = ("127.0.0.1", "localhost")


def environment() -> Environment:
    """The Jinja2 environment of the package's templates, escaping everything."""
    env = Environment(loader=PackageLoader("custodiet.workbench", "templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True))
    env.globals.update(number=_view.number, share=_view.share, count=_view.count,
                       precision_text=_view.precision_text, lift_text=_view.lift_text,
                       innocents_text=_view.innocents_text, status_text=_view.status_text,
                       charts=_view.charts,
                       before_after=_view.before_after, weekday_names=WEEKDAYS)
    return env


class Workbench:
    """The app's state: the bench, where files are saved and studies written, the study in
    progress."""

    def __init__(self, bench: Bench, *, save_dir: Path, study_dir: Path):
        self.bench = bench
        self.save_dir = Path(save_dir)
        self.study_dir = Path(study_dir)
        self.study: _study.StudyRun | None = None
        self.saved: Path | None = None
        self.env = environment()
        self.env.globals["sections"] = self.sections

    def sections(self, card: Card) -> list[Any]:
        return sections(card.template, {**card.values, "new_list": card.new_list},
                        lists=self.bench.list_names, scorers=self.bench.scorer_names)

    def render(self, name: str, **extra: Any) -> str:
        b = self.bench
        return self.env.get_template(name).render(
            bench=b, city=b.city, scenario=b.scenario, templates=engine.TEMPLATES,
            study=self.study, save_dir=self.save_dir, saved=self.saved,
            save_name=self.save_name(), **extra)

    def save_name(self) -> str:
        """The suggested file name: ``workbench-NAME.toml``, or ``-2``, ``-3`` … when a file
        of that name exists that this workbench did not save."""
        stem = f"workbench-{path_name(self.bench.base.name)}"[:75]
        for k in range(1, 1000):
            name = f"{stem}.toml" if k == 1 else f"{stem}-{k}.toml"
            if self.may_replace(self.save_dir / name):
                return name
        raise engine.UserError("a thousand saved files already; choose a name",
                               field="filename")

    def may_replace(self, path: Path) -> bool:
        """Save's "may I replace this?": nothing there, or the file this workbench saved."""
        return not os.path.lexists(path) or (self.saved is not None and path == self.saved
                                             and path.is_file() and not path.is_symlink())

    def save(self, filename: str) -> Path:
        """Write the bench as ``filename`` in the save folder: a path name ending in .toml,
        never replacing a file this workbench did not save, written through a fresh temporary
        file (created exclusively, so a link planted beside it is never followed)."""
        if not (filename.endswith(".toml") and is_path_name(filename)):
            raise engine.UserError(f"a file name like my-rules.toml ({PATH_NAME_RULE}), got "
                                   f"{printable(filename)}", field="filename")
        self.save_dir.mkdir(parents=True, exist_ok=True)
        path = self.save_dir / filename
        if not self.may_replace(path):
            raise engine.UserError(f"{printable(filename)} already exists and Save never "
                                   "replaces a file it did not write; choose another name",
                                   field="filename")
        fd, tmp = tempfile.mkstemp(prefix=f".{filename}.", suffix=".tmp", dir=self.save_dir)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(self.bench.toml(name=Path(filename).stem))
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        self.saved = path
        return path


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
        Route("/add", _add, methods=["POST"]), Route("/save", _save, methods=["POST"]),
        Route("/reset", _reset, methods=["POST"]),
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


def _page(wb: Workbench, message: str = "", status: int = 200) -> Response:
    return HTMLResponse(wb.render("page.html", message=message), status_code=status)


async def _index(request: Request) -> Response:
    return _page(_wb(request))


async def _card(request: Request) -> Response:
    """One card's edit: the card again (fetched), or the page at the card (no script)."""
    wb = _wb(request)
    index_ = int(request.path_params["index"])
    if not 0 <= index_ < len(wb.bench.cards):
        return _page(wb, "No such rule.", 404)
    from starlette.concurrency import run_in_threadpool

    edited = await run_in_threadpool(wb.bench.edit, index_, await _form(request))
    if _fetched(request):
        return HTMLResponse(wb.env.get_template("_card.html").render(
            card=edited, i=index_, sections=wb.sections, **_globals(wb)))
    # without the script: the page again, at the card (its messages are in its state)
    return RedirectResponse(f"/#card-{index_}", status_code=303)


async def _add(request: Request) -> Response:
    from starlette.concurrency import run_in_threadpool

    wb = _wb(request)
    data = dict(await _form(request))
    try:
        i = await run_in_threadpool(wb.bench.add, data.get("template", ""))
    except engine.UserError as err:
        return _page(wb, err.format(), 400)
    return RedirectResponse(f"/#card-{i}", status_code=303)


async def _reset(request: Request) -> Response:
    from starlette.concurrency import run_in_threadpool

    wb = _wb(request)
    await run_in_threadpool(wb.bench.reset)
    return RedirectResponse("/", status_code=303)


async def _save(request: Request) -> Response:
    wb = _wb(request)
    data = dict(await _form(request))
    try:
        wb.save(data.get("filename", ""))
    except engine.UserError as err:
        return _page(wb, err.format(), 400)
    return RedirectResponse("/#saved", status_code=303)


async def _study_page(request: Request) -> Response:
    """Start the full study (POST) or show its progress."""
    wb = _wb(request)
    if request.method == "POST":
        if wb.study is None or wb.study.state != "running":
            try:
                path = wb.save(wb.save_name())
            except engine.UserError as err:
                return _page(wb, err.format(), 400)
            name = path_name(wb.bench.base.name)
            out = wb.study_dir / f"{name}-{time.strftime('%Y%m%d-%H%M%S')}"
            wb.study = _study.start(path, out)
        return RedirectResponse("/#study", status_code=303)
    if _fetched(request):
        return HTMLResponse(wb.render("_study.html"))
    return _page(wb)


async def _report(request: Request) -> Response:
    wb = _wb(request)
    if wb.study is None or wb.study.state != "done":
        return _page(wb, "No finished study yet.", 404)
    response = FileResponse(wb.study.report, media_type="text/html")
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


def _globals(wb: Workbench) -> dict[str, Any]:
    b = wb.bench
    return {"bench": b, "city": b.city, "scenario": b.scenario}
