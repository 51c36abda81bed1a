"""Qt's own texts (standard buttons, context menus) through our catalog.

Qt ships no Vietnamese .qm for qtbase, and we do not use Qt's translation system for our
own strings, so a QTranslator that asks our gettext catalog is the one place that puts
"Hủy" on a Cancel button Qt made.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTranslator

from desktop_app.core.problems import N_
from desktop_app.i18n import _, current_language

# Qt's source text -> our msgid. Mnemonics ('&') are dropped from the msgid so translators
# see plain words; the translation gets a leading '&' back when Qt's text had one.
QT_TEXTS: dict[str, str] = {
    "OK": N_("OK"),
    "&OK": N_("OK"),
    "Cancel": N_("Cancel"),
    "&Cancel": N_("Cancel"),
    "&Yes": N_("Yes"),
    "Yes": N_("Yes"),
    "&No": N_("No"),
    "No": N_("No"),
    "Save": N_("Save"),
    "&Save": N_("Save"),
    "Save All": N_("Save all"),
    "Open": N_("Open"),
    "&Open": N_("Open"),
    "Close": N_("Close"),
    "&Close": N_("Close"),
    "Apply": N_("Apply"),
    "Discard": N_("Discard"),
    "Don't Save": N_("Don't save"),
    "Close without Saving": N_("Close without saving"),
    "Help": N_("Help"),
    "Reset": N_("Reset"),
    "Restore Defaults": N_("Restore defaults"),
    "Abort": N_("Abort"),
    "Retry": N_("Retry"),
    "Ignore": N_("Ignore"),
    "Yes to &All": N_("Yes to all"),
    "N&o to All": N_("No to all"),
    "&Undo": N_("Undo"),
    "&Redo": N_("Redo"),
    "Cu&t": N_("Cut"),
    "&Copy": N_("Copy"),
    "&Paste": N_("Paste"),
    "Delete": N_("Delete"),
    "Select All": N_("Select all"),
    "Show Details...": N_("Show details…"),
    "Hide Details...": N_("Hide details…"),
}


class CatalogTranslator(QTranslator):
    """Answers Qt's translate() calls for the texts above from the current language."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)

    def translate(
        self,
        context: str,
        source_text: str,
        disambiguation: str | None = None,
        n: int = -1,
    ) -> str | None:
        # None (a null QString) means "not translated here"; "" would blank the button.
        msgid = QT_TEXTS.get(source_text)
        if msgid is None or current_language() == "en":
            return None
        text = _(msgid)
        if text == msgid:
            return None
        return "&" + text if "&" in source_text else text

    def isEmpty(self) -> bool:
        return False
