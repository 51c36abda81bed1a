"""Vietnamese personal names: tidy what was typed and split it into family, middle and given."""

from __future__ import annotations

from dataclasses import dataclass

from desktop_app.core.text import fold, nfc

__all__ = ["NameParts", "normalise_full_name", "split_full_name"]


@dataclass(frozen=True)
class NameParts:
    family: str
    middle: str
    given: str


# Family names of more than one word. Only genuine compound surnames belong here: common pairs
# such as "Nguyễn Văn" or a father's and mother's surnames joined ("Nguyễn Trần") are a family
# name and a middle name, and must stay split. Matched on the folded form, so tones and case as
# typed do not matter. "Nguyễn Phúc" (the royal clan) is left out on purpose: Phúc is also a very
# common middle name after Nguyễn.
_COMPOUND_FAMILY_NAMES: tuple[tuple[str, ...], ...] = tuple(
    sorted(
        (
            tuple(fold(name).split())
            for name in (
                "Công Tằng Tôn Nữ",
                "Công Huyền Tôn Nữ",
                "Tôn Nữ",
                "Tôn Thất",
                "Hoàng Phủ",
                "Âu Dương",
                "Tư Mã",
            )
        ),
        key=len,
        reverse=True,
    )
)

# The Icelandic eth (Ð, ð) looks exactly like the Vietnamese Đ, đ and some fonts' symbol pickers
# and old converters produce it; a Vietnamese name never contains it, and left alone it would
# sort and print as a different letter.
_CONFUSABLES = str.maketrans({"Ð": "Đ", "ð": "đ"})


def _title_word(word: str) -> str:
    # str.title capitalises after every non-letter too, which is right for minority names
    # such as "H'Hen" and for hyphenated names.
    return word.title()


def normalise_full_name(full: str) -> str:
    """The full name as it should be stored: NFC, single spaces, Vietnamese Đ.

    Case is kept as typed, unless the whole name was typed in lower case or in capitals (as
    when copied from a form or a list in block letters): then every word gets a capital.
    """
    name = nfc(full).translate(_CONFUSABLES)
    if name in (name.lower(), name.upper()):
        name = " ".join(_title_word(word) for word in name.split(" "))
    return name


def split_full_name(full: str) -> NameParts:
    """Split a full name the Vietnamese way: family name first, given name last.

    One word is a given name alone; two are family and given; from three on, the words between
    the first and the last are the middle name, unless the name starts with a known compound
    family name and there is still a word left for the given name.
    """
    name = normalise_full_name(full)
    if not name:
        return NameParts("", "", "")
    words = name.split(" ")
    if len(words) == 1:
        return NameParts("", "", words[0])
    family_length = 1
    folded = [fold(word) for word in words]
    for compound in _COMPOUND_FAMILY_NAMES:
        if len(words) > len(compound) and tuple(folded[: len(compound)]) == compound:
            family_length = len(compound)
            break
    return NameParts(
        family=" ".join(words[:family_length]),
        middle=" ".join(words[family_length:-1]),
        given=words[-1],
    )
