"""The import wizard for a status list of the Công dân học tập platform, chosen in the wizard's
first step (File menu), driven with real widgets on a real database: the preview's columns and
reasons, the import, the done page, and the undo."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop_app.i18n import _, format_int, tr
from desktop_app.services.import_cdht import ALREADY, NO_ONE
from desktop_app.services.imports import MATCH, NEW, REJECTED
from desktop_app.services.workspace import Workspace
from desktop_app.ui.import_wizard import DONE, FILE, ImportWizard
from desktop_app.ui.main_window import MainWindow
from tests.services.test_imports import write_xlsx
from tests.ui.test_import_kinds import choose_file
from tests.ui.test_import_wizard import WAIT, choose, click, idle, walk_to_preview, yes


def test_a_platform_status_list_through_the_wizard(
    qtbot: QtBot,
    people_db: Path,
    make_window: Callable[..., MainWindow],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with Workspace.open(people_db) as ws:
        ids = {p.full_name: p.id for p in ws.people.roster()}
        ws.cdht.set_status(ids["Lê Văn Cường"], "achieved")
    file = write_xlsx(
        tmp_path / "cdht.xlsx",
        [
            ["DANH SÁCH CÔNG DÂN HỌC TẬP"],
            ["Họ và tên", "Ngày sinh", "Trạng thái"],
            ["Trần Thị Bích", "12/05/1990", "Đã tạo tài khoản"],
            ["Nguyễn Văn An", 1960, "Đạt"],
            ["Lê Văn Cường", 1975, "Đã tự đánh giá"],
            ["Không Có Ai", 1950, "Đạt"],
        ],
        merge_title=False,
    )
    window = make_window(people_db)
    ctx = window.ctx
    window.import_action.trigger()
    wizard = window.people_page.import_wizard
    assert isinstance(wizard, ImportWizard) and wizard.step == FILE
    choose(wizard.kind_combo, "cdht")
    wizard.kind_chosen()
    assert wizard.kind == "cdht" and wizard.choose_button.isEnabled()
    assert not wizard.on_match_combo.isVisibleTo(wizard)
    choose_file(qtbot, wizard, file, monkeypatch)
    walk_to_preview(qtbot, ctx, wizard)
    plan = wizard.plan
    assert plan is not None
    assert [r.status for r in plan.rows] == [NEW, NEW, MATCH, REJECTED]
    model = wizard.rows_model
    status = model.headers.index(_("Status on the platform"))
    details = model.headers.index(_("Details"))
    assert model.data(model.index(0, status)) == _("account created")
    assert model.data(model.index(1, details)) == "Nguyễn Văn An: " + _("achieved")
    # The status it already holds, in the user's language.
    assert model.data(model.index(2, details)) == tr(
        ALREADY, name="Lê Văn Cường", status=_("achieved")
    )
    assert "“đạt”" in model.data(model.index(2, details))
    assert tr(NO_ONE) in model.data(model.index(3, details))
    wizard.skip_rejected_check.setChecked(True)
    click(qtbot, wizard.import_button)
    qtbot.waitUntil(lambda: wizard.step == DONE, timeout=WAIT)
    idle(qtbot, ctx)
    assert format_int(2) in wizard.done_label.text()
    with Workspace.open(people_db, read_only=True) as ws:
        assert ws.cdht.status_of(ids["Trần Thị Bích"]).status.value == "account"
    click(qtbot, wizard.undo_button)
    yes(qtbot, wizard.confirm_box, _("Undo the import"))
    qtbot.waitUntil(lambda: wizard.undo_result is not None, timeout=WAIT)
    assert wizard.undo_result.counts["statuses_removed"] == 2
    with Workspace.open(people_db, read_only=True) as ws:
        assert ws.cdht.status_of(ids["Trần Thị Bích"]).status.value == "not_registered"
        assert ws.cdht.status_of(ids["Lê Văn Cường"]).status.value == "achieved"
