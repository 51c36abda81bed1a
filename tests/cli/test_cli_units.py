"""`tthtcd units lookup` and `units tree`: pre-2025 names to today's units, an office's tree."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.test_cli import tthtcd


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("units")
    path = folder / "office.sqlite3"
    result = tthtcd(
        "demo", "--db", str(path), "--office", "2", "--centres-dir", str(folder / "c"),
        "--people", "40",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return path


def test_lookup_an_old_ward_gives_todays() -> None:
    result = tthtcd("units", "lookup", "Phúc Xá", "--json")
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert found and found[0]["unit"]["code"] == "00001"
    assert found[0]["unit"]["valid_to"] == "2025-07-01"
    assert found[0]["today"][0]["name"] == "Phường Hồng Hà"
    assert found[0]["today_province"]["name"] == "Thành phố Hà Nội"


def test_lookup_by_code_and_province_in_words() -> None:
    result = tthtcd("--lang", "en", "units", "lookup", "00001", "--province", "Hà Nội")
    assert result.returncode == 0, result.stderr
    assert "Phường Phúc Xá" in result.stdout and "Phường Hồng Hà" in result.stdout
    result = tthtcd("units", "lookup", "Phúc Xá", "--province", "Cao Bằng", "--json")
    assert result.returncode == 0 and json.loads(result.stdout) == []


def test_lookup_of_nothing_known_fails_in_one_line() -> None:
    result = tthtcd("--lang", "en", "units", "lookup", "zzzqqq")
    assert result.returncode == 1
    assert result.stderr.strip().startswith("tthtcd: ") and "zzzqqq" in result.stderr
    result = tthtcd("--lang", "en", "units", "lookup", " ")
    assert result.returncode == 1 and "internal error" not in result.stderr
    assert tthtcd("units").returncode == 2
    assert tthtcd("units", "lookup").returncode == 2


def test_tree_holds_each_centre_under_its_commune(office: Path) -> None:
    result = tthtcd("units", "tree", "--db", str(office), "--json")
    assert result.returncode == 0, result.stderr
    provinces = json.loads(result.stdout)
    held = [
        (p["name"], c["name"], n["name"])
        for p in provinces for c in p["communes"] for n in c["centres"]
    ]  # fmt: skip
    centres = json.loads(tthtcd("centres", "list", "--db", str(office), "--json").stdout)
    assert sorted(n for _p, _c, n in held) == sorted(c["name"] for c in centres)
    for _province, commune, name in held:
        assert commune.split(" ", 1)[1] in name  # "Xã Canh Tân" holds "... xã Canh Tân"
    text = tthtcd("--lang", "en", "units", "tree", "--db", str(office))
    assert text.returncode == 0 and "1 centre" in text.stdout


def test_tree_needs_a_database() -> None:
    result = tthtcd("--lang", "en", "units", "tree")
    assert result.returncode == 2, result.stderr
