"""`tthtcd models criteria check FILE`: 0 and one summary line, or 1 and FILE:LINE: faults."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from desktop_app import cli
from desktop_app.appinfo import resource_path

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Run:
    def run(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = cli.main(["--lang", "en", *args])
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.mark.parametrize(
    ("name", "summary"),
    [
        ("family-2016.json", "valid: Tiêu chí Gia đình học tập, 4 criteria, 10 items"),
        ("clan-2022.json", "valid: Tiêu chí Dòng họ học tập, 4 criteria, 7 items"),
        ("community-2016.json", "valid: Tiêu chí Cộng đồng học tập cấp thôn, 4 criteria, 9 items"),
        ("unit-2024.json", "valid: Tiêu chí Đơn vị học tập, 3 criteria, 11 items"),
        ("citizen-2022.json", "valid: Tiêu chí Công dân học tập, 3 criteria, 3 items"),
    ],
)
def test_shipped_sets_are_valid(run: Run, name: str, summary: str) -> None:
    code, out, err = run("models", "criteria", "check", str(resource_path("criteria", name)))
    assert (code, out.strip(), err) == (0, summary, "")


def test_a_bad_file_gives_one_line_per_fault(run: Run, tmp_path: Path) -> None:
    text = resource_path("criteria", "unit-2024.json").read_text(encoding="utf-8")
    text = text.replace('"threshold": 95', '"threshold": 195').replace(
        '"model": "unit"', '"model": "units"'
    )
    bad = tmp_path / "unit-bad.json"
    bad.write_text(text, encoding="utf-8")
    model_line = text.splitlines().index('  "model": "units",') + 1
    threshold_line = next(n for n, t in enumerate(text.splitlines(), 1) if '"threshold": 195' in t)
    code, out, err = run("models", "criteria", "check", str(bad))
    assert code == 1 and out == ""
    assert err.splitlines() == [
        f"{bad}:{model_line}: model must be one of family, clan, community, unit, citizen",
        f"{bad}:{threshold_line}: threshold must be a share from more than 0 up to 100 (percent)",
    ]


def test_not_json(run: Run, tmp_path: Path) -> None:
    bad = tmp_path / "x.json"
    bad.write_text('{\n  "format": 1\n  "model": "unit"\n}\n', encoding="utf-8")
    code, out, err = run("models", "criteria", "check", str(bad))
    assert (code, out) == (1, "")
    assert err == f"{bad}:3: not valid JSON: expected ',' or '}}' here\n"


def test_missing_file_and_usage(run: Run, tmp_path: Path) -> None:
    code, _, err = run("models", "criteria", "check", str(tmp_path / "none.json"))
    assert code == 1 and "none.json cannot be used" in err
    assert run("models")[0] == 2
    assert run("models", "criteria")[0] == 2
    code, _, err = run("models", "criteria", "check")
    assert code == 2 and "FILE" in err


def test_vietnamese_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    """Without --lang the messages are Vietnamese (or, before the catalogs are merged, the
    English msgids): the command runs either way."""
    code = cli.main(
        ["models", "criteria", "check", str(resource_path("criteria", "citizen-2022.json"))]
    )
    assert code == 0 and "Công dân học tập" in capsys.readouterr().out
