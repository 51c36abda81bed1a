"""`tthtcd models cdht export | set | summary` and `tthtcd import --kind cdht`: exit codes,
messages, the JSON keys, the xlsx read back, the audit, the outputs refused."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from desktop_app.core.people import HamletKind, PersonInput, Sex
from desktop_app.services.centre import CentreProfile, communes, provinces
from desktop_app.services.workspace import Workspace
from tests.services.test_imports import write_xlsx

Run = Callable[..., tuple[int, str, str]]
HEADER = ("CCCD", "Họ tên", "Giới tính", "Năm sinh", "Dân tộc", "Tôn giáo", "Tỉnh/thành",
          "Phường/xã")  # fmt: skip


@pytest.fixture
def run(run_en: Run) -> Run:
    return run_en


@pytest.fixture
def db(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A centre with its province and commune, two hamlets, four adults and a child."""
    path = tmp_path / "centre.sqlite3"
    with Workspace.open(path, create=True) as ws:
        province = next(p for p in provinces() if p.name == "Thành phố Hà Nội")
        commune = communes(province.code)[0]
        ws.centre.save_profile(
            CentreProfile(
                name="Trung tâm học tập cộng đồng " + commune.name,
                province_code=province.code,
                commune_code=commune.code,
            )
        )
        one = ws.centre.add_hamlet("Thôn 1", HamletKind.THON).value
        two = ws.centre.add_hamlet("Thôn 2", HamletKind.THON).value

        def add(name: str, birth: str, hamlet: str, **more: object) -> str:
            return ws.people.add(
                PersonInput(full_name=name, birth=birth, hamlet_id=hamlet, **more)  # type: ignore[arg-type]
            ).value

        people = {
            "an": add("Nguyễn Văn An", "1980", one, sex=Sex.MALE, cccd="001080012345",
                      ethnicity="Kinh", religion="Không"),
            "binh": add("Trần Thị Bình", "1985", two, sex=Sex.FEMALE, ethnicity="Mường"),
            "cuong": add("Lê Văn Cường", "1970", one, sex=Sex.MALE),
            "dung": add("Phạm Thị Dung", "1990", two, sex=Sex.FEMALE),
            "khoi": add("Lê Minh Khôi", str(dt.date.today().year - 9), one),
        }  # fmt: skip
    return path, people


def _rows(path: Path) -> list[tuple[object, ...]]:
    sheet = openpyxl.load_workbook(path).active
    assert sheet is not None
    return [tuple(r) for r in sheet.iter_rows(values_only=True)]


def _audit(db: Path) -> list[str]:
    with Workspace.open(db, read_only=True) as ws:
        rows = ws.db.conn.execute(
            "SELECT detail FROM audit WHERE action = 'cdht.export' ORDER BY rowid"
        ).fetchall()
    return [str(r[0]) for r in rows]


def test_set_then_summary_json_has_the_keys(db: tuple[Path, dict[str, str]], run: Run) -> None:
    path, people = db
    code, out, err = run("models", "cdht", "set", "--db", str(path), "--person", people["an"],
                         "--status", "account", "--on", "02/03/2025")  # fmt: skip
    assert code == 0, err
    assert out.strip() == "Nguyễn Văn An: account created."
    code, out, err = run("models", "cdht", "set", "--db", str(path), "--person", people["an"],
                         "--status", "achieved", "--on", "05/11/2025", "--json")  # fmt: skip
    assert code == 0, err
    assert json.loads(out) == {
        "person_id": people["an"], "name": "Nguyễn Văn An", "status": "achieved",
        "account_on": "2025-03-02", "self_assessed_on": None, "achieved_on": "2025-11-05",
        "notes": "",
    }  # fmt: skip
    run("models", "cdht", "set", "--db", str(path), "--person", people["binh"], "--status",
        "self_assessed", "--on", "01/06/2025")  # fmt: skip
    code, out, err = run("models", "cdht", "summary", "--db", str(path), "--year", "2025",
                         "--json")  # fmt: skip
    assert code == 0, err
    data = json.loads(out)
    assert data == {
        "year": 2025, "adults": 4, "account": 2, "self_assessed": 2, "achieved": 1,
        "target_rate": 0.4,
        "by_hamlet": {
            "Thôn 1": {"adults": 2, "account": 1, "self_assessed": 1, "achieved": 1},
            "Thôn 2": {"adults": 2, "account": 1, "self_assessed": 1, "achieved": 0},
        },
    }  # fmt: skip
    code, out, err = run("models", "cdht", "summary", "--db", str(path), "--year", "2025")
    assert code == 0, err
    assert "4 adults: 2 with an account, 2 self-assessed, 1 achieved" in out
    assert "target 40" in out and "Thôn 2: 2 adults" in out


def test_set_refusals_exit_1_and_change_nothing(db: tuple[Path, dict[str, str]], run: Run) -> None:
    path, people = db
    run("models", "cdht", "set", "--db", str(path), "--person", people["an"], "--status",
        "achieved")  # fmt: skip
    code, _out, err = run("models", "cdht", "set", "--db", str(path), "--person", people["an"],
                          "--status", "account")  # fmt: skip
    assert code == 1 and "only moves forward" in err
    code, _out, err = run("models", "cdht", "set", "--db", str(path), "--person",
                          people["khoi"], "--status", "account")  # fmt: skip
    assert code == 1 and "for adults aged 15 or more" in err
    future = (dt.date.today() + dt.timedelta(days=3)).strftime("%d/%m/%Y")
    code, _out, err = run("models", "cdht", "set", "--db", str(path), "--person",
                          people["binh"], "--status", "account", "--on", future)  # fmt: skip
    assert code == 1 and "in the future" in err
    code, _out, err = run("models", "cdht", "set", "--db", str(path), "--person", "x",
                          "--status", "account")  # fmt: skip
    assert code == 1 and "no person with the id x" in err
    code, _out, err = run("models", "cdht", "set", "--db", str(path), "--person", people["an"],
                          "--status", "account", "--correct")  # fmt: skip
    assert code == 0, err
    code, _out, err = run("models", "cdht", "set", "--db", str(path), "--person", people["an"],
                          "--status", "done")  # fmt: skip
    assert code == 2


def test_export_writes_the_platforms_columns_and_audits(
    db: tuple[Path, dict[str, str]], run: Run, tmp_path: Path
) -> None:
    path, people = db
    run("models", "cdht", "set", "--db", str(path), "--person", people["cuong"], "--status",
        "account")  # fmt: skip
    out = tmp_path / "dang ky.xlsx"
    code, stdout, err = run("models", "cdht", "export", "--db", str(path), "--out", str(out))
    assert code == 0, err
    assert "3 adults still to register on the platform" in stdout
    assert "columns are empty" in stdout
    rows = _rows(out)
    assert rows[0] == HEADER
    with Workspace.open(path, read_only=True) as ws:
        profile = ws.centre.profile()
    place = (profile.province_name, profile.commune_name)
    assert rows[1:] == [
        ("001080012345", "Nguyễn Văn An", "Nam", 1980, None, None, *place),
        (None, "Trần Thị Bình", "Nữ", 1985, None, None, *place),
        (None, "Phạm Thị Dung", "Nữ", 1990, None, None, *place),
    ]  # fmt: skip
    assert _audit(path) == ["rows=3 sensitive=no file=dang ky.xlsx"]
    code, stdout, err = run("models", "cdht", "export", "--db", str(path), "--out", str(out),
                            "--include-sensitive")  # fmt: skip
    assert code == 0, err
    assert "filled in" in stdout
    rows = _rows(out)
    assert rows[1][4:6] == ("Kinh", "Không") and rows[2][4:6] == ("Mường", None)
    assert _audit(path)[-1] == "rows=3 sensitive=yes file=dang ky.xlsx"


def test_export_refuses_the_database_and_bad_folders(
    db: tuple[Path, dict[str, str]], run: Run, tmp_path: Path
) -> None:
    path, _people = db
    before = path.read_bytes()
    for target, words in (
        (path, "centre's database"),
        (tmp_path, "is a folder"),
        (tmp_path / "missing" / "x.xlsx", "does not exist"),
    ):
        code, _out, err = run("models", "cdht", "export", "--db", str(path), "--out", str(target))
        assert code == 1 and words in err, err
    assert path.read_bytes() == before
    assert _audit(path) == []


def test_import_kind_cdht_and_its_undo(
    db: tuple[Path, dict[str, str]], run: Run, tmp_path: Path
) -> None:
    path, people = db
    file = write_xlsx(
        tmp_path / "platform.xlsx",
        [
            ["DANH SÁCH CÔNG DÂN HỌC TẬP"],
            ["Số CCCD", "Họ và tên", "Năm sinh", "Trạng thái"],
            ["001080012345", "Nguyễn Văn An", 1980, "Đạt"],
            [None, "Phạm Thị Dung", 1990, "Đã tạo tài khoản"],
            [None, "Không Có Ai", 1950, "Đạt"],
        ],
        merge_title=False,
    )
    code, out, err = run("import", str(file), "--kind", "cdht", "--db", str(path))
    assert code == 1
    assert "Row 5, Họ và tên: No one in the people list" in out
    assert "Nothing was imported" in err
    code, out, err = run("import", str(file), "--kind", "cdht", "--db", str(path),
                         "--skip-rejected")  # fmt: skip
    assert code == 0, err
    assert "Statuses recorded: 2; already that far: 0." in out
    assert "Row 3: Nguyễn Văn An: achieved." in out
    code, out, _err = run("import", "list", "--db", str(path))
    assert "2 Công dân học tập statuses recorded" in out
    with Workspace.open(path, read_only=True) as ws:
        import_id = ws.imports.history()[0].id
        assert ws.cdht.status_of(people["dung"]).status.value == "account"
    code, out, err = run("import", "undo", import_id, "--db", str(path))
    assert code == 0, err
    assert "2 Công dân học tập statuses it added were removed, 0 it changed" in out
    with Workspace.open(path, read_only=True) as ws:
        assert ws.cdht.status_of(people["dung"]).status.value == "not_registered"
