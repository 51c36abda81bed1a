"""The one font family every PDF uses: Liberation Serif (OFL), shipped in resources/fonts.

Decree 30/2020 asks for Times New Roman; Liberation Serif has the same metrics and full
Vietnamese coverage, and we may ship it. reportlab embeds a subset of each TrueType font it
uses, so a PDF reads the same on a machine without the font and nothing depends on the fonts
installed on the office PC.
"""

from __future__ import annotations

import threading
import unicodedata

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from desktop_app.appinfo import resource_path

FAMILY = "Serif"
REGULAR = "Serif"
BOLD = "Serif-Bold"
ITALIC = "Serif-Italic"
BOLD_ITALIC = "Serif-BoldItalic"

_FILES: dict[str, str] = {
    REGULAR: "LiberationSerif-Regular.ttf",
    BOLD: "LiberationSerif-Bold.ttf",
    ITALIC: "LiberationSerif-Italic.ttf",
    BOLD_ITALIC: "LiberationSerif-BoldItalic.ttf",
}

# PDF batches render on a worker pool; two threads registering at once must not race.
_lock = threading.Lock()
_registered = False


def register_fonts() -> None:
    """Register the family with reportlab; cheap and safe to call before every document."""
    global _registered
    if _registered:
        return
    with _lock:
        if _registered:
            return
        for name, filename in _FILES.items():
            path = resource_path("fonts", filename)
            if not path.is_file():
                raise FileNotFoundError(f"Bundled font {path} is missing; reinstall the app")
            pdfmetrics.registerFont(TTFont(name, str(path)))
        # The family mapping is what lets Paragraph markup (<b>, <i>) find the bold and italic
        # faces instead of silently falling back to the regular one.
        pdfmetrics.registerFontFamily(
            FAMILY, normal=REGULAR, bold=BOLD, italic=ITALIC, boldItalic=BOLD_ITALIC
        )
        _registered = True


def missing_glyphs(text: str, font_name: str = REGULAR) -> set[str]:
    """Characters of `text` (after NFC) that the font cannot draw; they would print as boxes."""
    register_fonts()
    font = pdfmetrics.getFont(font_name)
    if not isinstance(font, TTFont):
        raise TypeError(f"{font_name} is not one of our TrueType fonts")
    covered = font.face.charToGlyph
    return {
        ch
        for ch in unicodedata.normalize("NFC", text)
        if not ch.isspace() and ord(ch) not in covered
    }
