"""Certificate rendering benchmark; prints JSON (DESIGN.md section 8).

    python bench/certificates.py [--count 1000] [--repeat 3]

Target: 1,000 certificates into one PDF in no more than 2x the time of 1,000 plain pages of
the same text in the same font (no border, no QR), both produced in the same run. The plain
pages are built from the very strings, fonts, sizes and positions the certificates drew
(recorded from a render to memory), so the two differ only by the border, the QR code and the
certificate layout work. Each figure is the best of `--repeat` runs; the first certificate
run (cold caches) is reported too. `bench_documents()` returns the figures as a dict for a
wider benchmark to extend.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import io
import json
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reportlab import rl_config  # noqa: E402
from reportlab.graphics import renderPDF  # noqa: E402
from reportlab.graphics.barcode import qrencoder  # noqa: E402
from reportlab.graphics.barcode.qr import QrCodeWidget  # noqa: E402
from reportlab.graphics.shapes import Drawing  # noqa: E402
from reportlab.lib.units import mm  # noqa: E402
from reportlab.pdfgen.canvas import Canvas  # noqa: E402

from desktop_app.core.certificates import (  # noqa: E402
    CertificateFacts,
    CertificateKind,
    build_payload,
)
from desktop_app.documents import certificates as certs  # noqa: E402
from desktop_app.documents.certificates import CertificatePage, render_certificates  # noqa: E402
from desktop_app.documents.fonts import REGULAR, register_fonts  # noqa: E402

TARGET_RATIO = 2.0

FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ")
MIDDLE = ("Văn", "Thị", "Hữu", "Đức", "Thị Ngọc", "Minh", "Quang", "Thị Thu", "Công", "Xuân")
GIVEN = (
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Đặng",
    "Hoa",
    "Hương",
    "Khánh",
    "Lan",
    "Ánh",
    "Ẩn",
    "Phước",
)
HAMLETS = ("Thôn 1", "Thôn Đông", "Ấp Tân Hòa", "Xóm Bến Đò", "Thôn Phú Mỹ")
COURSES = (
    "Kỹ thuật trồng lúa chất lượng cao",
    "Chăn nuôi gà thả vườn an toàn sinh học",
    "Tin học cơ bản cho người lớn tuổi",
    "Phòng chống lừa đảo trên mạng xã hội và bảo vệ thông tin cá nhân",
    "Xóa mù chữ - giai đoạn 2",
)
RESULTS = ("Giỏi", "Khá", "Trung bình", "Đạt")


def sample_pages(count: int, seed: int = 7) -> list[CertificatePage]:
    """Certificates as a centre prints them: varied names and courses, signed QR payloads."""
    rng = random.Random(seed)
    pages = []
    for i in range(count):
        name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        course = rng.choice(COURSES)
        kind = CertificateKind.COMPLETION if i % 10 else CertificateKind.COMMENDATION
        birth = f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{rng.randint(1945, 2008)}"
        serial = f"{i + 1}/2026"
        facts = CertificateFacts(
            site_id="79-26734-a1b2c3",
            serial=serial,
            kind=kind,
            full_name=name,
            birth=birth,
            course_title=course,
            issued_on=dt.date(2026, 2, 5),
        )
        # An Ed25519 signature is 64 bytes; its base64 text is what the payload carries.
        signature = base64.b64encode(rng.randbytes(64)).decode("ascii")
        pages.append(
            CertificatePage(
                kind=kind.value,
                serial=serial,
                full_name=name,
                birth=birth,
                hamlet=rng.choice(HAMLETS),
                course_title=course,
                course_dates="05/01/2026 - 05/02/2026",
                result=rng.choice(RESULTS),
                place_date="Xã Đông Hòa, ngày 05 tháng 02 năm 2026",
                issuer_parent="UBND XÃ ĐÔNG HÒA",
                issuer="TRUNG TÂM HỌC TẬP CỘNG ĐỒNG",
                signer_title="GIÁM ĐỐC",
                signer_name="Lê Thị Hoa",
                qr_payload=build_payload(facts, signature),
                reprint=i % 50 == 0,
            )
        )
    return pages


class _RecordingCanvas(Canvas):  # type: ignore[misc]  # reportlab has no type hints
    """Remembers each string drawn, on which page, so the baseline can draw the same text."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.shared: list[tuple[str, float, float, float, str]] = []
        self.pages: list[list[tuple[str, float, float, float, str]]] = [[]]
        self.in_form = False

    def beginForm(self, *args: Any, **kwargs: Any) -> None:
        self.in_form = True
        super().beginForm(*args, **kwargs)

    def endForm(self, **kwargs: Any) -> None:
        super().endForm(**kwargs)
        self.in_form = False

    def drawString(self, x: float, y: float, text: str, *args: Any, **kwargs: Any) -> None:
        item = (self._fontname, self._fontsize, x, y, text)
        (self.shared if self.in_form else self.pages[-1]).append(item)
        super().drawString(x, y, text, *args, **kwargs)

    def showPage(self) -> None:
        super().showPage()
        self.pages.append([])


def recorded_text(pages: list[CertificatePage]) -> list[list[tuple[str, float, float, float, str]]]:
    """Per page, every (font, size, x, y, text) a certificate draws, shared lines included."""
    recorder: list[_RecordingCanvas] = []

    def factory(*args: Any, **kwargs: Any) -> _RecordingCanvas:
        canvas = _RecordingCanvas(*args, **kwargs)
        recorder.append(canvas)
        return canvas

    with tempfile.TemporaryDirectory() as folder, mock.patch.object(certs, "Canvas", factory):
        render_certificates(pages, Path(folder) / "record.pdf")
    canvas = recorder[0]
    return [canvas.shared + page for page in canvas.pages[: len(pages)]]


def plain_pages(text: list[list[tuple[str, float, float, float, str]]], out: Path) -> None:
    """The baseline: the same strings on the same pages, nothing else, written with the same
    PDF settings (compressed binary streams, set by the certificate renderer)."""
    assert not rl_config.useA85, "the baseline must be written like the certificates"
    canvas = Canvas(
        str(out), pagesize=(297 * mm, 210 * mm), initialFontName=REGULAR, pageCompression=1
    )
    for lines in text:
        for font, size, x, y, string in lines:
            canvas.setFont(font, size)
            canvas.drawString(x, y, string)
        canvas.showPage()
    canvas.save()


def best_of(repeat: int, run: Callable[[], object]) -> tuple[float, float]:
    """(best, first) wall time in seconds."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return min(times), times[0]


def qr_approaches(payloads: list[str]) -> dict[str, float]:
    """Milliseconds per QR code (encode + draw) for the ways reportlab offers and ours."""

    def widget_drawing() -> None:
        canvas = Canvas(io.BytesIO())
        for text in payloads:
            value = [qrencoder.QRECI(26), qrencoder.QR8bitByte(text.encode("utf-8"))]
            version = len(certs.qr_rows(text)) // 4 - 4  # reportlab miscounts ECI; see report
            widget = QrCodeWidget(
                value, barLevel="M", barWidth=30 * mm, barHeight=30 * mm, qrVersion=version
            )
            drawing = Drawing(30 * mm, 30 * mm)
            drawing.add(widget)
            renderPDF.draw(drawing, canvas, 20 * mm, 20 * mm)
        canvas.save()

    def widget_encoder_one_path() -> None:
        canvas = Canvas(io.BytesIO())
        for text in payloads:
            value = [qrencoder.QRECI(26), qrencoder.QR8bitByte(text.encode("utf-8"))]
            version = len(certs.qr_rows(text)) // 4 - 4
            widget = QrCodeWidget(value, barLevel="M", qrVersion=version)
            widget.qr.make()
            modules = widget.qr.modules
            unit = 30 * mm / len(modules)
            path = canvas.beginPath()
            for r, row in enumerate(modules):
                c = 0
                while c < len(row):
                    if row[c]:
                        start = c
                        while c < len(row) and row[c]:
                            c += 1
                        path.rect(
                            start * unit, (len(modules) - 1 - r) * unit, (c - start) * unit, unit
                        )
                    else:
                        c += 1
            canvas.drawPath(path, stroke=0, fill=1)
        canvas.save()

    def fast_encoder_image_mask() -> None:
        canvas = Canvas(io.BytesIO())
        for text in payloads:
            canvas.addLiteral(certs._qr_operators(text, 20 * mm, 20 * mm, 30 * mm))
        canvas.save()

    out = {}
    for name, run in (
        ("qrcodewidget_renderpdf", widget_drawing),
        ("qrcodewidget_encoder_one_path", widget_encoder_one_path),
        ("fast_encoder_image_mask", fast_encoder_image_mask),
    ):
        best, _ = best_of(1, run)
        out[name] = round(1000 * best / len(payloads), 3)
    return out


def bench_documents(count: int = 1000, repeat: int = 3) -> dict[str, Any]:
    """Figures for DESIGN.md section 8's document target, as a dict (extend freely)."""
    register_fonts()
    pages = sample_pages(count)
    text = recorded_text(pages)
    with tempfile.TemporaryDirectory() as folder:
        cert_pdf = Path(folder) / "certificates.pdf"
        plain_pdf = Path(folder) / "plain.pdf"
        # The first certificate run also pays for reading the templates and building the QR
        # tables of each version used; it is reported separately.
        certs._qr_layout.cache_clear()
        cert_best, cert_first = best_of(repeat, lambda: render_certificates(pages, cert_pdf))
        plain_best, _ = best_of(repeat, lambda: plain_pages(text, plain_pdf))
        cert_size = cert_pdf.stat().st_size
        plain_size = plain_pdf.stat().st_size
    ratio = cert_best / plain_best
    return {
        "certificates": count,
        "certificates_s": round(cert_best, 3),
        "certificates_first_run_s": round(cert_first, 3),
        "plain_pages_s": round(plain_best, 3),
        "ratio": round(ratio, 2),
        "target_ratio": TARGET_RATIO,
        "meets_target": ratio <= TARGET_RATIO,
        "certificates_pdf_kb": cert_size // 1024,
        "plain_pdf_kb": plain_size // 1024,
        "qr_ms_per_code": qr_approaches([p.qr_payload for p in pages[:40]]),
    }


def bench_attendance_grid(repeat: int = 5) -> dict[str, Any]:
    """Open the attendance grid of a 60 x 20 class: read it, build the model, show the view."""
    import datetime as dt
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from desktop_app.core.courses import CourseInput
    from desktop_app.core.people import PersonInput
    from desktop_app.services.workspace import Workspace
    from desktop_app.ui.classes.attendance import AttendanceModel, AttendanceView

    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "grid.sqlite3"
        start = dt.date(2026, 3, 2)
        with Workspace.open(path, create=True) as ws:
            people = [
                ws.people.add(
                    PersonInput(full_name=f"Nguyễn Văn {given}", birth=str(1950 + i)),
                    confirmed_different=True,
                ).value
                for i, given in enumerate(["An", "Bình", "Cường", "Dũng", "Đạt", "Giang"] * 10)
            ]
            days = [start + dt.timedelta(days=3 * i) for i in range(20)]
            course = ws.courses.create(CourseInput("ky_nang_so", "Tin học", start=start), days)
            cid = course.value
            ws.courses.enrol(cid, people)
            grid = ws.courses.grid(cid)
            ticks = [
                (e.id, s.id)
                for i, e in enumerate(grid.enrolments)
                for j, s in enumerate(grid.sessions)
                if (i + j) % 4
            ]
            ws.courses.set_attendance(cid, ticks, True)
        timings = []
        with Workspace.open(path, read_only=True) as reader:
            for _ in range(repeat):
                t0 = time.perf_counter()
                model = AttendanceModel(reader.courses.grid(cid))
                view = AttendanceView()
                view.setModel(model)
                view.resize(1200, 800)
                view.show()
                app.processEvents()
                timings.append(time.perf_counter() - t0)
                view.close()
    return {
        "attendance_grid": "60 people x 20 sessions",
        "attendance_grid_open_ms": round(min(timings) * 1000, 1),
        "attendance_grid_open_max_ms": round(max(timings) * 1000, 1),
        "attendance_grid_target_ms": 200,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    figures = bench_documents(args.count, args.repeat)
    figures.update(bench_attendance_grid())
    print(json.dumps(figures, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
