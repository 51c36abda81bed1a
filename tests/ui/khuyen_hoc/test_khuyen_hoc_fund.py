"""The fund page as the treasurer uses it: type a receipt, get refused, void, print, check."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from desktop_app.core.fund import Book, EntryInput, EntryKind
from desktop_app.i18n import _, format_int, tr
from desktop_app.services.fund import LedgerFilter
from desktop_app.services.workspace import Workspace
from desktop_app.ui import preview as preview_module
from desktop_app.ui.context import AppContext
from desktop_app.ui.khuyen_hoc.entry_form import EntryForm
from desktop_app.ui.khuyen_hoc.fund_dialogs import GoodsIssueDialog, VoidDialog
from desktop_app.ui.khuyen_hoc.fund_page import FundPage
from desktop_app.ui.khuyen_hoc.models import L_IN, L_MARK, L_NUMBER

TypeText = Callable[[QWidget, str], None]
YEAR = dt.date.today().year
TODAY = dt.date.today()


@pytest.fixture
def page(ctx: AppContext, qtbot: QtBot) -> FundPage:
    page = FundPage(ctx)
    qtbot.addWidget(page)
    page.resize(1100, 700)
    page.show()
    qtbot.waitExposed(page)
    settle(qtbot, page)
    return page


def settle(qtbot: QtBot, page: FundPage) -> None:
    """Wait until the page shows the answers of every read it asked for."""
    qtbot.waitUntil(lambda: not page.busy, timeout=5000)


def reload(qtbot: QtBot, page: FundPage) -> None:
    page.reload()
    settle(qtbot, page)


def entries(ctx: AppContext) -> list:
    return ctx.reader.fund.entries(LedgerFilter(fund_id=ctx.reader.fund.funds()[0].id))


def numbers(page: FundPage) -> list[str]:
    return [page.model.index(r, L_NUMBER).data() for r in range(page.model.rowCount())]


def open_form(qtbot: QtBot, page: FundPage, book: Book) -> EntryForm:
    button = page.receipt_button if book is Book.RECEIPT else page.payment_button
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    form = page.dialog
    assert isinstance(form, EntryForm)
    qtbot.waitExposed(form)
    return form


def record(ctx: AppContext, kind: EntryKind, amount: int, day: dt.date = TODAY) -> None:
    fund_id = ctx.reader.fund.funds()[0].id
    with Workspace.open(ctx.path) as ws:
        ws.fund.record(EntryInput(fund_id, kind, day, amount, "Ông Lê Văn Cường", reason="Ủng hộ"))


@pytest.mark.parametrize("book", [Book.RECEIPT, Book.PAYMENT])
def test_the_amount_in_words_is_shown_whole_not_clipped(
    qtbot: QtBot, page: FundPage, type_text: TypeText, book: Book
) -> None:
    """A treasurer reads the words against the figure: the whole amount, every line visible,
    in the receipt and the payment form, at the form's width and at its narrowest, and with
    a larger font."""
    from desktop_app.core.money import amount_in_words

    form = open_form(qtbot, page, book)
    words = form.words

    def fits() -> bool:
        return words.height() >= words.heightForWidth(words.width())

    for amount in (1_250_000, 72_000, 999_999_999_999_999, 100_000_000_000_001):
        form.amount.clear()
        type_text(form.amount, str(amount))
        assert words.text() == amount_in_words(amount)
        qtbot.waitUntil(lambda: words.width() > 100 and fits(), timeout=2000)
        assert words.wordWrap()
        form.resize(form.minimumSizeHint())
        qtbot.waitUntil(fits, timeout=2000)
        assert words.height() >= words.heightForWidth(words.width()), words.text()
    big = words.font()
    big.setPointSizeF(big.pointSizeF() * 1.6)
    words.setFont(big)
    form.amount.clear()
    type_text(form.amount, "999999999999999")
    qtbot.waitUntil(fits, timeout=2000)
    form.reject()


def test_a_gift_in_kind_is_typed_as_goods_and_saved_in_the_goods_book(
    qtbot: QtBot, page: FundPage, ctx: AppContext, type_text: TypeText
) -> None:
    form = open_form(qtbot, page, Book.RECEIPT)
    form.kind.setCurrentIndex(form.kind.findData(EntryKind.DONATION_IN_KIND))
    labels = form.fields.labels
    assert labels["amount"].text() == _("&Value of the goods (đồng):")
    assert labels["party_name"].text() == _("&Given by:")
    for field in ("in_kind", "quantity", "unit"):
        assert form.fields.rows[field].isVisibleTo(form)
    assert "NK" in form.fund_label.text()
    type_text(form.amount, "3500000")
    type_text(form.party_name, "Nhà sách Minh Khai")
    type_text(form.reason, "Ủng hộ sách")
    form.save()  # goods, quantity and unit are missing
    assert form.fields.text("in_kind") and form.fields.text("quantity") and form.fields.text("unit")
    assert entries(ctx) == []
    type_text(form.in_kind, "Sách giáo khoa lớp 4")
    form.quantity.setValue(28)
    type_text(form.unit, "bộ")
    form.save()
    qtbot.waitUntil(lambda: page.dialog is None, timeout=5000)
    settle(qtbot, page)
    (saved,) = entries(ctx)
    assert (saved.voucher, saved.effect, saved.quantity, saved.unit, saved.amount) == (
        f"NK-0001/{YEAR}", 0, 28, "bộ", 3_500_000,
    )  # fmt: skip
    page.box.reject()
    assert page.funds_model.line(0).balance == 0  # not cash
    assert page.goods_label.isVisibleTo(page)
    assert "3.500.000" in page.goods_label.text()
    assert page.model.index(0, L_IN).data() == ""

    # Hand 10 sets out to two pupils from the page.
    page.select_entry(saved.id)
    assert page.goods_button.isEnabled()
    qtbot.mouseClick(page.goods_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert isinstance(dialog, GoodsIssueDialog)
    dialog.quantity.setValue(10)
    dialog.recipients.setPlainText("Nguyễn Văn An\nTrần Thị Bích\n")
    dialog.save()
    qtbot.waitUntil(lambda: page.dialog is None, timeout=5000)
    settle(qtbot, page)
    page.box.reject()
    issued = entries(ctx)[-1]
    assert (issued.voucher, issued.quantity, issued.party_name) == (
        f"XK-0001/{YEAR}", 10, "Nguyễn Văn An; Trần Thị Bích",
    )  # fmt: skip
    assert "2.250.000" in page.goods_label.text()


def test_void_is_named_apart_from_the_dialogs_way_out(
    qtbot: QtBot, page: FundPage, ctx: AppContext
) -> None:
    record(ctx, EntryKind.DONATION_CASH, 200_000)
    reload(qtbot, page)
    page.select_entry(entries(ctx)[0].id)
    assert page.void_button.text() == _("&Void the voucher…")
    qtbot.mouseClick(page.void_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert isinstance(dialog, VoidDialog)
    void, keep = dialog.save_button.text(), dialog.keep_button.text()
    assert (void, keep) == (_("Void the voucher"), _("Keep the voucher"))
    # No button of the dialog is the bare "Hủy" (Cancel) beside "Hủy bỏ phiếu".
    from PySide6.QtWidgets import QAbstractButton

    cancel = _("Cancel").replace("&", "")
    texts = [b.text().replace("&", "") for b in dialog.findChildren(QAbstractButton)]
    assert void in texts and keep in texts
    assert cancel not in texts and void != keep
    dialog.reject()


def test_gifts_recorded_as_cash_are_offered_and_moved_to_the_goods_book(
    qtbot: QtBot, page: FundPage, ctx: AppContext, old_in_kind: Callable[..., object]
) -> None:
    fund = ctx.reader.fund.funds()[0].id
    with Workspace.open(ctx.path) as ws:
        old = old_in_kind(ws, fund, TODAY, 7_000_000, "Dòng họ Lê", "28 bộ sách giáo khoa")
    reload(qtbot, page)
    assert page.reclassify_row.isVisibleTo(page)
    qtbot.mouseClick(page.reclassify_button, Qt.MouseButton.LeftButton)
    box = page.box
    yes = next(b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.AcceptRole)
    qtbot.mouseClick(yes, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not page.reclassify_row.isVisibleTo(page), timeout=5000)
    settle(qtbot, page)
    rows = entries(ctx)
    assert [e.voucher for e in rows] == [old.voucher, f"PT-0002/{YEAR}", f"NK-0001/{YEAR}"]
    assert page.funds_model.line(0).balance == 0
    assert "7.000.000" in page.goods_label.text()
    assert ctx.reader.fund.verify().ok


def test_receipt_typed_by_keyboard_shows_words_and_saves_on_enter(
    qtbot: QtBot, page: FundPage, ctx: AppContext, type_text: TypeText
) -> None:
    form = open_form(qtbot, page, Book.RECEIPT)
    assert form.windowTitle() == _("New receipt")
    type_text(form.amount, "1250000")
    assert form.words.text() == "Một triệu hai trăm năm mươi nghìn đồng"
    type_text(form.party_name, "Nguyễn Văn Đặng")
    type_text(form.party_address, "Thôn 1")
    type_text(form.reason, "Ủng hộ quỹ khuyến học")
    qtbot.keyClick(form.reason, Qt.Key.Key_Return)  # Enter saves
    qtbot.waitUntil(lambda: page.dialog is None, timeout=5000)
    settle(qtbot, page)

    saved = entries(ctx)
    assert [(e.voucher, e.amount, e.party_name) for e in saved] == [
        (f"PT-0001/{YEAR}", 1_250_000, "Nguyễn Văn Đặng")
    ]
    assert numbers(page) == [f"PT-0001/{YEAR}"]
    assert page.selected_entry().voucher == f"PT-0001/{YEAR}"
    assert page.funds_model.line(0).balance == 1_250_000
    # After saving, the voucher is offered for printing.
    assert page.box is not None
    assert f"PT-0001/{YEAR}" in page.box.text()
    page.box.reject()


def test_amount_accepts_grouped_digits_and_words_follow_the_typing(
    qtbot: QtBot, page: FundPage, type_text: TypeText
) -> None:
    form = open_form(qtbot, page, Book.RECEIPT)
    type_text(form.amount, "1.050.000")
    assert form.words.text() == "Một triệu không trăm năm mươi nghìn đồng"
    form.amount.clear()
    type_text(form.amount, "12,5")
    assert form.words.text() == ""
    form.reject()


def test_zero_amount_is_refused_next_to_the_field_and_nothing_is_written(
    qtbot: QtBot, page: FundPage, ctx: AppContext, type_text: TypeText
) -> None:
    form = open_form(qtbot, page, Book.RECEIPT)
    type_text(form.amount, "0")
    type_text(form.party_name, "Bà Phạm Thị Hoa")
    type_text(form.reason, "Ủng hộ")
    qtbot.keyClick(form.reason, Qt.Key.Key_Return)
    assert page.dialog is form
    assert form.fields.text("amount") == _("The amount must be more than 0 đồng.")
    assert entries(ctx) == []
    form.reject()


def test_payment_above_the_balance_is_refused_by_the_service(
    qtbot: QtBot, page: FundPage, ctx: AppContext, type_text: TypeText
) -> None:
    record(ctx, EntryKind.DONATION_CASH, 300_000)
    reload(qtbot, page)
    form = open_form(qtbot, page, Book.PAYMENT)
    form.kind.setCurrentIndex(form.kind.findData(EntryKind.EXPENSE))
    type_text(form.amount, "500000")
    type_text(form.party_name, "Nhà sách Tân Phú")
    type_text(form.reason, "Mua vở")
    qtbot.keyClick(form.reason, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(form.fields.text("amount")), timeout=5000)
    assert form.fields.text("amount") == _("More than the fund holds.")
    general = form.fields.general.text()
    assert "300.000 đ" in general and "500.000 đ" in general
    assert page.dialog is form
    assert [e.voucher for e in entries(ctx)] == [f"PT-0001/{YEAR}"]
    form.reject()


def test_date_in_a_closed_year_is_refused_next_to_the_date(
    qtbot: QtBot, page: FundPage, ctx: AppContext, type_text: TypeText
) -> None:
    with Workspace.open(ctx.path) as ws:
        ws.fund.close_year(ws.fund.funds()[0].id, YEAR - 1)
    form = open_form(qtbot, page, Book.RECEIPT)
    form.date.clear()
    type_text(form.date, f"15/06/{YEAR - 1}")
    type_text(form.amount, "100000")
    type_text(form.party_name, "Ông An")
    type_text(form.reason, "Ủng hộ")
    qtbot.keyClick(form.amount, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(form.fields.text("entry_date")), timeout=5000)
    assert form.fields.text("entry_date") == _("This date is in a closed year.")
    assert entries(ctx) == []
    form.reject()


def test_scholarship_needs_a_pupil_from_the_registry(
    qtbot: QtBot, page: FundPage, ctx: AppContext, type_text: TypeText
) -> None:
    record(ctx, EntryKind.DONATION_CASH, 1_000_000)
    reload(qtbot, page)
    form = open_form(qtbot, page, Book.PAYMENT)
    form.kind.setCurrentIndex(form.kind.findData(EntryKind.SCHOLARSHIP))
    assert not form.person.isHidden()
    type_text(form.person, "Không Có Ai")  # nobody by that name: nothing to pick
    form.person.search_now()
    assert form.person.results.rowCount() == 0
    type_text(form.amount, "500000")
    type_text(form.reason, "Học bổng")
    qtbot.keyClick(form.amount, Qt.Key.Key_Return)
    assert form.fields.text("person_id") == _(
        "Pick the pupil from the people list (add them first)."
    )
    assert len(entries(ctx)) == 1

    # Picking a real person fills the receiver and lets the payment through.
    form.person.clear()
    type_text(form.person, "pham thi hoa")
    form.person.search_now()
    assert form.person.results.rowCount() == 1
    form.person.pick_row(0)
    assert form.person.text() == "Phạm Thị Hoa"
    assert form.party_name.text() == "Phạm Thị Hoa"
    type_text(form.school, "THCS Tân Phú")
    qtbot.keyClick(form.amount, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.dialog is None, timeout=5000)
    settle(qtbot, page)
    paid = entries(ctx)[-1]
    assert (paid.voucher, paid.school) == (f"PC-0001/{YEAR}", "THCS Tân Phú")
    assert paid.person_id is not None
    page.box.reject()


def test_void_with_reason_appends_the_reversal(
    qtbot: QtBot, page: FundPage, ctx: AppContext, type_text: TypeText
) -> None:
    record(ctx, EntryKind.DONATION_CASH, 200_000)
    reload(qtbot, page)
    page.select_entry(entries(ctx)[0].id)
    qtbot.mouseClick(page.void_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert isinstance(dialog, VoidDialog)
    qtbot.waitExposed(dialog)
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)  # no reason yet
    assert dialog.fields.text("reason") == _("Type the reason.")
    assert len(entries(ctx)) == 1

    type_text(dialog.reason, "Ghi nhầm số tiền")
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.dialog is None, timeout=5000)
    settle(qtbot, page)
    original, reversal = entries(ctx)
    assert original.reversed_by == reversal.id
    assert reversal.kind is EntryKind.REVERSAL
    assert reversal.reason == f"Hủy phiếu PT-0001/{YEAR}: Ghi nhầm số tiền"
    assert numbers(page) == [f"PT-0001/{YEAR}", f"PT-0002/{YEAR}"]
    assert page.model.index(0, L_MARK).data() == tr("Voided by {voucher}", voucher=reversal.voucher)
    assert page.model.index(1, L_MARK).data() == tr("Voids {voucher}", voucher=original.voucher)
    assert page.funds_model.line(0).balance == 0
    # The reversal is selected, and neither can be voided again.
    assert page.selected_entry().id == reversal.id
    assert not page.void_button.isEnabled()
    page.select_entry(original.id)
    assert not page.void_button.isEnabled()


def test_print_voucher_after_saving_previews_a_pdf(
    qtbot: QtBot,
    page: FundPage,
    ctx: AppContext,
    type_text: TypeText,
    previews: list[tuple[Path, str]],
) -> None:
    form = open_form(qtbot, page, Book.RECEIPT)
    type_text(form.amount, "50000")
    type_text(form.party_name, "Ông Hoàng Minh Đức")
    type_text(form.reason, "Ủng hộ")
    qtbot.keyClick(form.reason, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.box is not None, timeout=5000)
    box = page.box
    assert box is not None
    yes = next(b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.AcceptRole)
    qtbot.mouseClick(yes, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(previews), timeout=10000)
    path, name = previews[0]
    assert path.read_bytes().startswith(b"%PDF")
    assert name == f"PT-0001-{YEAR}.pdf"
    # Who printed it is in the audit, written once the PDF exists.
    qtbot.waitUntil(lambda: bool(audited(ctx, "voucher.print")), timeout=5000)
    assert audited(ctx, "voucher.print") == [f"PT-0001/{YEAR}"]


def audited(ctx: AppContext, action: str) -> list[str]:
    rows = ctx.reader.db.conn.execute(
        "SELECT detail FROM audit WHERE action = ? ORDER BY seq", (action,)
    ).fetchall()
    return [r[0] for r in rows]


def test_cash_book_as_xlsx_goes_where_the_user_says(
    qtbot: QtBot,
    page: FundPage,
    ctx: AppContext,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    record(ctx, EntryKind.DONATION_CASH, 200_000)
    target = tmp_path / "so-quy.xlsx"
    monkeypatch.setattr(preview_module, "ask_save_path", lambda *_a: target)
    qtbot.mouseClick(page.cash_book_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert dialog is not None
    dialog.xlsx.setChecked(True)
    dialog._accept()
    qtbot.waitUntil(target.exists, timeout=10000)
    assert target.read_bytes()[:2] == b"PK"
    qtbot.waitUntil(lambda: bool(audited(ctx, "cash_book.print")), timeout=5000)


def test_disclosure_pdf_is_previewed(
    qtbot: QtBot, page: FundPage, ctx: AppContext, previews: list[tuple[Path, str]]
) -> None:
    record(ctx, EntryKind.DONATION_CASH, 200_000)
    qtbot.mouseClick(page.disclosure_button, Qt.MouseButton.LeftButton)
    page.dialog._accept()
    qtbot.waitUntil(lambda: bool(previews), timeout=10000)
    assert previews[0][1] == f"Công khai quỹ {YEAR}.pdf"


def test_check_ledger_says_intact(qtbot: QtBot, page: FundPage, ctx: AppContext) -> None:
    record(ctx, EntryKind.DONATION_CASH, 200_000)
    qtbot.mouseClick(page.verify_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.last_report is not None, timeout=10000)
    assert page.last_report.ok
    assert page.box is not None
    assert page.box.text() == tr(
        "The ledger is intact: {entries} entries in {funds} funds checked.",
        entries=format_int(1),
        funds=format_int(1),
    )
    page.box.close()


def test_check_ledger_without_the_key_file_says_the_seal_was_not_checked(
    qtbot: QtBot, page: FundPage, ctx: AppContext, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    from desktop_app.services.fund import UNSEALED_MESSAGE

    record(ctx, EntryKind.DONATION_CASH, 200_000)
    # This database carried to a PC that has no key file for its centre.
    monkeypatch.setenv("TTHTCD_KEY_DIR", str(tmp_path / "other-pc-keys"))
    qtbot.mouseClick(page.verify_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.last_report is not None, timeout=10000)
    report = page.last_report
    assert report is not None and report.ok and not report.seal_checked
    assert page.box is not None
    assert page.box.icon() == QMessageBox.Icon.Warning
    assert tr(UNSEALED_MESSAGE, path=report.key_path) in page.box.text()
    assert str(tmp_path / "other-pc-keys") in page.box.text()
    page.box.close()


def test_new_fund_refuses_a_carried_balance_without_its_document(
    qtbot: QtBot, page: FundPage, ctx: AppContext, type_text: TypeText
) -> None:
    qtbot.mouseClick(page.new_fund_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    qtbot.waitExposed(dialog)
    type_text(dialog.name, "Quỹ Khuyến học thôn 3")
    type_text(dialog.carried_from, "Quỹ cũ")
    qtbot.keyClick(dialog.name, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(dialog.fields.text("transfer_document")), timeout=5000)
    assert len(ctx.reader.fund.funds()) == 1
    type_text(dialog.transfer_document, "BB 05")
    qtbot.keyClick(dialog.name, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.dialog is None, timeout=5000)
    settle(qtbot, page)
    assert page.funds_model.rowCount() == 2
    assert page.current_fund().name == "Quỹ Khuyến học thôn 3"
    assert page.model.rowCount() == 0  # the new fund's (empty) book is the one shown


def test_an_op_from_elsewhere_refreshes_the_book(
    qtbot: QtBot, page: FundPage, ctx: AppContext
) -> None:
    """Nobody tells the page by hand: the op's news is enough."""
    fund_id = page.current_fund().id
    data = EntryInput(fund_id, EntryKind.DONATION_CASH, TODAY, 70_000, "Bà Hoa", reason="Ủng hộ")
    ctx.op(lambda ws: ws.fund.record(data))
    qtbot.waitUntil(lambda: numbers(page) == [f"PT-0001/{YEAR}"], timeout=5000)
    settle(qtbot, page)
    assert page.funds_model.line(0).balance == 70_000


def test_only_the_newest_answer_is_shown(qtbot: QtBot, page: FundPage, ctx: AppContext) -> None:
    record(ctx, EntryKind.DONATION_CASH, 200_000)
    record(ctx, EntryKind.DONATION_CASH, 100_000)
    reload(qtbot, page)
    resets: list[int] = []
    page.model.modelReset.connect(lambda: resets.append(page.model.rowCount()))
    # Two reads overlap: only payments, then every kind again.
    page.kind.setCurrentIndex(page.kind.findData("payments"))
    page.kind.setCurrentIndex(page.kind.findData("all"))
    settle(qtbot, page)
    assert resets == [2]
    assert len(numbers(page)) == 2


def test_a_receipt_into_the_bank_goes_to_the_bank_book(
    qtbot: QtBot,
    page: FundPage,
    ctx: AppContext,
    type_text: TypeText,
    previews: list[tuple[Path, str]],
) -> None:
    import subprocess

    from desktop_app.core.fund import Account

    form = open_form(qtbot, page, Book.RECEIPT)
    assert form.account.currentData() == Account.CASH  # cash unless said otherwise
    type_text(form.amount, "2000000")
    type_text(form.party_name, "Ngân hàng Nông nghiệp")
    type_text(form.reason, "Lãi tiền gửi")
    form.account.setCurrentIndex(form.account.findData(Account.BANK))
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.dialog is None, timeout=5000)
    settle(qtbot, page)
    page.box.reject()
    assert [e.account for e in entries(ctx)] == [Account.BANK]

    qtbot.mouseClick(page.bank_book_button, Qt.MouseButton.LeftButton)
    page.dialog._accept()
    qtbot.waitUntil(lambda: bool(previews), timeout=10000)
    path, name = previews[0]
    assert name.startswith("Sổ tiền gửi ")
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert "SỔ TIỀN GỬI NGÂN HÀNG" in text and f"PT-0001/{YEAR}" in text
    qtbot.waitUntil(lambda: bool(audited(ctx, "bank_book.print")), timeout=5000)


def test_a_minors_scholarship_asks_for_the_parent_or_guardian(
    qtbot: QtBot, page: FundPage, ctx: AppContext, type_text: TypeText
) -> None:
    from desktop_app.core.people import PersonInput

    record(ctx, EntryKind.DONATION_CASH, 1_000_000)
    with Workspace.open(ctx.path) as ws:
        ws.people.add(
            PersonInput(full_name="Lò Thị Mai", birth=f"05/09/{YEAR - 10}"),
            confirmed_different=True,
        )
    reload(qtbot, page)
    form = open_form(qtbot, page, Book.PAYMENT)
    form.kind.setCurrentIndex(form.kind.findData(EntryKind.SCHOLARSHIP))
    type_text(form.person, "lo thi mai")
    form.person.search_now()
    form.person.pick_row(0)
    # A ten-year-old does not sign for money: the receiver is left for the parent's name.
    assert form.party_name.text() == ""
    assert form.fields.labels["party_name"].text() == _("&Received by (parent or guardian):")
    type_text(form.amount, "300000")
    type_text(form.reason, "Học bổng")
    type_text(form.party_name, "Lò Thị Mai")
    qtbot.keyClick(form.amount, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(form.fields.text("party_name")), timeout=5000)
    assert form.fields.text("party_name") == _("Type the parent or guardian who receives it.")
    assert len(entries(ctx)) == 1
    form.party_name.clear()
    type_text(form.party_name, "Lò Văn Páo")
    qtbot.keyClick(form.amount, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.dialog is None, timeout=5000)
    settle(qtbot, page)
    paid = entries(ctx)[-1]
    assert (paid.party_name, paid.kind) == ("Lò Văn Páo", EntryKind.SCHOLARSHIP)
    page.box.reject()


def test_the_disclosure_gets_the_number_typed_in_its_dialog(
    qtbot: QtBot, page: FundPage, ctx: AppContext, previews: list[tuple[Path, str]]
) -> None:
    import subprocess

    record(ctx, EntryKind.DONATION_CASH, 200_000)
    qtbot.mouseClick(page.disclosure_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert dialog.number is not None
    dialog.number.setText("05/BC-HKH")
    dialog._accept()
    qtbot.waitUntil(lambda: bool(previews), timeout=10000)
    text = subprocess.run(
        ["pdftotext", str(previews[0][0]), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert "Số: 05/BC-HKH" in text


def _pdf_lines(pdf: Path) -> list[str]:
    import subprocess

    out = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True
    ).stdout.decode("utf-8")
    return [" ".join(line.split()) for line in out.splitlines() if line.strip()]


def test_on_the_demo_the_cash_book_footer_and_disclosure_agree_after_voids(
    qtbot: QtBot,
    demo_copy: Callable[..., Path],
    open_context: Callable[[Path], AppContext],
    tmp_path: Path,
) -> None:
    """A void is netted against its original everywhere: the cash book's 'Cộng phát sinh',
    the Fund page's footer and the disclosure sheet give the same receipts and payments."""
    from desktop_app.core.money import format_amount, format_vnd

    path = demo_copy(300, 3)
    with Workspace.open(path) as ws:
        fund = ws.fund.funds()[0].id
        rows = ws.fund.entries(LedgerFilter(fund_id=fund))
        year = max(r.entry_date.year for r in rows if r.book is Book.PAYMENT)
        day = TODAY if year == TODAY.year else dt.date(year, 12, 31)
        first = {
            book: next(r for r in rows if r.book is book and r.entry_date.year == year)
            for book in (Book.RECEIPT, Book.PAYMENT)
        }
        for entry in first.values():
            ws.fund.void(entry.id, "Ghi trùng", day)
        disclosure = ws.fund_documents.disclosure(fund, year)
        receipts = sum(a for _, a in disclosure.receipts_by_kind)
        payments = sum(a for _, a in disclosure.payments_by_kind)
        start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
        ws.fund_documents.print_cash_book(fund, start, end, tmp_path / "book.pdf")
        ws.fund_documents.print_disclosure(fund, year, tmp_path / "disclosure.pdf")
    # The voided originals' amounts are counted once, not once in and once out.
    assert receipts > 0 and payments > 0

    book = _pdf_lines(tmp_path / "book.pdf")
    assert f"Cộng phát sinh {format_amount(receipts)} {format_amount(payments)}" in book
    sheet = _pdf_lines(tmp_path / "disclosure.pdf")
    assert f"Cộng {format_amount(receipts)}" in sheet
    assert f"Cộng {format_amount(payments)}" in sheet

    ctx = open_context(path)
    page = FundPage(ctx)
    qtbot.addWidget(page)
    page.show()
    settle(qtbot, page)
    page.set_period(start, end)
    settle(qtbot, page)
    qtbot.waitUntil(lambda: page.model.rowCount() > 0 and not page.busy, timeout=5000)
    footer = tr(
        "In: {receipts}. Out: {payments}.",
        receipts=format_vnd(receipts),
        payments=format_vnd(payments),
    )
    assert footer in page.totals_label.text()
    assert page.model.totals() == (receipts, payments)
