"""The Learning models section's Công nhận tab and the recognised series of Tiến độ, with real
widgets on a real database: the proposals are the saved passed assessments; two of three
ticked are recognised by one decision (numbers 1/Y and 2/Y), the lists follow; a decision
without its number is refused in the view with nothing written; the Giấy công nhận print one
page each with a preview, counted in the register and the audit; a recognition is revoked
with its reason; the chart's recognised figures are those of `ws.models.status`, and the
target set in its dialog (75 %) moves the chart's target line; read-only disables writing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from desktop_app.core.learning_models import ItemValue
from desktop_app.core.people import HamletKind, PersonInput, Sex
from desktop_app.i18n import _, format_percent, tr
from desktop_app.services.workspace import Workspace
from desktop_app.ui import preview as preview_module
from desktop_app.ui.charts import rate_text
from desktop_app.ui.context import AppContext
from desktop_app.ui.learning_models_page import LearningModelsPage
from desktop_app.ui.model_progress import ProgressView, TargetDialog
from desktop_app.ui.model_recognition import NO_NUMBER, RecognitionView, RevokeDialog
from desktop_app.ui.widgets import ERROR_STYLE
from tests.documents.test_roster import page_count, text_of
from tests.ui.test_import_wizard import WAIT, click, idle, yes

YEAR = dt.date.today().year
ON = dt.date(YEAR, 1, 1)
WHY = "đã xác minh tại hộ"
# The hand values that make a family pass with 90 points (Tốt), as the service tests do.
PASSING = {code: ItemValue(10, reason=WHY) for code in ("1.2", "1.3", "2.3", "3.1", "4.1", "4.2")}
PASSING |= {"1.1": ItemValue(100, reason=WHY), "2.2": ItemValue(100, reason=WHY)}


def household(ws: Workspace, hamlet: str, head: str, sex: Sex = Sex.MALE) -> str:
    pid = ws.people.add(PersonInput(full_name=head, sex=sex, birth="1975", hamlet_id=hamlet))
    return ws.households.create(pid.value).value


@pytest.fixture
def db(tmp_path: Path) -> dict[str, str]:
    """Thôn 1: An (passed), Cường (failed); Thôn 2: Bình and Dũng (passed), Em (not
    registered)."""
    path = tmp_path / "centre.sqlite3"
    with Workspace.open(path, create=True) as ws:
        one = ws.centre.add_hamlet("Thôn 1", HamletKind.THON).value
        two = ws.centre.add_hamlet("Thôn 2", HamletKind.THON).value
        out = {
            "an": household(ws, one, "Nguyễn Văn An"),
            "binh": household(ws, two, "Trần Thị Bình", Sex.FEMALE),
            "dung": household(ws, two, "Phạm Văn Dũng"),
            "cuong": household(ws, one, "Lê Văn Cường"),
            "em": household(ws, two, "Hoàng Văn Em"),
        }
        for key in ("an", "binh", "dung"):
            ws.assessments.save_assessment("family", YEAR, out[key], PASSING, register=True, on=ON)
        ws.assessments.save_assessment("family", YEAR, out["cuong"], register=True, on=ON)
    return {"path": str(path), **out}


def recognition_on(qtbot: QtBot, ctx: AppContext) -> tuple[LearningModelsPage, RecognitionView]:
    page = LearningModelsPage(ctx)
    qtbot.addWidget(page)
    page.resize(1200, 760)
    page.show()
    tab = page.show_model("family")
    tab.show_view(tab.recognition)
    idle(qtbot, ctx)
    return page, tab.recognition


def counts(path: str) -> tuple[int, int]:
    with Workspace.open(Path(path), read_only=True) as ws:
        conn = ws.db.conn
        return (
            int(conn.execute("SELECT count(*) FROM model_decision").fetchone()[0]),
            int(conn.execute("SELECT count(*) FROM model_recognition").fetchone()[0]),
        )


def press_ok(qtbot: QtBot, dialog: object) -> None:
    buttons = dialog.findChild(QDialogButtonBox)  # type: ignore[attr-defined]
    assert buttons is not None
    click(qtbot, buttons.button(QDialogButtonBox.StandardButton.Ok))


def test_two_of_three_proposed_are_recognised_printed_and_one_revoked(
    qtbot: QtBot,
    db: dict[str, str],
    open_context: Callable[[Path], AppContext],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    shown: list[Path] = []
    monkeypatch.setattr(
        preview_module, "preview_pdf", lambda _parent, path, *_a, **_k: shown.append(Path(path))
    )
    ctx = open_context(Path(db["path"]))
    page, view = recognition_on(qtbot, ctx)
    tab = page.current
    assert [tab.inner.tabText(i) for i in range(tab.inner.count())] == [
        _("Registration"), _("Self-assessment"), _("Recognition"), _("Progress"),
    ]  # fmt: skip
    # The proposals: the three passed, by hamlet and name, all ticked; the failed one is not.
    model = view.proposals_model
    assert [(p.name, p.hamlet, p.level) for p in model.rows] == [
        ("Nguyễn Văn An", "Thôn 1", "Tốt"),
        ("Phạm Văn Dũng", "Thôn 2", "Tốt"),
        ("Trần Thị Bình", "Thôn 2", "Tốt"),
    ]
    assert model.data(model.index(0, 3)) == "90"
    assert model.ticked() == [db["an"], db["dung"], db["binh"]]
    assert view.ticked_label.text() == tr("{ticked} of {count} chosen", ticked="3", count="3")
    # No decision yet: printing is disabled and says why.
    assert not view.print_button.isEnabled()
    assert view.print_button.toolTip() == _(
        "No decision is recorded yet: enter the commune's decision number and date and "
        "recognise those proposed first."
    )
    # Select none, then all; then untick Dũng with his check box.
    click(qtbot, view.none_button)
    assert model.ticked() == [] and not view.recognise_button.isEnabled()
    click(qtbot, view.all_button)
    assert len(model.ticked()) == 3
    assert model.setData(model.index(1, 0), Qt.CheckState.Unchecked, Qt.ItemDataRole.CheckStateRole)
    assert model.ticked() == [db["an"], db["binh"]]

    # Without the decision's number: refused in the view, nothing asked nor written.
    view.signer_edit.setText("Nguyễn Văn Chủ")
    click(qtbot, view.recognise_button)
    assert view.message.text() == tr(NO_NUMBER, year=YEAR)
    assert view.message.styleSheet() == ERROR_STYLE
    assert view.confirm_box is None and counts(db["path"]) == (0, 0)
    # "Quyết định số" with no number after it: the service refuses it, said in red.
    view.message.clear()
    view.number_edit.setText("Quyết định số")
    click(qtbot, view.recognise_button)
    yes(qtbot, view.confirm_box, _("Recognise"))
    view.confirm_box = None
    qtbot.waitUntil(lambda: view.message.text() == tr(NO_NUMBER, year=YEAR), timeout=WAIT)
    idle(qtbot, ctx)
    assert view.message.styleSheet() == ERROR_STYLE and view.last_result is None
    assert counts(db["path"]) == (0, 0) and len(model.rows) == 3

    # With it: a confirmation naming how many and the decision, then one operation.
    view.number_edit.setText("45/QĐ-UBND")
    click(qtbot, view.recognise_button)
    today = dt.date.today()
    assert view.confirm_box is not None
    text = view.confirm_box.text()  # type: ignore[attr-defined]
    assert "45/QĐ-UBND" in text and f"{today:%d/%m/%Y}" in text and " 2 " in text
    yes(qtbot, view.confirm_box, _("Recognise"))
    qtbot.waitUntil(lambda: view.last_result is not None, timeout=WAIT)
    idle(qtbot, ctx)
    assert view.last_result is not None
    assert view.last_result.serials == (f"1/{today.year}", f"2/{today.year}")
    assert view.message.text() == tr(
        "{count} recognised by decision {number}: numbers {first} to {last} in the register.",
        count="2", number="45/QĐ-UBND", first=f"1/{today.year}", last=f"2/{today.year}",
    )  # fmt: skip
    # The lists follow: Dũng is still proposed, still unticked; the two are in the register.
    assert [p.name for p in model.rows] == ["Phạm Văn Dũng"] and model.ticked() == []
    assert not view.recognise_button.isEnabled()
    rows = [view.recognised_model.cells(n) for n in range(view.recognised_model.rowCount())]
    assert [r[:6] for r in rows] == [
        (f"1/{today.year}", "Gia đình ông Nguyễn Văn An", "Thôn 1", "Tốt", "45/QĐ-UBND",
         f"{today:%d/%m/%Y}"),
        (f"2/{today.year}", "Gia đình bà Trần Thị Bình", "Thôn 2", "Tốt", "45/QĐ-UBND",
         f"{today:%d/%m/%Y}"),
    ]  # fmt: skip
    assert [r[6:] for r in rows] == [("0", ""), ("0", "")]
    (decision,) = view.decisions_model.rows
    assert (decision.number, decision.decided_on, decision.issued_by) == (
        "45/QĐ-UBND", today, "commune",
    )  # fmt: skip
    assert (decision.signer_name, decision.recognised) == ("Nguyễn Văn Chủ", 2)
    assert counts(db["path"]) == (1, 2)

    # Print: one page per recognised, previewed, the print counted and in the audit.
    assert view.print_button.isEnabled()
    click(qtbot, view.print_button)
    qtbot.waitUntil(lambda: len(shown) == 1, timeout=WAIT)
    idle(qtbot, ctx)
    pdf = shown[0]
    assert page_count(pdf) == 2
    printed = text_of(pdf, layout=True)
    assert "GIẤY CÔNG NHẬN" in printed and "Nguyễn Văn An" in printed
    assert "Trần Thị Bình" in printed and "45/QĐ-UBND" in printed
    qtbot.waitUntil(
        lambda: [r.print_count for r in view.recognised_model.rows] == [1, 1], timeout=WAIT
    )
    with Workspace.open(Path(db["path"]), read_only=True) as ws:
        audit = ws.db.conn.execute(
            "SELECT detail FROM audit WHERE action = 'model.recognition.print'"
            " AND entity = 'model_recognition' AND record_id = ?",
            (f"family/{YEAR}",),
        ).fetchall()
        assert [r[0] for r in audit] == [f"pages=2 serials=1/{today.year},2/{today.year}"]

    # Revoke Bình's: the reason is required, then kept.
    view.recognised_table.selectRow(1)
    assert view.revoke_button.isEnabled()
    click(qtbot, view.revoke_button)
    dialog = view.dialog
    assert isinstance(dialog, RevokeDialog)
    press_ok(qtbot, dialog)
    qtbot.waitUntil(lambda: bool(dialog.message.text()), timeout=WAIT)
    assert dialog.message.text() == _(
        "Say why the recognition is revoked; the reason is kept in the register."
    )
    assert not dialog.revoked
    dialog.reason_edit.setText("Ghi nhầm hộ")
    press_ok(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.revoked, timeout=WAIT)
    qtbot.waitUntil(lambda: bool(view.recognised_model.rows[1].revoked_at), timeout=WAIT)
    idle(qtbot, ctx)
    assert view.recognised_model.cells(1)[7] == tr("Revoked: {reason}", reason="Ghi nhầm hộ")
    assert view.decisions_model.rows[0].recognised == 1
    view.recognised_table.selectRow(1)
    assert not view.revoke_button.isEnabled()  # already revoked
    with Workspace.open(Path(db["path"]), read_only=True) as ws:
        live = ws.recognitions.recognised("family", YEAR, with_revoked=False)
        assert [r.name for r in live] == ["Gia đình ông Nguyễn Văn An"]
        status = ws.models.status(YEAR)["family"]
    assert status.recognised == 1

    # The progress chart: the recognised series, the figures of the status.
    tab.show_view(tab.progress)
    idle(qtbot, ctx)
    progress = tab.progress
    by_name = {r.label: r for r in progress.chart.rows}
    assert [s.key for s in progress.chart.series] == ["registered", "passed", "recognised"]
    for name, count in status.by_hamlet.items():
        assert by_name[name].rates["recognised"] == count.recognised / count.eligible
    assert by_name["Thôn 1"].rates["recognised"] == 1 / 2
    assert by_name["Thôn 2"].rates["recognised"] == 0
    assert by_name[_("Whole commune")].rates["recognised"] == 1 / 5
    cells = progress.table_model.cells(progress.table_model.rowCount() - 1)
    assert cells[-2:] == ("1", format_percent(20.0))
    assert f"{_('Recognised')} {format_percent(20.0)}" in progress.chart.accessibleDescription()


def test_the_target_dialog_moves_the_chart_target_line(
    qtbot: QtBot, db: dict[str, str], open_context: Callable[[Path], AppContext]
) -> None:
    ctx = open_context(Path(db["path"]))
    page = LearningModelsPage(ctx)
    qtbot.addWidget(page)
    page.show()
    tab = page.show_model("family")
    tab.show_view(tab.progress)
    idle(qtbot, ctx)
    view: ProgressView = tab.progress
    assert view.chart.target == 0.7
    assert view.target is not None and not view.target.custom
    assert view.target_label.text() == tr(
        "Target: {target} recognised, from the plans ({source}).",
        target=rate_text(0.7), source=view.target.source,
    )  # fmt: skip
    assert view.target.source  # the plan's citation
    # Out of range: refused in the dialog, nothing kept.
    click(qtbot, view.target_button)
    dialog = view.dialog
    assert isinstance(dialog, TargetDialog)
    assert dialog.percent_edit.text() == "70"
    dialog.percent_edit.setText("120")
    press_ok(qtbot, dialog)
    qtbot.waitUntil(lambda: bool(dialog.message.text()), timeout=WAIT)
    assert dialog.message.text() == tr(
        "A target is a percentage from 0 to 100, not {value}.", value="120"
    )
    dialog.percent_edit.setText("75")
    press_ok(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.saved is not None, timeout=WAIT)
    qtbot.waitUntil(lambda: view.chart.target == 0.75, timeout=WAIT)
    idle(qtbot, ctx)
    assert view.status is not None and view.status.target_rate == 0.75
    assert view.target is not None and view.target.custom
    assert rate_text(0.75) in view.target_label.text()
    assert f"{_('Target')}: {rate_text(0.75)}" in view.chart.accessibleDescription()
    assert rate_text(0.75) in view.summary.text()
    # The registration tab of the model says the new target too.
    tab.show_view(tab.registrations)
    idle(qtbot, ctx)
    assert tab.registrations.status is not None
    assert tab.registrations.status.target_rate == 0.75
    with Workspace.open(Path(db["path"]), read_only=True) as ws:
        assert ws.models.targets(YEAR)["family"].rate == 0.75
    # Back to the plans' target.
    tab.show_view(tab.progress)
    idle(qtbot, ctx)
    click(qtbot, view.target_button)
    again = view.dialog
    assert isinstance(again, TargetDialog) and again.plan_button.isEnabled()
    click(qtbot, again.plan_button)
    qtbot.waitUntil(lambda: view.chart.target == 0.7, timeout=WAIT)
    idle(qtbot, ctx)
    assert view.target is not None and not view.target.custom
    with Workspace.open(Path(db["path"]), read_only=True) as ws:
        assert ws.models.targets(YEAR)["family"].rate == 0.7


def test_read_only_disables_the_writing_buttons(
    qtbot: QtBot, db: dict[str, str], open_context: Callable[..., AppContext]
) -> None:
    with Workspace.open(Path(db["path"])) as ws:
        ws.recognitions.recognise("family", YEAR, "45/QĐ-UBND", dt.date.today(), [db["an"]])
    ctx = open_context(Path(db["path"]), read_only=True)
    assert ctx.read_only
    page, view = recognition_on(qtbot, ctx)
    assert len(view.proposals_model.rows) == 2
    assert not view.recognise_button.isEnabled() and not view.number_edit.isEnabled()
    view.recognised_table.selectRow(0)
    assert view.selected() is not None and not view.revoke_button.isEnabled()
    assert view.print_button.isEnabled()  # printing writes nothing of the database
    tab = page.current
    tab.show_view(tab.progress)
    idle(qtbot, ctx)
    assert not tab.progress.target_button.isEnabled()
    page.close()
