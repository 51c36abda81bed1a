"""Fixtures for the Classes GUI: a centre with people and classes, a context, the page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest
from pytestqt.qtbot import QtBot

from desktop_app.core.courses import CourseInput, CourseStatus
from desktop_app.core.people import HamletKind, PersonInput, Sex
from desktop_app.services.ops import OpResult
from desktop_app.services.workspace import Workspace
from desktop_app.ui import preview
from desktop_app.ui.classes import ClassesPage
from desktop_app.ui.classes.course_view import CourseView
from desktop_app.ui.context import AppContext

T = TypeVar("T")

START = dt.date(2026, 3, 2)
PEOPLE = (
    ("Nguyễn Văn Đặng", Sex.MALE, "1970"),
    ("Trần Thị Bích", Sex.FEMALE, "12/05/1990"),
    ("Lê Văn Cường", Sex.MALE, "1975"),
    ("Phạm Thị Hoa", Sex.FEMALE, "03/02/1988"),
    ("Hoàng Minh Đức", Sex.MALE, "20/11/2001"),
    ("Nguyễn Thị Hoa", Sex.FEMALE, "1962"),
    ("Nguyễn Thị Hoa", Sex.FEMALE, "1980"),
)
TITLE = "Kỹ thuật trồng lúa"
EMPTY_TITLE = "Pháp luật đất đai"


def make_course(
    ws: Workspace, title: str, sessions: int, code: str = "cd_nong_nghiep", **kw: object
) -> str:
    data = CourseInput(type_code=code, title=title, start=START, status=CourseStatus.RUNNING, **kw)  # type: ignore[arg-type]
    days = [START + dt.timedelta(days=7 * i) for i in range(sessions)]
    return ws.courses.create(data, days).value


@pytest.fixture
def class_db(tmp_path: Path) -> Path:
    """Three hamlets, seven people (two namesakes), a class of 4 sessions with three people
    enrolled and nothing ticked, and a second, empty class."""
    path = tmp_path / "centre.sqlite3"
    with Workspace.open(path, create=True) as ws:
        for name in ("Thôn 1", "Thôn 2", "Xóm Đông"):
            ws.centre.add_hamlet(name, HamletKind.THON)
        hamlets = [h.id for h in ws.centre.hamlets()]
        ids = []
        for i, (name, sex, birth) in enumerate(PEOPLE):
            change = ws.people.add(
                PersonInput(full_name=name, sex=sex, birth=birth, hamlet_id=hamlets[i % 3]),
                confirmed_different=True,
            )
            ids.append(change.value)
        cid = make_course(ws, TITLE, 4)
        ws.courses.enrol(cid, ids[1:4])
        make_course(ws, EMPTY_TITLE, 2, code="cd_phap_luat")
    return path


@pytest.fixture
def ctx(class_db: Path, open_context: Callable[[Path], AppContext]) -> AppContext:
    return open_context(class_db)


@pytest.fixture
def docs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Documents go to a folder the test can look into."""
    folder = tmp_path / "docs"
    folder.mkdir()
    counter = iter(range(1_000_000))

    def temp_path(name: str) -> Path:
        sub = folder / str(next(counter))
        sub.mkdir()
        return sub / preview.safe_file_name(name)

    for module in ("desktop_app.ui.classes.printing", "desktop_app.ui.classes.register"):
        monkeypatch.setattr(f"{module}.temp_document_path", temp_path)
    return folder


@pytest.fixture
def page(qtbot: QtBot, ctx: AppContext) -> ClassesPage:
    widget = ClassesPage(ctx)
    qtbot.addWidget(widget)
    widget.resize(1000, 700)
    widget.show()
    qtbot.waitExposed(widget)
    qtbot.waitUntil(lambda: not widget.loading, timeout=5000)
    return widget


def course_id(ctx: AppContext, title: str) -> str:
    return next(c.id for c in ctx.reader.courses.find() if c.title == title)


def open_class(qtbot: QtBot, page: ClassesPage, cid: str, tab: int | None = None) -> CourseView:
    """Open a class's page and wait until its query has filled it."""
    view = page.open_course(cid, tab)
    qtbot.waitUntil(lambda: view.snapshot is not None and not view.loading, timeout=5000)
    return view


def write(qtbot: QtBot, ctx: AppContext, fn: Callable[[Workspace], OpResult[T]]) -> T:
    """Run an op as the app does (its news reaches every page) and wait for its value."""
    values: list[T] = []
    ctx.op(fn, values.append)
    qtbot.waitUntil(lambda: bool(values), timeout=10000)
    return values[0]
