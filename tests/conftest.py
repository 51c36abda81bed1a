"""Shared fixtures. Qt must run offscreen, so the platform is set before anything imports Qt."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from desktop_app.core.people import HamletKind, PersonInput, Sex
from desktop_app.services.workspace import Workspace

HAMLETS = ("Thôn 1", "Thôn 2", "Xóm Đông")
PEOPLE = (
    PersonInput("Trần Thị Bích", Sex.FEMALE, "12/05/1990", phone="0912345678"),
    PersonInput("Lê Văn Cường", Sex.MALE, "1975", phone="0987654321"),
    PersonInput("Phạm Thị Hoa", Sex.FEMALE, "03/02/1988"),
    PersonInput("Nguyễn Văn An", Sex.MALE, "1960"),
    PersonInput("Hoàng Minh Đức", Sex.MALE, "20/11/2001", phone="0355123456"),
)


def _pyside_drops_references() -> bool:
    """PySide6 6.12 on Python 3.11 (where None, True and False are not yet immortal) drops a
    reference to None on every call into Qt that returns nothing, and to True/False in some
    calls back into Python: a long run of GUI tests then dies at exit with "Fatal Python
    error: none_dealloc/bool_dealloc" after every test passed."""
    import sys

    if sys.version_info >= (3, 12):
        return False
    try:
        from importlib.metadata import version

        major, minor = (int(part) for part in version("shiboken6").split(".")[:2])
    except Exception:
        return False
    return (major, minor) >= (6, 12)


if _pyside_drops_references():
    # Spare references that are never given back (not even when the interpreter finalizes,
    # which is when the dropped ones show), so that the whole suite outlives the leak. The
    # app itself needs a PySide6 without it: see the report of issue 9, part 12.
    import ctypes

    for _singleton in (None, True, False):
        ctypes.c_ssize_t.from_address(id(_singleton)).value += 1 << 30


@pytest.fixture(autouse=True, scope="session")
def key_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One key folder for the whole run, set before any fixture (a module's demo database
    too) makes a key: a database and its key file always meet. Site ids never repeat, so
    tests do not share keys; a test of a PC without the key sets its own empty folder."""
    folder = tmp_path_factory.mktemp("keys")
    old = os.environ.get("TTHTCD_KEY_DIR")
    os.environ["TTHTCD_KEY_DIR"] = str(folder)
    yield folder
    if old is None:
        os.environ.pop("TTHTCD_KEY_DIR", None)
    else:
        os.environ["TTHTCD_KEY_DIR"] = old


@pytest.fixture(autouse=True)
def bug_log_folder(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch, key_folder: Path
) -> Path:
    """Bugs met by a test are logged in a temporary folder, never in the user's own."""
    folder = tmp_path_factory.mktemp("logs")
    monkeypatch.setenv("TTHTCD_LOG_DIR", str(folder))
    # Keys and backups too: a test never reads or writes the user's own.
    monkeypatch.setenv("TTHTCD_KEY_DIR", str(key_folder))
    monkeypatch.setenv("TTHTCD_BACKUP_DIR", str(tmp_path_factory.mktemp("backups")))
    return folder


DemoTemplate = Callable[..., Path]


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory, key_folder: Path) -> DemoTemplate:
    """`demo_template(people, seed, courses=None)`: a demo database made once per run for each
    size and seed. Never write to it: take a copy with `demo_copy`."""
    from desktop_app.services.demo import create_demo_database

    made: dict[tuple[int, int, int | None], Path] = {}

    def template(people: int, seed: int, courses: int | None = None) -> Path:
        key = (people, seed, courses)
        if key not in made:
            path = tmp_path_factory.mktemp("demo") / f"demo-{people}-{seed}.sqlite3"
            create_demo_database(path, people=people, seed=seed, courses=courses)
            assert not Path(f"{path}-wal").exists()  # checkpointed and closed: one file
            made[key] = path
        return made[key]

    return template


@pytest.fixture
def demo_copy(demo_template: DemoTemplate, tmp_path: Path) -> DemoTemplate:
    """`demo_copy(people, seed, courses=None, name=...)`: this test's own copy of a demo."""

    def copy(
        people: int, seed: int, courses: int | None = None, name: str = "centre.sqlite3"
    ) -> Path:
        path = tmp_path / name
        shutil.copyfile(demo_template(people, seed, courses), path)
        return path

    return copy


@pytest.fixture
def people_db(tmp_path: Path) -> Path:
    """A closed database file with three hamlets and five people, made through services."""
    path = tmp_path / "centre.sqlite3"
    with Workspace.open(path, create=True) as ws:
        for name in HAMLETS:
            ws.centre.add_hamlet(name, HamletKind.THON)
        hamlet_ids = [h.id for h in ws.centre.hamlets()]
        for i, person in enumerate(PEOPLE):
            ws.people.add(
                PersonInput(
                    full_name=person.full_name,
                    sex=person.sex,
                    birth=person.birth,
                    phone=person.phone,
                    hamlet_id=hamlet_ids[i % len(hamlet_ids)],
                )
            )
    return path
