"""The form sets a fund's vouchers and books follow: one row of data per set, no branches.

A centre picks its set in the centre profile. The state accounting regime for units with
public money was Circular 107/2017/TT-BTC until 2024 and is Circular 24/2024/TT-BTC from
1 January 2025 (BRIEF section 4); an association that keeps its own books often uses a
simplified internal form without a code. Every wording that differs between the sets is a
field here, so the renderers only read the row they are given.

The codes of the 2024 set are those of the 2017 set (C40-BB, C41-BB, S11-H, S12-H), which
the 2024 circular's appendix kept; if a later check finds a code changed, only its row here
changes.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop_app.core.problems import N_


@dataclass(frozen=True)
class VoucherForm:
    """The wording of one form set. Empty strings are left off the page.

    `basis` are the lines under a form code (the circular it comes from); `unit_code_label`
    is the label of the budget-relation code line ("Mã QHNS"), printed with dots to fill in.
    """

    key: str
    label: str  # msgid shown in the settings
    receipt_code: str
    payment_code: str
    cash_book_code: str
    bank_book_code: str
    basis: tuple[str, ...]
    unit_code_label: str
    receipt_reason_label: str
    payment_reason_label: str
    head_title: str
    accountant_title: str
    received_line: str


TT24_2024 = "tt24_2024"
TT107_2017 = "tt107_2017"
INTERNAL = "internal"
DEFAULT_FORM = TT24_2024

VOUCHER_FORMS: dict[str, VoucherForm] = {
    TT24_2024: VoucherForm(
        key=TT24_2024,
        label=N_("Circular 24/2024/TT-BTC (in force from 2025)"),
        receipt_code="Mẫu số C40-BB",
        payment_code="Mẫu số C41-BB",
        cash_book_code="Mẫu số S11-H",
        bank_book_code="Mẫu số S12-H",
        basis=(
            "(Ban hành kèm theo Thông tư số 24/2024/TT-BTC",
            "ngày 17/4/2024 của Bộ trưởng Bộ Tài chính)",
        ),
        unit_code_label="Mã QHNS",
        receipt_reason_label="Nội dung",
        payment_reason_label="Nội dung",
        head_title="Thủ trưởng đơn vị",
        accountant_title="Kế toán trưởng",
        received_line="Đã nhận đủ số tiền (viết bằng chữ)",
    ),
    TT107_2017: VoucherForm(
        key=TT107_2017,
        label=N_("Circular 107/2017/TT-BTC (until 2024)"),
        receipt_code="Mẫu số C40-BB",
        payment_code="Mẫu số C41-BB",
        cash_book_code="Mẫu số S11-H",
        bank_book_code="Mẫu số S12-H",
        basis=(
            "(Ban hành kèm theo Thông tư số 107/2017/TT-BTC",
            "ngày 10/10/2017 của Bộ Tài chính)",
        ),
        unit_code_label="Mã QHNS",
        receipt_reason_label="Nội dung",
        payment_reason_label="Nội dung",
        head_title="Thủ trưởng đơn vị",
        accountant_title="Kế toán trưởng",
        received_line="Đã nhận đủ số tiền (viết bằng chữ)",
    ),
    INTERNAL: VoucherForm(
        key=INTERNAL,
        label=N_("The association's internal form (no form code)"),
        receipt_code="",
        payment_code="",
        cash_book_code="",
        bank_book_code="",
        basis=(),
        unit_code_label="",
        receipt_reason_label="Lý do nộp",
        payment_reason_label="Lý do chi",
        head_title="Chủ tịch Hội",
        accountant_title="Kế toán",
        received_line="Đã nhận đủ số tiền (viết bằng chữ)",
    ),
}


def voucher_form(key: str) -> VoucherForm:
    """The set under `key`; an unknown key (a newer release's set) falls back to the default."""
    return VOUCHER_FORMS.get(key, VOUCHER_FORMS[DEFAULT_FORM])
