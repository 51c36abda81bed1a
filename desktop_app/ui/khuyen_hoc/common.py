"""Pieces the Members and Fund sections share: typed dates and amounts, field messages,
the newest-answer counter, the person picker, and the way documents are read, rendered,
previewed and saved."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TypeVar

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QCompleter,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desktop_app.appinfo import documents_folder
from desktop_app.core.dates import UNREADABLE_DATE, DateError, parse_day
from desktop_app.core.money import parse_vnd
from desktop_app.core.people import Birth, PersonRow
from desktop_app.core.problems import N_, Problem, StoreError, UserError
from desktop_app.i18n import _, format_date, format_int, problem_text, tr, user_error_text
from desktop_app.services.fund_documents import PrintAudit
from desktop_app.services.ops import Progress
from desktop_app.services.workspace import Workspace
from desktop_app.ui import errors
from desktop_app.ui import preview as preview_module
from desktop_app.ui.context import AppContext
from desktop_app.ui.widgets import FieldMessage

if TYPE_CHECKING:
    from desktop_app.ui.long_task import LongTask

log = logging.getLogger(__name__)

SEARCH_DELAY_MS = 150
PICKER_LIMIT = 30
PERSON_ID_ROLE = Qt.ItemDataRole.UserRole + 1
PERSON_NAME_ROLE = Qt.ItemDataRole.UserRole + 2


# Typed values -------------------------------------------------------------------------


def parse_date(text: str) -> dt.date:
    """'07/03/2026', '7-3-2026' or '2026-03-07'; a year alone is not a day. Raises DateError
    (a ValueError) that says what is wrong."""
    return parse_day(text.strip())


def iso_to_screen(text: str) -> str:
    """A stored 'YYYY-MM-DD' or 'YYYY' as the screen shows it."""
    try:
        return Birth.from_iso(text).display() if text else ""
    except ValueError:
        return text


class DateEdit(QLineEdit):
    """A day typed as dd/mm/yyyy, the way staff write it on paper."""

    def __init__(self, value: dt.date | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText(_("dd/mm/yyyy"))
        self.setMaxLength(10)
        if value is not None:
            self.set_date(value)

    def set_date(self, value: dt.date | None) -> None:
        self.setText(format_date(value) if value else "")

    def date(self) -> dt.date | None:
        """The typed day, or None when empty. Raises ValueError on a day that does not exist."""
        text = self.text().strip()
        return parse_date(text) if text else None


class AmountEdit(QLineEdit):
    """Whole đồng, typed as "1250000" or "1.250.000"; regrouped when the field is left."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText(_("e.g. 1.250.000"))
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.setMaxLength(30)
        self.editingFinished.connect(self._regroup)

    def amount(self) -> int | None:
        """The amount, None when empty. Raises ValueError on text that is not money."""
        text = self.text().strip()
        return parse_vnd(text) if text else None

    def set_amount(self, amount: int | None) -> None:
        self.setText(format_int(amount) if amount is not None else "")

    def _regroup(self) -> None:
        try:
            amount = self.amount()
        except ValueError:
            return  # leave the typing as it is, so the message can point at it
        if amount is not None:
            self.set_amount(amount)


def amount_problem(edit: AmountEdit, field: str) -> tuple[int, list[Problem]]:
    """The typed amount (0 when unreadable) and the problem that says why it is unreadable."""
    try:
        value = edit.amount()
    except ValueError:
        return 0, [Problem(field, N_("Type the amount in digits, e.g. 1.250.000."))]
    return value or 0, []


def date_problem(edit: DateEdit, field: str) -> tuple[dt.date | None, list[Problem]]:
    try:
        value = edit.date()
    except DateError as e:
        return None, [Problem(field, e.message, e.params)]
    if value is None:
        return None, [Problem(field, UNREADABLE_DATE)]
    return value, []


# Messages next to fields ----------------------------------------------------------------


class FieldRows:
    """The rows of a form, each with a message under its field, and one general message.

    Problems carry a field name; a problem for a field the form does not show goes to the
    general message so it is never lost.
    """

    def __init__(self) -> None:
        self.messages: dict[str, FieldMessage] = {}
        self.widgets: dict[str, QWidget] = {}
        self.labels: dict[str, QLabel] = {}
        self.rows: dict[str, QWidget] = {}
        self.general = FieldMessage()

    def add_row(self, form: QFormLayout, label: str, widget: QWidget, field: str) -> QWidget:
        box = QWidget()
        box_layout = QVBoxLayout(box)
        box_layout.setContentsMargins(0, 0, 0, 0)
        box_layout.setSpacing(2)
        box_layout.addWidget(widget)
        message = FieldMessage()
        box_layout.addWidget(message)
        title = QLabel(label)
        title.setBuddy(widget)
        form.addRow(title, box)
        widget.setProperty("field", field)
        self.messages[field] = message
        self.widgets[field] = widget
        self.labels[field] = title
        self.rows[field] = box
        return box

    def add_message(self, field: str, widget: QWidget) -> FieldMessage:
        """A message for something that is not a form row (a list): shown where placed."""
        message = FieldMessage()
        self.messages[field] = message
        self.widgets[field] = widget
        self.rows[field] = widget
        return message

    def set_row_visible(self, field: str, visible: bool) -> None:
        self.labels[field].setVisible(visible)
        self.rows[field].setVisible(visible)

    def show_problems(
        self,
        problems: Iterable[Problem],
        general: Iterable[str] = (),
        only: set[str] | None = None,
    ) -> None:
        """Show each problem under its field; `only`: leave other fields' messages alone
        unless they are now fine (messages appear only for fields the user has touched)."""
        by_field: dict[str, tuple[list[str], list[str]]] = {}
        for p in problems:
            # isHidden, not isVisible: a row hidden on purpose, even before the dialog shows.
            shown = p.field in self.messages and not self.rows[p.field].isHidden()
            field = p.field if shown else ""
            errs, warns = by_field.setdefault(field, ([], []))
            (warns if p.warning else errs).append(problem_text(p))
        for field, message in self.messages.items():
            errs, warns = by_field.get(field, ([], []))
            if only is None or field in only:
                message.show_messages(errs, warns)
            elif not errs and not warns:
                message.clear_message()
        errs, warns = by_field.get("", ([], []))
        self.general.show_messages([*general, *errs], warns)

    def clear(self) -> None:
        for message in self.messages.values():
            message.clear_message()
        self.general.clear_message()

    def text(self, field: str) -> str:
        message = self.messages[field]
        return message.text() if not message.isHidden() else ""

    def focus_first(self, problems: Iterable[Problem]) -> None:
        wanted = {p.field for p in problems if not p.warning}
        for field, widget in self.widgets.items():
            if field in wanted and widget.isVisibleTo(widget.window()):
                widget.setFocus()
                return


def show_refusal(fields: FieldRows, parent: QWidget, title: str, exc: BaseException) -> None:
    """A refused save: a UserError's problems next to the fields they concern; anything else
    (a storage error, a bug) through the one `errors.report_error`."""
    if isinstance(exc, UserError):
        fields.show_problems(exc.problems, [user_error_text(exc)])
        fields.focus_first(exc.problems)
        return
    errors.report_error(parent, title, exc)


class Latest:
    """Only the answer to the newest question may be shown: a generation counter for a
    widget whose queries can overlap (typing in a search, a changed filter, a refresh)."""

    def __init__(self) -> None:
        self.asked = 0
        self.answered = 0

    def ask(self) -> int:
        self.asked += 1
        return self.asked

    def answer(self, generation: int) -> bool:
        """True when `generation` is the newest question: show its answer."""
        if generation != self.asked:
            return False
        self.answered = generation
        return True

    def drop(self) -> None:
        """Forget the questions under way (their answers will be refused)."""
        self.answered = self.ask()

    @property
    def busy(self) -> bool:
        return self.answered != self.asked


# Picking a person -------------------------------------------------------------------------


def person_label(row: PersonRow) -> str:
    parts = [row.full_name]
    if row.birth is not None:
        parts.append(str(row.birth.year))
    if row.hamlet_name:
        parts.append(row.hamlet_name)
    return " — ".join(parts)


class PersonPicker(QLineEdit):
    """Type part of a name; the matches show with birth year and hamlet; pick one.

    Searches the reader's folded index, which answers in milliseconds, so it runs on the GUI
    thread after a short pause in the typing.
    """

    picked = Signal(object)  # str | None: the person id

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.person_id: str | None = None
        self.setPlaceholderText(_("Type a name to search…"))
        self.setClearButtonEnabled(True)
        self.results = QStandardItemModel(self)
        self._completer = QCompleter(self.results, self)
        self._completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self._completer.setCompletionRole(PERSON_NAME_ROLE)
        self._completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self._completer.activated[QModelIndex].connect(self._activated)  # type: ignore[index]
        self.setCompleter(self._completer)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.search_now)
        self.textEdited.connect(self._typed)

    def _typed(self, _text: str) -> None:
        if self.person_id is not None:
            self.person_id = None
            self.picked.emit(None)
        self._timer.start()

    def search_now(self) -> None:
        self._timer.stop()
        text = self.text().strip()
        self.results.clear()
        if len(text) < 2:
            return
        try:
            rows = self.ctx.reader.people.search(text, PICKER_LIMIT)
        except StoreError as exc:
            # Said in the list itself: a dialog at every pause in the typing would be worse.
            log.warning("Person search failed: %s", exc)
            item = QStandardItem(errors.store_error_text(exc))
            item.setEnabled(False)
            item.setSelectable(False)
            self.results.appendRow(item)
            if self.hasFocus():
                self._completer.complete()
            return
        for row in rows:
            item = QStandardItem(person_label(row))
            item.setData(row.id, PERSON_ID_ROLE)
            item.setData(row.full_name, PERSON_NAME_ROLE)
            item.setEditable(False)
            self.results.appendRow(item)
        if rows and self.hasFocus():
            self._completer.complete()

    def _activated(self, index: QModelIndex) -> None:
        self.pick(index.data(PERSON_ID_ROLE), index.data(PERSON_NAME_ROLE))

    def pick_row(self, row: int) -> None:
        item = self.results.item(row)
        if item is not None:
            self.pick(item.data(PERSON_ID_ROLE), item.data(PERSON_NAME_ROLE))

    def pick(self, person_id: str | None, name: str = "") -> None:
        self._timer.stop()
        self.person_id = person_id
        if name:
            self.setText(name)
        popup = self._completer.popup()
        if popup is not None:
            popup.hide()
        self.picked.emit(person_id)

    def set_person(self, person_id: str | None) -> None:
        """Show an already chosen person (an edited member, a voucher's recipient)."""
        name = ""
        if person_id:
            try:
                name = self.ctx.reader.people.get(person_id).full_name
            except (StoreError, UserError):
                # Deleted or unreadable: say so where the name would be, never "?".
                self.setPlaceholderText(_("(no longer in the people list)"))
        self.setText(name)
        self.person_id = person_id


# Documents: read on the query thread, render on the document pool, preview or save ---------


class Prepared(Protocol):
    """A document's data, read from the database, with the audit line of its print."""

    @property
    def audit(self) -> PrintAudit: ...


P = TypeVar("P", bound=Prepared)


def temp_path(name: str) -> Path:
    """A fresh path in the app's temp folder; the preview's Save as copies from there."""
    return preview_module.temp_document_path(name)


def preview(parent: QWidget, path: Path, suggested_name: str, db_path: Path | None = None) -> None:
    """Show a PDF with Save as… and Print…; Save as never overwrites `db_path`."""
    preview_module.preview_pdf(parent, path, suggested_name, db_path)


def print_document(
    parent: QWidget,
    ctx: AppContext,
    title: str,
    read: Callable[[Workspace], P],
    render: Callable[[P, Path, Progress], object],
    suggested_name: str,
    *,
    xlsx: bool = False,
) -> LongTask | None:
    """Read the document's data on the query thread, render it on the document pool, write
    the print's audit line, then preview it (PDF) or put it where asked (xlsx).

    An xlsx is asked for first, so the user decides before waiting; it is still written to the
    temp folder and moved at the end, so a failed export never leaves half a file behind.
    """
    out = temp_path(suggested_name)
    target: Path | None = None
    if xlsx:
        target = preview_module.ask_output_path(
            parent,
            documents_folder() / out.name,
            _("Excel workbooks (*.xlsx)"),
            ctx.path,
        )
        if target is None:
            return None

    def render_step(prepared: P, progress: Progress) -> tuple[PrintAudit, Path]:
        # On the document pool: no database here.
        render(prepared, out, progress)
        if target is not None:
            preview_module.save_copy(out, target)
            out.unlink(missing_ok=True)
            return prepared.audit, target
        return prepared.audit, out

    def done(result: tuple[PrintAudit, Path]) -> None:
        audit, path = result
        # A read-only file cannot take the audit line; the print is still allowed.
        if not ctx.read_only:
            ctx.op(lambda ws: ws.fund_documents.record_print(audit), parent=parent, title=title)
        if target is not None:
            ctx.notify(tr("Saved {path}.", path=str(path)))
        else:
            preview(parent, path, out.name, ctx.path)

    return ctx.task(
        parent,
        title,
        lambda ws, _progress: read(ws),
        done,
        write=False,
        render=render_step,
        label=_("Writing the document…"),
    )


class _HasDialog(Protocol):
    dialog: QDialog | None


def open_one_dialog(owner: _HasDialog, dialog: QDialog) -> None:
    """Open `dialog` as the page's one open dialog: a second one replaces the first."""
    if owner.dialog is not None:
        owner.dialog.close()
    owner.dialog = dialog

    def closed() -> None:
        if owner.dialog is dialog:
            owner.dialog = None
        dialog.deleteLater()

    dialog.finished.connect(lambda _r: closed())
    dialog.open()
