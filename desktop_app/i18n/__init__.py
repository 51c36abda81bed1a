"""Translation (gettext catalogs built with babel) and locale-aware formatting.

Source strings are English. Mark them with `_()`, `tr()`, `ngettext()` (or `N_()` where the text
is only translated later, e.g. in core), then run `make catalogs` and translate `i18n/vi.po`.
"""

from __future__ import annotations

import gettext
import io
import logging
import struct
import threading
from datetime import date
from pathlib import Path

from babel.numbers import format_decimal

from desktop_app.appinfo import package_dir, project_root
from desktop_app.core.money import Money
from desktop_app.core.problems import N_, Label, Problem, UserError

__all__ = [
    "DEFAULT_LANGUAGE",
    "DOMAIN",
    "LANGUAGES",
    "LANGUAGE_NAMES",
    "_",
    "catalog_dir",
    "current_language",
    "format_date",
    "format_int",
    "format_money",
    "format_percent",
    "language_name",
    "locale_dir",
    "mo_path",
    "ngettext",
    "problem_text",
    "reload_catalogs",
    "set_language",
    "tr",
    "translations_loaded",
    "user_error_text",
    "vietnamese",
]

log = logging.getLogger(__name__)

LANGUAGES: tuple[str, ...] = ("vi", "en")
DEFAULT_LANGUAGE = "vi"
DOMAIN = "tthtcd"
LANGUAGE_NAMES: dict[str, str] = {"vi": N_("Vietnamese"), "en": N_("English")}

_BABEL_LOCALES = {"vi": "vi", "en": "en"}
_CURRENCY_SUFFIX = {"vi": "đ", "en": "VND"}

_lock = threading.Lock()
_translations: dict[str, gettext.NullTranslations] = {}
_counts: dict[str, int] = {}
_current = DEFAULT_LANGUAGE


def catalog_dir() -> Path:
    """Where the editable catalogs live: `i18n/` at the root of the source checkout. They are
    not shipped: a wheel or a frozen bundle has only the compiled catalogs of `locale_dir()`."""
    return project_root() / "i18n"


def locale_dir() -> Path:
    """Where compiled catalogs live, in gettext's `<lang>/LC_MESSAGES/<domain>.mo` layout: package
    data in `desktop_app/i18n/locale/`, committed to git and written by `desktop_app.i18n.build`
    (tests/test_package.py checks that they match the .po files)."""
    return package_dir() / "i18n" / "locale"


def mo_path(lang: str) -> Path:
    return locale_dir() / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"


def _mo_message_count(data: bytes) -> int:
    """Number of translated messages in .mo bytes, not counting the metadata header entry."""
    if len(data) < 20:
        return 0
    magic = struct.unpack("<I", data[:4])[0]
    order = "<" if magic == 0x950412DE else ">"
    count, originals = (int(v) for v in struct.unpack(order + "4xII", data[4:16]))
    if count == 0:
        return 0
    first_length = int(struct.unpack(order + "I", data[originals : originals + 4])[0])
    # gettext stores entries sorted by msgid, so the header (empty msgid) can only be first.
    return count - 1 if first_length == 0 else count


def _read_catalog_bytes(lang: str) -> bytes | None:
    """The compiled catalog, or in a source checkout the .po compiled in memory when the .po is
    newer (installed and frozen apps have no .po, so they always read the shipped .mo)."""
    mo = mo_path(lang)
    po = catalog_dir() / f"{lang}.po"
    mo_time = mo.stat().st_mtime if mo.is_file() else None
    po_time = po.stat().st_mtime if po.is_file() else None
    if mo_time is not None and (po_time is None or mo_time >= po_time):
        return mo.read_bytes()
    if po_time is None:
        return None
    # A skipped build step or a freshly edited .po must not show raw English msgids to a
    # Vietnamese secretary, so compile the catalog in memory (a few milliseconds).
    from desktop_app.i18n.build import compile_catalog

    log.info("%s is missing or older than %s; compiling it in memory", mo, po)
    return compile_catalog(po, lang)


def _load(lang: str) -> gettext.NullTranslations:
    # `_()` runs for every table cell painted, so the common case takes no lock.
    cached = _translations.get(lang)
    if cached is not None:
        return cached
    with _lock:
        cached = _translations.get(lang)
        if cached is not None:
            return cached
        translations: gettext.NullTranslations | None = None
        count = 0
        try:
            data = _read_catalog_bytes(lang)
            if data is not None:
                translations = gettext.GNUTranslations(io.BytesIO(data))
                count = _mo_message_count(data)
        except Exception:
            # A broken catalog must not stop the app from starting; English text still works.
            log.exception("Could not load the %r translations", lang)
        if translations is None:
            log.warning("No translations for %r: showing the English source text", lang)
            translations = gettext.NullTranslations()
            count = 0
        _counts[lang] = count
        _translations[lang] = translations
        return translations


def set_language(lang: str) -> None:
    """Switch the language of every later `_()`, `tr()` and formatting call."""
    global _current
    if lang not in LANGUAGES:
        raise ValueError(f"Unknown language {lang!r}; expected one of {', '.join(LANGUAGES)}")
    _load(lang)
    _current = lang


def current_language() -> str:
    return _current


def language_name(lang: str) -> str:
    """The language's name in the current UI language, for the language picker."""
    return _(LANGUAGE_NAMES[lang])


def reload_catalogs() -> None:
    """Forget loaded catalogs so the next call reads them again (after editing a .po)."""
    with _lock:
        _translations.clear()
        _counts.clear()


def _(msgid: str) -> str:
    return _load(_current).gettext(msgid)


def vietnamese(msgid: str) -> str:
    """The Vietnamese of a msgid whatever the UI language: official papers read in
    Vietnamese even when the app speaks English."""
    return _load("vi").gettext(msgid)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _load(_current).ngettext(singular, plural, n)


def _fill(msgid: str, translated: str, params: dict[str, object]) -> str:
    params = {
        k: format_money(v) if isinstance(v, Money) else _(v) if isinstance(v, Label) else v
        for k, v in params.items()
    }
    try:
        return translated.format(**params)
    except (KeyError, IndexError, ValueError):
        # A typo in a translation must cost the user a less polished message, not a crash;
        # tests/test_catalogs.py keeps this from reaching a release.
        log.exception("Bad placeholders in the %r translation of %r", _current, msgid)
        return msgid.format(**params)


def tr(msgid: str, **params: object) -> str:
    """Translate, then fill `{name}` placeholders: `tr("Saved {count} people", count=n)`."""
    return _fill(msgid, _(msgid), params)


def problem_text(p: Problem) -> str:
    return _fill(p.message, _(p.message), dict(p.params))


def user_error_text(e: UserError) -> str:
    return _fill(e.message, _(e.message), dict(e.params))


def translations_loaded() -> dict[str, int]:
    """Load every language and return how many messages each has (0 means English fallback)."""
    for lang in LANGUAGES:
        _load(lang)
    with _lock:
        return {lang: _counts[lang] for lang in LANGUAGES}


def format_date(d: date) -> str:
    """Screen form 'dd/mm/yyyy' in both languages: the English UI serves the same Vietnamese
    staff and documents, so a locale-dependent 'Feb 5, 2026' would only confuse."""
    return f"{d.day:02d}/{d.month:02d}/{d.year:04d}"


def format_int(n: int) -> str:
    """'1.250.000' in Vietnamese, '1,250,000' in English."""
    return format_decimal(n, locale=_BABEL_LOCALES[_current])


def format_percent(value: float) -> str:
    """A share with one decimal: '12,5 %' in Vietnamese, '12.5 %' in English."""
    return f"{format_decimal(value, format='#,##0.0', locale=_BABEL_LOCALES[_current])} %"


def format_money(amount: int) -> str:
    """An amount in đồng: '1.250.000 đ' in Vietnamese, '1,250,000 VND' in English."""
    return f"{format_int(amount)} {_CURRENCY_SUFFIX[_current]}"
