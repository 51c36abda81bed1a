"""Registration forms of the learning models, read back as the hamlet's Ban khuyến học reads
them: one page a form, every name whole, the pledge lines, nothing off the page."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from desktop_app.documents.model_forms import (
    FormPledge,
    RegistrationForm,
    render_registration_forms,
)
from tests.documents.test_roster import page_count, text_of

pytestmark = pytest.mark.skipif(
    any(shutil.which(tool) is None for tool in ("pdftotext", "pdfinfo")),
    reason="poppler-utils (pdftotext, pdfinfo) is not installed",
)

# 80 characters, the longest name the registry takes.
LONG = "Nguyễn Hoàng Thị Ngọc Bảo Châu Phương Thảo Tôn Nữ Diễm Kiều Xuân Hương Lan Anh M"
assert len(LONG) == 80
PLEDGES = (
    FormPledge("Học tập của trẻ em", ("Trẻ em trong độ tuổi đi học được đến trường",)),
    FormPledge("Học tập của người lớn", ("Mỗi người lớn tham gia học ít nhất một nội dung",)),
    FormPledge("Điều kiện học tập của gia đình"),
    FormPledge("Hiệu quả học tập"),
)


def form(head: str, members: list[tuple[str, str, str]], year: int = 2026) -> RegistrationForm:
    return RegistrationForm(
        title=f"GIẤY ĐĂNG KÝ GIA ĐÌNH HỌC TẬP NĂM {year}",
        recipients=("Ban công tác khuyến học thôn Đông", "Trung tâm học tập cộng đồng xã Đông Hòa"),
        facts=(("Họ và tên chủ hộ", head), ("Địa chỉ", "Thôn Đông, xã Đông Hòa, tỉnh Phú Yên")),
        table_heading="Các thành viên trong gia đình:",
        columns=("Họ và tên", "Năm sinh", "Quan hệ với chủ hộ"),
        widths=(6.0, 1.5, 2.5),
        rows=tuple(members),
        pledge_intro=f"Gia đình chúng tôi đăng ký xây dựng “Gia đình học tập” năm {year}:",
        pledges=PLEDGES,
        basis="Theo: Tiêu chí Gia đình học tập",
        closing="Gia đình chúng tôi cam kết thực hiện đầy đủ các nội dung đã đăng ký.",
        place_date="Xã Đông Hòa, ngày 10 tháng 01 năm 2026",
        left_signer=("Xác nhận của Ban công tác khuyến học", "thôn Đông"),
        right_signer="Chủ hộ",
        signer_name=head,
    )


def test_twelve_members_with_80_character_names_fit_one_page(tmp_path: Path) -> None:
    members = [(LONG, "1950", "Chủ hộ")] + [
        (f"{LONG[:-3]} {i:02d}", str(1970 + i), "Con") for i in range(1, 12)
    ]
    out = tmp_path / "forms.pdf"
    assert render_registration_forms([form(LONG, members)], out) == 1
    assert page_count(out) == 1
    text = text_of(out)
    assert "GIẤY ĐĂNG KÝ GIA ĐÌNH HỌC TẬP NĂM 2026" in text
    # The head's name is whole in the facts and under the signature: nothing ran off the page.
    assert text.count(LONG) >= 2, text
    assert f"{LONG[:-3]} 11" in text
    for pledge in PLEDGES:
        assert pledge.title in text
    assert "CHỦ HỘ" in text and "XÁC NHẬN CỦA BAN" in text and "THÔN ĐÔNG" in text


def test_a_small_household_keeps_the_items_of_each_criterion(tmp_path: Path) -> None:
    out = tmp_path / "forms.pdf"
    members = [("Lê <Bé> & Tí", "1980", "Chủ hộ"), ("Trần Thị Ánh", "1982", "Vợ")]
    render_registration_forms([form("Lê <Bé> & Tí", members)], out)
    text = text_of(out)
    assert "Lê <Bé> & Tí" in text  # markup characters print as typed
    assert "Học tập của trẻ em: trẻ em trong độ tuổi đi học được đến trường" in text
    assert "Kính gửi: - Ban công tác khuyến học thôn Đông" in text


def test_a_batch_is_one_page_a_form(tmp_path: Path) -> None:
    forms = [
        form(f"Phạm Văn Hộ {i}", [(f"Phạm Văn Hộ {i}", "1970", "Chủ hộ")] * (1 + i % 6))
        for i in range(7)
    ]
    out = tmp_path / "forms.pdf"
    assert render_registration_forms(forms, out) == 7
    assert page_count(out) == 7
    for i in range(7):
        assert f"Họ và tên chủ hộ: Phạm Văn Hộ {i}" in text_of(out, i + 1)


def test_a_form_too_long_for_one_page_runs_on_rather_than_off_the_page(tmp_path: Path) -> None:
    members = [(f"{LONG[:-3]} {i:02d}", "1990", "Con") for i in range(40)]
    out = tmp_path / "forms.pdf"
    pages = render_registration_forms([form("Võ Văn Dài", members), form("Hộ Sau", [])], out)
    assert pages == page_count(out) == 3
    assert f"{LONG[:-3]} 39" in text_of(out, 2)
    assert "Họ và tên chủ hộ: Hộ Sau" in text_of(out, 3)  # the next form starts a new page


def test_an_empty_batch_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        render_registration_forms([], tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()
