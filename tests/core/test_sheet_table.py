"""Finding the table in a centre's spreadsheet and guessing what each column holds."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop_app.core.problems import UserError
from desktop_app.core.sheet_table import (
    FIELDS,
    KINDS,
    Cell,
    find_header,
    guess_mapping,
    has_required,
    header_signature,
    no_name_column_error,
)
from desktop_app.core.text import fold

# Every header the issue lists, and the English ones a sheet from an NGO or a template may have.
ISSUE_HEADERS = [
    ("Họ và tên", "full_name"),
    ("Họ tên", "full_name"),
    ("HỌ VÀ TÊN", "full_name"),
    ("Ngày sinh", "birth"),
    ("Năm sinh", "birth_year"),
    ("Ngày tháng năm sinh", "birth"),
    ("Giới tính", "sex"),
    ("Nam/Nữ", "sex"),
    ("Số CCCD", "cccd"),
    ("CCCD/CMND", "cccd"),
    ("Số điện thoại", "phone"),
    ("Thôn/Ấp", "hamlet"),
    ("Địa chỉ", "address"),
    ("Dân tộc", "ethnicity"),
    ("Tôn giáo", "religion"),
    ("Số hộ", "household"),
    ("Quan hệ với chủ hộ", "relation"),
    ("Ghi chú", "notes"),
    ("STT", "row_number"),
    ("Nữ", "female_mark"),
    ("Nam", "male_mark"),
    ("Họ", "family_name"),
    ("Tên đệm", "middle_name"),
    ("Full name", "full_name"),
    ("Date of birth", "birth"),
    ("Year of birth", "birth_year"),
    ("Gender", "sex"),
    ("Sex", "sex"),
    ("Phone number", "phone"),
    ("Address", "address"),
    ("Ethnicity", "ethnicity"),
    ("Religion", "religion"),
    ("Notes", "notes"),
]

# The same headers as people really write them: brackets, asterisks, line breaks in a cell,
# extra words after the alias, and the mark-less spelling of a keyboard without Unikey.
VARIANTS = [
    ("Họ và tên (*)", "full_name"),
    ("Ho va ten", "full_name"),
    ("ho  ten", "full_name"),
    ("HỌ VÀ TÊN HỌC VIÊN", "full_name"),
    ("Ngày\ntháng\nnăm sinh", "birth"),
    ("Ngày, tháng, năm sinh", "birth"),
    ("Ngày sinh (dd/mm/yyyy)", "birth"),
    ("NGAY SINH", "birth"),
    ("Giới tính (Nam/Nữ)", "sex"),
    ("Nam / Nữ", "sex"),
    ("Nữ (đánh dấu x)", "female_mark"),
    ("Số CMND/CCCD", "cccd"),
    ("CCCD / CMND:", "cccd"),
    ("Số điện thoại liên hệ", "phone"),
    ("SĐT", "phone"),
    ("Thôn / Ấp", "hamlet"),
    ("Thôn, tổ dân phố", "hamlet"),
    ("Nơi ở hiện nay (thôn/xóm)", "address"),
    ("Họ và tên chủ hộ", "household"),
    ("Quan hệ với chủ hộ (Vợ, Con...)", "relation"),
]


@pytest.mark.parametrize(("header", "key"), ISSUE_HEADERS + VARIANTS)
def test_the_headers_of_the_issue_map_to_their_field(header: str, key: str) -> None:
    assert guess_mapping([header], "people") == {0: key}
    assert guess_mapping([unicodedata.normalize("NFD", header)], "people") == {0: key}


@pytest.mark.parametrize("kind", KINDS)
def test_each_alias_belongs_to_one_field_and_maps_to_it(kind: str) -> None:
    claimed: dict[str, str] = {}
    for field in FIELDS[kind]:
        assert field.label and field.aliases
        for alias in field.aliases:
            folded = fold(alias)
            if not folded:  # "#" folds to nothing and can match no header
                continue
            assert claimed.setdefault(folded, field.key) == field.key, alias
            mapping = guess_mapping([alias], kind)
            # A lone "Tên" column holds the whole name.
            expected = "full_name" if field.key == "given_name" else field.key
            assert mapping == {0: expected}, alias


def test_the_fields_of_each_kind() -> None:
    keys = {kind: {field.key for field in FIELDS[kind]} for kind in KINDS}
    people = {
        "full_name", "family_name", "middle_name", "given_name", "birth", "birth_year", "sex",
        "female_mark", "male_mark", "cccd", "phone", "hamlet", "address", "ethnicity",
        "religion", "household", "relation", "notes", "row_number",
    }  # fmt: skip
    assert keys["people"] == people
    assert keys["members"] == people | {"joined", "card_number", "branch", "dues"}
    assert keys["attendance"] == people | {"session"}
    assert keys["ledger"] == {
        "row_number", "date", "voucher", "payer", "reason", "amount", "amount_in",
        "amount_out", "balance", "kind", "notes",
    }  # fmt: skip
    assert [field.key for field in FIELDS["ledger"] if field.required] == ["amount"]
    assert keys["cdht"] == {
        "row_number", "full_name", "cccd", "birth", "birth_year", "hamlet", "status",
        "account_on", "self_assessed_on", "achieved_on",
    }  # fmt: skip


def test_each_field_goes_to_one_column_the_best_and_unknown_columns_stay_unmapped() -> None:
    header = ["STT", "Họ và tên người giám hộ", "Họ và tên", "Họ tên", "Lớp", None, 7, "Ngày sinh"]
    assert guess_mapping(header, "people") == {0: "row_number", 2: "full_name", 7: "birth"}
    # Of two headers that match as well, the leftmost wins.
    assert guess_mapping(["Ho va ten", "Họ và tên"], "people") == {0: "full_name"}


def test_a_second_name_column_does_not_fall_back_to_the_family_name() -> None:
    # "Họ tên" could also start with "Họ"; a second name column is not a family-name column.
    assert guess_mapping(["Họ và tên", "Họ tên"], "people") == {0: "full_name"}
    assert guess_mapping(["Họ và tên", "Họ và tên cha"], "people") == {0: "full_name"}


def test_separate_name_columns() -> None:
    assert guess_mapping(["Họ", "Tên đệm", "Tên"], "people") == {
        0: "family_name",
        1: "middle_name",
        2: "given_name",
    }
    # Family and middle name together: the importer joins the parts and splits them again.
    assert guess_mapping(["Họ và tên đệm", "Tên"], "people") == {0: "family_name", 1: "given_name"}
    assert guess_mapping(["Họ đệm", "Tên"], "people") == {0: "family_name", 1: "given_name"}
    assert guess_mapping(["Last name", "First name"], "people") == {
        0: "family_name",
        1: "given_name",
    }
    # Alone, "Tên" or "Name" is the whole name.
    assert guess_mapping(["STT", "Tên", "Năm sinh"], "people") == {
        0: "row_number",
        1: "full_name",
        2: "birth_year",
    }


def test_short_words_count_only_as_the_whole_header() -> None:
    assert guess_mapping(["Tên lớp", "Số người nữ", "Tổng cộng", "Họ hàng"], "people") == {}


def test_members_and_ledger_headers() -> None:
    members = ["STT", "Họ và tên", "Ngày vào Hội", "Số thẻ hội viên", "Hội phí (đồng)", "Chi hội"]
    assert guess_mapping(members, "members") == {
        0: "row_number",
        1: "full_name",
        2: "joined",
        3: "card_number",
        4: "dues",
        5: "branch",
    }
    ledger = ["Ngày tháng", "Số phiếu", "Họ tên người nộp", "Nội dung", "Số tiền (đồng)", "Ghi chú"]
    assert guess_mapping(ledger, "ledger") == {
        0: "date",
        1: "voucher",
        2: "payer",
        3: "reason",
        4: "amount",
        5: "notes",
    }
    assert guess_mapping(["Ngày", "Người nộp", "Lý do", "Số tiền", "Loại"], "ledger") == {
        0: "date",
        1: "payer",
        2: "reason",
        3: "amount",
        4: "kind",
    }
    # In a ledger the name column is the payer.
    assert guess_mapping(["Họ và tên", "Số tiền"], "ledger") == {0: "payer", 1: "amount"}


def test_attendance_session_columns() -> None:
    header: list[Cell] = [
        "STT",
        "Họ và tên",
        "Năm sinh",
        dt.date(2026, 3, 5),
        dt.datetime(2026, 3, 12),
        "Buổi 3",
        "B4",
        "5",
        6.0,
        "19/3",
        "Ghi chú",
        2026.0,
    ]
    mapping = guess_mapping(header, "attendance")
    assert mapping == {
        0: "row_number",
        1: "full_name",
        2: "birth_year",
        **dict.fromkeys(range(3, 10), "session"),
        10: "notes",
    }
    # Other kinds have no sessions.
    assert "session" not in guess_mapping(header, "people").values()


def test_unknown_kind_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown import kind"):
        guess_mapping(["Họ và tên"], "teachers")
    with pytest.raises(ValueError):
        find_header([["Họ và tên"]], "teachers")


def _real_list() -> list[list[Cell]]:
    # The way a commune's list looks: two header blocks side by side, the title merged over all
    # columns (one filled cell), a blank row, the header on row 5 of the sheet, a numbering row.
    width = 8
    blank: list[Cell] = [None] * width
    return [
        [
            "UBND XÃ AN BÌNH",
            None,
            None,
            None,
            "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            None,
            None,
            None,
        ],
        ["TRUNG TÂM HTCĐ", None, None, None, "Độc lập - Tự do - Hạnh phúc", None, None, None],
        ["DANH SÁCH HỌC VIÊN LỚP TIN HỌC CƠ BẢN NĂM 2026", *[None] * (width - 1)],
        blank,
        [
            "STT",
            "Họ và tên",
            "Ngày sinh",
            "Giới tính",
            "Số CCCD",
            "Số điện thoại",
            "Thôn",
            "Ghi chú",
        ],
        ["1", "2", "3", "4", "5", "6", "7", "8"],
        [1.0, "Nguyễn Văn An", dt.datetime(1985, 2, 5), "Nam", None, 912345678.0, "Thôn 1", None],
        [2.0, "Trần Thị Bích", "12/05/1990", "Nữ", "001190012345", None, "Thôn 2", "Nữ"],
        blank,
        [None, "Tổng cộng: 2 học viên", *[None] * (width - 2)],
    ]


def test_the_header_of_a_real_list_is_found_past_titles_blank_rows_and_the_numbering() -> None:
    rows = _real_list()
    guess = find_header(rows, "people")
    assert guess is not None
    assert guess.row == 4
    assert guess.data_start == 6
    assert guess.mapping == {
        0: "row_number",
        1: "full_name",
        2: "birth",
        3: "sex",
        4: "cccd",
        5: "phone",
        6: "hamlet",
        7: "notes",
    }
    assert guess.header[:3] == ("STT", "Họ và tên", "Ngày sinh")
    assert guess.score == 8.0


@pytest.mark.parametrize(
    "numbering",
    [
        ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)", "(8)"],
        [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0],
        ["A", "B", "1", "2", "3", "4", "5", "6"],
        [None, "1", "2", "3", None, None, None, None],
    ],
)
def test_numbering_rows_are_skipped(numbering: list[Cell]) -> None:
    rows = _real_list()
    rows[5] = numbering
    guess = find_header(rows, "people")
    assert guess is not None
    assert (guess.row, guess.data_start) == (4, 6)


def test_without_a_numbering_row_data_starts_under_the_header() -> None:
    rows = _real_list()
    del rows[5]
    guess = find_header(rows, "people")
    assert guess is not None
    assert (guess.row, guess.data_start) == (4, 5)


def test_a_numbering_row_after_a_blank_row_is_skipped_too() -> None:
    rows = _real_list()
    rows.insert(5, [None] * 8)
    guess = find_header(rows, "people")
    assert guess is not None
    assert (guess.row, guess.data_start) == (4, 7)


def test_a_header_on_two_rows() -> None:
    rows: list[list[Cell]] = [
        ["DANH SÁCH HỘ GIA ĐÌNH", None, None, None, None, None],
        ["STT", "Họ và tên", "Năm sinh", "Giới tính", None, "Quan hệ với chủ hộ"],
        [None, None, None, "Nam", "Nữ", None],
        ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)"],
        [1, "Lê Văn Cường", 1975, "x", None, "Chủ hộ"],
    ]
    guess = find_header(rows, "people")
    assert guess is not None
    assert (guess.row, guess.data_start) == (1, 4)
    assert guess.mapping == {
        0: "row_number",
        1: "full_name",
        2: "birth_year",
        3: "male_mark",
        4: "female_mark",
        5: "relation",
    }
    assert guess.header[3:5] == ("Giới tính Nam", "Giới tính Nữ")


def test_a_data_row_is_not_taken_for_a_second_header_row() -> None:
    rows: list[list[Cell]] = [
        ["Họ và tên", "Giới tính", None],
        ["Phạm Thị Hoa", "Nữ", "x"],
    ]
    guess = find_header(rows, "people")
    assert guess is not None
    assert (guess.row, guess.data_start, guess.mapping) == (0, 1, {0: "full_name", 1: "sex"})


def test_attendance_roster_with_dates_under_a_merged_sessions_header() -> None:
    rows: list[list[Cell]] = [
        ["SỔ ĐIỂM DANH LỚP TRỒNG TRỌT", None, None, None, None],
        ["STT", "Họ và tên", "Ngày học", None, None],
        [None, None, dt.datetime(2026, 3, 5), dt.datetime(2026, 3, 12), dt.datetime(2026, 3, 19)],
        [1.0, "Nguyễn Văn An", "x", None, "x"],
    ]
    guess = find_header(rows, "attendance")
    assert guess is not None
    assert (guess.row, guess.data_start) == (1, 3)
    assert guess.mapping == {
        0: "row_number",
        1: "full_name",
        2: "session",
        3: "session",
        4: "session",
    }


def test_ledger_header() -> None:
    rows: list[list[Cell]] = [
        ["HỘI KHUYẾN HỌC XÃ AN BÌNH", None, None, None, None],
        ["SỔ QUỸ TIỀN MẶT", None, None, None, None],
        ["Ngày", "Số phiếu", "Người nộp", "Lý do", "Số tiền"],
        [dt.datetime(2026, 1, 5), "PT001", "Ông Lê Văn Cường", "Ủng hộ quỹ", 500000.0],
    ]
    guess = find_header(rows, "ledger")
    assert guess is not None
    assert (guess.row, guess.data_start) == (2, 3)
    assert guess.mapping == {0: "date", 1: "voucher", 2: "payer", 3: "reason", 4: "amount"}
    # The same sheet has no name column for a people import.
    assert find_header(rows, "people") is None


def test_a_cash_book_with_thu_chi_and_balance_columns() -> None:
    # "Số tiền" merged over "Thu" | "Chi" | "Tồn": one amount column for each way, and the
    # running balance recognised (so that it is never taken for an amount).
    rows: list[list[Cell]] = [
        ["SỔ QUỸ TIỀN MẶT", None, None, None, None, None, None],
        ["Ngày", "Số phiếu", "Người nộp/nhận", "Diễn giải", "Số tiền", None, None],
        [None, None, None, None, "Thu", "Chi", "Tồn"],
        [dt.datetime(2026, 1, 5), "PT001", "Lê Văn Cường", "Ủng hộ quỹ", 500000.0, None, 500000.0],
    ]
    guess = find_header(rows, "ledger")
    assert guess is not None and (guess.row, guess.data_start) == (1, 3)
    assert guess.mapping == {
        0: "date", 1: "voucher", 2: "payer", 3: "reason", 4: "amount_in", 5: "amount_out",
        6: "balance",
    }  # fmt: skip
    one_row = ["Ngày", "Nội dung", "Số tiền thu", "Số tiền chi", "Số dư"]
    assert guess_mapping(one_row, "ledger") == {
        0: "date", 1: "reason", 2: "amount_in", 3: "amount_out", 4: "balance",
    }  # fmt: skip
    assert has_required({2: "amount_in"}, "ledger") and has_required({3: "amount_out"}, "ledger")


def test_no_header_is_found_without_a_name_column() -> None:
    rows: list[list[Cell]] = [
        ["DANH SÁCH"],
        ["Ngày sinh", "Giới tính", "Địa chỉ"],
        ["05/02/1985", "Nam", "Thôn 1"],
    ]
    assert find_header(rows, "people") is None
    assert find_header([], "people") is None
    assert find_header([[], [None, None]], "members") is None


def test_the_scan_limit() -> None:
    blank: list[Cell] = [None]
    rows: list[list[Cell]] = [blank] * 45 + [["Họ và tên", "Năm sinh"]]
    assert find_header(rows, "people") is None
    guess = find_header(rows, "people", scan=50)
    assert guess is not None
    assert guess.row == 45


# Two legacy-font headers as Excel shows them, and what they say; enough to check that
# find_header matches on the converted text (core.legacy_text does the real conversion).
_LEGACY = {"Hä vµ tªn": "Họ và tên", "N¨m sinh": "Năm sinh", "Giíi tÝnh": "Giới tính"}


def _convert(row: Sequence[Cell]) -> list[Cell]:
    return [_LEGACY.get(cell, cell) if isinstance(cell, str) else cell for cell in row]


def test_legacy_font_headers_are_matched_after_conversion() -> None:
    rows: list[list[Cell]] = [
        ["DANH S¸CH HäC VI£N", None, None, None],
        ["STT", "Hä vµ tªn", "N¨m sinh", "Giíi tÝnh"],
        [1.0, "NguyÔn V¨n An", 1985.0, "Nam"],
    ]
    assert find_header(rows, "people") is None
    guess = find_header(rows, "people", convert=_convert)
    assert guess is not None
    assert guess.row == 1
    assert guess.mapping == {0: "row_number", 1: "full_name", 2: "birth_year", 3: "sex"}
    assert guess.header == ("STT", "Họ và tên", "Năm sinh", "Giới tính")


def test_has_required_and_the_no_name_message() -> None:
    assert has_required({1: "full_name"}, "people")
    assert has_required({0: "family_name", 1: "given_name"}, "members")
    assert not has_required({0: "family_name"}, "attendance")
    assert not has_required({0: "birth", 1: "sex"}, "people")
    assert has_required({4: "amount"}, "ledger")
    assert not has_required({2: "payer"}, "ledger")
    assert has_required({0: "cccd", 3: "status"}, "cdht")
    assert has_required({1: "full_name", 4: "achieved_on"}, "cdht")
    assert not has_required({1: "full_name", 2: "birth_year"}, "cdht")
    for kind in KINDS:
        error = no_name_column_error(kind)
        assert isinstance(error, UserError)
        assert "{" not in error.message and error.params == {}
    assert "names" in no_name_column_error("people").message
    assert "amount" in no_name_column_error("ledger").message


def test_header_signature_ignores_case_marks_and_trailing_blanks() -> None:
    header: list[Cell] = ["STT", "Họ và tên", None, "Ngày sinh", None, None]
    same: list[Cell] = [
        "stt",
        unicodedata.normalize("NFD", "HỌ VÀ  TÊN"),
        "",
        "Ngay sinh",
        None,
    ]
    assert header_signature(header) == "stt|ho va ten||ngay sinh"
    assert header_signature(same) == header_signature(header)
    assert header_signature(["Họ và tên", "Ngày sinh"]) != header_signature(header)
    assert header_signature([dt.date(2026, 3, 5), 1.0]) == "05 03 2026|1"
    assert header_signature([]) == ""


_CELLS = st.one_of(
    st.none(),
    st.text(max_size=30),
    st.sampled_from(["Họ và tên", "Nữ", "STT", "(1)", "1", "Giới tính", "Số tiền", "Buổi 2", ""]),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.times(),
    st.timedeltas(),
)


@settings(max_examples=300, deadline=None)
@given(
    rows=st.lists(st.lists(_CELLS, max_size=12), max_size=15),
    kind=st.sampled_from(KINDS),
)
def test_find_header_never_raises(rows: list[list[Cell]], kind: str) -> None:
    guess = find_header(rows, kind)
    if guess is not None:
        assert 0 <= guess.row < guess.data_start <= len(rows)
        assert has_required(guess.mapping, kind)
        keys = {field.key for field in FIELDS[kind]}
        assert set(guess.mapping.values()) <= keys
        assert all(0 <= column < len(guess.header) for column in guess.mapping)
    for row in rows:
        header_signature(row)


def test_a_merged_title_naming_learners_is_no_name_column() -> None:
    rows = [
        ["DANH SÁCH HỌC VIÊN LỚP XÓA MÙ CHỮ NĂM 2026", None, None],
        [None, None, None],
        ["STT", "Ngày sinh", "Giới tính"],
        [1, "1990", "Nữ"],
    ]
    assert find_header(rows, "people") is None
