"""The lazy people model: correct for Qt's checker, and paged so memory stays flat."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester

from desktop_app.i18n import _
from desktop_app.services import demo
from desktop_app.services.people import PeopleOrder
from desktop_app.services.workspace import Workspace
from desktop_app.ui.people_model import (
    COL_BIRTH,
    COL_HAMLET,
    COL_NAME,
    COL_PHONE,
    COL_SEX,
    HEADERS,
    MAX_CACHED_PAGES,
    PAGE_SIZE,
    PeopleModel,
)

MANY = 3000


@pytest.fixture
def reader(people_db: Path) -> Iterator[Workspace]:
    with Workspace.open(people_db, read_only=True) as ws:
        yield ws


@pytest.fixture(scope="module")
def many_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A few thousand people, made in well under a second by the demo generator."""
    path = tmp_path_factory.mktemp("many") / "many.sqlite3"
    with Workspace.open(path, create=True) as ws:
        demo.create_demo(ws, people=MANY, seed=7)
    return path


@pytest.fixture
def many(many_db: Path) -> Iterator[Workspace]:
    with Workspace.open(many_db, read_only=True) as ws:
        yield ws


def test_model_passes_qt_model_tester(qtmodeltester: ModelTester, reader: Workspace) -> None:
    model = PeopleModel(reader)
    assert model.rowCount() == 5
    for row in range(model.rowCount()):
        model.index(row, COL_NAME).data()  # loaded rows, not only the empty shell
    qtmodeltester.check(model)  # Qt's own QAbstractItemModelTester
    qtmodeltester.check(model, force_py=True)


def test_model_with_a_query_passes_qt_model_tester(
    qtmodeltester: ModelTester, reader: Workspace
) -> None:
    model = PeopleModel(reader)
    model.set_query("thi")
    assert model.rowCount() == 2
    assert {model.index(r, COL_NAME).data() for r in range(2)} == {
        "Trần Thị Bích",
        "Phạm Thị Hoa",
    }
    qtmodeltester.check(model, force_py=True)
    model.set_query("no one by this name")
    assert model.rowCount() == 0
    qtmodeltester.check(model, force_py=True)


def test_headers_are_translated_and_nothing_sensitive_is_listed(reader: Workspace) -> None:
    model = PeopleModel(reader)
    labels = [
        model.headerData(c, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
        for c in range(model.columnCount())
    ]
    assert labels == [_(h) for h in HEADERS]
    assert labels[COL_NAME] != "Full name"  # Vietnamese by default
    assert not {"Ethnicity", "Religion", _("Ethnicity"), _("Religion")} & set(labels)


def test_cells_show_what_a_secretary_expects(reader: Workspace) -> None:
    model = PeopleModel(reader)
    rows = {model.index(r, COL_NAME).data(): r for r in range(model.rowCount())}
    bich = rows["Trần Thị Bích"]
    assert model.index(bich, COL_BIRTH).data() == "12/05/1990"
    assert model.index(bich, COL_SEX).data() == _("Female")
    assert model.index(bich, COL_PHONE).data() == "0912 345 678"
    assert model.index(rows["Lê Văn Cường"], COL_BIRTH).data() == "1975"
    assert model.index(bich, COL_HAMLET).data() in ("Thôn 1", "Thôn 2", "Xóm Đông")


def test_sorting_by_birth_and_hamlet_and_ignoring_other_columns(reader: Workspace) -> None:
    model = PeopleModel(reader)
    model.sort(COL_BIRTH, Qt.SortOrder.AscendingOrder)
    assert model.order is PeopleOrder.BIRTH
    births = [model.index(r, COL_BIRTH).data() for r in range(model.rowCount())]
    assert births[0] == "1960" and births[-1] == "20/11/2001"
    model.sort(COL_BIRTH, Qt.SortOrder.DescendingOrder)
    assert model.index(0, COL_BIRTH).data() == "20/11/2001"
    model.sort(COL_HAMLET, Qt.SortOrder.AscendingOrder)
    assert model.order is PeopleOrder.HAMLET
    hamlets = [model.index(r, COL_HAMLET).data() for r in range(model.rowCount())]
    assert hamlets == sorted(hamlets, key=lambda h: ("Xóm" in h, h))
    model.sort(COL_PHONE, Qt.SortOrder.AscendingOrder)
    assert model.order is PeopleOrder.HAMLET  # phone has no index to page by


def test_a_row_deep_in_the_list_loads_one_page(many: Workspace) -> None:
    model = PeopleModel(many)
    total = model.rowCount()
    assert total >= MANY
    row = total - 17
    name = model.index(row, COL_NAME).data()
    assert model.queries == 1  # one offset page, not everything before it
    expected = many.people.page(offset=row, limit=1)[0].row.full_name
    assert name == expected
    assert model.index(row, 0).data() == f"{row + 1:,}".replace(",", ".")


def test_scrolling_uses_keyset_pages_and_memory_stays_flat(
    many: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = PeopleModel(many)
    calls: list[dict[str, object]] = []
    original = many.people.page

    def spy(**kwargs: object) -> object:
        calls.append(kwargs)
        return original(**kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(many.people, "page", spy)
    names = [model.index(r, COL_NAME).data() for r in range(model.rowCount())]
    assert all(names)
    pages = -(-model.rowCount() // PAGE_SIZE)
    assert len(calls) == pages
    assert calls[0].get("after") is None
    assert all(c.get("after") is not None for c in calls[1:])  # each continues the last
    assert model.cached_pages <= MAX_CACHED_PAGES
    # The keyset pages join up exactly: same rows as one big query, in the same order.
    everyone = [k.row.full_name for k in original(limit=model.rowCount())]
    assert names == everyone


def test_search_and_sort_over_many(many: Workspace) -> None:
    model = PeopleModel(many)
    model.set_query("nguyen")
    count = model.rowCount()
    assert 0 < count < MANY + 10_000
    assert all("Nguyễn" in model.index(r, COL_NAME).data() for r in range(min(count, 300)))
    model.sort(COL_BIRTH, Qt.SortOrder.DescendingOrder)
    assert model.rowCount() == count
    first = model.index(0, COL_BIRTH).data()
    last = model.index(count - 1, COL_BIRTH).data()
    assert first[-4:] >= last[-4:]
