"""Qt's own texts (standard buttons, context menus) through our catalog.

Qt ships no Vietnamese .qm for qtbase, and we do not use Qt's translation system for our
own strings, so a QTranslator that asks our gettext catalog is the one place that puts
"Hủy" on a Cancel button Qt made.
"""

from __future__ import annotations

from PySide6.QtCore import QLocale, QObject, QTranslator

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
    # The file, print and page-setup dialogs, spin boxes and text views (tests/ui/test_qt_dialogs.py
    # opens each dialog the app uses and finds no English left in Vietnamese).
    "&Look in:": N_("Look in:"),
    "File &name:": N_("File name:"),
    "Files of &type:": N_("Files of type:"),
    "Directory:": N_("Folder:"),
    "&Choose": N_("Choose"),
    "&Delete": N_("Delete"),
    "&New Folder": N_("New folder"),
    "New Folder": N_("New folder"),
    "&Rename": N_("Rename"),
    "All Files (*)": N_("All files (*)"),
    "Back": N_("Back"),
    "Forward": N_("Forward"),
    "Go back": N_("Go back"),
    "Go forward": N_("Go forward"),
    "Parent Directory": N_("Parent folder"),
    "Go to the parent directory": N_("Go to the parent folder"),
    "Create New Folder": N_("Create a new folder"),
    "Create a New Folder": N_("Create a new folder"),
    "List View": N_("List view"),
    "Detail View": N_("Detail view"),
    "Change to list view mode": N_("Show as a list"),
    "Change to detail view mode": N_("Show with details"),
    "Directories": N_("Folders"),
    "Files": N_("Files"),
    "Show ": N_("Show "),
    "Show &hidden files": N_("Show hidden files"),
    "Sidebar": N_("Places"),
    "List of places and bookmarks": N_("List of places and bookmarks"),
    "Recent Places": N_("Recent places"),
    "My Computer": N_("My computer"),
    "Computer": N_("Computer"),
    "Drive": N_("Drive"),
    "Folder": N_("Folder"),
    "File": N_("File"),
    "File Folder": N_("Folder"),
    "Unknown": N_("Unknown"),
    "Name": N_("Name"),
    "Size": N_("Size"),
    "Type": N_("Type"),
    "Date Modified": N_("Date modified"),
    "Kind": N_("Kind"),
    "%1 already exists.\nDo you want to replace it?": N_(
        "%1 already exists.\nDo you want to replace it?"
    ),
    "%1\nFile not found.\nPlease verify the correct file name was given.": N_(
        "%1\nFile not found.\nPlease check the file name."
    ),
    "%1\nDirectory not found.\nPlease verify the correct directory name was given.": N_(
        "%1\nFolder not found.\nPlease check the folder name."
    ),
    "'%1' is write protected.\nDo you want to delete it anyway?": N_(
        "'%1' is write-protected.\nDelete it anyway?"
    ),
    "Are you sure you want to delete '%1'?": N_("Are you sure you want to delete '%1'?"),
    "Could not delete directory.": N_("Could not delete the folder."),
    "Invalid filename": N_("Invalid file name"),
    "Find Directory": N_("Find a folder"),
    "Save As": N_("Save as"),
    "Open File": N_("Open a file"),
    "Print": N_("Print"),
    "&Print": N_("Print"),
    "&Options >>": N_("Options >>"),
    "&Options <<": N_("Options <<"),
    "All Pages": N_("All pages"),
    "Odd Pages": N_("Odd pages"),
    "Even Pages": N_("Even pages"),
    "Local file": N_("Local file"),
    "Print to File (PDF)": N_("Print to a file (PDF)"),
    "Write PDF file": N_("Write a PDF file"),
    "Print To File ...": N_("Print to a file…"),
    "Print range": N_("Print range"),
    "Print all": N_("Print all"),
    "Pages from": N_("Pages from"),
    "to": N_("to"),
    "Selection": N_("Selection"),
    "Current Page": N_("Current page"),
    "Copies": N_("Copies"),
    "Copies:": N_("Copies:"),
    "Collate": N_("Collate"),
    "Reverse": N_("Reverse"),
    "Options": N_("Options"),
    "Output Settings": N_("Output settings"),
    "Color Mode": N_("Colour mode"),
    "Color": N_("Colour"),
    "Grayscale": N_("Greyscale"),
    "Double Sided Printing": N_("Double-sided printing"),
    "Long side binding": N_("Long-edge binding"),
    "Short side binding": N_("Short-edge binding"),
    "Off": N_("Off"),
    "Pages": N_("Pages"),
    "Page &Set:": N_("Page set:"),
    (
        "Specify pages or ranges separated by commas. Ranges are specified by two numbers "
        "separated by a hyphen. E.g: 3,5-7,9 prints pages 3, 5, 6, 7 and 9."
    ): N_(
        "Type pages or ranges separated by commas; a range is two numbers joined by a hyphen. "
        "For example 3,5-7,9 prints pages 3, 5, 6, 7 and 9."
    ),
    "Printer": N_("Printer"),
    "&Name:": N_("Name:"),
    "P&roperties": N_("Properties"),
    "Location:": N_("Location:"),
    "Type:": N_("Type:"),
    "Output &file:": N_("Output file:"),
    "Preview": N_("Preview"),
    "...": N_("..."),
    "Printer Properties": N_("Printer properties"),
    "Job Options": N_("Job options"),
    "Advanced": N_("Advanced"),
    "Page": N_("Page"),
    "There are conflicts in some options. Please fix them.": N_(
        "Some options conflict. Please fix them."
    ),
    "Conflicting options": N_("Conflicting options"),
    "Print to File": N_("Print to a file"),
    "File %1 is not writable.\nPlease choose a different file name.": N_(
        "File %1 cannot be written.\nPlease choose another file name."
    ),
    "%1 already exists.\nDo you want to overwrite it?": N_(
        "%1 already exists.\nDo you want to overwrite it?"
    ),
    "%1 is a directory.\nPlease choose a different file name.": N_(
        "%1 is a folder.\nPlease choose another file name."
    ),
    "The 'From' value cannot be greater than the 'To' value.": N_(
        "The 'from' page cannot come after the 'to' page."
    ),
    "Paper": N_("Paper"),
    "Page size:": N_("Page size:"),
    "Width:": N_("Width:"),
    "Height:": N_("Height:"),
    "Paper source:": N_("Paper source:"),
    "Orientation": N_("Orientation"),
    "Portrait": N_("Portrait"),
    "Landscape": N_("Landscape"),
    "Reverse landscape": N_("Reverse landscape"),
    "Reverse portrait": N_("Reverse portrait"),
    "Margins": N_("Margins"),
    "top margin": N_("top margin"),
    "bottom margin": N_("bottom margin"),
    "left margin": N_("left margin"),
    "right margin": N_("right margin"),
    "Page Layout": N_("Page layout"),
    "Page &order:": N_("Page order:"),
    "Pages &per sheet:": N_("Pages per sheet:"),
    "Millimeters (mm)": N_("Millimetres (mm)"),
    "Inches (in)": N_("Inches (in)"),
    "Points (pt)": N_("Points (pt)"),
    "Pica (P̸)": N_("Pica (P̸)"),
    "Didot (DD)": N_("Didot (DD)"),
    "Cicero (CC)": N_("Cicero (CC)"),
    "Custom": N_("Custom"),
    "Left to Right, Top to Bottom": N_("Left to right, top to bottom"),
    "Left to Right, Bottom to Top": N_("Left to right, bottom to top"),
    "Right to Left, Bottom to Top": N_("Right to left, bottom to top"),
    "Right to Left, Top to Bottom": N_("Right to left, top to bottom"),
    "Bottom to Top, Left to Right": N_("Bottom to top, left to right"),
    "Bottom to Top, Right to Left": N_("Bottom to top, right to left"),
    "Top to Bottom, Left to Right": N_("Top to bottom, left to right"),
    "Top to Bottom, Right to Left": N_("Top to bottom, right to left"),
    "Job": N_("Job"),
    "Job Control": N_("Job control"),
    "Scheduled &printing:": N_("Scheduled printing:"),
    "&Billing information:": N_("Billing information:"),
    "Job &priority:": N_("Job priority:"),
    "Banner Pages": N_("Banner pages"),
    "&Start:": N_("Start:"),
    "&End:": N_("End:"),
    "Print Immediately": N_("Print now"),
    "Hold Indefinitely": N_("Hold"),
    "Day (06:00 to 17:59)": N_("Day (06:00 to 17:59)"),
    "Night (18:00 to 05:59)": N_("Night (18:00 to 05:59)"),
    "Second Shift (16:00 to 23:59)": N_("Second shift (16:00 to 23:59)"),
    "Third Shift (00:00 to 07:59)": N_("Third shift (00:00 to 07:59)"),
    "Weekend (Saturday to Sunday)": N_("Weekend (Saturday to Sunday)"),
    "Specific Time": N_("At a set time"),
    "None": N_("None"),
    "Standard": N_("Standard"),
    "Unclassified": N_("Unclassified"),
    "Confidential": N_("Confidential"),
    "Classified": N_("Classified"),
    "Secret": N_("Secret"),
    "Top Secret": N_("Top secret"),
    "&Select All": N_("Select all"),
    "&Step up": N_("Step up"),
    "Step &down": N_("Step down"),
    "Copy &Link Location": N_("Copy link address"),
    "Scroll Left": N_("Scroll left"),
    "Scroll Right": N_("Scroll right"),
    "Enter a value:": N_("Enter a value:"),
}


# Qt's own locale: month and day names of the calendar pop-up, decimals of the page-setup boxes.
_QT_LOCALES = {
    "vi": (QLocale.Language.Vietnamese, QLocale.Country.Vietnam),
    "en": (QLocale.Language.English, QLocale.Country.UnitedKingdom),
}


def apply_qt_locale(lang: str) -> None:
    """Make widgets built from now on use the language's locale (call with set_language)."""
    language, country = _QT_LOCALES.get(lang, _QT_LOCALES["vi"])
    QLocale.setDefault(QLocale(language, country))


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
