"""Sort keys that put Vietnamese text in the order ICU's Vietnamese collation gives.

The key is plain text, so SQLite can index it and compare it with its default BINARY collation
(which is code point order, the same as Python's string comparison). It is built the way ICU
builds its own binary keys: all primary weights (the letters of the Vietnamese alphabet, digits,
punctuation) for the whole string, then all secondary weights (tones and other marks), then all
tertiary weights (case), each level closed by a separator lower than any weight. Comparing two keys
therefore compares letters over the whole string first, then tones, then case: "a" < "à" < "an"
< "ă", and "Thị" < "Thị Minh" < "Thịnh" because a space weighs less than any letter (ICU's default
for the vi locale is to treat spaces and punctuation as non-ignorable).

Every weight is one character in U+0003..U+007F, so keys of Vietnamese text are pure ASCII and
take one byte per weight in SQLite; the tone and case levels only spell out the tones and the
capitals (see _run_code), so "Nguyễn Thị Ngọc Ánh" gets a key of 37 characters. Characters
outside the tables below (other scripts, rare symbols) are written as a lead character followed
by the character itself: they land in the right group (after z, or among the symbols), ordered
by code point within it, which is where ICU and our order may part ways for non-Vietnamese text.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import NamedTuple

__all__ = ["roster_sort_key", "sort_key"]

# Between the given, middle and family name keys of a roster key. It is lower than anything a
# component key contains, so a shorter component sorts first exactly as in a tuple comparison.
COMPONENT_SEPARATOR = "\x01"
# Between the primary, secondary and tertiary levels of one key.
LEVEL_SEPARATOR = "\x02"
_FIRST_WEIGHT = 0x03

# ICU root order (CLDR 47 / ICU 77) of whitespace, punctuation and symbols that appear in typed
# Vietnamese text. Characters in one string share a primary weight (ICU treats the curly and
# straight apostrophes alike, for example). The three lead characters for everything else are
# placed where ICU puts the general category they stand for.
_LEAD_PUNCTUATION = "<other punctuation>"
_LEAD_SYMBOL = "<other symbol>"
_LEAD_CURRENCY = "<other currency>"
_SYMBOL_GROUPS: tuple[str, ...] = (
    "\t", "\n", "\x0b", "\x0c", "\r",
    " \u3000\u2002\u2003\u2009\xa0\u202f",
    "_", "-", "‐‑", "‒", "–", "—", ",", ";", ":", "!", "¡", "?", "¿", ".", "…", "·",
    "'‘’‚", "‹", "›", '"“”„', "«", "»", "(", ")", "[", "]", "{", "}", "§", "¶", "@", "*", "/",
    "\\", "&", "#", "%", "•", "′", "″",
    _LEAD_PUNCTUATION,
    "`", "´", "^", "¯", "¨", "¸", "°", "©", "®", "+", "±", "÷", "×", "<", "=", ">", "¬", "|",
    "¦", "~",
    _LEAD_SYMBOL,
    "¢", "$", "£", "¥", "₫", "€",
    _LEAD_CURRENCY,
)  # fmt: skip
_DIGITS = "0123456789"
# The Vietnamese alphabet, with f j w z where the Latin alphabet has them (ICU's vi tailoring:
# &a<ă<â &d<đ &e<ê &o<ô<ơ &u<ư).
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LEAD_LETTER = "<other letter>"

_PRIMARY_ORDER: tuple[str, ...] = (*_SYMBOL_GROUPS, *_DIGITS, *_ALPHABET, _LEAD_LETTER)
_PRIMARY: dict[str, str] = {}
for _rank, _group in enumerate(_PRIMARY_ORDER):
    _weight = chr(_FIRST_WEIGHT + _rank)
    if _group.startswith("<"):
        _PRIMARY[_group] = _weight
    else:
        for _ch in _group:
            _PRIMARY[_ch] = _weight
assert _FIRST_WEIGHT + len(_PRIMARY_ORDER) <= 0x80, "primary weights must stay one byte"

# Secondary weights of combining marks in ICU's vi order (secondary strength, ICU 77). The vi
# tailoring moves the five tone marks together right after the grave: huyền, hỏi, ngã, sắc, nặng.
# Marks in one string are equal at this level. Letters with a built-in stroke (ø, ł, ħ) weigh
# like the overlay mark ICU gives them; anything unlisted weighs the most.
_MARK_GROUPS: tuple[str, ...] = (
    "\u0332", "\u0313\u0343", "\u0314",
    "\u0300\u0340",  # huyền
    "\u0309",  # hỏi
    "\u0303",  # ngã
    "\u0301\u0341",  # sắc
    "\u0323",  # nặng
    "\u0306", "\u0302", "\u030c", "\u030a", "\u0342", "\u0308", "\u0344", "\u030b", "\u0307",
    "\u0338", "\u0327", "\u0328", "\u0304",
    "\u030d\u030e\u0312\u0315\u031a\u033d\u033e\u033f\u0346\u034a\u034b\u034c\u0350\u0351\u0352"
    "\u0357\u035b\u035d\u035e",
    "\u0316\u0317\u0318\u0319\u031c\u031d\u031e\u031f\u0320\u0329\u032a\u032b\u032c\u032f\u0333"
    "\u033a\u033b\u033c\u0347\u0348\u0349\u034d\u034e\u0353\u0354\u0355\u0356\u0359\u035a\u035c"
    "\u035f\u0362",
    "\u0336\u0337", "\u0335", "\u0305", "\u030f", "\u0310", "\u0311", "\u031b", "\u0321",
    "\u0322", "\u0324", "\u0325", "\u0326", "\u032d", "\u032e", "\u0330", "\u0331", "\u0334",
    "\u0339", "\u0345", "\u0358", "\u0360", "\u0361",
)  # fmt: skip
_MARK: dict[str, str] = {}
for _rank, _group in enumerate(_MARK_GROUPS):
    for _ch in _group:
        _MARK[_ch] = chr(_FIRST_WEIGHT + _rank)
_OTHER_MARK = chr(_FIRST_WEIGHT + len(_MARK_GROUPS))
# ICU tells the curly quotes from the straight one of their group at the secondary level, after
# every combining mark: ' < ‘ < ’ < ‚ and " < “ < ” < „.
_CURLY: dict[str, str] = {
    ch: chr(_FIRST_WEIGHT + len(_MARK_GROUPS) + 1 + rank)
    for group in ("‘’‚", "“”„")
    for rank, ch in enumerate(group)
}
_STROKED: dict[str, tuple[str, str]] = {
    "ø": ("o", _MARK["\u0338"]),
    "ł": ("l", _MARK["\u0335"]),
    "ħ": ("h", _MARK["\u0335"]),
    "ð": ("d", _OTHER_MARK),
    "ŧ": ("t", _OTHER_MARK),
}
_STROKED.update({k.upper(): (v[0].upper(), v[1]) for k, v in list(_STROKED.items())})

# Tertiary weights: ICU's vi collation puts lower case first. Compatibility forms (full-width
# letters, superscript digits) come after their plain form of the same case. Lower case is the
# common weight, which the key leaves implicit like the common secondary weight.
_LOWER = chr(_FIRST_WEIGHT)
_COMPAT_LOWER = chr(_FIRST_WEIGHT + 1)
_UPPER = chr(_FIRST_WEIGHT + 2)
_COMPAT_UPPER = chr(_FIRST_WEIGHT + 3)
# The wide, en-width and no-break spaces weigh as a space, told apart from it (and each other)
# at the tertiary level, after the capitals, as ICU does.
_SPACE_VARIANTS: dict[str, str] = {
    "\u3000": chr(_FIRST_WEIGHT + 4),
    "\u2002": chr(_FIRST_WEIGHT + 5),
    "\u2003": chr(_FIRST_WEIGHT + 5),
    "\u2009": chr(_FIRST_WEIGHT + 5),
    "\xa0": chr(_FIRST_WEIGHT + 6),
    "\u202f": chr(_FIRST_WEIGHT + 6),
}

_IGNORABLE = ("", "", "")
# (primary weights, secondary weights of its marks, tertiary weight). A character with primary
# weights also has one common secondary weight, left implicit; one without (a combining mark, an
# ignorable) has no tertiary weight. Tertiary weights are only compared between texts whose
# primary and secondary levels are equal, and then their marks sit in the same places, so the
# marks' own constant tertiary weights could never decide anything and are left out.
_Weights = tuple[str, str, str]


def _base_weights(ch: str) -> _Weights | None:
    if ch in _PRIMARY:
        return _PRIMARY[ch], _CURLY.get(ch, ""), _SPACE_VARIANTS.get(ch, _LOWER)
    lower = ch.lower()
    if lower != ch and len(lower) == 1 and lower in _PRIMARY:
        return _PRIMARY[lower], "", _UPPER
    return None


def _mark_weights(marks: str) -> str:
    return "".join([_MARK.get(mark, _OTHER_MARK) for mark in marks])


def _char_weights(ch: str) -> _Weights:
    """The weights of one character of NFD text that is not a combining mark."""
    if (weights := _base_weights(ch)) is not None:
        return weights
    category = unicodedata.category(ch)
    if category in ("Cc", "Cf", "Cs") or ch == "\u034f":
        return _IGNORABLE
    if category in ("Mn", "Me", "Mc"):
        return "", _mark_weights(ch), ""
    if ch.isspace():
        return _char_weights(" ")
    if ch in _STROKED:
        base, mark = _STROKED[ch]
        primary, marks, tertiary = _char_weights(base)
        return primary, marks + mark, tertiary
    compatible = unicodedata.normalize("NFKD", ch)
    if compatible[0] != ch and all(unicodedata.combining(mark) for mark in compatible[1:]):
        primary, marks, tertiary = _char_weights(compatible[0])
        tertiary = _COMPAT_UPPER if tertiary == _UPPER else _COMPAT_LOWER
        return primary, marks + _mark_weights(compatible[1:]), tertiary
    digit = unicodedata.decimal(ch, None)
    if digit is not None:
        return _PRIMARY[str(digit)], "", _COMPAT_LOWER
    if category[0] == "L" or category in ("Nl", "No", "Co", "Cn"):
        lead = _PRIMARY[_LEAD_LETTER]
    elif category == "Sc":
        lead = _PRIMARY[_LEAD_CURRENCY]
    elif category[0] == "S":
        lead = _PRIMARY[_LEAD_SYMBOL]
    else:
        lead = _PRIMARY[_LEAD_PUNCTUATION]
    # The character itself follows its lead: every tabled weight is ASCII and these characters
    # are not, so a lead pair can never be confused with two tabled weights.
    return lead + ch, "", _UPPER if ch.isupper() else _LOWER


def _combining_sequences(word: str) -> list[tuple[str, str]]:
    """The word as (starter, combining marks) pairs, marks in canonical order (NFD).

    The starter is "" for marks at the start of the word; they belong to what came before.
    """
    sequences: list[tuple[str, str]] = []
    starter, marks = "", ""
    for ch in unicodedata.normalize("NFD", word):
        if unicodedata.combining(ch):
            marks += ch
            continue
        if starter or marks:
            sequences.append((starter, marks))
        starter, marks = ch, ""
    if starter or marks:
        sequences.append((starter, marks))
    return sequences


def _vietnamese_letter(starter: str, marks: str) -> tuple[str, str]:
    """Take ă â ê ô ơ ư out of a combining sequence, as ICU's vi contractions do.

    ICU treats them as letters of their own however they are typed: the base letter and its
    breve, circumflex or horn, even with a tone mark between them in NFD order (ậ is a, dot
    below, circumflex). A mark cannot be taken past one of the same or a higher combining class,
    the rule of canonical composition (a, acute, circumflex stays an a with two marks).
    """
    highest = 0
    for index, mark in enumerate(marks):
        combining_class = unicodedata.combining(mark)
        if combining_class > highest:
            composed = unicodedata.normalize("NFC", starter + mark)
            if len(composed) == 1 and composed.lower() in _ALPHABET:
                return composed, marks[:index] + marks[index + 1 :]
        highest = max(highest, combining_class)
    return starter, marks


# Most secondary and tertiary weights are the common one (no tone, lower case), so those levels
# are written as runs, as ICU does: each weight that is not common is preceded by a run code for
# the number n of common weights since the previous one. A longer run means the weight comes
# later, so the text sorts earlier: run codes go down as n goes up. Runs of _CHUNK or more are
# cut into chunk codes, which weigh less than every run code. Common weights at the end of a level
# are left out: that level then stops early and must sort first, which it does, because what
# follows it (a level separator, or nothing) weighs less than any code. This is exact because a
# level is only compared when the primary weights are equal, and then both texts have the same
# number of common weights in it.
_CHUNK = 40
_TOP_RUN_CODE = 0x7F
_RUN_CODES = tuple(
    chr(_TOP_RUN_CODE - _CHUNK) * (n // _CHUNK) + chr(_TOP_RUN_CODE - n % _CHUNK)
    for n in range(4 * _CHUNK)
)


def _run_code(n: int) -> str:
    if n < len(_RUN_CODES):
        return _RUN_CODES[n]
    return chr(_TOP_RUN_CODE - _CHUNK) * (n // _CHUNK) + chr(_TOP_RUN_CODE - n % _CHUNK)


class _Word(NamedTuple):
    primary: str
    units: int  # characters with primary weights, each has one common secondary weight
    marks: tuple[tuple[int, str], ...]  # (units up to and including the marked one, weight)
    cases: tuple[tuple[int, str], ...]  # (index of the unit, tertiary weight), except lower


_CACHE_LIMIT = 50_000
# The ellipsis has a weight of its own in the table only to be found here and expanded.
_ELLIPSIS = _PRIMARY["…"]
_MIDDLE_DOT = _PRIMARY["·"]
_L_DOT = chr(_FIRST_WEIGHT + len(_MARK_GROUPS) + 1 + 3)


def _sequence_weights(starter: str, combining: str) -> _Weights:
    """The weights of one combining sequence: the starter's, then its marks' in NFD order."""
    starter, combining = _vietnamese_letter(starter, combining)
    primary, marks, tertiary = _char_weights(starter) if starter else _IGNORABLE
    return primary, marks + _mark_weights(combining), tertiary


class _CharTable(dict[str, _Weights | None]):
    """Weights of each NFC character on its own; None when it is not one combining sequence.

    A precomposed letter is a whole combining sequence, so a word without loose combining marks
    (nor characters that decompose into several letters, like Hangul) can be weighed one
    character at a time from this table.
    """

    def __missing__(self, ch: str) -> _Weights | None:
        sequences = _combining_sequences(ch)
        value = None
        if len(sequences) == 1 and sequences[0][0] and not unicodedata.combining(ch):
            value = _sequence_weights(*sequences[0])
        if len(self) < _CACHE_LIMIT:
            self[ch] = value
        return value


_CHARS = _CharTable()


class _WordTable(dict[str, _Word]):
    """Weights of the words seen so far: names reuse a few thousand words over and over."""

    def __missing__(self, word: str) -> _Word:
        weights = [_CHARS[ch] for ch in word]
        if None in weights:
            # Loose marks (those NFC could not compose onto the letter before) must be put in
            # canonical order with that letter's own marks.
            weights = [_sequence_weights(*sequence) for sequence in _combining_sequences(word)]
        primary: list[str] = []
        marks: list[tuple[int, str]] = []
        cases: list[tuple[int, str]] = []
        units = 0
        for char_weights in weights:
            assert char_weights is not None
            char_primary, char_marks, tertiary = char_weights
            if char_primary == _MIDDLE_DOT and primary and primary[-1] == _PRIMARY["l"]:
                # ICU's contraction for the Catalan "l·l": after an l the middle dot is a
                # mark of that l, weighing more than any other.
                marks.append((units, _L_DOT))
                continue
            if char_primary == _ELLIPSIS:
                # ICU weighs "…" as three full stops, each a compatibility form: it sorts with
                # "...", just after it.
                for _ in range(3):
                    primary.append(_PRIMARY["."])
                    cases.append((units, _COMPAT_LOWER))
                    units += 1
                marks.extend((units, mark) for mark in char_marks)
                continue
            if char_primary:
                primary.append(char_primary)
                if tertiary != _LOWER:
                    cases.append((units, tertiary))
                units += 1
            marks.extend((units, mark) for mark in char_marks)
        value = _Word("".join(primary), units, tuple(marks), tuple(cases))
        if len(self) < _CACHE_LIMIT:
            self[word] = value
        return value


_WORDS = _WordTable()
_SPACE = _PRIMARY[" "]


@lru_cache(maxsize=8192)
def sort_key(s: str) -> str:
    """A key whose plain string order is ICU's Vietnamese order of the texts (tertiary strength).

    Equal keys mean ICU finds the texts equal (for example composed and decomposed forms). A
    key is the primary weights, then the tones if any, then the capitals if any.
    """
    primaries: list[str] = []
    secondary: list[str] = []
    tertiary: list[str] = []
    offset = secondary_done = tertiary_done = 0
    # Word by word only so that the weights of each word are looked up once; the spaces between
    # the words are units like any other character.
    for word in unicodedata.normalize("NFC", s).split(" "):
        weights = _WORDS[word]
        primaries.append(weights.primary)
        for position, mark in weights.marks:
            secondary.append(_run_code(offset + position - secondary_done))
            secondary.append(mark)
            secondary_done = offset + position
        for position, case in weights.cases:
            tertiary.append(_run_code(offset + position - tertiary_done))
            tertiary.append(case)
            tertiary_done = offset + position + 1
        offset += weights.units + 1
    key = f"{_SPACE.join(primaries)}{LEVEL_SEPARATOR}{''.join(secondary)}"
    if tertiary:
        return f"{key}{LEVEL_SEPARATOR}{''.join(tertiary)}"
    # Separators with nothing after them can go too: the key is then a prefix of the key the same
    # text would have with more levels, and a prefix sorts first, as an empty level does.
    return key.rstrip(LEVEL_SEPARATOR)


def roster_sort_key(given: str, middle: str, family: str) -> str:
    """Roster order: by given name, then middle name, then family name, each in ICU's vi order.

    Comparing these keys as strings is the same as comparing the tuples of the three names'
    sort keys.
    """
    return COMPONENT_SEPARATOR.join((sort_key(given), sort_key(middle), sort_key(family)))
