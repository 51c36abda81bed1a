"""Import benchmark: a 50,000-row people xlsx imported whole by `tthtcd import`, as a ratio to
reading the same file with the same reader (python-calamine through documents.sheet_reader),
both as whole processes in the same run; and the time from choosing the file to the preview
of its first 100 rows. Prints JSON (issue 11 part 11).

    python bench/import.py [--rows 50000] [--runs 3]

Targets: the whole import <= 3 x the raw read; the preview within 1 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from desktop_app.core.cccd import cccd_century_digit  # noqa: E402
from desktop_app.core.people import Sex  # noqa: E402

TARGET_RATIO = 3.0
PREVIEW_TARGET_S = 1.0

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi",
          "Đỗ", "Hồ", "Ngô", "Dương", "Lý"]  # fmt: skip
MIDDLE_M = ["Văn", "Hữu", "Đức", "Minh", "Quang", "Công", "Xuân", "Thanh"]
MIDDLE_F = ["Thị", "Ngọc", "Thu", "Thanh", "Kim", "Mai", "Bích", "Hồng"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hoa", "Hùng", "Hương",
         "Khánh", "Lan", "Linh", "Long", "Mai", "Minh", "Nam", "Nga", "Ngọc", "Phúc", "Phương",
         "Quân", "Sơn", "Tâm", "Thảo", "Thắng", "Trang", "Tú", "Tuấn", "Vân", "Việt", "Xuân",
         "Yến", "Ước", "Đức"]  # fmt: skip
HAMLETS = [f"Thôn {n}" for n in ("Đông", "Tây", "Nam", "Bắc", "Trung", "Thượng", "Hạ", "Mới")]


def write_roster(path: Path, rows: int, seed: int = 11) -> None:
    """A list as centres keep them: the commune, a title, the header on row 4, one person a
    row (full dates, years alone, CCCD as numbers that lost their leading zero, phones)."""
    from openpyxl import Workbook

    rng = random.Random(seed)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Danh sách")
    sheet.append(["UBND XÃ ĐÔNG HÒA"])
    sheet.append(["DANH SÁCH NGƯỜI DÂN TRONG ĐỘ TUỔI HỌC TẬP"])
    sheet.append([])
    sheet.append(["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Số điện thoại",
                  "Thôn", "Dân tộc"])  # fmt: skip
    used: set[str] = set()
    for n in range(1, rows + 1):
        sex = Sex.FEMALE if rng.random() < 0.52 else Sex.MALE
        middle = MIDDLE_F if sex is Sex.FEMALE else MIDDLE_M
        name = f"{rng.choice(FAMILY)} {rng.choice(middle)} {rng.choice(GIVEN)}"
        year = rng.randint(1940, 2012)
        birth: object = (
            dt.datetime(year, rng.randint(1, 12), rng.randint(1, 28))
            if rng.random() < 0.8
            else str(year)
        )
        cccd: object = ""
        if year <= 2008 and rng.random() < 0.6:
            while True:
                number = (
                    f"034{cccd_century_digit(sex, year)}{year % 100:02d}{rng.randrange(10**6):06d}"
                )
                if number not in used:
                    used.add(number)
                    break
            cccd = int(number)  # Excel keeps it as a number: the leading zero is gone
        phone: object = f"09{rng.randrange(10**8):08d}" if rng.random() < 0.5 else ""
        sheet.append([n, name, birth, "Nữ" if sex is Sex.FEMALE else "Nam", cccd, phone,
                      rng.choice(HAMLETS), "Kinh"])  # fmt: skip
    book.save(path)


def _timed(args: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True, env=env, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{args[:4]} failed: {done.stderr[-2000:]}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tthtcd-bench-import-") as tmp:
        folder = Path(tmp)
        env = {**os.environ, "PYTHONPATH": str(ROOT), "TTHTCD_KEY_DIR": str(folder / "keys"),
               "TTHTCD_BACKUP_DIR": str(folder / "backups")}  # fmt: skip
        file = folder / "roster.xlsx"
        started = time.perf_counter()
        write_roster(file, args.rows)
        write_s = time.perf_counter() - started
        read = [
            sys.executable, "-c",
            "import sys; from pathlib import Path; from desktop_app.documents import sheet_reader"
            " as r; p = Path(sys.argv[1]); b = r.open_workbook(p);"
            " print(len(r.read_rows(p, b.sheets[0].name)))",
            str(file),
        ]  # fmt: skip
        reads, imports = [], []
        for run in range(args.runs):
            reads.append(_timed(read, env))
            db = folder / f"centre-{run}.sqlite3"
            imports.append(
                _timed(
                    [
                        sys.executable,
                        "-m",
                        "desktop_app.cli",
                        "import",
                        "--db",
                        str(db),
                        "--kind",
                        "people",
                        str(file),
                        "--create-hamlets",
                        "--json",
                    ],
                    env,
                )
            )
        # The preview: from choosing the file to the first 100 rows classified, in process
        # (the wizard's worker), on a database that already holds the people once.
        from desktop_app.services.workspace import Workspace

        os.environ["TTHTCD_KEY_DIR"] = env["TTHTCD_KEY_DIR"]
        os.environ["TTHTCD_BACKUP_DIR"] = env["TTHTCD_BACKUP_DIR"]
        with Workspace.open(folder / "centre-0.sqlite3") as ws:
            started = time.perf_counter()
            opened = ws.imports.open_file(file)
            plan = ws.imports.plan(file, limit=100, opened=opened)
            preview_s = time.perf_counter() - started
            people = ws.people.count()
        read_s, import_s = min(reads), min(imports)
        result = {
            "rows": args.rows,
            "file_mb": round(file.stat().st_size / 1e6, 1),
            "write_s": round(write_s, 1),
            "read_process_s": round(read_s, 2),
            "import_process_s": round(import_s, 2),
            "ratio": round(import_s / read_s, 2),
            "target_ratio": TARGET_RATIO,
            "ok": import_s <= TARGET_RATIO * read_s,
            "people_imported": people,
            "preview_first_100_s": round(preview_s, 2),
            "preview_rows": len(plan.rows),
            "preview_ok": preview_s <= PREVIEW_TARGET_S,
        }
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
