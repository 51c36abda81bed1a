"""Vietnamese typed in the old font encodings (TCVN3/ABC and VNI), read back as Unicode.

Before Unicode, Vietnamese was typed with a keyboard driver (ABC, VietKey, Unikey) into a font
that drew Vietnamese letters at the places of Western ones: TCVN3 (TCVN 5712:1993 VN3, the ABC
fonts .VnTime, .VnArial...) and VNI-Windows (VNI-Times...). The file stores Western characters;
Excel, and so the sheet reader, give them as what they are in Windows-1252: "Hä vµ tªn" is
"Họ và tên" in TCVN3, "Hoï vaø teân" in VNI. Only the font made it look right.

TCVN3 is one byte per letter: lower-case letters with every tone, and only seven capitals (Ă Â
Ê Ô Ơ Ư Đ). VNI is a base letter followed by one byte that draws its marks ("e" + "ã" is "ễ"),
with a few letters of their own (ơ is "ô", ư is "ö", đ is "ñ", i and ỵ with tones).

Detection never trusts one character: Unicode Vietnamese uses à, é, ô... too, and so do French
and English. A cell counts as legacy only when the converted text is made of Vietnamese
syllables while the text as it stands is not (see `detect_column`).
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

__all__ = [
    "Cell",
    "Detection",
    "Encoding",
    "convert_row",
    "detect_column",
    "guess_text",
    "to_unicode",
]

Cell = (
    str
    | int
    | float
    | bool
    | datetime.date
    | datetime.datetime
    | datetime.time
    | datetime.timedelta
    | None
)


class Encoding(StrEnum):
    UNICODE = "unicode"
    TCVN3 = "tcvn3"
    VNI = "vni"


# Tone marks in the order both charts list them: grave (huyền), hook (hỏi), tilde (ngã),
# acute (sắc), dot below (nặng).
_TONES = ("\u0300", "\u0309", "\u0303", "\u0301", "\u0323")


def _with_tone(vowel: str, tone: int) -> str:
    return unicodedata.normalize("NFC", vowel + _TONES[tone])


# --- TCVN3 -------------------------------------------------------------------------------------

# Per vowel: the letter without tone, then the five toned letters, as Windows-1252 characters.
_TCVN3_VOWELS = {
    "a": "aµ¶·¸¹",
    "ă": "¨»¼½¾Æ",
    "â": "©ÇÈÉÊË",
    "e": "eÌÎÏÐÑ",
    "ê": "ªÒÓÔÕÖ",
    "i": "i×ØÜÝÞ",
    "o": "oßáâãä",
    "ô": "«åæçèé",
    "ơ": "¬êëìíî",
    "u": "uïñòóô",
    "ư": "\xadõö÷øù",
    "y": "yúûüýþ",
}
# The seven capitals TCVN3 has; toned capitals exist only in the capitals fonts (see to_unicode).
_TCVN3_CAPITALS = {"¡": "Ă", "¢": "Â", "£": "Ê", "¤": "Ô", "¥": "Ơ", "¦": "Ư", "§": "Đ"}


def _tcvn3_decoding() -> dict[str, str]:
    table = _TCVN3_CAPITALS | {"®": "đ"}
    for vowel, codes in _TCVN3_VOWELS.items():
        if not codes[0].isascii():
            table[codes[0]] = vowel
        for tone, code in enumerate(codes[1:]):
            table[code] = _with_tone(vowel, tone)
    return table


_TCVN3 = _tcvn3_decoding()
_TCVN3_TABLE = str.maketrans(_TCVN3)
# Codes of letters that have no capital in TCVN3: the capitals fonts draw them as capitals.
_TCVN3_TONED = frozenset(c for codes in _TCVN3_VOWELS.values() for c in codes[1:])
_TCVN3_UPPER = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ¡¢£¤¥¦§")
_TCVN3_LOWER = frozenset("abcdefghijklmnopqrstuvwxyz¨©ª«¬\xad®")

# --- VNI ---------------------------------------------------------------------------------------

# VNI spells a vowel as a base letter and a mark byte; per vowel the form without tone, then the
# five toned forms. i and ỵ have letters of their own, as have ơ ("ô"), ư ("ö") and đ ("ñ").
_VNI_VOWELS = {
    "a": ("a", "aø", "aû", "aõ", "aù", "aï"),
    "ă": ("aê", "aè", "aú", "aü", "aé", "aë"),
    "â": ("aâ", "aà", "aå", "aã", "aá", "aä"),
    "e": ("e", "eø", "eû", "eõ", "eù", "eï"),
    "ê": ("eâ", "eà", "eå", "eã", "eá", "eä"),
    "i": ("i", "ì", "æ", "ó", "í", "ò"),
    "o": ("o", "oø", "oû", "oõ", "où", "oï"),
    "ô": ("oâ", "oà", "oå", "oã", "oá", "oä"),
    "ơ": ("ô", "ôø", "ôû", "ôõ", "ôù", "ôï"),
    "u": ("u", "uø", "uû", "uõ", "uù", "uï"),
    "ư": ("ö", "öø", "öû", "öõ", "öù", "öï"),
    "y": ("y", "yø", "yû", "yõ", "yù", "î"),
}


def _vni_decoding() -> dict[str, str]:
    table = {"ñ": "đ", "Ñ": "Đ"}
    for vowel, spellings in _VNI_VOWELS.items():
        for tone, spelling in enumerate(spellings):
            letter = vowel if tone == 0 else _with_tone(vowel, tone - 1)
            if spelling.isascii():
                continue
            table[spelling] = letter
            table[spelling.upper()] = letter.upper()
            if len(spelling) == 2:
                # The case of the base letter decides: drivers and hand edits mix the case of the
                # mark byte ("Aù"), which the font draws the same.
                table[spelling[0] + spelling[1].upper()] = letter
                table[spelling[0].upper() + spelling[1]] = letter.upper()
    # Not in the chart, which has letters of their own for them, but what the font shows when
    # a tone byte was put after i, or the dot after y, by hand: read as the reader saw it.
    for base, marks, letters in (("i", "øûõùï", "ìỉĩíị"), ("y", "ï", "ỵ")):
        for mark, letter in zip(marks, letters, strict=True):
            for b, m in ((base, mark), (base, mark.upper())):
                table[b + m] = letter
                table[b.upper() + m] = letter.upper()
    return table


_VNI = _vni_decoding()
_VNI_RE = re.compile("|".join(sorted(map(re.escape, _VNI), key=len, reverse=True)))

# The fast way. VNI's mark bytes are combining marks drawn by the font, so turning them into
# Unicode combining marks and composing gives the chart's letter wherever a mark follows a
# letter that takes it. Elsewhere (after a consonant, a second tone) the chart has no letter
# and the slow way leaves the bytes as they are, while composing would leave a combining mark
# or make a letter VNI writes otherwise (û, ñ, î, which VNI input can never hold once
# translated); the fast result is used only when it holds neither. A combining grapheme joiner
# after the circumflex, the breve and the dot keeps a second mark byte from composing with
# them ("aâù" is "â" and a stray "ù", not "ấ").
_CGJ = "\u034f"
_VNI_MARKS = {
    "ø": "\u0300", "û": "\u0309", "õ": "\u0303", "ù": "\u0301", "ï": "\u0323" + _CGJ,
    "â": "\u0302" + _CGJ, "à": "\u0302\u0300", "å": "\u0302\u0309", "ã": "\u0302\u0303",
    "á": "\u0302\u0301", "ä": "\u0302\u0323",
    "ê": "\u0306" + _CGJ, "è": "\u0306\u0300", "ú": "\u0306\u0309", "ü": "\u0306\u0303",
    "é": "\u0306\u0301", "ë": "\u0306\u0323",
}  # fmt: skip
_VNI_COMBINING = str.maketrans(
    {k: v for mark, marks in _VNI_MARKS.items() for k, v in ((mark, marks), (mark.upper(), marks))}
    | {c: _VNI[c] for c in _VNI if len(c) == 1}
)
# --- shared ------------------------------------------------------------------------------------

# What Windows-1252 can give (with the C1 controls, which a Latin-1 reading gives for its holes):
# a text with anything else in it was never read from a legacy font, or not only.
_CP1252 = frozenset(bytes(range(256)).decode("cp1252", errors="ignore")) | frozenset(
    map(chr, range(0x80, 0xA0))
)
_NOT_CP1252 = re.compile(f"[^{re.escape(''.join(sorted(_CP1252)))}]")
# What the fast VNI reading may hold: Windows-1252 characters but the VNI letters it
# translates, and the letters VNI spells.
_VNI_EXPECTED = (_CP1252 - set("ûÛñÑîÎ")) | set(_VNI.values())
_VNI_UNEXPECTED = re.compile(f"[^{re.escape(''.join(sorted(_VNI_EXPECTED)))}]")
# A word is what lies between spaces and ASCII punctuation; every legacy code is above 0x7F, so
# splitting there never cuts a legacy letter in two.
_WORD = re.compile(r"[^\s!-/:-@\[-`{-~]+")


def _decode_tcvn3(text: str) -> str:
    out = text.translate(_TCVN3_TABLE)
    if _TCVN3_CAPS_HINT.search(text):
        out = _tcvn3_capitals(text, out)
    return out


# Two capitals in one word with no lower-case letter between them: maybe a word in capitals.
_TCVN3_CAPS_HINT = re.compile(r"[A-Z¡-§][^\sa-z¨-®!-/:-@\[-`{-~]*[A-Z¡-§]")


def _tcvn3_capitals(text: str, converted: str) -> str:
    words = list(_WORD.finditer(text))

    def shouting(word: str) -> bool:
        capitals = sum(c in _TCVN3_UPPER for c in word)
        vietnamese = any(c in _TCVN3_TONED or c in _TCVN3_CAPITALS for c in word)
        return capitals >= 2 and vietnamese and not any(c in _TCVN3_LOWER for c in word)

    if not any(shouting(m.group()) for m in words):
        return converted
    out = list(converted)
    for m in words:
        if not any(c in _TCVN3_LOWER for c in m.group()):
            for i in range(m.start(), m.end()):
                out[i] = out[i].upper()
    return "".join(out)


def _decode_vni(text: str) -> str:
    fast = unicodedata.normalize("NFC", text.translate(_VNI_COMBINING)).replace(_CGJ, "")
    if _VNI_UNEXPECTED.search(fast) is None:
        return fast
    return _VNI_RE.sub(lambda m: _VNI[m.group()], text)


def _decode(text: str, encoding: Encoding) -> str:
    """The legacy reading of a text of Windows-1252 characters (not necessarily NFC yet)."""
    if encoding is Encoding.TCVN3:
        return _decode_tcvn3(text)
    if encoding is Encoding.VNI:
        return _decode_vni(text)
    return text


def _is_windows_1252(text: str) -> bool:
    return _NOT_CP1252.search(text) is None


def to_unicode(text: str, encoding: Encoding) -> str:
    """`text` read in `encoding`, as Unicode NFC. Never raises.

    UNICODE only composes decomposed (NFD) text. TCVN3 and VNI convert the text as the legacy
    font drew it; a word holding a character Windows-1252 does not have (a Unicode "ễ", a
    combining mark) was typed in Unicode later and is left as it is, so a cell that someone
    half retyped comes out whole.

    TCVN3 has no toned capitals. Capitals were typed in .VnTimeH (or .VnArialH...), a font that
    draws the lower-case codes as capitals, so the file holds lower case: "hä vµ tªn" in
    .VnTimeH is read as "họ và tên" (names get their capitals back in
    core.names.normalise_full_name, which title-cases a name typed all in one case). A word
    typed with Caps Lock in .VnTime mixes ASCII capitals with the lower-case toned codes
    ("NGUYÔN"); when a text has such a word (two capitals, no lower case, a Vietnamese code),
    every word of it without a lower-case letter is read in capitals: "NGUYÔN V¡N Hµ" is
    "NGUYỄN VĂN HÀ", while "Hµ Néi" stays "Hà Nội".
    """
    if not text.isascii() and encoding is not Encoding.UNICODE:
        if _is_windows_1252(text):
            text = _decode(text, encoding)
        else:
            text = _WORD.sub(
                lambda m: (
                    _decode(m.group(), encoding) if _is_windows_1252(m.group()) else m.group()
                ),
                text,
            )
    if unicodedata.is_normalized("NFC", text):
        return text
    return unicodedata.normalize("NFC", text)


# --- is it Vietnamese? -------------------------------------------------------------------------

# Initial consonants, vowel groups without tones and final consonants, as regular expressions.
# Vowel groups that end in a glide take no final consonant; some need one. The groups are
# generous: a rhyme missing here would make real Unicode text look like a legacy one, while an
# extra one only makes detection more careful.
_INITIALS = "ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx]"
_OPEN = (
    "iêu|yêu|oai|oay|oao|oeo|uây|uôi|uya|ươi|ươu|uyu|uêu|uơi|uai|uay|"
    "ai|ao|au|ay|âu|ây|eo|êu|ia|iu|oi|ôi|ơi|ua|ui|ưa|ưi|ưu|uơ"
)
_CLOSED = "uyê|iê|yê|uâ|uô|ươ|oă|oo|ôô|uă|[ăâ]"
_EITHER = "oa|oe|uê|uy|ue|[aeêioôơuưy]"
_FINALS = "ng|nh|ch|[cmnpt]"
_SYLLABLE = re.compile(
    f"(?:{_INITIALS})?(?:{_OPEN}|{_EITHER}|(?:{_CLOSED}|{_EITHER})(?P<final>{_FINALS}))"
)
_TONE_MARKS = frozenset(_TONES)
# A syllable closed by c, ch, p or t only takes the acute or the dot below.
_STOPS = frozenset(("c", "ch", "p", "t"))
_STOP_TONES = frozenset(("\u0301", "\u0323"))


@lru_cache(maxsize=16_384)
def _is_syllable(word: str) -> bool:
    """One Vietnamese syllable (any case, at most one tone, tone anywhere on the vowels)."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = [c for c in decomposed if c in _TONE_MARKS]
    if len(tones) > 1:
        return False
    bare = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONE_MARKS))
    match = _SYLLABLE.fullmatch(bare)
    if match is None:
        return False
    return match.group("final") not in _STOPS or (bool(tones) and tones[0] in _STOP_TONES)


@dataclass(frozen=True)
class _Reading:
    legacy: bool  # reads as Vietnamese in the encoding, and not as it stands
    unicode: bool  # reads as Vietnamese as it stands, and not in the encoding


def _read(text: str, encoding: Encoding) -> _Reading:
    changed_to_vietnamese = False
    converted_ok = True
    original_ok = True
    for word in _WORD.findall(text):
        if word.isascii():
            continue
        converted = unicodedata.normalize("NFC", _decode(word, encoding))
        if not any(c.isalpha() for c in converted):
            continue  # a dash, a bullet, a currency sign
        original_valid = _is_syllable(word)
        converted_valid = _is_syllable(converted)
        original_ok = original_ok and original_valid
        converted_ok = converted_ok and converted_valid
        # One-letter words ("à", "ở") turn up by chance in French and in symbols.
        if converted != word and converted_valid and not original_valid and len(converted) > 1:
            changed_to_vietnamese = True
    return _Reading(
        legacy=converted_ok and changed_to_vietnamese,
        unicode=original_ok and not converted_ok,
    )


@dataclass(frozen=True)
class Detection:
    """What a column is typed in, and why.

    `evidence` counts the examined cells that read as Vietnamese in `encoding` and not as they
    stand; when the answer is UNICODE it counts the cells that looked legacy but were too few to
    convince (usually 0). `confidence` is the share of the cells with non-ASCII text that agree
    with the answer, lowered while there are few of them. `sample` holds up to five
    (before, after) pairs whose conversion visibly changes the text; none for UNICODE.
    """

    encoding: Encoding
    confidence: float
    evidence: int
    sample: tuple[tuple[str, str], ...]


_LEGACY = (Encoding.TCVN3, Encoding.VNI)


@dataclass
class _Tally:
    non_ascii: int = 0
    tcvn3: int = 0
    vni: int = 0
    against_tcvn3: int = 0
    against_vni: int = 0

    def legacy(self, encoding: Encoding) -> int:
        return self.tcvn3 if encoding is Encoding.TCVN3 else self.vni

    def against(self, encoding: Encoding) -> int:
        return self.against_tcvn3 if encoding is Encoding.TCVN3 else self.against_vni


def _tally(texts: Iterable[str]) -> _Tally:
    tally = _Tally()
    for text in texts:
        if text.isascii():
            continue
        tally.non_ascii += 1
        if not _is_windows_1252(text):
            tally.against_tcvn3 += 1
            tally.against_vni += 1
            continue
        tcvn3 = _read(text, Encoding.TCVN3)
        vni = _read(text, Encoding.VNI)
        tally.tcvn3 += tcvn3.legacy
        tally.vni += vni.legacy
        tally.against_tcvn3 += tcvn3.unicode
        tally.against_vni += vni.unicode
    return tally


def detect_column(texts: Iterable[str], *, limit: int = 2000) -> Detection:
    """The encoding of one column, from up to `limit` of its non-empty texts.

    A column is legacy when enough of its non-ASCII cells read as Vietnamese syllables in that
    encoding and not as they stand (at least two of them, or its only one; at least 30% of the
    non-ASCII cells; twice as many as the cells that read as Unicode Vietnamese but not in the
    encoding, which include every cell with a character Windows-1252 does not have), and the
    other legacy encoding reads fewer. Plain ASCII ("Nguyen Van A") is no evidence either way.
    """
    examined: list[str] = []
    for text in texts:
        if len(examined) >= limit:
            break
        if isinstance(text, str) and text.strip():
            examined.append(text)
    tally = _tally(examined)
    best, other = sorted(_LEGACY, key=tally.legacy, reverse=True)
    evidence = tally.legacy(best)
    non_ascii = tally.non_ascii
    convincing = (
        evidence >= min(2, non_ascii)
        and evidence > 0
        and evidence >= 0.3 * non_ascii
        and evidence >= 2 * tally.against(best)
        and evidence > tally.legacy(other)
    )
    if not convincing:
        confidence = 1.0 if non_ascii == 0 else 1.0 - evidence / non_ascii
        return Detection(Encoding.UNICODE, round(confidence, 3), evidence, ())
    confidence = (evidence / non_ascii) * (evidence / (evidence + 1))
    sample: list[tuple[str, str]] = []
    for text in examined:
        if len(sample) == 5:
            break
        after = to_unicode(text, best)
        pair = (text, after)
        if after != unicodedata.normalize("NFC", text) and pair not in sample:
            sample.append(pair)
    return Detection(best, round(confidence, 3), evidence, tuple(sample))


def guess_text(text: str) -> Encoding:
    """The encoding of one short text (a title or a header cell), for finding the header row.

    Legacy only when the text reads as Vietnamese in exactly one legacy encoding and not as it
    stands; anything in doubt is UNICODE.
    """
    if text.isascii() or not _is_windows_1252(text):
        return Encoding.UNICODE
    readings = [e for e in _LEGACY if _read(text, e).legacy]
    return readings[0] if len(readings) == 1 else Encoding.UNICODE


def convert_row(cells: Sequence[Cell]) -> list[Cell]:
    """A row with its text cells converted to Unicode; other cells as they are.

    For rows whose columns are not known yet (titles, the header); data columns are converted
    by the encoding `detect_column` finds for the whole column. When some of the row's texts
    read as one legacy encoding, none as the other and none as Unicode Vietnamese that this
    encoding would spoil (as in a header typed in one font), all of them are read in it, so
    that a cell too short to tell ("Soá CCCD", which could be a Unicode "soá") follows its
    neighbours; otherwise each text cell goes by its own `guess_text`.
    """
    tally = _tally(c for c in cells if isinstance(c, str))
    row = Encoding.UNICODE
    if tally.tcvn3 and not tally.vni and not tally.against_tcvn3:
        row = Encoding.TCVN3
    elif tally.vni and not tally.tcvn3 and not tally.against_vni:
        row = Encoding.VNI
    return [
        (to_unicode(c, row if row is not Encoding.UNICODE else guess_text(c)))
        if isinstance(c, str)
        else c
        for c in cells
    ]
