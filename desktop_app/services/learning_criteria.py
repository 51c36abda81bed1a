"""Criteria sets of the learning models: read from JSON files, checked, turned into core sets.

The shipped sets are `resources/criteria/*.json`; the upstream office may send replacements (a
folder given to `load_criteria`). Every fault names the file and the line of the key or value
at fault, so whoever edits a file by hand can find it.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from desktop_app.appinfo import resource_path
from desktop_app.core.dates import FIRST_YEAR, LAST_YEAR
from desktop_app.core.learning_models import (
    ITEM_KINDS,
    MODELS,
    PASS_FAIL,
    PERCENT,
    POINTS,
    SCALES,
    SOURCES,
    CriteriaSet,
    Criterion,
    Item,
    Level,
)
from desktop_app.core.problems import N_, UserError

__all__ = [
    "CriteriaError",
    "Fault",
    "check_criteria_file",
    "load_criteria",
    "parse_criteria",
]

FORMAT = 1
FOLDER = "criteria"
MAX_BYTES = 2_000_000  # a criteria set is a few kilobytes; far more is not one
MAX_DEPTH = 20  # a set nests 6 deep; far more is not one (and would exhaust the stack)

Path_ = tuple[str | int, ...]  # where a value is: ("criteria", 0, "items", 2, "kind")


@dataclass(frozen=True)
class Fault:
    file: str
    line: int
    message: str  # msgid
    params: Mapping[str, str | int]


class CriteriaError(UserError):
    """A criteria file (or several) does not validate; `faults` says where and why."""

    def __init__(self, faults: list[Fault]) -> None:
        first = faults[0]
        super().__init__(
            N_("{file}:{line}: the criteria file is not valid ({count} faults)"),
            {"file": first.file, "line": first.line, "count": len(faults)},
        )
        self.faults = tuple(faults)


# A JSON reader that remembers the line of every key and value ---------------------------

_DECODER = json.JSONDecoder()
_WS = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?")


class _Syntax(Exception):
    def __init__(self, pos: int, message: str, params: Mapping[str, str | int] | None = None):
        super().__init__(message)
        self.pos = pos
        self.message = message
        self.params = dict(params or {})


class _Reader:
    """Parses JSON text into plain values and `lines[path]`: the line where the key (object
    members) or the value (array elements) at `path` starts; `lines[()]` is line 1."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines: dict[Path_, int] = {}
        self.duplicates: list[tuple[Path_, str]] = []

    def line(self, pos: int) -> int:
        return self.text.count("\n", 0, pos) + 1

    def skip(self, pos: int) -> int:
        m = _WS.match(self.text, pos)
        return m.end() if m else pos

    def parse(self) -> object:
        pos = self.skip(0)
        self.lines[()] = self.line(pos)
        value, pos = self.value(pos, ())
        pos = self.skip(pos)
        if pos != len(self.text):
            raise _Syntax(pos, N_("not valid JSON: unexpected text after the end of the data"))
        return value

    def value(self, pos: int, path: Path_) -> tuple[object, int]:
        t = self.text
        if len(path) > MAX_DEPTH:
            raise _Syntax(pos, N_("not valid JSON: nested too deeply for a criteria set"))
        if pos >= len(t):
            raise _Syntax(pos, N_("not valid JSON: the file ends too early"))
        ch = t[pos]
        if ch == "{":
            return self.obj(pos + 1, path)
        if ch == "[":
            return self.array(pos + 1, path)
        if ch == '"':
            return self.string(pos)
        for word, val in (("true", True), ("false", False), ("null", None)):
            if t.startswith(word, pos):
                return val, pos + len(word)
        m = _NUMBER.match(t, pos)
        if m:
            number = m.group(0)
            return (float(number) if any(c in number for c in ".eE") else int(number)), m.end()
        raise _Syntax(
            pos,
            N_("not valid JSON: expected a value here (text, number, true, false, null, {{ or [)"),
        )

    def string(self, pos: int) -> tuple[str, int]:
        try:
            text, end = _DECODER.raw_decode(self.text, pos)
        except json.JSONDecodeError as e:
            raise _Syntax(
                e.pos, N_("not valid JSON: a text in quotes is not closed or has a bad escape")
            ) from None
        assert isinstance(text, str)
        return text, end

    def obj(self, pos: int, path: Path_) -> tuple[dict[str, object], int]:
        out: dict[str, object] = {}
        pos = self.skip(pos)
        if self.text.startswith("}", pos):
            return out, pos + 1
        while True:
            pos = self.skip(pos)
            if not self.text.startswith('"', pos):
                raise _Syntax(
                    pos, N_('not valid JSON: expected a key in double quotes, e.g. "title"')
                )
            key_line = self.line(pos)
            key, pos = self.string(pos)
            pos = self.skip(pos)
            if not self.text.startswith(":", pos):
                raise _Syntax(
                    pos, N_("not valid JSON: expected ':' after the key {key}"), {"key": key}
                )
            if key in out:
                self.duplicates.append(((*path, key), key))
            self.lines[(*path, key)] = key_line
            value, pos = self.value(self.skip(pos + 1), (*path, key))
            out[key] = value
            pos = self.skip(pos)
            if self.text.startswith(",", pos):
                pos += 1
                continue
            if self.text.startswith("}", pos):
                return out, pos + 1
            raise _Syntax(pos, N_("not valid JSON: expected ',' or '}}' here"))

    def array(self, pos: int, path: Path_) -> tuple[list[object], int]:
        out: list[object] = []
        pos = self.skip(pos)
        if self.text.startswith("]", pos):
            return out, pos + 1
        while True:
            pos = self.skip(pos)
            self.lines[(*path, len(out))] = self.line(pos)
            value, pos = self.value(pos, (*path, len(out)))
            out.append(value)
            pos = self.skip(pos)
            if self.text.startswith(",", pos):
                pos += 1
                continue
            if self.text.startswith("]", pos):
                return out, pos + 1
            raise _Syntax(pos, N_("not valid JSON: expected ',' or ']' here"))


# The checks ------------------------------------------------------------------------------

_SET_KEYS = {"format", "model", "valid_from", "valid_to", "title", "legal_basis", "scale",
             "levels", "criteria", "note"}  # fmt: skip
_LEVEL_KEYS = {"name", "min_points", "rank", "passed", "note"}
_CRITERION_KEYS = {"code", "title", "max_points", "items", "note"}
_ITEM_KEYS = {"code", "title", "kind", "max_points", "threshold", "source", "unverified",
              "note", "level"}  # fmt: skip


def _is_number(v: object) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


class _Checker:
    def __init__(self, file: str, lines: Mapping[Path_, int]) -> None:
        self.file = file
        self.lines = lines
        self.faults: list[Fault] = []

    def at(self, path: Path_) -> int:
        """The line of `path`, or of the nearest enclosing key or element that has one."""
        while path not in self.lines and path:
            path = path[:-1]
        return self.lines.get(path, 1)

    def fault(self, path: Path_, message: str, **params: str | int) -> None:
        self.faults.append(Fault(self.file, self.at(path), message, params))

    def keys(self, obj: dict[str, object], path: Path_, allowed: set[str]) -> None:
        for key in obj:
            if key not in allowed:
                self.fault((*path, key), N_("unknown key {key} (known: {known})"), key=key,
                           known=", ".join(sorted(allowed)))  # fmt: skip

    def obj(self, value: object, path: Path_) -> dict[str, object] | None:
        if isinstance(value, dict):
            return value
        if not path:
            self.fault(path, N_("the file must hold one object {{ … }} (the criteria set)"))
        else:
            self.fault(path, N_("{key} must be an object {{ … }}"), key=_name(path))
        return None

    def text(self, obj: dict[str, object], path: Path_, key: str, required: bool = True) -> str:
        v = obj.get(key)
        if v is None:
            if required:
                self.fault(path if key not in obj else (*path, key),
                           N_("{key} is missing (a text)"), key=key)  # fmt: skip
            return ""
        if not isinstance(v, str) or (required and not v.strip()):
            self.fault((*path, key), N_("{key} must be a text that is not empty"), key=key)
            return ""
        return v.strip()

    def number(
        self, obj: dict[str, object], path: Path_, key: str, *, required: bool, above: float = 0
    ) -> float | None:
        v = obj.get(key)
        if v is None:
            if required:
                self.fault(path if key not in obj else (*path, key),
                           N_("{key} is missing (a number)"), key=key)  # fmt: skip
            return None
        if not _is_number(v) or float(v) < above:  # type: ignore[arg-type]
            self.fault((*path, key), N_("{key} must be a number of at least {minimum}"),
                       key=key, minimum=int(above))  # fmt: skip
            return None
        return float(v)  # type: ignore[arg-type]

    def flag(self, obj: dict[str, object], path: Path_, key: str, default: bool) -> bool:
        v = obj.get(key, default)
        if not isinstance(v, bool):
            self.fault((*path, key), N_("{key} must be true or false"), key=key)
            return default
        return v

    def year(self, obj: dict[str, object], path: Path_, key: str, required: bool) -> int | None:
        v = obj.get(key)
        if v is None:
            if required:
                self.fault(path if key not in obj else (*path, key),
                           N_("{key} is missing (a year)"), key=key)  # fmt: skip
            return None
        if not isinstance(v, int) or isinstance(v, bool) or not FIRST_YEAR <= v <= LAST_YEAR:
            self.fault((*path, key), N_("{key} must be a year from {first} to {last}"),
                       key=key, first=FIRST_YEAR, last=LAST_YEAR)  # fmt: skip
            return None
        return v

    def choice(
        self, obj: dict[str, object], path: Path_, key: str, choices: tuple[str, ...]
    ) -> str | None:
        v = obj.get(key)
        if v not in choices:
            where = path if key not in obj else (*path, key)
            self.fault(where, N_("{key} must be one of {choices}"), key=key,
                       choices=", ".join(choices))  # fmt: skip
            return None
        assert isinstance(v, str)
        return v

    def array(self, obj: dict[str, object], path: Path_, key: str) -> list[object]:
        v = obj.get(key)
        if not isinstance(v, list) or not v:
            where = path if key not in obj else (*path, key)
            self.fault(where, N_("{key} must be a list [ … ] with at least one entry"), key=key)
            return []
        return v


def _name(path: Path_) -> str:
    """The last key on a path, for a message: ("criteria", 0, "items", 2) -> "items"."""
    return next((part for part in reversed(path) if isinstance(part, str)), "")


def _levels(c: _Checker, raw: list[object], scale: str | None) -> list[Level]:
    levels: list[Level] = []
    for i, one in enumerate(raw):
        path: Path_ = ("levels", i)
        d = c.obj(one, path)
        if d is None:
            continue
        c.keys(d, path, _LEVEL_KEYS)
        name = c.text(d, path, "name")
        passed = c.flag(d, path, "passed", True)
        min_points: float | None = None
        rank = 0
        if scale == POINTS:
            min_points = c.number(d, path, "min_points", required=True)
            if "rank" in d:
                c.fault((*path, "rank"), N_("rank is for pass_fail sets; points sets use "
                                            "min_points"))  # fmt: skip
        elif scale == PASS_FAIL:
            if "min_points" in d:
                c.fault((*path, "min_points"), N_("min_points is for points sets; pass_fail "
                                                  "sets use rank"))  # fmt: skip
            if passed:
                r = d.get("rank")
                if not isinstance(r, int) or isinstance(r, bool) or r < 1:
                    c.fault(
                        (*path, "rank") if "rank" in d else path,
                        N_("rank must be a whole number from 1 up (1 = the first level)"),
                    )
                else:
                    rank = r
            elif "rank" in d:
                c.fault((*path, "rank"), N_("the level that is not passed has no rank"))
        levels.append(Level(name, min_points, rank, passed, c.text(d, path, "note", False)))
    if not levels:
        return levels
    failing = [i for i, lv in enumerate(levels) if not lv.passed]
    if len(failing) != 1:
        c.fault(("levels",), N_('levels must have exactly one level with "passed": false (the '
                                "name of not passing, e.g. Chưa đạt)"))  # fmt: skip
    if scale == POINTS:
        seen: dict[float, int] = {}
        for i, lv in enumerate(levels):
            if lv.min_points is None:
                continue
            if lv.min_points in seen:
                c.fault(
                    ("levels", i, "min_points"),
                    N_("two levels start at {points} points"),
                    points=f"{lv.min_points:g}",
                )
            seen[lv.min_points] = i
        if seen and 0 not in seen:
            c.fault(("levels",), N_("one level must start at 0 points, so that every total has "
                                    "a level"))  # fmt: skip
        ordered = sorted((lv for lv in levels if lv.min_points is not None),
                         key=lambda lv: lv.min_points or 0)  # fmt: skip
        for low, high in itertools.pairwise(ordered):
            if not low.passed or high.passed:
                continue
            c.fault(("levels",), N_("a level that is not passed ({low}) must be below every "
                                    "passed level"), low=high.name)  # fmt: skip
            break
    elif scale == PASS_FAIL:
        ranks = sorted(lv.rank for lv in levels if lv.passed and lv.rank)
        if ranks and ranks != list(range(1, len(ranks) + 1)):
            c.fault(("levels",), N_("the ranks of the passed levels must be 1, 2, … without "
                                    "gaps or repeats"))  # fmt: skip
    return levels


def _item(c: _Checker, one: object, path: Path_, scale: str | None, model: str | None,
          ranks: set[int]) -> Item | None:  # fmt: skip
    it = c.obj(one, path)
    if it is None:
        return None
    c.keys(it, path, _ITEM_KEYS)
    code = c.text(it, path, "code")
    title = c.text(it, path, "title")
    kind = c.choice(it, path, "kind", ITEM_KINDS)
    max_points = 0.0
    if scale == POINTS:
        max_points = c.number(it, path, "max_points", required=True, above=0) or 0.0
        if max_points == 0 and "max_points" in it and _is_number(it["max_points"]):
            c.fault((*path, "max_points"), N_("max_points of an item must be more than 0"))
    elif scale is None and "max_points" in it:
        c.number(it, path, "max_points", required=False)
    elif scale == PASS_FAIL:
        if kind == POINTS:
            c.fault((*path, "kind"), N_("a pass_fail set has only check and percent items"))
        if it.get("max_points") not in (None, 0):
            c.fault((*path, "max_points"), N_("a pass_fail set gives no points (leave "
                                              "max_points out)"))  # fmt: skip
    threshold: float | None = None
    if kind == PERCENT:
        threshold = c.number(it, path, "threshold", required=True)
        if threshold is not None and not 0 < threshold <= 100:
            c.fault((*path, "threshold"), N_("threshold must be a share from more than 0 up "
                                             "to 100 (percent)"))  # fmt: skip
            threshold = None
    elif "threshold" in it:
        c.fault((*path, "threshold"), N_("threshold is for percent items only"))
    source = it.get("source")
    if source is not None:
        known = SOURCES.get(source) if isinstance(source, str) else None
        if known is None:
            c.fault((*path, "source"), N_("source {source} is not something the app can "
                                          "compute (known: {known})"),
                    source=str(source), known=", ".join(SOURCES))  # fmt: skip
            source = None
        else:
            if kind is not None and known.kind != kind:
                c.fault((*path, "source"), N_("source {source} gives a {given} value, but the "
                                              "item is of kind {kind}"),
                        source=known.key, given=known.kind, kind=kind)  # fmt: skip
            if model is not None and known.model != model:
                c.fault((*path, "source"), N_("source {source} is computed for {other}, not "
                                              "for {model}"),
                        source=known.key, other=known.model, model=model)  # fmt: skip
    level = 1
    if "level" in it:
        lv = it["level"]
        if scale != PASS_FAIL:
            c.fault((*path, "level"), N_("level is for pass_fail sets only"))
        elif not isinstance(lv, int) or isinstance(lv, bool) or lv not in ranks:
            c.fault((*path, "level"), N_("level must be the rank of a passed level ({ranks})"),
                    ranks=", ".join(str(r) for r in sorted(ranks)) or "-")  # fmt: skip
        else:
            level = lv
    unverified = c.flag(it, path, "unverified", False)
    note = c.text(it, path, "note", False)
    if unverified and not note:
        c.fault((*path, "unverified"), N_('an unverified item says why in a "note"'))
    if kind is None:
        return None
    assert isinstance(source, str | None)
    return Item(code, title, kind, max_points, threshold, source, unverified, note, level)


def _validate(c: _Checker, data: object) -> CriteriaSet | None:
    top = c.obj(data, ())
    if top is None:
        return None
    c.keys(top, (), _SET_KEYS)
    fmt = top.get("format")
    if fmt != FORMAT:
        c.fault(
            ("format",) if "format" in top else (),
            N_("format must be {format} (the version of this file layout)"),
            format=FORMAT,
        )
    model = c.choice(top, (), "model", tuple(MODELS))
    valid_from = c.year(top, (), "valid_from", True)
    valid_to = c.year(top, (), "valid_to", False)
    if valid_from is not None and valid_to is not None and valid_to < valid_from:
        c.fault(("valid_to",), N_("valid_to ({to}) is before valid_from ({start})"),
                to=valid_to, start=valid_from)  # fmt: skip
    title = c.text(top, (), "title")
    legal_basis = c.text(top, (), "legal_basis")
    scale = c.choice(top, (), "scale", SCALES)
    levels = _levels(c, c.array(top, (), "levels"), scale)
    ranks = {lv.rank for lv in levels if lv.passed and lv.rank}
    criteria: list[Criterion] = []
    codes: dict[str, Path_] = {}
    for i, one in enumerate(c.array(top, (), "criteria")):
        path: Path_ = ("criteria", i)
        cr = c.obj(one, path)
        if cr is None:
            continue
        c.keys(cr, path, _CRITERION_KEYS)
        code = c.text(cr, path, "code")
        ctitle = c.text(cr, path, "title")
        max_points = 0.0
        if scale == POINTS:
            max_points = c.number(cr, path, "max_points", required=True) or 0.0
        elif scale is None and "max_points" in cr:
            c.number(cr, path, "max_points", required=False)  # the scale is wrong: still checked
        elif cr.get("max_points") not in (None, 0):
            c.fault((*path, "max_points"), N_("a pass_fail set gives no points (leave "
                                              "max_points out)"))  # fmt: skip
        items: list[Item] = []
        for j, raw in enumerate(c.array(cr, path, "items")):
            item = _item(c, raw, (*path, "items", j), scale, model, ranks)
            if item is None:
                continue
            if item.code and item.code in codes:
                c.fault((*path, "items", j, "code"),
                        N_("item code {code} is used twice (also on line {line})"),
                        code=item.code, line=c.at(codes[item.code]))  # fmt: skip
            codes.setdefault(item.code, (*path, "items", j, "code"))
            items.append(item)
        total = sum(x.max_points for x in items)
        if scale == POINTS and "max_points" in cr and max_points and total != max_points:
            c.fault((*path, "max_points"),
                    N_("criterion {code} has max_points {max} but its items add up to {total}"),
                    code=code, max=f"{max_points:g}", total=f"{total:g}")  # fmt: skip
        criteria.append(Criterion(code, ctitle, max_points, tuple(items),
                                  c.text(cr, path, "note", False)))  # fmt: skip
    if scale == POINTS and criteria:
        top_points = sum(x.max_points for x in criteria)
        for i, lv in enumerate(levels):
            if lv.min_points is not None and lv.min_points > top_points:
                c.fault(
                    ("levels", i, "min_points"),
                    N_("level {name} starts at {points} points, above the {max} the set can give"),
                    name=lv.name,
                    points=f"{lv.min_points:g}",
                    max=f"{top_points:g}",
                )
    note = c.text(top, (), "note", False)
    if c.faults or model is None or valid_from is None or scale is None:
        return None
    return CriteriaSet(model, valid_from, valid_to, title, legal_basis, scale, tuple(levels),
                       tuple(criteria), note)  # fmt: skip


def _read(file: Path) -> tuple[str, str]:
    name = str(file)
    with open(file, "rb") as fh:
        data = fh.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise CriteriaError(
            [
                Fault(
                    name,
                    1,
                    N_("the file is too large for a criteria set (more than {size} MB)"),
                    {"size": MAX_BYTES // 1_000_000},
                )
            ]
        )
    try:
        return name, data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise CriteriaError([Fault(name, line, N_("the file is not UTF-8 text"), {})]) from None


def parse_criteria(text: str, file: str = "<text>") -> CriteriaSet:
    """The criteria set in `text` (the content of `file`), or CriteriaError with every fault."""
    reader = _Reader(text)
    try:
        data = reader.parse()
    except _Syntax as e:
        raise CriteriaError([Fault(file, reader.line(e.pos), e.message, e.params)]) from None
    checker = _Checker(file, reader.lines)
    for path, key in reader.duplicates:
        checker.fault(path, N_("the key {key} is given twice; only one is kept"), key=key)
    result = _validate(checker, data)
    if checker.faults or result is None:
        if not checker.faults:  # pragma: no cover - every None result records a fault
            checker.fault((), N_("the file is not a criteria set"))
        checker.faults.sort(key=lambda f: f.line)
        raise CriteriaError(checker.faults)
    return result


def check_criteria_file(file: Path) -> CriteriaSet:
    """The criteria set in `file`, or CriteriaError naming the file and line of each fault."""
    name, text = _read(file)
    return parse_criteria(text, name)


def load_criteria(folder: Path | None = None) -> list[CriteriaSet]:
    """Every criteria set in `folder` (default: the shipped `resources/criteria`), ordered by
    model and year; CriteriaError with the faults of every bad file, or when two sets of one
    model start the same year."""
    where = resource_path(FOLDER) if folder is None else Path(folder)
    sets: list[CriteriaSet] = []
    faults: list[Fault] = []
    starts: dict[tuple[str, int], str] = {}
    for file in sorted(where.glob("*.json")):
        try:
            s = check_criteria_file(file)
        except CriteriaError as e:
            faults.extend(e.faults)
            continue
        other = starts.get((s.model, s.valid_from))
        if other is not None:
            faults.append(
                Fault(
                    str(file),
                    _line_of(file, "valid_from"),
                    N_(
                        "{other} also holds a {model} set valid from {year}; which applies "
                        "would be unclear"
                    ),
                    {"other": other, "model": s.model, "year": s.valid_from},
                )
            )
            continue
        starts[(s.model, s.valid_from)] = str(file)
        sets.append(s)
    if faults:
        raise CriteriaError(faults)
    return sorted(sets, key=lambda s: (list(MODELS).index(s.model), s.valid_from))


def _line_of(file: Path, key: str) -> int:
    reader = _Reader(file.read_text(encoding="utf-8-sig"))
    reader.parse()
    return reader.lines.get((key,), 1)
