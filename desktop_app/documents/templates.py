"""Certificate templates: layout files in resources/templates, read and checked before any page.

A centre adjusts the wording (or moves a line) by editing a JSON file, so every mistake in it
must be caught when the file is read, with a message that names the file and the problem,
never halfway through printing 300 certificates. Positions are in millimetres from the top-left
corner of the page; sizes are in points.

    {
      "format": 1,
      "page": {"size": "A4", "orientation": "landscape"},
      "border": {"colour": "#7A1F1F", "outer_inset_mm": 8, "outer_width_pt": 3,
                 "inner_inset_mm": 11.5, "inner_width_pt": 0.8, "corner_mm": 4},
      "qr": {"x_mm": 22, "y_mm": 158, "size_mm": 30},
      "elements": [
        {"text": "GIẤY CHỨNG NHẬN", "x_mm": "centre", "y_mm": 66, "font": "bold",
         "size": 34, "colour": "#C00000"},
        {"spans": [{"text": "Chứng nhận {salutation}: "}, {"text": "{full_name}", "font": "bold"}],
         "x_mm": 50, "align": "left", "y_mm": 88, "size": 16, "group": "body"}
      ]
    }

Element keys: `text` or `spans` (a list of {text, font}), `x_mm` (a number or "centre"),
`y_mm` (the baseline of the first line), `align` (left, centre, right; the default is centre),
`font` (regular, bold, italic, bold_italic), `size`, `min_size`, `colour` ("#RRGGBB"),
`max_width_mm`, `upper` (print in capitals), `rule` ("text" for a rule as long as the line, or
a length in mm), `group` (a line that wraps pushes the later lines of its group down),
`only_if` ("reprint": printed only on a reprint; "qr": only beside the QR code, not on a
preview; a field's name, e.g. "hamlet": only when that field is not empty, and the lines
below it in its group move up to close the gap),
`leading` (line height for a second line, as a multiple of the size). Placeholders are
`{field}` with a field of CertificatePage; `{{` and `}}` print a brace.
"""

from __future__ import annotations

import json
import math
import re
import string
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportlab.lib.pagesizes import A4, landscape, portrait
from reportlab.lib.units import mm

from desktop_app.appinfo import resource_path
from desktop_app.documents.fonts import BOLD, BOLD_ITALIC, ITALIC, REGULAR

__all__ = [
    "ALIGNMENTS",
    "FONTS",
    "PLACEHOLDER_FIELDS",
    "Border",
    "CertificateTemplate",
    "QrPlacement",
    "Span",
    "TemplateError",
    "TextElement",
    "load_template",
    "template_path",
]

# The text fields of certificates.CertificatePage (a test keeps the two in step). They are listed
# here rather than imported so that this module stays below certificates.py.
PLACEHOLDER_FIELDS: frozenset[str] = frozenset(
    {
        "serial",
        "full_name",
        "birth",
        "hamlet",
        "course_title",
        "course_dates",
        "result",
        "place_date",
        "issuer_parent",
        "issuer",
        "signer_title",
        "signer_name",
        "salutation",
        "birth_label",
        "hamlet_label",
        "achievement",
        "decision",
        "model_title",
        "signer_for",
    }
)

FONTS: dict[str, str] = {
    "regular": REGULAR,
    "bold": BOLD,
    "italic": ITALIC,
    "bold_italic": BOLD_ITALIC,
}
ALIGNMENTS = ("left", "centre", "right")
# An element with `only_if` is printed only on a reprint, only beside a QR code, or only when
# the field it names is not empty.
CONDITIONS = ("reprint", "qr")
FORMAT_VERSION = 1

# Text keeps this far inside the inner border line, so that no glyph touches it.
TEXT_PADDING: float = 3 * mm
# Smallest size any text may be shrunk to; below this a line is cut with an ellipsis instead.
ABSOLUTE_MIN_SIZE = 6.0
# A QR code needs a light margin ("quiet zone") of four modules; at 30 mm and the largest
# payloads we make (version 20, 97 modules) that is about 1.3 mm.
QR_CLEARANCE: float = 2 * mm

_COLOUR = re.compile(r"#[0-9A-Fa-f]{6}")
_FIELD = re.compile(r"[a-z_]+")

_TOP_KEYS = {"format", "description", "page", "border", "qr", "elements"}
_PAGE_KEYS = {"size", "orientation"}
_BORDER_KEYS = {
    "colour",
    "outer_inset_mm",
    "outer_width_pt",
    "inner_inset_mm",
    "inner_width_pt",
    "corner_mm",
}
_QR_KEYS = {"x_mm", "y_mm", "size_mm"}
_ELEMENT_KEYS = {
    "text",
    "spans",
    "x_mm",
    "y_mm",
    "align",
    "font",
    "size",
    "min_size",
    "colour",
    "max_width_mm",
    "upper",
    "rule",
    "group",
    "only_if",
    "leading",
    "comment",
}
_SPAN_KEYS = {"text", "font"}


class TemplateError(Exception):
    """A template file that cannot be used; the message names the file and what is wrong."""


Colour = tuple[float, float, float]


@dataclass(frozen=True)
class Span:
    """A piece of an element's text in one font.

    `parts` alternate literal text and field names: ("Chứng nhận: ", None) is printed as is,
    ("", "full_name") prints the field.
    """

    parts: tuple[tuple[str, str | None], ...]
    font: str

    @property
    def fields(self) -> frozenset[str]:
        return frozenset(field for _, field in self.parts if field is not None)

    def resolve(self, values: Mapping[str, str]) -> str:
        return "".join(
            literal + (values.get(field, "") if field else "") for literal, field in self.parts
        )


@dataclass(frozen=True)
class TextElement:
    """One line of the certificate (it may wrap to two); lengths in points, y from the top."""

    index: int
    spans: tuple[Span, ...]
    x: float  # anchor, from the left edge; see `align`
    y: float  # baseline of the first line, from the top edge
    align: str
    size: float
    min_size: float
    colour: Colour
    max_width: float
    upper: bool
    rule: float | None  # None: no rule; 0: as long as the text; else this length
    group: str | None
    only_if: str | None
    leading: float

    @property
    def fields(self) -> frozenset[str]:
        return frozenset().union(*(span.fields for span in self.spans))

    @property
    def label(self) -> str:
        """The element as the template writes it, for error messages."""
        return "".join(
            literal + ("{" + field + "}" if field else "")
            for span in self.spans
            for literal, field in span.parts
        )


@dataclass(frozen=True)
class Border:
    colour: Colour
    outer_inset: float
    outer_width: float
    inner_inset: float
    inner_width: float
    corner: float  # side of the small squares at the inner corners; 0 for none


@dataclass(frozen=True)
class QrPlacement:
    x: float  # left edge of the symbol, from the left edge of the page
    top: float  # top edge of the symbol, from the top edge of the page
    size: float


@dataclass(frozen=True)
class CertificateTemplate:
    path: Path
    page_width: float
    page_height: float
    border: Border
    qr: QrPlacement
    elements: tuple[TextElement, ...]

    @property
    def content_left(self) -> float:
        return self.border.inner_inset + TEXT_PADDING

    @property
    def content_right(self) -> float:
        return self.page_width - self.border.inner_inset - TEXT_PADDING

    @property
    def content_top(self) -> float:
        return self.border.inner_inset + TEXT_PADDING

    @property
    def content_bottom(self) -> float:
        return self.page_height - self.border.inner_inset - TEXT_PADDING


def template_path(name: str, template_dir: Path | None = None) -> Path:
    """Where the template called `name` ("completion", "commendation") is read from."""
    if not re.fullmatch(r"[A-Za-z0-9_-]+", name):
        raise TemplateError(f"{name!r} is not a template name (letters, digits, - and _ only)")
    folder = template_dir if template_dir is not None else resource_path("templates")
    return folder / f"{name}.json"


def load_template(source: str | Path, *, template_dir: Path | None = None) -> CertificateTemplate:
    """Read and check a template: a name looked up in `template_dir` (default: the bundled
    resources/templates), or the path of a JSON file. Raises TemplateError."""
    path = source if isinstance(source, Path) else template_path(source, template_dir)
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise TemplateError(f"{path}: template file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise TemplateError(f"{path}: cannot read the template: {exc}") from None
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise TemplateError(
            f"{path}: not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from None
    return _Reader(path).template(data)


class _Reader:
    """Checks one template file; every error names the file and where in it the problem is."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def error(self, where: str, problem: str) -> TemplateError:
        return TemplateError(f"{self.path}: {where}: {problem}")

    # -- plain values -------------------------------------------------------------------

    def mapping(self, value: Any, where: str, allowed: set[str]) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.error(where, "must be a JSON object {...}")
        unknown = sorted(set(value) - allowed)
        if unknown:
            raise self.error(
                where, f"unknown key {unknown[0]!r}; allowed keys: {', '.join(sorted(allowed))}"
            )
        return value

    def required(self, data: dict[str, Any], key: str, where: str) -> Any:
        if key not in data:
            raise self.error(where, f"missing required key {key!r}")
        return data[key]

    def number(
        self,
        data: dict[str, Any],
        key: str,
        where: str,
        *,
        low: float,
        high: float,
        default: float | None = None,
    ) -> float:
        if key not in data:
            if default is None:
                raise self.error(where, f"missing required key {key!r}")
            return default
        value = data[key]
        # bool is an int in Python, but `true` for a size is a mistake in the file.
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            raise self.error(where, f"{key!r} must be a number, not {value!r}")
        if not low <= value <= high:
            raise self.error(where, f"{key!r} is {value}; it must be between {low:g} and {high:g}")
        return float(value)

    def choice(
        self, data: dict[str, Any], key: str, where: str, options: tuple[str, ...], default: str
    ) -> str:
        value = data.get(key, default)
        if value not in options:
            raise self.error(where, f"{key!r} is {value!r}; it must be one of {', '.join(options)}")
        return str(value)

    def colour(self, data: dict[str, Any], key: str, where: str, default: str) -> Colour:
        value = data.get(key, default)
        if not isinstance(value, str) or not _COLOUR.fullmatch(value):
            raise self.error(where, f"bad colour {value!r}; write it as #RRGGBB, e.g. #C00000")
        return (
            int(value[1:3], 16) / 255,
            int(value[3:5], 16) / 255,
            int(value[5:7], 16) / 255,
        )

    def font(self, data: dict[str, Any], where: str, default: str) -> str:
        return FONTS[self.choice(data, "font", where, tuple(FONTS), default)]

    # -- structure ----------------------------------------------------------------------

    def template(self, data: Any) -> CertificateTemplate:
        top = self.mapping(data, "top level", _TOP_KEYS)
        version = top.get("format", FORMAT_VERSION)
        if version != FORMAT_VERSION:
            raise self.error("format", f"this app reads format {FORMAT_VERSION}, not {version!r}")

        page = self.mapping(top.get("page", {}), "page", _PAGE_KEYS)
        if page.get("size", "A4") != "A4":
            raise self.error("page", f"size {page.get('size')!r} is not supported; use A4")
        orientation = self.choice(
            page, "orientation", "page", ("landscape", "portrait"), "landscape"
        )
        width, height = landscape(A4) if orientation == "landscape" else portrait(A4)

        border = self.border(self.required(top, "border", "top level"), min(width, height))
        qr = self.qr(self.required(top, "qr", "top level"), width, height, border)

        elements_data = self.required(top, "elements", "top level")
        if not isinstance(elements_data, list) or not elements_data:
            raise self.error("elements", "must be a non-empty list of text elements")
        template = CertificateTemplate(
            path=self.path,
            page_width=width,
            page_height=height,
            border=border,
            qr=qr,
            elements=(),
        )
        elements = tuple(
            self.element(item, number, template)
            for number, item in enumerate(elements_data, start=1)
        )
        self.check_groups(elements, template)
        return CertificateTemplate(
            path=self.path,
            page_width=width,
            page_height=height,
            border=border,
            qr=qr,
            elements=elements,
        )

    def border(self, value: Any, short_side: float) -> Border:
        data = self.mapping(value, "border", _BORDER_KEYS)
        limit = short_side / mm / 4
        outer = self.number(data, "outer_inset_mm", "border", low=0, high=limit)
        inner = self.number(data, "inner_inset_mm", "border", low=0, high=limit)
        if inner < outer:
            raise self.error("border", "inner_inset_mm must not be smaller than outer_inset_mm")
        return Border(
            colour=self.colour(data, "colour", "border", "#000000"),
            outer_inset=outer * mm,
            outer_width=self.number(data, "outer_width_pt", "border", low=0, high=12),
            inner_inset=inner * mm,
            inner_width=self.number(data, "inner_width_pt", "border", low=0, high=12),
            corner=self.number(data, "corner_mm", "border", low=0, high=20, default=0) * mm,
        )

    def qr(self, value: Any, width: float, height: float, border: Border) -> QrPlacement:
        data = self.mapping(value, "qr", _QR_KEYS)
        size = self.number(data, "size_mm", "qr", low=15, high=80) * mm
        x = self.number(data, "x_mm", "qr", low=0, high=width / mm) * mm
        top = self.number(data, "y_mm", "qr", low=0, high=height / mm) * mm
        edge = border.inner_inset + QR_CLEARANCE
        if x < edge or top < edge or x + size > width - edge or top + size > height - edge:
            raise self.error(
                "qr", "the code (with its light margin) must lie inside the inner border"
            )
        return QrPlacement(x=x, top=top, size=size)

    def spans(self, data: dict[str, Any], where: str) -> tuple[Span, ...]:
        default_font = self.font(data, where, "regular")
        if ("text" in data) == ("spans" in data):
            raise self.error(where, "give either 'text' or 'spans' (a list of {text, font})")
        if "text" in data:
            return (self.span(data["text"], default_font, where),)
        items = data["spans"]
        if not isinstance(items, list) or not items:
            raise self.error(where, "'spans' must be a non-empty list of {text, font}")
        spans = []
        for number, item in enumerate(items, start=1):
            span_where = f"{where}, span {number}"
            span = self.mapping(item, span_where, _SPAN_KEYS)
            text = self.required(span, "text", span_where)
            font = self.font(span, span_where, _font_key(default_font))
            spans.append(self.span(text, font, span_where))
        return tuple(spans)

    def span(self, text: Any, font: str, where: str) -> Span:
        if not isinstance(text, str):
            raise self.error(where, f"'text' must be a string, not {text!r}")
        text = unicodedata.normalize("NFC", text)
        parts: list[tuple[str, str | None]] = []
        try:
            parsed = list(string.Formatter().parse(text))
        except ValueError as exc:
            raise self.error(
                where, f"bad placeholder in {text!r} ({exc}); write {{{{ and }}}} for braces"
            ) from None
        for literal, field, spec, conversion in parsed:
            if field is None:
                parts.append((literal, None))
                continue
            # Only bare names: "{full_name.__class__}" or "{0}" would reach into Python objects.
            if not _FIELD.fullmatch(field) or field not in PLACEHOLDER_FIELDS:
                raise self.error(
                    where,
                    f"unknown field {field!r} in placeholder {{{field}}}; known fields: "
                    + ", ".join(sorted(PLACEHOLDER_FIELDS)),
                )
            if spec or conversion:
                raise self.error(where, f"placeholder {{{field}}} must not have ':' or '!' parts")
            parts.append((literal, field))
        return Span(parts=tuple(parts), font=font)

    def element(self, value: Any, number: int, template: CertificateTemplate) -> TextElement:
        where = f"element {number}"
        data = self.mapping(value, where, _ELEMENT_KEYS)
        spans = self.spans(data, where)
        where = f"element {number} ({_preview(spans)})"

        width, height = template.page_width, template.page_height
        left, right = template.content_left, template.content_right
        align = self.choice(data, "align", where, ALIGNMENTS, "centre")
        x_value = self.required(data, "x_mm", where)
        if x_value == "centre":
            x = width / 2
        else:
            x = self.number(data, "x_mm", where, low=0, high=width / mm) * mm
        if not left <= x <= right:
            raise self.error(where, "x_mm puts the text outside the inner border")
        room = {
            "left": right - x,
            "right": x - left,
            "centre": 2 * min(x - left, right - x),
        }[align]
        if "max_width_mm" in data:
            max_width = self.number(data, "max_width_mm", where, low=5, high=width / mm) * mm
            if max_width > room + 0.01:
                raise self.error(
                    where,
                    f"max_width_mm {max_width / mm:g} would run past the border; "
                    f"at most {room / mm:.0f} fits here",
                )
        else:
            max_width = room

        y = self.number(data, "y_mm", where, low=0, high=height / mm) * mm
        size = self.number(data, "size", where, low=ABSOLUTE_MIN_SIZE, high=96)
        if not template.content_top + size * 0.8 <= y <= template.content_bottom:
            raise self.error(where, "y_mm puts the text outside the inner border")
        min_size = self.number(
            data,
            "min_size",
            where,
            low=ABSOLUTE_MIN_SIZE,
            high=96,
            default=max(ABSOLUTE_MIN_SIZE, size * 0.7),
        )
        if min_size > size:
            raise self.error(where, "min_size must not be larger than size")

        rule: float | None = None
        if "rule" in data:
            if data["rule"] == "text":
                rule = 0.0
            else:
                rule = self.number(data, "rule", where, low=1, high=max_width / mm) * mm

        group = data.get("group")
        if group is not None and (not isinstance(group, str) or not group):
            raise self.error(where, "'group' must be a non-empty string")
        only_if = data.get("only_if")
        if only_if is not None and only_if not in CONDITIONS and only_if not in PLACEHOLDER_FIELDS:
            raise self.error(
                where,
                f"'only_if' is {only_if!r}; it must be one of {', '.join(CONDITIONS)} or a "
                "field: " + ", ".join(sorted(PLACEHOLDER_FIELDS)),
            )
        upper = data.get("upper", False)
        if not isinstance(upper, bool):
            raise self.error(where, "'upper' must be true or false")
        return TextElement(
            index=number,
            spans=spans,
            x=x,
            y=y,
            align=align,
            size=size,
            min_size=min_size,
            colour=self.colour(data, "colour", where, "#000000"),
            max_width=max_width,
            upper=upper,
            rule=rule,
            group=group,
            only_if=only_if,
            leading=self.number(data, "leading", where, low=1.0, high=2.0, default=1.2),
        )

    def check_groups(
        self, elements: tuple[TextElement, ...], template: CertificateTemplate
    ) -> None:
        """A group whose every line wraps must still end inside the border."""
        shift: dict[str, float] = {}
        for element in elements:
            if element.group is None:
                continue
            extra = shift.get(element.group, 0.0) + element.size * element.leading
            shift[element.group] = extra
            if element.y + extra > template.content_bottom:
                raise self.error(
                    f"element {element.index} ({_preview(element.spans)})",
                    f"if the lines of group {element.group!r} above it wrap, it is pushed "
                    "below the border; move the group up or make it smaller",
                )


def _font_key(font: str) -> str:
    return next(key for key, name in FONTS.items() if name == font)


def _preview(spans: tuple[Span, ...]) -> str:
    text = "".join(
        literal + ("{" + field + "}" if field else "")
        for span in spans
        for literal, field in span.parts
    )
    return repr(text if len(text) <= 40 else text[:39] + "…")
