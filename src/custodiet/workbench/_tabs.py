"""Each browser tab's own workbench: its cards, the file it saved and its study, under a tab
id the server draws (carried in the page's addresses as ``?s=ID``; the page's script keeps it
in the tab's sessionStorage). Two tabs never see each other's edits: a browser tab duplicated
(its address and sessionStorage copied) finds the tab it copies alive and asks for a copy of
its rules under an id of its own.

The number of tabs held is bounded (the least recently used is dropped), as is each tab's
number of rules, so a client opening tabs or adding rules cannot grow the server's memory
without bound."""

from __future__ import annotations

import os
import re
import secrets
import tempfile
import threading
from collections import OrderedDict
from pathlib import Path

from custodiet.store import PATH_NAME_RULE, is_path_name, path_name, printable
from custodiet.workbench import _engine as engine
from custodiet.workbench import _study
from custodiet.workbench._bench import Bench

#: Tabs held at once; opening one more drops the tab used least recently (assumption: one
#: person's browser rarely holds more workbench tabs than this).
MAX_TABS: int = 32
#: Rules one tab may hold (the built-in scenarios have at most a dozen).
MAX_CARDS: int = 40
_ID = re.compile(r"[A-Za-z0-9_-]{16,32}")


class Tab:
    """One tab's state: its bench (a fork of the workbench's answered bench), the file it last
    saved (the only file its Save may replace) and its study."""

    def __init__(self, tab_id: str, bench: Bench, save_dir: Path):
        self.id = tab_id
        self.bench = bench
        self.save_dir = save_dir
        self.saved: Path | None = None
        self.study: _study.StudyRun | None = None
        self.lost = False  # opened in place of a tab the workbench no longer held
        self.shown = False  # its page has been shown once

    def save_name(self) -> str:
        """The suggested file name: ``workbench-NAME.toml``, or ``-2``, ``-3`` … when a file
        of that name exists that this tab did not save."""
        stem = f"workbench-{path_name(self.bench.base.name)}"[:75]
        for k in range(1, 1000):
            name = f"{stem}.toml" if k == 1 else f"{stem}-{k}.toml"
            if self.may_replace(self.save_dir / name):
                return name
        raise engine.UserError("a thousand saved files already; choose a name",
                               field="filename")

    def may_replace(self, path: Path) -> bool:
        """Save's "may I replace this?": nothing there, or the file this tab saved."""
        return not os.path.lexists(path) or (self.saved is not None and path == self.saved
                                             and path.is_file() and not path.is_symlink())

    def save(self, filename: str) -> Path:
        """Write the tab's rules as ``filename`` in the save folder: a path name ending in
        .toml, never replacing a file this tab did not save, written through a fresh temporary
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


class Tabs:
    """The tabs held, least recently used first; each new tab starts from ``origin`` (answered
    once, never edited)."""

    def __init__(self, origin: Bench, save_dir: Path, *, limit: int = MAX_TABS):
        self.origin = origin
        self.save_dir = save_dir
        self.limit = limit
        self._tabs: OrderedDict[str, Tab] = OrderedDict()
        self._lock = threading.Lock()
        self.last_study: _study.StudyRun | None = None

    def __len__(self) -> int:
        return len(self._tabs)

    def new(self, like: Tab | None = None) -> Tab:
        """A fresh tab at the scenario's own rules, or at a copy of the rules of tab ``like``
        (a browser tab duplicated: not its saved file nor its study); the oldest tab is
        dropped when full."""
        bench = (like.bench if like is not None else self.origin).fork(limit=MAX_CARDS)
        tab = Tab(secrets.token_urlsafe(16), bench, self.save_dir)
        with self._lock:
            self._tabs[tab.id] = tab
            while len(self._tabs) > self.limit:
                self._tabs.popitem(last=False)
        return tab

    def get(self, tab_id: str | None) -> Tab | None:
        """The tab of ``tab_id`` (now the most recently used), or None when not held."""
        if not tab_id or not _ID.fullmatch(tab_id):
            return None
        with self._lock:
            tab = self._tabs.get(tab_id)
            if tab is not None:
                self._tabs.move_to_end(tab_id)
            return tab

    def reset(self, tab: Tab) -> None:
        """Start the tab again from the scenario's own rules (its saved file and study kept)."""
        tab.bench = self.origin.fork(limit=MAX_CARDS)

    def start_study(self, tab: Tab, out: Path) -> None:
        """Save the tab's rules and run the full study on them into ``out``, unless a study
        (of any tab: each is a full ``custodiet run``) is running."""
        if self.running() is not None:
            raise engine.UserError("a study is running already (perhaps from another tab); "
                                   "start this one when it has finished", field="study")
        path = tab.save(tab.save_name())
        tab.study = self.last_study = _study.start(path, out)

    def running(self) -> _study.StudyRun | None:
        """The study running now, whichever tab started it (the workbench ends it when it
        stops, even when its tab is no longer held)."""
        run = self.last_study
        return run if run is not None and run.state == "running" else None
