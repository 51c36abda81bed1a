"""The GUI's export of the adults still to register on the Công dân học tập platform: the
confirmation before the sensitive fields, the Save dialog checked like every output, the file
written on the writer thread and the audit row, on a real database."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from desktop_app.i18n import _
from desktop_app.services.workspace import Workspace
from desktop_app.ui import preview
from desktop_app.ui.cdht_export import start_cdht_export
from desktop_app.ui.context import AppContext
from tests.ui.test_import_wizard import WAIT, idle, yes


def _with_ethnicity(db: Path) -> None:
    with Workspace.open(db) as ws:
        for p in ws.people.roster():
            data = ws.people.get(p.id).to_input()
            ws.people.update(p.id, dataclasses.replace(data, ethnicity="Kinh"))


def _details(db: Path) -> list[str]:
    with Workspace.open(db, read_only=True) as ws:
        rows = ws.db.conn.execute(
            "SELECT detail FROM audit WHERE action = 'cdht.export' ORDER BY rowid"
        ).fetchall()
    return [str(r[0]) for r in rows]


@pytest.mark.parametrize("sensitive", [False, True])
def test_the_export_asks_before_the_sensitive_fields(
    qtbot: QtBot,
    people_db: Path,
    open_context: Callable[[Path], AppContext],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    sensitive: bool,
) -> None:
    _with_ethnicity(people_db)
    ctx = open_context(people_db)
    out = tmp_path / "cdht.xlsx"
    monkeypatch.setattr(preview, "ask_save_path", lambda *_a: out)
    written: list[tuple[Path, int]] = []
    box = start_cdht_export(
        ctx, None, include_sensitive=sensitive, on_done=lambda p, n: written.append((p, n))
    )
    if sensitive:
        assert isinstance(box, QMessageBox) and "dữ liệu cá nhân nhạy cảm" in box.text()
        assert not out.exists()
        yes(qtbot, box, _("Include ethnicity and religion"))
    else:
        assert box is None
    qtbot.waitUntil(lambda: bool(written), timeout=WAIT)
    idle(qtbot, ctx)
    # The five people of the fixture are adults with no account.
    assert written == [(out.resolve(), 5)]
    sheet = openpyxl.load_workbook(out).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][4:6] == ("Dân tộc", "Tôn giáo") and len(rows) == 6
    assert {r[4] for r in rows[1:]} == ({"Kinh"} if sensitive else {None})
    assert _details(people_db) == [
        f"rows=5 sensitive={'yes' if sensitive else 'no'} file=cdht.xlsx"
    ]


def test_cancelling_the_confirmation_writes_nothing(
    qtbot: QtBot,
    people_db: Path,
    open_context: Callable[[Path], AppContext],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ctx = open_context(people_db)
    asked: list[object] = []
    monkeypatch.setattr(preview, "ask_save_path", lambda *a: asked.append(a))
    box = start_cdht_export(ctx, None, include_sensitive=True)
    assert isinstance(box, QMessageBox)
    box.reject()
    idle(qtbot, ctx)
    assert asked == [] and _details(people_db) == []
