"""`pip install .` gives a working app: package data, compiled catalogs, no source tree needed."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog

import desktop_app.i18n as i18n
from desktop_app.appinfo import package_dir, project_root
from desktop_app.i18n.build import compile_catalog, read_catalog

REBUILD = (
    "run `python -m desktop_app.i18n.build` (or `make catalogs`) and commit "
    "desktop_app/i18n/locale/ together with i18n/*.po"
)


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_committed_catalogs_match_the_po_files(lang: str) -> None:
    # The .mo files are committed package data (wheels, editable installs and PyInstaller all
    # ship them as they are), so they must be exactly what the build makes of the .po today.
    po = i18n.catalog_dir() / f"{lang}.po"
    compiled = compile_catalog(po, lang)
    assert compile_catalog(po, lang) == compiled, "compiling the same .po twice differs"
    mo = i18n.mo_path(lang)
    assert mo.is_file(), f"{mo} is missing: {REBUILD}"
    # Babel writes its version into the .mo header, so a babel upgrade also needs a rebuild.
    assert mo.read_bytes() == compiled, f"{mo} is not compiled from {po}: {REBUILD}"


def test_catalogs_and_resources_are_inside_the_package() -> None:
    assert i18n.locale_dir().is_relative_to(package_dir())
    for name in ("class_types.json", "fonts", "templates", "help"):
        assert (package_dir() / "resources" / name).exists(), name


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_the_user_guide_has_every_page_in_every_language_and_ships(lang: str) -> None:
    """One page per screen in each language, links that lead to a page, and the pages are
    package data for the wheel and in the PyInstaller bundle."""
    import re
    import tomllib

    from desktop_app.ui.help import HELP_PAGES

    folder = package_dir() / "resources" / "help" / lang
    assert sorted(p.stem for p in folder.glob("*.html")) == sorted(HELP_PAGES)
    for page in HELP_PAGES:
        text = (folder / f"{page}.html").read_text(encoding="utf-8")
        assert f'lang="{lang}"' in text and "<h2>" in text
        for link in re.findall(r'href="([^"]+)"', text):
            assert (folder / link).is_file(), f"{lang}/{page}.html links to a missing {link}"
    data = tomllib.loads((project_root() / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = data["tool"]["setuptools"]["package-data"]["desktop_app"]
    assert "resources/help/*/*.html" in patterns
    spec = (project_root() / "installer" / "tthtcd.spec").read_text(encoding="utf-8")
    assert '(str(PACKAGE / "resources"), "desktop_app/resources")' in spec


# --- The wheel, installed into a fresh virtual environment -------------------------------------

_NOT_SOURCE = shutil.ignore_patterns(
    ".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", "*.pyc", ".*_cache",
    ".hypothesis", "bench",
)  # fmt: skip


def _bin(venv: Path, name: str) -> Path:
    folder = venv / ("Scripts" if os.name == "nt" else "bin")
    return folder / (f"{name}.exe" if os.name == "nt" else name)


def _run(
    args: list[str | Path], cwd: Path, env: dict[str, str], timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, (
        f"{' '.join(map(str, args))} exited with {done.returncode}\n"
        f"--- stdout\n{done.stdout}\n--- stderr\n{done.stderr}"
    )
    return done


def _clean_env(tmp_path: Path) -> dict[str, str]:
    """No PYTHONPATH to the checkout, no user site, and the app's folders inside tmp_path."""
    env = {
        k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"}
    }
    env.update(
        PYTHONNOUSERSITE="1",
        PYTHONSAFEPATH="1",
        PYTHONIOENCODING="utf-8",
        QT_QPA_PLATFORM="offscreen",
        XDG_DATA_HOME=str(tmp_path / "home" / "data"),
        XDG_CONFIG_HOME=str(tmp_path / "home" / "config"),
        XDG_CACHE_HOME=str(tmp_path / "home" / "cache"),
        XDG_STATE_HOME=str(tmp_path / "home" / "state"),
    )
    return env


def _vietnamese(msgid_start: str) -> str:
    """The Vietnamese translation of the message starting with msgid_start, up to its first
    placeholder: the part of the output that cannot vary."""
    catalog: Catalog = read_catalog(i18n.catalog_dir() / "vi.po", "vi")
    for message in catalog:
        if isinstance(message.id, str) and message.id.startswith(msgid_start):
            assert isinstance(message.string, str) and message.string, message.id
            text = message.string.split("{", 1)[0]
            assert text and text != message.id.split("{", 1)[0], message.id
            return text
    raise AssertionError(f"no message starting with {msgid_start!r} in i18n/vi.po")


@pytest.mark.slow
def test_the_wheel_works_installed_without_the_source_tree(tmp_path: Path) -> None:
    started = time.monotonic()
    repo = project_root()
    # Build from a copy of the working tree: setuptools leaves build/ and *.egg-info behind,
    # and a stale build/lib could leak files into the wheel.
    source = tmp_path / "source"
    shutil.copytree(repo, source, ignore=_NOT_SOURCE)
    env = _clean_env(tmp_path)
    dist = tmp_path / "dist"
    _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", dist, source],
        tmp_path,
        env,
    )
    (wheel,) = dist.glob("tthtcd-*.whl")
    built = time.monotonic()

    names = set(zipfile.ZipFile(wheel).namelist())
    package = source / "desktop_app"
    data = [
        p
        for p in [*(package / "resources").rglob("*"), *(package / "i18n" / "locale").rglob("*")]
        if p.is_file() and "__pycache__" not in p.parts
    ]
    assert data, "no package data found in the source tree"
    missing = sorted({p.relative_to(source).as_posix() for p in data} - names)
    assert not missing, f"package data missing from {wheel.name}: {missing}"
    assert not [n for n in names if n.endswith(".po") or n.startswith(("tests/", "i18n/"))]

    # A fresh environment; pip resolves and installs the dependencies the wheel declares
    # (from its cache or the configured index), exactly as for a user.
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", venv], tmp_path, env)
    python = _bin(venv, "python")
    _run(
        [sys.executable, "-m", "pip", "--python", python, "install", "-q", "--no-compile", wheel],
        tmp_path,
        env,
    )
    installed = time.monotonic()

    # Run everything from a folder outside the checkout.
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    probe = (
        "import json, sys, desktop_app, desktop_app.appinfo as a, desktop_app.i18n as i\n"
        "print(json.dumps({'file': desktop_app.__file__, 'prefix': sys.prefix,"
        " 'path': sys.path, 'resources': str(a.resource_path()),"
        " 'locale': str(i.locale_dir()), 'loaded': i.translations_loaded()}))\n"
    )
    where = json.loads(_run([python, "-c", probe], outside, env).stdout)
    site = Path(where["file"]).resolve().parent.parent
    assert Path(where["prefix"]).resolve() == venv.resolve()
    assert site.is_relative_to(venv.resolve()), where["file"]
    assert not Path(where["file"]).resolve().is_relative_to(repo), where["file"]
    assert not any(Path(p).resolve() == repo for p in where["path"] if p), where["path"]
    assert Path(where["resources"]).is_relative_to(site)
    assert Path(where["locale"]).is_relative_to(site)
    assert all(n > 0 for n in where["loaded"].values()), where["loaded"]
    assert not (site / "i18n").exists(), "the .po sources must not be installed"

    tthtcd = _bin(venv, "tthtcd")
    check = _run([tthtcd, "selfcheck"], outside, env)
    assert _vietnamese("database: ok") in check.stdout, check.stdout
    assert _vietnamese("PDF with Vietnamese text") in check.stdout, check.stdout
    assert "No translations" not in check.stderr, check.stderr

    database = outside / "demo.sqlite3"
    demo = _run([tthtcd, "demo", "--db", database, "--people", "50"], outside, env)
    assert demo.stdout.startswith("Đã tạo"), demo.stdout
    assert demo.stdout.startswith(_vietnamese("Created {path}: {centre}")), demo.stdout
    assert database.is_file()
    # The sync commands and the administrative units (package data read on first use).
    stick = outside / "stick"
    stick.mkdir()
    request = _run(
        [tthtcd, "site", "enrol-request", "--db", database, "--out", stick], outside, env
    )
    assert request.returncode == 0, request.stderr
    (made,) = stick.glob("*_enrolment_000000.tthbundle")
    shown = _run([tthtcd, "bundle", "inspect", made, "--json"], outside, env)
    assert json.loads(shown.stdout)["signature"] == "valid"
    units = _run([tthtcd, "units", "lookup", "00001", "--json"], outside, env)
    assert "Hồng Hà" in units.stdout, units.stdout
    finished = time.monotonic()
    print(
        f"wheel {built - started:.1f} s, venv and install {installed - built:.1f} s, "
        f"commands {finished - installed:.1f} s"
    )
