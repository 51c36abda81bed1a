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


@pytest.fixture
def english() -> Iterator[None]:
    """The messages in English for one test (`pytestmark = pytest.mark.usefixtures("english")`
    for a whole file), the language before it put back after."""
    from desktop_app.i18n import current_language, set_language

    was = current_language()
    set_language("en")
    yield
    set_language(was)


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


OldInKind = Callable[..., object]


@pytest.fixture
def old_in_kind() -> OldInKind:
    """`old_in_kind(ws, fund_id, day, amount, party, in_kind)`: a gift in kind recorded the
    way the app did before gifts in kind had their own book: a cash receipt (PT book, counted
    in the cash balance), appended to the sealed chain like any entry."""
    import datetime as dt

    from desktop_app.core.fund import Book, EntryKind
    from desktop_app.storage import fund as repo

    def record(
        ws: Workspace, fund_id: str, day: dt.date, amount: int, party: str, in_kind: str
    ) -> repo.EntryRow:
        fund = ws.fund.get(fund_id)
        key = ws.fund._keys.require().seal
        with ws.ops.op("ledger.record") as op:
            row = repo.append_entry(
                op.tx,
                fund,
                repo.NewEntry(
                    book=Book.RECEIPT, year=day.year,
                    number=repo.next_number(ws.db, fund_id, Book.RECEIPT, day.year),
                    entry_date=day, kind=EntryKind.DONATION_IN_KIND, amount=amount,
                    effect=amount, in_kind=in_kind, party_name=party,
                    reason="Ủng hộ Quỹ Khuyến học",
                ),
                key,
                ws.fund._checked_seal(fund, key),
            )  # fmt: skip
        return row

    return record
