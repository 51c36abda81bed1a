"""TCVN3 (ABC) and VNI text read back as Unicode, checked against the published charts.

The tables below are written out here from the TCVN 5712:1993 (VN3, the ABC fonts) and
VNI-Windows charts, as the Windows-1252 characters Excel shows for the legacy bytes, and
checked against Unikey's converter tables; they are independent of the app's own, which builds
its tables from vowel rows.
"""

from __future__ import annotations

import datetime
import random
import re
import time
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop_app.core.legacy_text import (
    Detection,
    Encoding,
    convert_row,
    detect_column,
    guess_text,
    to_unicode,
)
from desktop_app.core.names import normalise_full_name

# Unicode letter -> TCVN3 (VN3). TCVN3 has no toned capitals: the capitals fonts (.VnTimeH)
# draw the lower-case codes as capitals, so a toned capital is written with its lower-case code.
TCVN3 = {
    "à": "µ",
    "ả": "¶",
    "ã": "·",
    "á": "¸",
    "ạ": "¹",
    "ă": "¨",
    "ằ": "»",
    "ẳ": "¼",
    "ẵ": "½",
    "ắ": "¾",
    "ặ": "Æ",
    "â": "©",
    "ầ": "Ç",
    "ẩ": "È",
    "ẫ": "É",
    "ấ": "Ê",
    "ậ": "Ë",
    "đ": "®",
    "è": "Ì",
    "ẻ": "Î",
    "ẽ": "Ï",
    "é": "Ð",
    "ẹ": "Ñ",
    "ê": "ª",
    "ề": "Ò",
    "ể": "Ó",
    "ễ": "Ô",
    "ế": "Õ",
    "ệ": "Ö",
    "ì": "×",
    "ỉ": "Ø",
    "ĩ": "Ü",
    "í": "Ý",
    "ị": "Þ",
    "ò": "ß",
    "ỏ": "á",
    "õ": "â",
    "ó": "ã",
    "ọ": "ä",
    "ô": "«",
    "ồ": "å",
    "ổ": "æ",
    "ỗ": "ç",
    "ố": "è",
    "ộ": "é",
    "ơ": "¬",
    "ờ": "ê",
    "ở": "ë",
    "ỡ": "ì",
    "ớ": "í",
    "ợ": "î",
    "ù": "ï",
    "ủ": "ñ",
    "ũ": "ò",
    "ú": "ó",
    "ụ": "ô",
    "ư": "\xad",
    "ừ": "õ",
    "ử": "ö",
    "ữ": "÷",
    "ứ": "ø",
    "ự": "ù",
    "ỳ": "ú",
    "ỷ": "û",
    "ỹ": "ü",
    "ý": "ý",
    "ỵ": "þ",
    "Ă": "¡",
    "Â": "¢",
    "Ê": "£",
    "Ô": "¤",
    "Ơ": "¥",
    "Ư": "¦",
    "Đ": "§",
}

# Unicode letter -> VNI-Windows: a base letter followed by a mark byte, or a letter of its own.
VNI = {
    "à": "aø",
    "ả": "aû",
    "ã": "aõ",
    "á": "aù",
    "ạ": "aï",
    "ă": "aê",
    "ằ": "aè",
    "ẳ": "aú",
    "ẵ": "aü",
    "ắ": "aé",
    "ặ": "aë",
    "â": "aâ",
    "ầ": "aà",
    "ẩ": "aå",
    "ẫ": "aã",
    "ấ": "aá",
    "ậ": "aä",
    "đ": "ñ",
    "è": "eø",
    "ẻ": "eû",
    "ẽ": "eõ",
    "é": "eù",
    "ẹ": "eï",
    "ê": "eâ",
    "ề": "eà",
    "ể": "eå",
    "ễ": "eã",
    "ế": "eá",
    "ệ": "eä",
    "ì": "ì",
    "ỉ": "æ",
    "ĩ": "ó",
    "í": "í",
    "ị": "ò",
    "ò": "oø",
    "ỏ": "oû",
    "õ": "oõ",
    "ó": "où",
    "ọ": "oï",
    "ô": "oâ",
    "ồ": "oà",
    "ổ": "oå",
    "ỗ": "oã",
    "ố": "oá",
    "ộ": "oä",
    "ơ": "ô",
    "ờ": "ôø",
    "ở": "ôû",
    "ỡ": "ôõ",
    "ớ": "ôù",
    "ợ": "ôï",
    "ù": "uø",
    "ủ": "uû",
    "ũ": "uõ",
    "ú": "uù",
    "ụ": "uï",
    "ư": "ö",
    "ừ": "öø",
    "ử": "öû",
    "ữ": "öõ",
    "ứ": "öù",
    "ự": "öï",
    "ỳ": "yø",
    "ỷ": "yû",
    "ỹ": "yõ",
    "ý": "yù",
    "ỵ": "î",
    "À": "AØ",
    "Ả": "AÛ",
    "Ã": "AÕ",
    "Á": "AÙ",
    "Ạ": "AÏ",
    "Ă": "AÊ",
    "Ằ": "AÈ",
    "Ẳ": "AÚ",
    "Ẵ": "AÜ",
    "Ắ": "AÉ",
    "Ặ": "AË",
    "Â": "AÂ",
    "Ầ": "AÀ",
    "Ẩ": "AÅ",
    "Ẫ": "AÃ",
    "Ấ": "AÁ",
    "Ậ": "AÄ",
    "Đ": "Ñ",
    "È": "EØ",
    "Ẻ": "EÛ",
    "Ẽ": "EÕ",
    "É": "EÙ",
    "Ẹ": "EÏ",
    "Ê": "EÂ",
    "Ề": "EÀ",
    "Ể": "EÅ",
    "Ễ": "EÃ",
    "Ế": "EÁ",
    "Ệ": "EÄ",
    "Ì": "Ì",
    "Ỉ": "Æ",
    "Ĩ": "Ó",
    "Í": "Í",
    "Ị": "Ò",
    "Ò": "OØ",
    "Ỏ": "OÛ",
    "Õ": "OÕ",
    "Ó": "OÙ",
    "Ọ": "OÏ",
    "Ô": "OÂ",
    "Ồ": "OÀ",
    "Ổ": "OÅ",
    "Ỗ": "OÃ",
    "Ố": "OÁ",
    "Ộ": "OÄ",
    "Ơ": "Ô",
    "Ờ": "ÔØ",
    "Ở": "ÔÛ",
    "Ỡ": "ÔÕ",
    "Ớ": "ÔÙ",
    "Ợ": "ÔÏ",
    "Ù": "UØ",
    "Ủ": "UÛ",
    "Ũ": "UÕ",
    "Ú": "UÙ",
    "Ụ": "UÏ",
    "Ư": "Ö",
    "Ừ": "ÖØ",
    "Ử": "ÖÛ",
    "Ữ": "ÖÕ",
    "Ứ": "ÖÙ",
    "Ự": "ÖÏ",
    "Ỳ": "YØ",
    "Ỷ": "YÛ",
    "Ỹ": "YÕ",
    "Ý": "YÙ",
    "Ỵ": "Î",
}

LOWER = "àảãáạăằẳẵắặâầẩẫấậđèẻẽéẹêềểễếệìỉĩíịòỏõóọôồổỗốộơờởỡớợùủũúụưừửữứựỳỷỹýỵ"
TCVN3_CAPITALS = "ĂÂÊÔƠƯĐ"


def encode_tcvn3(text: str) -> str:
    return "".join(TCVN3.get(c, TCVN3.get(c.lower(), c)) for c in text)


def encode_vni(text: str) -> str:
    return "".join(VNI.get(c, c) for c in text)


def tcvn3_cased(text: str) -> str:
    """What TCVN3 keeps of a text's case: its seven capitals, not the toned ones."""
    return "".join(c if c in TCVN3 or c.isascii() else c.lower() for c in text)


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def test_the_written_out_tables_cover_every_vietnamese_letter() -> None:
    assert len(LOWER) == 67
    assert set(TCVN3) == set(LOWER) | set(TCVN3_CAPITALS)
    assert set(VNI) == set(LOWER) | set(LOWER.upper())
    # One code per letter in TCVN3, and no two VNI spellings alike.
    assert len(set(TCVN3.values())) == len(TCVN3)
    assert len(set(VNI.values())) == len(VNI)
    # Every legacy code is a Windows-1252 character above ASCII, as Excel shows it.
    for code in "".join(TCVN3.values()) + "".join(VNI.values()):
        assert code.isascii() or code.encode("cp1252")[0] >= 0xA0


@pytest.mark.parametrize("letter", LOWER)
def test_every_lower_case_letter_with_every_tone_comes_back_from_tcvn3(letter: str) -> None:
    assert to_unicode(encode_tcvn3(letter), Encoding.TCVN3) == letter
    assert to_unicode(encode_tcvn3("x" + letter + "m"), Encoding.TCVN3) == "x" + letter + "m"


@pytest.mark.parametrize("letter", LOWER.upper())
def test_capitals_come_back_from_tcvn3_where_it_has_them(letter: str) -> None:
    expected = letter if letter in TCVN3_CAPITALS else letter.lower()
    assert to_unicode(encode_tcvn3(letter), Encoding.TCVN3) == expected


@pytest.mark.parametrize("letter", LOWER + LOWER.upper())
def test_every_letter_with_every_tone_comes_back_from_vni(letter: str) -> None:
    assert to_unicode(encode_vni(letter), Encoding.VNI) == letter
    assert to_unicode(encode_vni("Th" + letter + "ng"), Encoding.VNI) == "Th" + letter + "ng"


def test_the_issue_s_examples() -> None:
    assert to_unicode("Hä vµ tªn", Encoding.TCVN3) == "Họ và tên"
    assert to_unicode("Hoï vaø teân", Encoding.VNI) == "Họ và tên"
    assert guess_text("Hä vµ tªn") is Encoding.TCVN3
    assert guess_text("Hoï vaø teân") is Encoding.VNI


SENTENCES = (
    "Cộng hòa xã hội chủ nghĩa Việt Nam",
    "Độc lập - Tự do - Hạnh phúc",
    "Danh sách học viên lớp xóa mù chữ năm 2024",
    "Ủy ban nhân dân xã Đông Hưng, huyện Tiên Lữ, tỉnh Hưng Yên",
    "Người nộp tiền: Nguyễn Thị Ngọc Ánh; lý do: đóng quỹ khuyến học (đợt 1)",
    "Trường tiểu học Phước Hải - thuở ấy, khuya rồi, ngoằn ngoèo, khuỷu tay",
    "Ông Trương Văn Ước ở thôn Quyết Thắng, ấp Giữa",
)


@pytest.mark.parametrize("sentence", SENTENCES)
def test_whole_sentences_come_back(sentence: str) -> None:
    assert to_unicode(encode_vni(sentence), Encoding.VNI) == sentence
    assert to_unicode(encode_tcvn3(sentence), Encoding.TCVN3) == tcvn3_cased(sentence)
    assert guess_text(encode_vni(sentence)) is Encoding.VNI
    assert guess_text(encode_tcvn3(sentence)) is Encoding.TCVN3
    assert guess_text(sentence) is Encoding.UNICODE


HEADERS = (
    "Họ và tên",
    "Họ tên",
    "Ngày sinh",
    "Năm sinh",
    "Ngày tháng năm sinh",
    "Giới tính",
    "Nam/Nữ",
    "Số CCCD",
    "Số điện thoại",
    "Thôn/Ấp",
    "Địa chỉ",
    "Dân tộc",
    "Tôn giáo",
    "Quan hệ với chủ hộ",
    "Số tiền",
    "Lý do",
    "Người nộp",
)


@pytest.mark.parametrize("header", HEADERS)
def test_headers_are_recognised_and_converted(header: str) -> None:
    vni = encode_vni(header)
    tcvn3 = encode_tcvn3(header)
    # A header cell is converted with its row: alone, a few are too short to tell.
    assert convert_row(["STT", vni, encode_vni("Ngày sinh")])[1] == header
    # "Ấp" has no TCVN3 capital: it comes out "ấp", which header matching folds anyway.
    expected = header.replace("Ấ", "ấ")
    assert convert_row(["STT", tcvn3, encode_tcvn3("Ngày sinh")])[1] == expected
    assert convert_row(["STT", header, "Ngày sinh"])[1] == header
    assert guess_text(header) is Encoding.UNICODE


def test_most_headers_are_recognised_alone() -> None:
    vni = [h for h in HEADERS if guess_text(encode_vni(h)) is Encoding.VNI]
    tcvn3 = [h for h in HEADERS if guess_text(encode_tcvn3(h)) is Encoding.TCVN3]
    assert len(vni) >= len(HEADERS) - 3, set(HEADERS) - set(vni)
    assert len(tcvn3) >= len(HEADERS) - 3, set(HEADERS) - set(tcvn3)
    for header in vni:
        assert convert_row([encode_vni(header)]) == [header]


def test_headers_in_capitals() -> None:
    assert to_unicode(encode_vni("HỌ VÀ TÊN"), Encoding.VNI) == "HỌ VÀ TÊN"
    # Typed with Caps Lock in .VnTime: the words in capitals are read in capitals.
    assert encode_tcvn3("HỌ VÀ TÊN") == "Hä Vµ T£N"
    assert to_unicode("Hä Vµ T£N", Encoding.TCVN3) == "HỌ VÀ TÊN"
    assert guess_text("Hä Vµ T£N") is Encoding.TCVN3
    assert to_unicode(encode_tcvn3("DANH SÁCH HỌC VIÊN"), Encoding.TCVN3) == "DANH SÁCH HỌC VIÊN"


def test_vntimeh_text_comes_out_in_lower_case_and_names_get_their_capitals_later() -> None:
    # In .VnTimeH these show as "HỌ VÀ TÊN" and "NGUYỄN VĂN AN"; the file holds lower case.
    assert to_unicode("hä vµ tªn", Encoding.TCVN3) == "họ và tên"
    name = to_unicode("nguyÔn v¨n an", Encoding.TCVN3)
    assert name == "nguyễn văn an"
    assert normalise_full_name(name) == "Nguyễn Văn An"
    shouted = to_unicode("NGUYÔN V¡N Hµ", Encoding.TCVN3)
    assert shouted == "NGUYỄN VĂN HÀ"
    assert normalise_full_name(shouted) == "Nguyễn Văn Hà"


def test_title_case_words_and_acronyms_keep_their_case() -> None:
    assert to_unicode("§ç Hµ", Encoding.TCVN3) == "Đỗ Hà"
    assert to_unicode("Hµ Néi, TP HCM", Encoding.TCVN3) == "Hà Nội, TP HCM"
    assert to_unicode("UBND x· Hßa B×nh", Encoding.TCVN3) == "UBND xã Hòa Bình"


def test_mixed_case_vni_marks_follow_the_base_letter() -> None:
    assert to_unicode("Aùnh", Encoding.VNI) == "Ánh"
    assert to_unicode("NGUYEÃN", Encoding.VNI) == "NGUYỄN"


NAMES = (
    "Nguyễn Thị Hoà",
    "Đặng Văn Ước",
    "Trần Thị Bích Ngọc",
    "Lê Văn Cường",
    "Phạm Thị Hoa",
    "Hoàng Minh Đức",
    "Vũ Thị Thuý",
    "Bùi Quang Huy",
    "Đỗ Thị Lụa",
    "Ngô Văn Tám",
    "Dương Thị Xuân",
    "Lý Thị Ánh",
    "Trương Công Định",
    "Huỳnh Thị Mỹ Duyên",
    "Phan Văn Khải",
    "Võ Thị Sáu",
    "Hồ Ngọc Hà",
    "Tạ Quang Bửu",
    "Mai Thị Thanh Hương",
    "Nguyễn Văn A",
)


def test_a_tcvn3_column_is_detected_with_a_sample() -> None:
    found = detect_column([encode_tcvn3(n) for n in NAMES])
    assert found.encoding is Encoding.TCVN3
    assert found.evidence >= 15
    assert 0.7 <= found.confidence <= 1
    assert 1 <= len(found.sample) <= 5
    for before, after in found.sample:
        assert after == to_unicode(before, Encoding.TCVN3) != before
    assert [after for _, after in found.sample] == [tcvn3_cased(n) for n in NAMES[:5]]


def test_a_vni_column_is_detected_with_a_sample() -> None:
    found = detect_column([encode_vni(n) for n in NAMES])
    assert found.encoding is Encoding.VNI
    assert found.evidence >= 15
    assert found.confidence >= 0.7
    assert [after for _, after in found.sample] == list(NAMES[:5])


def test_a_unicode_column_is_unicode() -> None:
    found = detect_column(NAMES)
    assert found == Detection(Encoding.UNICODE, 1.0, 0, ())
    assert detect_column([nfd(n) for n in NAMES]).encoding is Encoding.UNICODE


def test_plain_ascii_is_no_evidence() -> None:
    found = detect_column(["Nguyen Van A", "Tran Thi B", "STT", "1", ""])
    assert found == Detection(Encoding.UNICODE, 1.0, 0, ())
    assert detect_column([]) == Detection(Encoding.UNICODE, 1.0, 0, ())
    assert guess_text("Nguyen Van A") is Encoding.UNICODE


# Real Vietnamese made only of letters Windows-1252 has, so that a legacy reading is possible.
LATIN_1_VIETNAMESE = (
    "Lê Hà",
    "Bé Tí",
    "Tô Hoà",
    "Hà Lê",
    "Lã Thành Tôn",
    "Tèo",
    "Mai Anh Tú",
    "Lê Mai Chi",
    "Cà Mau",
    "Bà Rịa",
    "Tây Ninh",
    "Hà Tĩnh",
    "Hòa Bình",
    "Trà Vinh",
    "Bến Tre",
    "Lào Cai",
    "Cao Bằng",
    "Ninh Thuận",
)


def test_real_vietnamese_in_latin_1_letters_is_never_legacy() -> None:
    assert detect_column(LATIN_1_VIETNAMESE).encoding is Encoding.UNICODE
    for text in LATIN_1_VIETNAMESE:
        assert guess_text(text) is Encoding.UNICODE, text
        assert convert_row([text]) == [text]


FRENCH_AND_ENGLISH = (
    "café",
    "crème brûlée",
    "Où est la gare ?",
    "déjà vu",
    "Hélène",
    "naïve",
    "Zoë",
    "Français",
    "Noël à Paris",
    "São Tomé",
    "Müller",
    "señor",
    "résumé",
    "© 2020 Société Générale",
    "Prix : 12 € – réduit",
    "«\xa0oui\xa0»",
    "Dvořák",
    "œuvre",
    "£100",
)


def test_french_and_english_are_never_legacy() -> None:
    assert detect_column(FRENCH_AND_ENGLISH).encoding is Encoding.UNICODE
    for text in FRENCH_AND_ENGLISH:
        assert guess_text(text) is Encoding.UNICODE, text
        assert convert_row([text]) == [text]


def test_symbols_and_single_letters_are_no_evidence() -> None:
    for text in ("©", "®", "µ", "ë", "§ 3", "± 5", "½", "¼ kg", "•", "–", "Où ?"):
        assert guess_text(text) is Encoding.UNICODE, text


def test_a_mostly_legacy_column_with_some_unicode_cells() -> None:
    column = [encode_tcvn3(n) for n in NAMES] + list(NAMES[:4]) + ["Nguyen Van B"] * 5
    found = detect_column(column)
    assert found.encoding is Encoding.TCVN3
    # Cells typed in Unicode later keep their letters: legacy text never holds them.
    assert to_unicode("Nguyễn Thị Hoà", Encoding.TCVN3) == "Nguyễn Thị Hoà"
    assert to_unicode("Đặng Văn Ước", Encoding.VNI) == "Đặng Văn Ước"
    # A half-retyped cell: the Unicode word stays, the legacy words are read.
    assert to_unicode("Nguyễn V¨n Hµ", Encoding.TCVN3) == "Nguyễn Văn Hà"
    assert to_unicode("Nguyễn Vaên Haø", Encoding.VNI) == "Nguyễn Văn Hà"


def test_a_mostly_unicode_column_with_a_stray_legacy_looking_cell() -> None:
    column = [*NAMES, encode_vni("Lê Hoà")]
    assert detect_column(column).encoding is Encoding.UNICODE
    french = [*FRENCH_AND_ENGLISH, encode_vni("Lê Hoà")]
    assert detect_column(french).encoding is Encoding.UNICODE


def test_a_column_of_both_legacy_encodings_goes_to_the_more_common_one() -> None:
    column = [encode_vni(n) for n in NAMES[:12]] + [encode_tcvn3(n) for n in NAMES[12:]]
    assert detect_column(column).encoding is Encoding.VNI


def test_detection_looks_at_the_first_cells_only() -> None:
    column = ["Nguyen Van A"] * 10 + [encode_tcvn3(n) for n in NAMES]
    assert detect_column(column, limit=10).encoding is Encoding.UNICODE
    assert detect_column(column, limit=30).encoding is Encoding.TCVN3
    # Empty cells do not count against the limit.
    assert detect_column(["", "  "] * 10 + [encode_vni(n) for n in NAMES], limit=5).encoding is (
        Encoding.VNI
    )


def test_a_single_legacy_cell_is_enough_when_it_is_the_only_one() -> None:
    assert detect_column(["STT", encode_vni("Nguyễn Văn Bình")]).encoding is Encoding.VNI
    found = detect_column([encode_tcvn3("Họ và tên")])
    assert found.encoding is Encoding.TCVN3
    assert found.sample == (("Hä vµ tªn", "Họ và tên"),)
    assert 0 < found.confidence < 1


def test_nfd_text_is_composed() -> None:
    for name in NAMES:
        assert to_unicode(nfd(name), Encoding.UNICODE) == name
        assert to_unicode(nfd(name), Encoding.TCVN3) == name
        assert to_unicode(nfd(name), Encoding.VNI) == name
        assert guess_text(nfd(name)) is Encoding.UNICODE
    assert convert_row([nfd("Họ và tên")]) == ["Họ và tên"]


def test_unicode_leaves_text_as_it_is_apart_from_composition() -> None:
    for text in (*NAMES, *FRENCH_AND_ENGLISH, "Hä vµ tªn", "  spaces  kept  ", ""):
        assert to_unicode(text, Encoding.UNICODE) == nfc(text)


def test_convert_row_leaves_other_cells_alone() -> None:
    when = datetime.date(1985, 2, 5)
    row = [None, 1, 2.5, True, when, encode_tcvn3("Hà Nội"), encode_vni("Nữ"), "Nam", ""]
    assert convert_row(row) == [None, 1, 2.5, True, when, "Hà Nội", "Nữ", "Nam", ""]
    assert convert_row(()) == []


# --- hypothesis ------------------------------------------------------------------------------

INITIALS = (
    "", "b", "c", "ch", "d", "đ", "g", "gh", "gi", "h", "k", "kh", "l", "m", "n", "ng", "ngh",
    "nh", "p", "ph", "qu", "r", "s", "t", "th", "tr", "v", "x",
)  # fmt: skip
# Real rhymes by whether they take a final consonant: never, always, or either way.
OPEN = (
    "ai", "ao", "au", "ay", "âu", "ây", "eo", "êu", "ia", "iu", "oi", "ôi", "ơi", "ua", "ui", "ưa",
    "ưi", "ưu", "uơ", "iêu", "yêu", "oai", "oay", "oao", "oeo", "uây", "uôi", "uya", "ươi", "ươu",
    "uyu",
)  # fmt: skip
CLOSED = ("ă", "â", "iê", "yê", "uâ", "uô", "ươ", "oă", "oo", "uyê")
EITHER = ("a", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y", "oa", "oe", "uê", "uy")
FINALS = ("c", "ch", "m", "n", "ng", "nh", "p", "t")
GRAVE, HOOK, TILDE, ACUTE, DOT = "\u0300", "\u0309", "\u0303", "\u0301", "\u0323"


@st.composite
def syllables(draw: st.DrawFn) -> str:
    initial = draw(st.sampled_from(INITIALS))
    vowels = draw(st.sampled_from(OPEN + CLOSED + EITHER))
    if vowels in OPEN:
        final = ""
    elif vowels in CLOSED:
        final = draw(st.sampled_from(FINALS))
    else:
        final = draw(st.sampled_from(("", *FINALS)))
    # Syllables closed by c, ch, p or t take only the acute or the dot below.
    tones = (ACUTE, DOT) if final in ("c", "ch", "p", "t") else ("", GRAVE, HOOK, TILDE, ACUTE, DOT)
    tone = draw(st.sampled_from(tones))
    place = draw(st.integers(0, len(vowels) - 1))
    vowels = vowels[: place + 1] + tone + vowels[place + 1 :]
    return nfc(initial + vowels + final)


@st.composite
def cased_words(draw: st.DrawFn, *, capitals: bool) -> str:
    word = draw(syllables())
    style = draw(st.sampled_from(("lower", "title", "upper") if capitals else ("lower", "title")))
    if style == "title":
        return word[0].upper() + word[1:]
    return word.upper() if style == "upper" else word


def vietnamese_text(*, capitals: bool = True) -> st.SearchStrategy[str]:
    separators = st.sampled_from((" ", " ", " ", ", ", " - ", "/", " (", ") "))
    return st.lists(
        st.tuples(cased_words(capitals=capitals), separators), min_size=1, max_size=8
    ).map(lambda parts: "".join(w + s for w, s in parts).strip())


def tcvn3_writable(word: str) -> bool:
    # TCVN3 can write a capital only where it has one: a title-case word must start with one.
    return word[0] in TCVN3_CAPITALS or word[0].isascii() or word[0].islower()


def tcvn3_writable_text(text: str) -> bool:
    return all(map(tcvn3_writable, re.findall(r"\w+", text)))


@given(st.lists(vietnamese_text(), min_size=1, max_size=30))
def test_random_vietnamese_unicode_is_detected_unicode_and_kept(column: list[str]) -> None:
    assert detect_column(column).encoding is Encoding.UNICODE
    assert detect_column([nfd(t) for t in column]).encoding is Encoding.UNICODE
    for text in column:
        assert guess_text(text) is Encoding.UNICODE
        assert to_unicode(text, Encoding.UNICODE) == text
        assert to_unicode(nfd(text), Encoding.UNICODE) == text


# Any Vietnamese letters, not words: with one letter Windows-1252 lacks in each cell.
VIETNAMESE_LETTERS = "abcdeghiklmnopqrstuvxy" + LOWER
NOT_IN_WINDOWS_1252 = [c for c in LOWER + LOWER.upper() if not c.encode("cp1252", "ignore")]


@given(
    st.lists(
        st.tuples(
            st.text(st.sampled_from(VIETNAMESE_LETTERS + VIETNAMESE_LETTERS.upper() + " ")),
            st.sampled_from(NOT_IN_WINDOWS_1252),
        ).map("".join),
        min_size=1,
        max_size=20,
    )
)
def test_random_vietnamese_letters_are_unicode(column: list[str]) -> None:
    assert detect_column(column).encoding is Encoding.UNICODE
    for text in column:
        assert guess_text(text) is Encoding.UNICODE
        for encoding in Encoding:
            assert to_unicode(nfd(text), encoding) == nfc(text)


@given(vietnamese_text())
def test_random_vietnamese_comes_back_from_vni(text: str) -> None:
    assert to_unicode(encode_vni(text), Encoding.VNI) == text


@given(vietnamese_text(capitals=False).filter(tcvn3_writable_text))
def test_random_vietnamese_comes_back_from_tcvn3(text: str) -> None:
    assert to_unicode(encode_tcvn3(text), Encoding.TCVN3) == text


@given(st.text(st.sampled_from(VIETNAMESE_LETTERS + VIETNAMESE_LETTERS.upper() + " ,-0")))
def test_any_string_of_letters_comes_back_from_vni(text: str) -> None:
    assert to_unicode(encode_vni(text), Encoding.VNI) == text


@given(st.text(st.sampled_from(VIETNAMESE_LETTERS + " ,-0")))
def test_any_string_of_lower_case_letters_comes_back_from_tcvn3(text: str) -> None:
    assert to_unicode(encode_tcvn3(text), Encoding.TCVN3) == text


def test_vni_mark_bytes_where_the_chart_has_no_letter_stay_as_they_are() -> None:
    assert to_unicode("café", Encoding.VNI) == "café"
    assert to_unicode("aâù", Encoding.VNI) == "âù"  # a second mark byte is no second tone
    assert to_unicode("uâ nõ", Encoding.VNI) == "uâ nõ"
    assert to_unicode("ù", Encoding.VNI) == "ù"
    # A tone byte after i, or the dot after y, is read as the font showed it.
    assert to_unicode("Vieät Nam tiù", Encoding.VNI) == "Việt Nam tí"
    assert to_unicode("yï", Encoding.VNI) == "ỵ"


@given(st.text(), st.sampled_from(Encoding))
def test_to_unicode_never_raises(text: str, encoding: Encoding) -> None:
    out = to_unicode(text, encoding)
    assert unicodedata.is_normalized("NFC", out)
    guess_text(text)
    detect_column([text, text])


@settings(max_examples=50)
@given(st.lists(st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF)), max_size=20))
def test_random_windows_1252_text_never_crashes(column: list[str]) -> None:
    found = detect_column(column)
    assert 0.0 <= found.confidence <= 1.0
    assert len(found.sample) <= 5
    for text in column:
        to_unicode(text, found.encoding)


# --- speed -----------------------------------------------------------------------------------


def test_two_hundred_thousand_cells_convert_in_well_under_a_second() -> None:
    rng = random.Random(11)
    names = [*NAMES, *SENTENCES[:3], "Nguyen Van A", "12/05/1990"]
    for encoding, encode in ((Encoding.TCVN3, encode_tcvn3), (Encoding.VNI, encode_vni)):
        cells = [encode(rng.choice(names)) for _ in range(200_000)]
        start = time.perf_counter()
        for cell in cells:
            to_unicode(cell, encoding)
        elapsed = time.perf_counter() - start
        print(f"{encoding}: 200,000 cells in {elapsed:.3f} s")
        assert elapsed < 1.0
    column = [encode_vni(rng.choice(NAMES)) for _ in range(5000)]
    start = time.perf_counter()
    detect_column(column)
    print(f"detect_column of 2,000 cells in {time.perf_counter() - start:.3f} s")
