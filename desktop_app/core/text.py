"""Vietnamese text on the way in (NFC) and for search (folded to plain ASCII words)."""

from __future__ import annotations

import unicodedata

__all__ = ["fold", "nfc"]


def nfc(s: str) -> str:
    """Composed form, trimmed, with every run of whitespace turned into one space.

    Unikey and some phone keyboards send decomposed text (a letter followed by combining marks);
    PDFs and the people list would then show stray accents, and equal names would not compare equal.
    """
    return " ".join(unicodedata.normalize("NFC", s).split())


# Letters that carry a stroke or are ligatures have no Unicode decomposition, so stripping marks
# alone would turn them into spaces. Đ matters most; the Icelandic Ð looks identical and is a
# common mistyping of it, so it folds the same way.
_NO_DECOMPOSITION = {
    "đ": "d",
    "ð": "d",
    "ø": "o",
    "ł": "l",
    "ħ": "h",
    "ŧ": "t",
    "ı": "i",
    "æ": "ae",
    "œ": "oe",
    "þ": "th",
}

# Past this many distinct characters the cache stops growing: only hostile input gets there.
_CACHE_LIMIT = 20_000


def _fold_char(ch: str) -> str:
    # Case folding first: some capitals fold to a letter plus a combining mark (İ -> i + dot),
    # which the mark stripping below then removes instead of leaving a space in the word.
    # NFKD rather than NFD so that full-width digits and letters (some input methods type them)
    # and ligatures fold to the plain ASCII a user types in the search box.
    out: list[str] = []
    for part in unicodedata.normalize("NFKD", ch.casefold()):
        part = _NO_DECOMPOSITION.get(part, part)
        if part.isascii() and part.isalnum():
            # NFKD can turn a caseless symbol into a capital (ℌ -> H), after the case folding.
            out.append(part.lower())
        elif unicodedata.category(part) in ("Mn", "Me", "Mc", "Cf"):
            # Combining marks belong to the letter before them; format characters (soft hyphen,
            # zero-width joiners) are invisible inside a word. Neither may split a word.
            continue
        else:
            out.append(" ")
    return "".join(out)


class _FoldTable(dict[int, str]):
    """A str.translate table that learns each character the first time it is seen.

    Folding is character by character (NFKD, case folding and mark stripping never look at the
    neighbours once the marks are dropped), so the per-character answer can be cached: a name is
    then folded by one C-level translate instead of a normalisation of the whole string.
    """

    def __missing__(self, code: int) -> str:
        value = _fold_char(chr(code))
        if len(self) < _CACHE_LIMIT:
            self[code] = value
        return value


# The ASCII part is filled up front, so that the cache starts with what most text is made of.
_FOLD_TABLE = _FoldTable({code: _fold_char(chr(code)) for code in range(0x80)})


def fold(s: str) -> str:
    """Search form: lower-case ASCII words separated by single spaces.

    Tones and marks are dropped and đ becomes d, so "Nguyễn Văn Đặng", "NGUYEN VAN DANG" and a
    decomposed copy all give "nguyen van dang". Anything that is not a letter or digit separates
    words. Decomposed input needs no NFC first: combining marks fold to nothing on their own.
    """
    return " ".join(s.translate(_FOLD_TABLE).split())
