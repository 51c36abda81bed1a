"""The Giấy công nhận's pure rules: the subject line per kind of subject, the signed QR text
read back exactly (and refused when it is not ours or damaged), the targets as percentages."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop_app.core.learning_recognition import (
    RecognitionFacts,
    build_recognition_payload,
    is_recognition_payload,
    parse_percent,
    parse_recognition_payload,
    recognised_title,
    subject_line,
)
from desktop_app.core.problems import UserError

FACTS = RecognitionFacts(
    site_id="site-1", serial="12/2026", model="clan", year=2026, prefix="", name="Dòng họ Lê",
    hamlet="Thôn Đông", decision="45/QĐ-UBND", decided_on=dt.date(2026, 11, 20),
)  # fmt: skip


@pytest.mark.parametrize(
    ("kind", "name", "sex", "hamlet_kind", "expected"),
    [
        ("household", "Nguyễn Văn An", "M", "thon", ("Gia đình ông", "Nguyễn Văn An")),
        ("household", "Trần Thị Bình", "F", "thon", ("Gia đình bà", "Trần Thị Bình")),
        ("household", "Lê Văn Cường", None, "thon", ("Gia đình ông/bà", "Lê Văn Cường")),
        ("clan", "Nguyễn Văn", None, "thon", ("Dòng họ", "Nguyễn Văn")),
        ("clan", "Dòng họ  Nguyễn Văn", None, "thon", ("", "Dòng họ Nguyễn Văn")),
        ("hamlet", "Thôn Đông", None, "thon", ("Thôn", "Đông")),
        ("hamlet", "3", None, "to_dan_pho", ("Tổ dân phố", "3")),
        ("unit", "Trường Tiểu học Phú Mỹ", None, "thon", ("", "Trường Tiểu học Phú Mỹ")),
        ("person", "Phạm Thị Hoa", "F", "thon", ("Bà", "Phạm Thị Hoa")),
        ("person", "Hoàng Minh Đức", None, "thon", ("Ông/Bà", "Hoàng Minh Đức")),
    ],
)
def test_subject_line(
    kind: str, name: str, sex: str | None, hamlet_kind: str, expected: tuple[str, str]
) -> None:
    assert subject_line(kind, name, sex, hamlet_kind) == expected


def test_payload_reads_back_exactly() -> None:
    payload = build_recognition_payload(FACTS, "SIG")
    assert is_recognition_payload(payload)
    assert not is_recognition_payload("TTHTCD-GCN/1\nx")
    assert parse_recognition_payload(payload) == (FACTS, "SIG")
    assert parse_recognition_payload(payload.replace("\n", "\r\n") + "\n") == (FACTS, "SIG")
    assert recognised_title("Dòng họ học tập", 2026) == "Dòng họ học tập năm 2026"


def test_payload_not_ours_or_damaged_is_refused() -> None:
    payload = build_recognition_payload(FACTS, "SIG")
    with pytest.raises(UserError, match="not the text of a recognition's QR code"):
        parse_recognition_payload("TTHTCD-GCN/1\n" + payload)
    with pytest.raises(UserError, match="not the text of a recognition's QR code"):
        parse_recognition_payload(payload.rsplit("\n", 1)[0])
    with pytest.raises(UserError, match="damaged"):
        parse_recognition_payload(payload.replace("2026-11-20", "2026-13-20"))


def test_percent() -> None:
    assert parse_percent("70") == 0.70
    assert parse_percent(" 62,5 % ") == 0.625
    assert parse_percent("0") == 0.0 and parse_percent("100") == 1.0
    for bad in ("100.5", "-1", "x", "", "nan", "inf"):
        with pytest.raises(UserError, match="from 0 to 100"):
            parse_percent(bad)
