"""Where the table is in a spreadsheet a centre already keeps, and what each column holds.

A real list rarely starts at A1: it opens with the commune's name, the national motto, a merged
title ("DANH SÁCH HỌC VIÊN LỚP ..."), blank rows, and only then the header, sometimes on two rows
("Giới tính" over "Nam" | "Nữ") and followed by a row numbering the columns ("1", "2", "(3)").
This module finds that header and guesses a field for each column from its text; it reads no
file (documents.sheet_reader does) and converts no legacy font (core.legacy_text does, passed in
as `convert`).
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from desktop_app.core.problems import N_, UserError
from desktop_app.core.text import fold

__all__ = [
    "FIELDS",
    "KINDS",
    "Cell",
    "Field",
    "HeaderGuess",
    "find_header",
    "guess_mapping",
    "has_required",
    "header_signature",
    "header_text",
    "no_name_column_error",
]

Cell = str | int | float | bool | dt.date | dt.datetime | dt.time | dt.timedelta | None

KINDS = ("people", "members", "attendance", "ledger", "cdht")

# Every column of an attendance roster whose header names a session maps to this one key.
SESSION = "session"


@dataclass(frozen=True)
class Field:
    """What a column can hold: `label` is a msgid for the mapping screen, `aliases` the headers
    that mean it, written as people write them (matched after folding, so marks and case do not
    matter)."""

    key: str
    label: str
    aliases: tuple[str, ...]
    required: bool = False


_ROW_NUMBER = Field(
    "row_number",
    N_("Row number (ignored)"),
    ("STT", "TT", "Số TT", "Số thứ tự", "Thứ tự", "No", "No.", "Nr", "Number", "#"),
)
_FULL_NAME = Field(
    "full_name",
    N_("Full name"),
    (
        "Họ và tên",
        "Họ tên",
        "Họ, tên",
        "Họ và tên học viên",
        "Họ tên học viên",
        "Họ và tên người học",
        "Họ tên người học",
        "Họ và tên học sinh",
        "Họ và tên hội viên",
        "Họ tên hội viên",
        "Họ và tên người tham gia",
        "Họ và tên khai sinh",
        "Họ, chữ đệm và tên",
        "Họ chữ đệm và tên",
        "Họ, tên đệm và tên",
        "Tên học viên",
        "Tên hội viên",
        "Học viên",
        "Hội viên",
        "Full name",
        "Name",
        "Full names",
    ),
)
# "Họ đệm" / "Họ và tên đệm" hold the family and the middle name together, next to a "Tên"
# column: they map to family_name, because the importer joins family, middle and given name and
# splits the whole again (core.names.split_full_name), which puts every word where it belongs.
_FAMILY_NAME = Field(
    "family_name",
    N_("Family name"),
    (
        "Họ",
        "Họ đệm",
        "Họ và đệm",
        "Họ và tên đệm",
        "Họ và chữ đệm",
        "Họ chữ đệm",
        "Họ và tên lót",
        "Họ lót",
        "Family name",
        "Surname",
        "Last name",
    ),
)
_MIDDLE_NAME = Field(
    "middle_name",
    N_("Middle name"),
    ("Tên đệm", "Chữ đệm", "Đệm", "Tên lót", "Lót", "Middle name", "Middle names"),
)
_GIVEN_NAME = Field(
    "given_name",
    N_("Given name"),
    ("Tên", "Tên gọi", "Given name", "First name", "Forename"),
)
_BIRTH = Field(
    "birth",
    N_("Birth date"),
    (
        "Ngày sinh",
        "Ngày tháng năm sinh",
        "Ngày, tháng, năm sinh",
        "Ngày/tháng/năm sinh",
        "Ngày tháng năm sinh hoặc năm sinh",
        "Ngày sinh hoặc năm sinh",
        "Sinh ngày",
        "NTNS",
        "Date of birth",
        "Birth date",
        "Birthdate",
        "Birthday",
        "DOB",
        "Born",
    ),
)
_BIRTH_YEAR = Field(
    "birth_year",
    N_("Birth year"),
    ("Năm sinh", "Sinh năm", "NS", "Year of birth", "Birth year", "Year born"),
)
_SEX = Field(
    "sex",
    N_("Sex"),
    (
        "Giới tính",
        "Giới",
        "Phái",
        "Nam/Nữ",
        "Nam, nữ",
        "Nam hay nữ",
        "Nam hoặc nữ",
        "GT",
        "Sex",
        "Gender",
        "M/F",
    ),
)
# A column headed "Nữ" (or "Nam") ticked with x, the layout of many official lists; some put the
# birth year in it instead of an x ("Năm sinh" over "Nam" | "Nữ"): import_values.parse_mark
# counts a year as a mark, and the importer then reads the same cell with parse_birth.
_FEMALE_MARK = Field("female_mark", N_("Female (ticked)"), ("Nữ", "Female", "Là nữ"))
_MALE_MARK = Field("male_mark", N_("Male (ticked)"), ("Nam", "Male", "Là nam"))
_CCCD = Field(
    "cccd",
    N_("CCCD number"),
    (
        "Số CCCD",
        "CCCD",
        "CCCD/CMND",
        "CMND/CCCD",
        "Số CCCD/CMND",
        "Số CMND/CCCD",
        "CMND",
        "Số CMND",
        "CMT",
        "Số CMT",
        "Số CCCD/CMND/ĐDCN",
        "Số định danh",
        "Số định danh cá nhân",
        "Mã định danh",
        "Mã định danh cá nhân",
        "Căn cước",
        "Số căn cước",
        "Căn cước công dân",
        "Số căn cước công dân",
        "Thẻ căn cước",
        "Chứng minh nhân dân",
        "Số chứng minh nhân dân",
        "Số chứng minh thư",
        "ID number",
        "National ID",
        "Citizen ID",
    ),
)
_PHONE = Field(
    "phone",
    N_("Phone"),
    (
        "Số điện thoại",
        "Điện thoại",
        "Điện thoại liên hệ",
        "Số điện thoại liên hệ",
        "SĐT",
        "Số ĐT",
        "ĐT",
        "ĐTDĐ",
        "Di động",
        "Số di động",
        "Phone",
        "Phone number",
        "Mobile",
        "Tel",
        "Telephone",
    ),
)
_HAMLET = Field(
    "hamlet",
    N_("Hamlet"),
    (
        "Thôn",
        "Ấp",
        "Thôn/Ấp",
        "Thôn/Xóm",
        "Thôn, xóm",
        "Thôn/Tổ",
        "Thôn/Tổ dân phố",
        "Thôn/Bản",
        "Thôn/Buôn",
        "Xóm",
        "Bản",
        "Buôn",
        "Khóm",
        "Khu phố",
        "Tổ dân phố",
        "Tổ",
        "Khu dân cư",
        "Hamlet",
        "Village",
    ),
)
_ADDRESS = Field(
    "address",
    N_("Address"),
    (
        "Địa chỉ",
        "Nơi ở",
        "Nơi ở hiện nay",
        "Chỗ ở hiện nay",
        "Nơi cư trú",
        "Địa chỉ thường trú",
        "Thường trú",
        "Hộ khẩu thường trú",
        "Địa chỉ liên hệ",
        "Address",
    ),
)
_ETHNICITY = Field("ethnicity", N_("Ethnicity"), ("Dân tộc", "Ethnicity", "Ethnic group"))
_RELIGION = Field("religion", N_("Religion"), ("Tôn giáo", "Religion"))
# "Hộ" alone is not an alias: folded, it is "Họ", the family name.
_HOUSEHOLD = Field(
    "household",
    N_("Household"),
    (
        "Số hộ",
        "Hộ số",
        "Mã hộ",
        "Mã số hộ",
        "Hộ gia đình",
        "Chủ hộ",
        "Tên chủ hộ",
        "Họ tên chủ hộ",
        "Họ và tên chủ hộ",
        "Sổ hộ khẩu",
        "Số sổ hộ khẩu",
        "Household",
        "Household number",
    ),
)
_RELATION = Field(
    "relation",
    N_("Relation to the head of household"),
    (
        "Quan hệ với chủ hộ",
        "Quan hệ chủ hộ",
        "Quan hệ với CH",
        "QH với chủ hộ",
        "Quan hệ",
        "Relation",
        "Relationship",
        "Relation to head",
    ),
)
_NOTES = Field(
    "notes",
    N_("Notes"),
    ("Ghi chú", "Chú thích", "Ghi chú khác", "Notes", "Note", "Remarks", "Comment", "Comments"),
)
_PEOPLE = (
    _ROW_NUMBER,
    _FULL_NAME,
    _FAMILY_NAME,
    _MIDDLE_NAME,
    _GIVEN_NAME,
    _BIRTH,
    _BIRTH_YEAR,
    _SEX,
    _FEMALE_MARK,
    _MALE_MARK,
    _CCCD,
    _PHONE,
    _HAMLET,
    _ADDRESS,
    _ETHNICITY,
    _RELIGION,
    _HOUSEHOLD,
    _RELATION,
    _NOTES,
)
_MEMBERS = (
    *_PEOPLE,
    Field(
        "joined",
        N_("Joined"),
        (
            "Ngày vào hội",
            "Ngày vào Hội",
            "Ngày gia nhập",
            "Ngày kết nạp",
            "Ngày vào",
            "Kết nạp",
            "Năm vào hội",
            "Joined",
            "Join date",
            "Date joined",
        ),
    ),
    Field(
        "card_number",
        N_("Member card number"),
        (
            "Số thẻ",
            "Số thẻ hội viên",
            "Thẻ hội viên",
            "Mã hội viên",
            "Mã thẻ",
            "Số hội viên",
            "Card number",
            "Member number",
            "Member ID",
        ),
    ),
    Field(
        "branch",
        N_("Branch (chi hội)"),
        ("Chi hội", "Chi hội khuyến học", "Thuộc chi hội", "Branch"),
    ),
    Field(
        "dues",
        N_("Dues"),
        ("Hội phí", "Đóng hội phí", "Số tiền hội phí", "Tiền hội phí", "Dues", "Membership fee"),
    ),
)
_ATTENDANCE = (
    *_PEOPLE,
    Field(SESSION, N_("Session"), ("Buổi", "Session")),
)
_LEDGER = (
    _ROW_NUMBER,
    Field(
        "date",
        N_("Date"),
        (
            "Ngày",
            "Ngày tháng",
            "Ngày, tháng",
            "Ngày thu",
            "Ngày chi",
            "Ngày nộp",
            "Ngày lập",
            "Ngày chứng từ",
            "Ngày phiếu",
            "Ngày ghi sổ",
            "Date",
        ),
    ),
    Field(
        "voucher",
        N_("Voucher number"),
        (
            "Số phiếu",
            "Phiếu số",
            "Số chứng từ",
            "Chứng từ số",
            "Số CT",
            "Số hiệu chứng từ",
            "Số biên lai",
            "Voucher",
            "Voucher number",
            "Receipt number",
        ),
    ),
    Field(
        "payer",
        N_("Payer"),
        (
            "Người nộp",
            "Người nộp tiền",
            "Tên người nộp",
            "Họ tên người nộp",
            "Họ và tên người nộp",
            "Người nhận",
            "Người nộp/nhận",
            "Người nộp/người nhận",
            "Người ủng hộ",
            "Nhà hảo tâm",
            "Họ và tên",
            "Họ tên",
            "Đơn vị",
            "Payer",
            "Name",
        ),
    ),
    Field(
        "reason",
        N_("Reason"),
        (
            "Lý do",
            "Lí do",
            "Nội dung",
            "Diễn giải",
            "Lý do nộp",
            "Nội dung thu chi",
            "Nội dung thu",
            "Nội dung chi",
            "Reason",
            "Description",
        ),
    ),
    Field(
        "amount",
        N_("Amount"),
        (
            "Số tiền",
            "Thành tiền",
            "Tiền",
            "Số tiền ủng hộ",
            "Amount",
        ),
        required=True,
    ),
    # A cash book ("Sổ quỹ tiền mặt") has one amount column for money in and one for money
    # out, often under a merged "Số tiền": a row is a receipt or a payment by which is filled.
    Field(
        "amount_in",
        N_("Amount received"),
        ("Thu", "Số tiền thu", "Tiền thu", "Số thu", "Thu (đồng)", "Received", "Amount in", "In"),
    ),
    Field(
        "amount_out",
        N_("Amount paid"),
        ("Chi", "Số tiền chi", "Tiền chi", "Số chi", "Chi (đồng)", "Paid", "Amount out", "Out"),
    ),
    # The running balance: recognised so that it is not taken for an amount, never imported.
    Field(
        "balance",
        N_("Balance (checked, not imported)"),
        ("Tồn", "Số dư", "Tồn quỹ", "Số tồn", "Còn lại", "Tồn cuối", "Balance"),
    ),
    Field("kind", N_("Kind"), ("Loại", "Loại phiếu", "Thu/Chi", "Thu chi", "Kind", "Type")),
    _NOTES,
)

# A list exported from the "Công dân học tập" platform: who it is (CCCD, else name and birth)
# and how far they are, in a status column ("Đã tạo tài khoản", "Đã tự đánh giá", "Đạt") or
# by the days of the stages.
CDHT_STAGE_FIELDS = ("status", "account_on", "self_assessed_on", "achieved_on")
_CDHT = (
    _ROW_NUMBER,
    _FULL_NAME,
    _CCCD,
    _BIRTH,
    _BIRTH_YEAR,
    _HAMLET,
    Field(
        "status",
        N_("Status on the platform"),
        (
            "Trạng thái",
            "Tình trạng",
            "Trạng thái tài khoản",
            "Trạng thái đánh giá",
            "Trạng thái tự đánh giá",
            "Kết quả",
            "Kết quả đánh giá",
            "Kết quả tự đánh giá",
            "Kết quả công nhận",
            "Xếp loại",
            "Status",
            "Result",
            "Progress",
        ),
    ),
    Field(
        "account_on",
        N_("Account created on"),
        (
            "Ngày tạo tài khoản",
            "Ngày tạo",
            "Ngày đăng ký",
            "Ngày đăng ký tài khoản",
            "Ngày lập tài khoản",
            "Thời gian tạo",
            "Thời gian đăng ký",
            "Account created",
            "Account created on",
            "Created on",
            "Registered on",
            "Registration date",
        ),
    ),
    Field(
        "self_assessed_on",
        N_("Self-assessed on"),
        (
            "Ngày tự đánh giá",
            "Ngày đánh giá",
            "Ngày hoàn thành tự đánh giá",
            "Thời gian tự đánh giá",
            "Thời gian đánh giá",
            "Self-assessed on",
            "Self-assessment date",
            "Assessed on",
            "Assessment date",
        ),
    ),
    Field(
        "achieved_on",
        N_("Achieved on"),
        (
            "Ngày đạt",
            "Ngày công nhận",
            "Ngày được công nhận",
            "Ngày hoàn thành",
            "Ngày đạt danh hiệu",
            "Thời gian công nhận",
            "Achieved on",
            "Recognised on",
            "Recognized on",
            "Completed on",
            "Date achieved",
        ),
    ),
)

FIELDS: Mapping[str, tuple[Field, ...]] = {
    "people": _PEOPLE,
    "members": _MEMBERS,
    "attendance": _ATTENDANCE,
    "ledger": _LEDGER,
    "cdht": _CDHT,
}

# How well a header matched an alias: the whole text, the text before a bracket ("Nữ (đánh x)")
# or the alias as its first words ("Số điện thoại liên hệ"), or the alias inside it.
_EXACT = 1.0
_PREFIX = 0.8
_INSIDE = 0.6
_SESSION_QUALITY = 0.5

_BRACKETED = re.compile(r"\([^)]*\)?|\[[^\]]*\]?|\*")


def _words(text: str) -> tuple[str, ...]:
    # fold already turns every non-letter, non-digit ("/", ".", ":", "(", ")", "-") into a
    # word break, so "Thôn/Ấp", "THÔN - ẤP" and "thon ap" are the same words.
    return tuple(fold(text).split())


@dataclass(frozen=True)
class _Alias:
    words: tuple[str, ...]
    key: str
    order: int  # the field's place in its kind, to break ties the same way every time

    @property
    def partial(self) -> bool:
        # Short single words ("Họ", "Tên", "Nữ", "Tổ") are too common inside other headers
        # ("Họ và tên cha", "Tên lớp", "Số người nữ") to count unless they are the whole header.
        return len(self.words) > 1 or len(self.words[0]) >= 4


def _alias_table(fields: tuple[Field, ...]) -> dict[tuple[str, ...], _Alias]:
    table: dict[tuple[str, ...], _Alias] = {}
    for order, field in enumerate(fields):
        for alias in field.aliases:
            words = _words(alias)
            # The first field to claim an alias keeps it ("Họ và tên" is the payer in a ledger
            # only because the ledger has no full_name field).
            if words and words not in table:
                table[words] = _Alias(words, field.key, order)
    return table


_ALIASES: dict[str, dict[tuple[str, ...], _Alias]] = {
    kind: _alias_table(fields) for kind, fields in FIELDS.items()
}


def _check_kind(kind: str) -> None:
    if kind not in FIELDS:
        raise ValueError(f"unknown import kind {kind!r}; expected one of {KINDS}")


def header_text(cell: Cell) -> str:
    """A header cell as text: dates as dd/mm/yyyy, whole numbers without ".0", empty as ""."""
    if cell is None:
        return ""
    if isinstance(cell, str):
        return cell.strip()
    if isinstance(cell, bool):
        return "TRUE" if cell else "FALSE"
    if isinstance(cell, dt.datetime):
        cell = cell.date()
    if isinstance(cell, dt.date):
        return f"{cell.day:02d}/{cell.month:02d}/{cell.year:04d}"
    if isinstance(cell, float) and math.isfinite(cell) and cell.is_integer():
        return str(int(cell))
    return str(cell)


_SESSION_WORDS = re.compile(
    r"(?:buoi|b|lan|tiet|ngay|tuan|session|s|day|week|lesson)?\s*(\d{1,3})(?:\s+\d{1,2}){0,2}"
)
_SESSION_DATE = re.compile(r"(?:ngay\s+)?\d{1,2}\s+\d{1,2}(?:\s+\d{2}|\s+\d{4})?")


def _is_session(cell: Cell) -> bool:
    """A roster column for one session: a date, "Buổi 1", "B1", "Lần 2", "1", "05/3"."""
    if isinstance(cell, bool):
        return False
    if isinstance(cell, dt.date):  # datetime is a date too
        return True
    if isinstance(cell, int | float):
        # A small whole number numbers a session; a 4-digit one is more likely a year total.
        return math.isfinite(cell) and float(cell).is_integer() and 1 <= cell <= 366
    if not isinstance(cell, str):
        return False
    folded = fold(cell)
    if not folded or len(folded) > 20:
        return False
    return bool(_SESSION_WORDS.fullmatch(folded) or _SESSION_DATE.fullmatch(folded))


def _best_alias(
    text: str, table: dict[tuple[str, ...], _Alias]
) -> tuple[float, int, _Alias] | None:
    """The best alias for one header text: (quality, alias length in words, alias)."""
    words = _words(text)
    if not words:
        return None
    main = _words(_BRACKETED.sub(" ", text))
    for candidate in (words, main):
        if candidate and (hit := table.get(candidate)) is not None:
            return (_EXACT, len(candidate), hit)
    best: tuple[float, int, _Alias] | None = None
    for length in range(min(len(words) - 1, 8), 0, -1):
        hit = table.get(words[:length])
        if hit is not None and hit.partial:
            best = (_PREFIX, length, hit)
            break
    if best is None:
        for length in range(min(len(words) - 1, 8), 1, -1):
            for start in range(1, len(words) - length + 1):
                hit = table.get(words[start : start + length])
                if hit is not None and hit.partial:
                    return (_INSIDE, length, hit)
    return best


def _propose(texts: Sequence[Cell], kind: str) -> tuple[float, int, int, str] | None:
    """The best field for one column from its header cells ("Giới tính Nữ" and "Nữ" when the
    header has two rows). Returns (quality, alias length, minus the field's order, key)."""
    table = _ALIASES[kind]
    best: tuple[float, int, int, str] | None = None
    for cell in texts:
        if cell is None:
            continue
        hit = _best_alias(cell, table) if isinstance(cell, str) else None
        if hit is not None:
            quality, length, alias = hit
            proposal = (quality, length, -alias.order, alias.key)
        elif kind == "attendance" and _is_session(cell):
            proposal = (_SESSION_QUALITY, 0, 0, SESSION)
        else:
            continue
        if best is None or proposal[:3] > best[:3]:
            best = proposal
    return best


def _assign(proposals: dict[int, tuple[float, int, int, str]]) -> tuple[dict[int, str], float]:
    # Each column offers only its own best field: a second "Họ tên" column must stay unmapped
    # rather than fall back to "Họ" and become the family name.
    mapping: dict[int, str] = {}
    taken: set[str] = set()
    score = 0.0
    ranked = sorted(proposals.items(), key=lambda item: (-item[1][0], -item[1][1], item[0]))
    for column, (quality, _length, _order, key) in ranked:
        if key in taken and key != SESSION:
            continue
        taken.add(key)
        mapping[column] = key
        score += quality
    fields = set(mapping.values())
    # A lone "Tên" (or "Name") column holds the whole name, not only the given name.
    if "given_name" in fields and not fields & {"full_name", "family_name", "middle_name"}:
        for column, key in mapping.items():
            if key == "given_name":
                mapping[column] = "full_name"
    return dict(sorted(mapping.items())), score


def guess_mapping(header: Sequence[Cell], kind: str) -> dict[int, str]:
    """Column index -> field key for one header row; columns nobody recognises are left out.

    Each field is given to one column at most (the best-matching one, the leftmost on a tie),
    except "session", which every session column of an attendance roster gets.
    """
    _check_kind(kind)
    return _guess([[cell] for cell in header], kind)[0]


def _guess(columns: Sequence[Sequence[Cell]], kind: str) -> tuple[dict[int, str], float]:
    proposals: dict[int, tuple[float, int, int, str]] = {}
    for index, texts in enumerate(columns):
        proposal = _propose(texts, kind)
        if proposal is not None:
            proposals[index] = proposal
    return _assign(proposals)


def has_required(mapping: Mapping[int, str], kind: str) -> bool:
    """Whether a mapping can be imported: a name (one full-name column, or family and given
    name columns) for people, members and attendance; an amount for the ledger (one column,
    or the "Thu" and "Chi" columns of a cash book); for a platform's status list the CCCD or
    the name, and the status or a stage's day."""
    _check_kind(kind)
    fields = set(mapping.values())
    if kind == "ledger":
        return bool(fields & {"amount", "amount_in", "amount_out"})
    if kind == "cdht":
        return bool(fields & {"cccd", "full_name"}) and bool(fields & set(CDHT_STAGE_FIELDS))
    return "full_name" in fields or {"family_name", "given_name"} <= fields


def no_name_column_error(kind: str) -> UserError:
    """The message for a mapping that leaves out what every row needs (see has_required)."""
    _check_kind(kind)
    if kind == "ledger":
        return UserError(
            N_(
                "No column is mapped to the amount. In the mapping, choose “Amount” for the "
                "column that holds each entry's amount."
            )
        )
    if kind == "cdht":
        return UserError(
            N_(
                "No column is mapped to who the row is (“CCCD number” or “Full name”), or "
                "none to how far they are (“Status on the platform”, or the day the account "
                "was created, self-assessed or achieved). Choose them in the mapping."
            )
        )
    return UserError(
        N_(
            "No column is mapped to the names. In the mapping, choose “Full name” for the "
            "column with the full names, or “Family name” and “Given name” for the columns "
            "that hold them separately."
        )
    )


@dataclass(frozen=True)
class HeaderGuess:
    """Where the table is: the header's row (0-based index into the rows given), the mapping
    guessed from it, how well it matched (the sum over mapped columns of 1 for a header that is
    exactly an alias, less for a partial match), the header texts (converted, and joined with a
    second header row when there is one: "Giới tính Nữ") and the first row of data (after the
    header, a second header row and a row numbering the columns)."""

    row: int
    mapping: dict[int, str]
    score: float
    header: tuple[str, ...]
    data_start: int


_NUMBERING = re.compile(r"\(?\s*(?:\d{1,3}|[a-z])\s*\)?")


def _is_numbering(row: Sequence[Cell]) -> bool:
    """A row that numbers the columns under the header: 1, 2, 3... or (1), (2)... or A, B, 1, 2."""
    numbers: list[int] = []
    filled = 0
    for cell in row:
        if cell is None:
            continue
        filled += 1
        if isinstance(cell, bool):
            return False
        if isinstance(cell, int | float):
            if not (math.isfinite(cell) and float(cell).is_integer() and 0 <= cell < 1000):
                return False
            numbers.append(int(cell))
        elif isinstance(cell, str):
            text = cell.strip().lower()
            if not text:
                filled -= 1
                continue
            if not _NUMBERING.fullmatch(text):
                return False
            digits = text.strip("() ")
            if digits.isdigit():
                numbers.append(int(digits))
        else:
            return False
    # A data row is rarely all small numbers, and then hardly ever counting up.
    return filled >= 2 and len(numbers) >= 2 and all(b > a for a, b in itertools.pairwise(numbers))


def _is_blank(row: Sequence[Cell]) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in row)


def _two_row_columns(header: Sequence[Cell], sub: Sequence[Cell]) -> list[list[Cell]] | None:
    """The columns' header texts when `sub` is a second header row under `header`, else None.

    A second row fills only cells under a merged header cell (a text followed by empty cells,
    "Giới tính" over "Nam" | "Nữ") or under an empty header cell; a data row would put a name
    under "Họ và tên".
    """
    width = max(len(header), len(sub))
    columns: list[list[Cell]] = []
    parent: Cell = None
    found = False
    for index in range(width):
        top = header[index] if index < len(header) else None
        below = sub[index] if index < len(sub) else None
        if isinstance(below, str) and not below.strip():
            below = None
        spans = (
            top is not None
            and index + 1 < width
            and (index + 1 >= len(header) or header[index + 1] is None)
        )
        if top is not None:
            parent = top if spans else None
        if below is not None:
            if top is not None and not spans:
                return None
            found = True
            texts: list[Cell] = [below]
            if parent is not None and isinstance(below, str):
                texts.insert(0, f"{header_text(parent)} {below}")
            columns.append(texts)
        else:
            columns.append([top])
    return columns if found else None


def find_header(
    rows: Sequence[Sequence[Cell]],
    kind: str,
    *,
    scan: int = 40,
    convert: Callable[[Sequence[Cell]], list[Cell]] | None = None,
) -> HeaderGuess | None:
    """The header of the table among the first `scan` rows, or None when no row names the
    columns a `kind` import needs (see has_required).

    Title rows, merged titles (one filled cell), the motto and blank rows map too little to
    win; the row with the best mapping does (the first of equals). `convert` turns a row's
    legacy-font text (TCVN3, VNI) into Unicode before matching; the texts in the guess are the
    converted ones.
    """
    _check_kind(kind)

    cache: dict[int, list[Cell]] = {}

    def prepared(index: int) -> list[Cell]:
        if index not in cache:
            row = list(rows[index])
            cache[index] = convert(row) if convert is not None else row
        return cache[index]

    limit = min(scan, len(rows))
    best: tuple[float, int, dict[int, str], list[list[Cell]], int] | None = None
    for index in range(limit):
        row = prepared(index)
        if _is_blank(row):
            continue
        columns: list[list[Cell]] = [[cell] for cell in row]
        mapping, score = _guess(columns, kind)
        header_end = index + 1
        # A merged title over the header is not the top of a two-row header: the top row must
        # be a header itself, with more than one cell and a field recognised.
        filled = sum(1 for cell in row if cell is not None)
        if index + 1 < len(rows) and mapping and filled > 1:
            sub = prepared(index + 1)
            two_rows = None if _is_numbering(sub) else _two_row_columns(row, sub)
            if two_rows is not None:
                joined, joined_score = _guess(two_rows, kind)
                if joined_score > score and has_required(joined, kind):
                    columns, mapping, score, header_end = two_rows, joined, joined_score, index + 2
        if not has_required(mapping, kind):
            continue
        # A merged title ("DANH SÁCH HỌC VIÊN LỚP …") names a field only inside a sentence: a
        # row of one cell is a header only when that cell is a column title itself.
        if filled == 1 and score < _EXACT:
            continue
        if best is None or score > best[0]:
            best = (score, index, mapping, columns, header_end)
    if best is None:
        return None
    score, index, mapping, columns, header_end = best
    data_start = header_end
    # The column numbers may sit a blank row or two further down.
    for after in range(header_end, min(header_end + 3, len(rows))):
        row = prepared(after)
        if _is_blank(row):
            continue
        if _is_numbering(row):
            data_start = after + 1
        break
    # A two-row column's first text is the joined one ("Giới tính Nữ").
    texts = tuple(header_text(column[0]) for column in columns)
    return HeaderGuess(index, mapping, score, texts, data_start)


def header_signature(header: Sequence[Cell]) -> str:
    """A stable key for a header row, to save a mapping and offer it again for the same columns.

    The folded text of each column (so case, marks and NFC/NFD differences do not matter),
    joined by "|"; empty columns at the end are dropped, empty ones between kept (the mapping
    is by column position).
    """
    texts = [" ".join(_words(header_text(cell))) for cell in header]
    while texts and not texts[-1]:
        texts.pop()
    return "|".join(texts)
