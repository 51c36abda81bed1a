"""The message catalogs are complete and safe for every message the code can show."""

from __future__ import annotations

import ast
import datetime as dt
import os
import shutil
import string
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo

import desktop_app.i18n as i18n
from desktop_app.appinfo import project_root
from desktop_app.core.problems import Problem, UserError
from desktop_app.i18n.build import KEYWORDS, SOURCE_PACKAGE, extract_messages, read_catalog

FIX = "run `make catalogs`, then translate the entries in i18n/vi.po"


@pytest.fixture(scope="module")
def template() -> Catalog:
    return extract_messages()


@pytest.fixture(scope="module", params=i18n.LANGUAGES)
def language(request: pytest.FixtureRequest) -> tuple[str, Catalog]:
    lang: str = request.param
    return lang, read_catalog(i18n.catalog_dir() / f"{lang}.po", lang)


@pytest.fixture(autouse=True)
def _restore_language() -> Iterator[None]:
    before = i18n.current_language()
    yield
    i18n.set_language(before)


def _key(message: Message) -> tuple[str | None, str]:
    msgid = message.id if isinstance(message.id, str) else message.id[0]
    return message.context, msgid


def _forms(value: object) -> tuple[str, ...]:
    if isinstance(value, tuple | list):
        return tuple(str(v) for v in value)
    return (str(value or ""),)


def _placeholders(text: str) -> set[str]:
    """Field names of a str.format string; raises ValueError on unbalanced braces."""
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


def _describe(message: Message) -> str:
    where = ", ".join(path for path, _ in message.locations) or "?"
    return f"{message.id!r} ({where})"


def test_every_message_in_the_code_is_in_the_catalog(
    template: Catalog, language: tuple[str, Catalog]
) -> None:
    assert len(template) > 0, "extraction found no messages; is the keyword list right?"
    lang, catalog = language
    present = {_key(m) for m in catalog if m.id}
    missing = [_describe(m) for m in template if m.id and _key(m) not in present]
    assert not missing, f"Missing from i18n/{lang}.po ({FIX}):\n" + "\n".join(missing)


def _marked_in_source() -> dict[str, str]:
    """msgid -> file:line of every literal passed to a marking function, found with ast."""
    root = project_root()
    found: dict[str, str] = {}
    for path in sorted((root / SOURCE_PACKAGE).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            first = node.args[0]
            if (
                name in KEYWORDS
                and isinstance(first, ast.Constant)
                and isinstance(first.value, str)
            ):
                found[first.value] = f"{path.relative_to(root).as_posix()}:{node.lineno}"
    return found


def test_extraction_sees_every_marked_string(template: Catalog) -> None:
    # Python 3.11's tokenizer hands babel an f-string as one opaque token, so a call such as
    # f"tthtcd: {_('text')}" is never extracted and its text is never translated.
    extracted = {_key(m)[1] for m in template if m.id}
    unseen = [
        f"{where}: {msgid!r}"
        for msgid, where in _marked_in_source().items()
        if msgid and msgid not in extracted
    ]
    assert not unseen, (
        "Marked strings that extraction cannot see (a call inside an f-string?); move the call "
        "out of the f-string into a variable:\n" + "\n".join(unseen)
    )


def test_every_message_is_translated(template: Catalog, language: tuple[str, Catalog]) -> None:
    lang, catalog = language
    used = {_key(m) for m in template if m.id}
    empty = [
        _describe(m) for m in catalog if m.id and _key(m) in used and not all(_forms(m.string))
    ]
    assert not empty, f"Untranslated in i18n/{lang}.po ({FIX}):\n" + "\n".join(empty)


def test_no_fuzzy_entries(language: tuple[str, Catalog]) -> None:
    lang, catalog = language
    fuzzy = [_describe(m) for m in catalog if m.id and m.fuzzy]
    assert not fuzzy, (
        f"Fuzzy (guessed) entries in i18n/{lang}.po; check each translation and remove its "
        "'#, fuzzy' line:\n" + "\n".join(fuzzy)
    )


def test_placeholders_match(language: tuple[str, Catalog]) -> None:
    lang, catalog = language
    bad: list[str] = []
    for message in catalog:
        if not message.id:
            continue
        ids = _forms(message.id)
        strings = [s for s in _forms(message.string) if s]
        try:
            expected = set().union(*(_placeholders(i) for i in ids))
            found = [_placeholders(s) for s in strings]
        except ValueError as exc:
            bad.append(f"{_describe(message)}: unbalanced braces ({exc})")
            continue
        if len(ids) == 1:
            wrong = [s for s in found if s != expected]
        else:
            # A plural form may drop the number ("One person" / "{n} people"), but together
            # the forms must use exactly the msgid's placeholders and nothing else.
            wrong = [s for s in found if not s <= expected]
            if found and set().union(*found) != expected:
                wrong.append(set().union(*found))
        if wrong:
            bad.append(f"{_describe(message)}: expects {sorted(expected)}, got {wrong}")
    assert not bad, f"Placeholders differ from the msgid in i18n/{lang}.po:\n" + "\n".join(bad)


def test_known_message_is_vietnamese() -> None:
    i18n.set_language("vi")
    assert i18n._("Vietnamese") == "Tiếng Việt"
    assert i18n.language_name("en") == "Tiếng Anh"
    i18n.set_language("en")
    assert i18n._("Vietnamese") == "Vietnamese"


def test_problem_and_user_error_are_translated_and_filled() -> None:
    catalog = read_catalog(i18n.catalog_dir() / "vi.po", "vi")
    with_params = [
        m.id
        for m in catalog
        if isinstance(m.id, str) and m.id and m.string and not m.fuzzy and _placeholders(m.id)
    ]
    assert with_params, "no translated message with placeholders yet"
    msgid = with_params[0]
    params: dict[str, str | int] = {name: 7 for name in _placeholders(msgid)}
    english = msgid.format(**params)
    problem = Problem("field", msgid, params)
    i18n.set_language("vi")
    vietnamese = i18n.problem_text(problem)
    assert vietnamese != english and "{" not in vietnamese
    assert i18n.user_error_text(UserError(msgid, params)) == vietnamese
    assert i18n.tr(msgid, **params) == vietnamese
    i18n.set_language("en")
    assert i18n.problem_text(problem) == english


def test_bad_translation_falls_back_to_english(monkeypatch: pytest.MonkeyPatch) -> None:
    i18n.set_language("vi")
    monkeypatch.setattr(i18n, "_", lambda msgid: "Thiếu {tham_so}")
    assert i18n.tr("Saved {count} people", count=3) == "Saved 3 people"


def _isolated_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "i18n").mkdir()
    shutil.copy(i18n.catalog_dir() / "vi.po", tmp_path / "i18n" / "vi.po")
    monkeypatch.setattr(i18n, "project_root", lambda: tmp_path)
    # The compiled catalogs are package data (committed), so they are moved aside as well.
    monkeypatch.setattr(i18n, "locale_dir", lambda: tmp_path / "locale")
    i18n.reload_catalogs()
    return tmp_path


def _first_translated(lang: str) -> tuple[str, str]:
    catalog = read_catalog(i18n.catalog_dir() / f"{lang}.po", lang)
    return next(
        (m.id, m.string)
        for m in catalog
        if isinstance(m.id, str) and m.id and isinstance(m.string, str) and m.string
    )


@pytest.fixture
def _fresh_catalogs(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Catalogs loaded from scratch, and the test's moved paths put back (and the catalogs
    reloaded from the real ones) before any other fixture's teardown can load a language:
    a language loaded from the empty test folder would stay cached for the next tests."""
    i18n.reload_catalogs()
    yield
    monkeypatch.undo()
    i18n.reload_catalogs()


@pytest.mark.usefixtures("_fresh_catalogs")
def test_missing_mo_is_compiled_from_po(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    msgid, msgstr = _first_translated("vi")
    _isolated_root(tmp_path, monkeypatch)
    assert not i18n.mo_path("vi").exists()
    i18n.set_language("vi")
    assert i18n._(msgid) == msgstr


@pytest.mark.usefixtures("_fresh_catalogs")
def test_stale_mo_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    msgid, msgstr = _first_translated("vi")
    root = _isolated_root(tmp_path, monkeypatch)
    stale = i18n.mo_path("vi")
    stale.parent.mkdir(parents=True)
    empty = Catalog(locale="vi")
    with stale.open("wb") as out:
        write_mo(out, empty)
    po_time = (root / "i18n" / "vi.po").stat().st_mtime
    os.utime(stale, (po_time - 60, po_time - 60))
    i18n.set_language("vi")
    assert i18n._(msgid) == msgstr


@pytest.mark.usefixtures("_fresh_catalogs")
def test_no_catalog_at_all_falls_back_to_english(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _isolated_root(tmp_path, monkeypatch)
    i18n.set_language("en")
    assert i18n._("Some text nobody translated") == "Some text nobody translated"
    assert i18n.translations_loaded()["en"] == 0


def test_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError):
        i18n.set_language("fr")


def test_both_languages_load() -> None:
    counts = i18n.translations_loaded()
    assert set(counts) == set(i18n.LANGUAGES)
    assert all(n > 0 for n in counts.values()), counts


def test_formatting_vietnamese() -> None:
    i18n.set_language("vi")
    assert i18n.format_date(dt.date(2026, 2, 5)) == "05/02/2026"
    assert i18n.format_money(1_250_000) == "1.250.000 đ"
    assert i18n.format_money(0) == "0 đ"
    assert i18n.format_int(200_000) == "200.000"


def test_formatting_english() -> None:
    i18n.set_language("en")
    assert i18n.format_date(dt.date(2026, 2, 5)) == "05/02/2026"
    assert i18n.format_money(1_250_000) == "1,250,000 VND"
    assert i18n.format_int(200_000) == "200,000"
