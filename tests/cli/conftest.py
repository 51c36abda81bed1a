"""What the command-line tests share: `run` calls the CLI in this process, in English, and
gives back its exit code, standard output and standard error."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from desktop_app import cli

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run_en(capsys: pytest.CaptureFixture[str]) -> Run:
    def run(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = cli.main([*args, "--lang", "en"])
        out, err = capsys.readouterr()
        return code, out, err

    return run
