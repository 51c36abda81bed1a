"""Build the message catalogs: `python -m desktop_app.i18n.build [--extract]`.

Without options, compile every `i18n/<lang>.po` into
`desktop_app/i18n/locale/<lang>/LC_MESSAGES/tthtcd.mo`. Those .mo files are package data and are
committed, so a wheel, an editable install and the PyInstaller bundle all ship the same catalogs
with no build step of their own; commit them together with the .po (tests/test_package.py fails
while they differ). The output depends only on the .po and the babel version (its "Generated-By"
header), so compiling again without a change rewrites identical bytes.

With `--extract`, first scan `desktop_app/` for marked strings, rewrite `i18n/messages.pot`,
and merge it into every language's .po: existing translations are kept, obsolete ones dropped,
new Vietnamese entries stay empty (so tests/test_catalogs.py fails until they are translated),
and English entries get their msgid as translation because English is the source language.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from babel.messages.catalog import Catalog, Message, TranslationError
from babel.messages.checkers import num_plurals
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po, write_po

from desktop_app import __version__
from desktop_app.appinfo import project_root
from desktop_app.i18n import DOMAIN, LANGUAGES, catalog_dir, mo_path

# The functions whose first string argument is a msgid; ngettext's first two are singular and
# plural. `N_` marks messages in core, which must not import gettext. We do not use Qt's own
# translation system (QObject.tr, QT_TRANSLATE_NOOP): the ui calls these same functions.
KEYWORDS: dict[str, tuple[int, ...] | None] = {
    "_": None,
    "N_": None,
    "tr": None,
    "ngettext": (1, 2),
}
COMMENT_TAGS = ("Translators:",)
METHOD_MAP = [("**.py", "python")]
SOURCE_PACKAGE = "desktop_app"
TEMPLATE_NAME = "messages.pot"

# Headers that change on every run; ignoring them when comparing keeps files (and the
# Makefile's dependency on the .po files) untouched when no message changed.
_VOLATILE_HEADER = re.compile(rb'^"(POT-Creation-Date|PO-Revision-Date): .*\\n"\n', re.MULTILINE)


class CatalogError(Exception):
    """A catalog that cannot be compiled, with a message that says where and why."""


_HEADER = """\
# Translations template for PROJECT (Trung tâm học tập cộng đồng).
# This file is distributed under the same license as the PROJECT project (GPL-3.0-or-later).
# Edit msgstr lines only. After changing messages in the code run `make catalogs`.
#"""


def _new_catalog(lang: str | None) -> Catalog:
    # Babel rewrites "Translations template" to e.g. "Vietnamese translations" for a language.
    return Catalog(
        locale=lang,
        domain=DOMAIN,
        project=DOMAIN,
        version=__version__,
        header_comment=_HEADER,
        charset="utf-8",
        fuzzy=False,
    )


def extract_messages(root: Path | None = None) -> Catalog:
    """The template catalog of every marked string in `desktop_app/`, in memory."""
    root = root or project_root()
    template = _new_catalog(None)
    source = root / SOURCE_PACKAGE
    for filename, lineno, message, comments, context in extract_from_dir(
        source,
        method_map=METHOD_MAP,
        keywords=KEYWORDS,
        comment_tags=COMMENT_TAGS,
        strip_comment_tags=True,
    ):
        location = (f"{SOURCE_PACKAGE}/{Path(filename).as_posix()}", lineno)
        template.add(
            message,
            None,
            [location],
            auto_comments=comments,
            context=context,
        )
    return template


# One line of a .po file outside comments: an optional keyword, then one quoted string.
_PO_LINE = re.compile(
    r'^(?:(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+)?"((?:[^"\\]|\\.)*)"\s*$'
)


def check_po_syntax(po: Path) -> list[str]:
    """Problems babel's lenient parser would let through, as 'file:line: what' strings.

    Babel reads an unterminated quote as an empty translation and keeps the last of two
    duplicate entries, both silently; a hand edit or a merge conflict produces exactly these.
    """
    errors: list[str] = []
    seen: dict[tuple[str | None, str], int] = {}
    keyword: str | None = None
    context: str | None = None
    msgid: list[str] = []
    msgid_line = 0
    for number, raw in enumerate(po.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = _PO_LINE.match(line)
        if match is None:
            errors.append(f"{po}:{number}: cannot read this line (a missing quote?): {line[:70]}")
            continue
        word, text = match.groups()
        if word is None:
            if keyword is None:
                errors.append(f"{po}:{number}: text outside any entry: {line[:70]}")
            elif keyword == "msgid":
                msgid.append(text)
            elif keyword == "msgctxt":
                context = (context or "") + text
            continue
        if word == "msgctxt":
            context = text
        elif word == "msgid":
            msgid, msgid_line = [text], number
        elif keyword == "msgid":
            key = (context, "".join(msgid))
            if key in seen:
                errors.append(
                    f"{po}:{msgid_line}: duplicate of the entry at line {seen[key]}: "
                    f"{key[1][:60]!r}"
                )
            seen.setdefault(key, msgid_line)
        if word.startswith("msgstr"):
            context = None
        keyword = word
    return errors


def read_catalog(po: Path, lang: str) -> Catalog:
    """Parse a .po file, raising CatalogError with the file and line on a syntax error."""
    try:
        errors = check_po_syntax(po)
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogError(f"{po}: {exc}") from exc
    if errors:
        raise CatalogError("\n".join(errors))
    try:
        with po.open("rb") as fileobj:
            return read_po(fileobj, locale=lang, domain=DOMAIN, abort_invalid=True)
    except PoFileError as exc:
        raise CatalogError(f"{po}: {exc}") from exc
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise CatalogError(f"{po}: {exc}") from exc


def compile_catalog(po: Path, lang: str) -> bytes:
    """The .mo bytes for one .po file; fuzzy and untranslated entries are left out."""
    catalog = read_catalog(po, lang)
    # Only structural errors stop the build. Babel's python-format checker is left out: our
    # messages use {name} placeholders, and it misreads a plain "50% done" as "% d".
    # Placeholder mismatches are caught by tests/test_catalogs.py, and at runtime a bad
    # translation falls back to the English text instead of crashing.
    errors: list[str] = []
    for message in catalog:
        if not message.id:
            continue
        try:
            num_plurals(catalog, message)
        except TranslationError as exc:
            errors.append(f"{po}:{message.lineno}: {message.id!r}: {exc}")
    if errors:
        raise CatalogError("\n".join(errors))
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def _write_atomically(path: Path, data: bytes) -> None:
    # The running app may read the .mo at any moment; it must see the old file or the new one.
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        # mkstemp makes the file private (0600); a catalog is an ordinary project file.
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def compile_all() -> list[Path]:
    """Compile every `i18n/*.po`; return the .mo files written."""
    directory = catalog_dir()
    written: list[Path] = []
    problems: list[str] = []
    for po in sorted(directory.glob("*.po")):
        lang = po.stem
        try:
            data = compile_catalog(po, lang)
        except CatalogError as exc:
            problems.append(str(exc))
            continue
        target = mo_path(lang)
        _write_atomically(target, data)
        written.append(target)
    if problems:
        raise CatalogError("\n".join(problems))
    return written


def _render_po(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    # No line numbers: they would change on every edit of a source file and make every
    # branch conflict in the catalogs; the file name is enough to find a message.
    write_po(
        buffer,
        catalog,
        width=100,
        sort_by_file=True,
        include_lineno=False,
        ignore_obsolete=True,
    )
    return buffer.getvalue()


def _write_if_changed(path: Path, data: bytes) -> bool:
    if path.is_file():
        old = path.read_bytes()
        if _VOLATILE_HEADER.sub(b"", old) == _VOLATILE_HEADER.sub(b"", data):
            return False
    _write_atomically(path, data)
    return True


def _fill_english(catalog: Catalog) -> None:
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple | list):
            strings = message.string if isinstance(message.string, tuple | list) else ()
            if not any(strings):
                message.string = tuple(message.id)
        elif not message.string:
            message.string = message.id


def update_catalogs(root: Path | None = None) -> list[Path]:
    """Extract, write the template and merge it into every language; return files changed."""
    root = root or project_root()
    directory = root / "i18n"
    directory.mkdir(parents=True, exist_ok=True)
    template = extract_messages(root)
    changed: list[Path] = []
    pot = directory / TEMPLATE_NAME
    if _write_if_changed(pot, _render_po(template)):
        changed.append(pot)
    for lang in LANGUAGES:
        po = directory / f"{lang}.po"
        catalog = read_catalog(po, lang) if po.is_file() else _new_catalog(lang)
        english = lang == "en"
        # Fuzzy matching offers a Vietnamese translator the old text of a reworded message
        # (flagged fuzzy, so the catalog test fails until someone checks it); for English the
        # msgid itself is always the right answer.
        catalog.update(template, no_fuzzy_matching=english, update_creation_date=False)
        catalog.project = DOMAIN
        catalog.version = __version__
        if english:
            _fill_english(catalog)
        if _write_if_changed(po, _render_po(catalog)):
            changed.append(po)
    return changed


def untranslated(catalog: Catalog) -> list[Message]:
    """Entries a translator still has to do: fuzzy, or with any translation form empty."""
    missing: list[Message] = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
        if message.fuzzy or not strings or not all(strings):
            missing.append(message)
    return missing


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m desktop_app.i18n.build",
        description="Compile i18n/*.po into .mo files; with --extract, update them first.",
    )
    parser.add_argument(
        "--extract",
        action="store_true",
        help="extract messages from desktop_app/ and update i18n/*.po before compiling",
    )
    args = parser.parse_args(argv)
    try:
        if args.extract:
            for path in update_catalogs():
                print(f"updated {path.relative_to(project_root())}")
            for lang in LANGUAGES:
                po = catalog_dir() / f"{lang}.po"
                todo = untranslated(read_catalog(po, lang))
                if todo:
                    print(f"{po.relative_to(project_root())}: {len(todo)} to translate or check")
        for path in compile_all():
            print(f"compiled {path.relative_to(project_root())}")
    except CatalogError as exc:
        print(f"Broken message catalog, nothing was compiled from it:\n{exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
