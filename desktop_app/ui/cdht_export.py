"""Exporting the adults still to register on the "Công dân học tập" platform, from the GUI.

The learning models' page (or any page) calls `start_cdht_export`: with the sensitive fields
(ethnicity and religion) it first asks the user to confirm, saying why they are sensitive; then
it asks where to save (never over the database), and writes the list on the writer thread,
which also records the export in the audit (its count and whether the sensitive fields were
included).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget

from desktop_app.appinfo import documents_folder
from desktop_app.core.problems import N_
from desktop_app.i18n import _, format_int, tr
from desktop_app.services.workspace import Workspace
from desktop_app.ui.context import AppContext
from desktop_app.ui.errors import report_error
from desktop_app.ui.preview import ask_output_path
from desktop_app.ui.widgets import confirm

__all__ = ["SENSITIVE_QUESTION", "SUGGESTED_NAME", "start_cdht_export"]

SUGGESTED_NAME = "Danh sách đăng ký Công dân học tập.xlsx"
SENSITIVE_QUESTION = N_(
    "Ethnicity and religion are sensitive personal data: the law allows them only where needed, "
    "and the file may be copied or lost. Fill in these columns only if the platform asks for "
    "them and the people agreed; the export is recorded in the audit log. Include them?"
)


def start_cdht_export(
    ctx: AppContext,
    parent: QWidget | None,
    *,
    include_sensitive: bool = False,
    on_done: Callable[[Path, int], None] | None = None,
) -> QMessageBox | None:
    """Ask (the confirmation for the sensitive fields, then the file), then export. Returns
    the confirmation box while it is open (None when none is asked)."""

    def ask_and_write() -> None:
        target = ask_output_path(
            parent, documents_folder() / SUGGESTED_NAME, _("Excel workbooks (*.xlsx)"), ctx.path
        )
        if target is None:
            return

        def work(ws: Workspace, _progress: object) -> int:
            return ws.cdht.export(target, include_sensitive=include_sensitive)

        def done(count: int) -> None:
            if on_done is not None:
                on_done(target, count)
                return
            QMessageBox.information(
                parent,
                _("Công dân học tập"),
                tr(
                    "Wrote {path}: {count} adults still to register on the platform.",
                    path=str(target), count=format_int(count),
                ),
            )  # fmt: skip

        def failed(exc: BaseException) -> None:
            report_error(parent, _("Công dân học tập"), exc)

        ctx.task(parent, _("Exporting…"), work, done, failed, write=True)

    if not include_sensitive:
        ask_and_write()
        return None
    return confirm(
        parent,
        _("Công dân học tập"),
        _(SENSITIVE_QUESTION),
        _("Include ethnicity and religion"),
        ask_and_write,
    )
