"""Bringing in the lists a centre already keeps in Excel: people (with their households), and
the Hội Khuyến học's members (people matched or created, each made a member of a branch).

The wizard and `tthtcd import` go the same way: open the file (reader, SHA-256, sheets) →
find the header past the title rows → guess the mapping (or take the one saved for the same
headers, or the user's) → detect legacy TCVN3/VNI columns → read every row into what the
person form would get → classify each row (new, a match of a person held, a duplicate of an
earlier row, rejected with the reason per field, or not a record at all) → on confirmation,
import all of it in one operation (or nothing), recorded in the import history so that the
same file is refused the second time and the whole import can be undone.

A members list's dues column is shown but never booked: money comes into the fund only through
the fund's own receipts (a dues batch per branch), so an import cannot make one up.
"""

from __future__ import annotations

import datetime as dt
import functools
import gc
import hashlib
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, ParamSpec, Protocol, TypeVar

from desktop_app.core import import_values as values
from desktop_app.core import legacy_text
from desktop_app.core import sheet_table as table
from desktop_app.core.cccd import mask_cccd
from desktop_app.core.fund import EntryInput
from desktop_app.core.ids import new_id
from desktop_app.core.legacy_text import Encoding
from desktop_app.core.members import MemberStatus
from desktop_app.core.people import (
    Birth,
    HamletKind,
    PersonFields,
    PersonInput,
    Sex,
    validate_person,
)
from desktop_app.core.problems import N_, Problem, UserError
from desktop_app.core.progress import Progress, check, no_progress
from desktop_app.core.text import fold, nfc
from desktop_app.services import import_attendance as attendance
from desktop_app.services.import_attendance import PlannedSession as PlannedSession
from desktop_app.services.ops import OpChanges, Ops
from desktop_app.storage import imports as repo
from desktop_app.storage import members as members_repo
from desktop_app.storage import people as people_repo
from desktop_app.storage.db import Database
from desktop_app.storage.imports import BatchRow as BatchRow
from desktop_app.storage.tx import Tx

if TYPE_CHECKING:
    from types import ModuleType

# What a reader gives per cell (documents.sheet_reader.Cell).
Cell = str | int | float | bool | dt.date | dt.datetime | dt.time | dt.timedelta | None


P = ParamSpec("P")
R = TypeVar("R")


def _gc_paused(work: Callable[P, R]) -> Callable[P, R]:
    """Run without Python's cycle collector: a big list makes millions of small objects, all
    alive until the end, and the collector would walk them again and again (a third of the
    time of a 50,000-row import). Nothing of it is a cycle left behind."""

    @functools.wraps(work)
    def paused(*args: P.args, **kwargs: P.kwargs) -> R:
        enabled = gc.isenabled()
        gc.disable()
        try:
            return work(*args, **kwargs)
        finally:
            if enabled:
                gc.enable()

    return paused


def _reader() -> ModuleType:
    """The spreadsheet reader, loaded when a file is opened (python-calamine is not needed
    to start the app)."""
    from desktop_app.documents import sheet_reader

    return sheet_reader


KINDS = ("people", "members", "attendance", "ledger", "cdht")
ON_MATCH = ("skip", "fill", "update")

NEW, MATCH, DUPLICATE, REJECTED, IGNORED = "new", "match", "duplicate", "rejected", "ignored"
STATUSES = (NEW, MATCH, DUPLICATE, REJECTED, IGNORED)

# How many rows the header is looked for in, and how many are read for a preview.
HEADER_SCAN = 40
PREVIEW_ROWS = 100
# The rows a column's font is told from (the detection looks at no more than these).
DETECT_ROWS = 2000
# From this many new people the people's indexes are built once after the insert.
BULK_MIN_ROWS = 20_000

# The person fields an on-match "fill" or "update" may change (the columns of `person`).
PERSON_COLUMNS = ("sex", "birth", "cccd", "phone", "hamlet_id", "ethnicity", "religion", "notes")

# Rows under the table that are not people: the signature block and totals.
_FOOTER_WORDS = (
    "nguoi lap", "tong cong", "cong:", "xac nhan", "ky ten", "ky, ghi ro", "thu truong",
    "chu tich", "truong ban", "giam doc", "ngay thang nam", "danh sach nay",
)  # fmt: skip
_HEAD_OF_HOUSEHOLD = ("chu ho", "chu", "ch", "head", "head of household")


def column_letter(index: int) -> str:
    """Excel's column name: 0 → A, 25 → Z, 26 → AA."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(ord("A") + rest) + name
    return name


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# What the wizard shows --------------------------------------------------------------------


@dataclass(frozen=True)
class SheetChoice:
    name: str
    header_row: int | None  # 1-based, as Excel numbers rows; None: no header recognised
    visible: bool = True


@dataclass(frozen=True)
class ImportFile:
    path: Path
    sha256: str
    format: str
    sheets: tuple[SheetChoice, ...]
    default_sheet: str | None  # the first with a recognisable header
    already: repo.BatchRow | None  # this very file imported before (and not undone)


@dataclass(frozen=True)
class ColumnPlan:
    index: int
    letter: str
    header: str  # as the user reads it (converted from TCVN3/VNI when it was legacy)
    field: str | None  # None: not imported
    encoding: Encoding
    sample: tuple[tuple[str, str], ...] = ()  # (as in the file, as it will be) pairs
    note: str = ""  # a msgid saying what the import does with the column ('' when nothing)


@dataclass(frozen=True)
class PlannedRow:
    row: int  # 1-based sheet row
    status: str
    cells: dict[str, str]  # field -> the value as the user will see it (converted)
    person: PersonInput | None = None
    fields: PersonFields | None = None
    problems: tuple[Problem, ...] = ()
    match_id: str | None = None
    match_name: str = ""
    match_certain: bool = False  # the same CCCD (else: same name and birth, to confirm)
    duplicate_of: int | None = None
    hamlet_name: str = ""  # a hamlet the centre's list does not have yet
    household: str = ""  # the household key of the file ('' when none)
    relation: str = ""
    raw: tuple[Cell, ...] = ()  # the row's cells as in the file (for the list of rejects)
    # What reading the cells found wrong (before the row is checked against the registry):
    # a classification starts again from these.
    read_problems: tuple[Problem, ...] = ()
    # Members lists: the day joined (the file's, else the default), the card number in the
    # file, the branch as the file names it and the branch it is matched to, and, for a person
    # who is a member already, their number (nothing is done for them then).
    joined: dt.date | None = None
    card_number: str = ""
    branch_name: str = ""
    branch_id: str | None = None
    member_number: str = ""
    # Ledgers: the entry that will be recorded, and the voucher number as the file has it
    # (kept for display and history: the app numbers its own vouchers).
    entry: EntryInput | None = None
    voucher: str = ""
    # Attendance rosters: the sessions ticked (indexes into ImportPlan.sessions).
    present: tuple[int, ...] = ()
    # Status lists of the Công dân học tập platform: the status the row says (a
    # core.citizen_tracker.CitizenStatus value, '' when it cannot be told) and the days of the
    # stages it gives (citizen_status column, day or None).
    cdht_status: str = ""
    cdht_days: tuple[tuple[str, dt.date | None], ...] = ()


@dataclass(frozen=True)
class ImportPlan:
    file: ImportFile
    kind: str
    sheet: str
    header_row: int  # 1-based
    columns: tuple[ColumnPlan, ...]
    rows: tuple[PlannedRow, ...]
    unknown_hamlets: tuple[str, ...]
    signature: str
    complete: bool = True  # False: a preview of the first rows only
    header_cells: tuple[Cell, ...] = ()  # the header row as in the file
    # The registry as the rows were classified against it, and the options they were
    # classified with: `apply` classifies again when either is not the same any more.
    stamp: tuple[int, ...] = ()
    options: ImportOptions | None = None
    # Attendance rosters: each session column as the class's session it is (or one to add).
    sessions: tuple[PlannedSession, ...] = ()

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)

    @property
    def counts(self) -> dict[str, int]:
        tally = Counter(r.status for r in self.rows)  # one pass, not one per status
        out = {s: tally[s] for s in STATUSES}
        out["rows"] = sum(out[s] for s in (NEW, MATCH, DUPLICATE, REJECTED))
        return out

    def mapping(self) -> dict[str, str]:
        """Column letter -> field, of the columns imported."""
        return {c.letter: c.field for c in self.columns if c.field}


@dataclass(frozen=True)
class ImportOptions:
    on_match: str = "skip"  # skip | fill (only empty fields) | update (the file's values win)
    create_hamlets: bool = False  # add the hamlets the centre's list does not have
    hamlet_map: Mapping[str, str] = field(default_factory=dict)  # file's name -> hamlet id
    skip_rejected: bool = False  # import the good rows and leave the rejected out
    # Members lists: the branch and the day joined of the rows that do not give them (None:
    # no branch, such rows are rejected; today).
    branch_id: str | None = None
    joined_on: dt.date | None = None
    fund_id: str | None = None  # ledgers: the fund (None: the centre's only fund)
    course_id: str | None = None  # attendance rosters: the class


@dataclass(frozen=True)
class ImportResult:
    import_id: str
    counts: dict[str, int]
    changes: OpChanges


@dataclass(frozen=True)
class UndoResult:
    import_id: str
    removed: int
    restored: int
    changes: OpChanges
    members_removed: int = 0
    voided: int = 0  # ledgers: the entries voided (each by its reversal)
    counts: dict[str, int] = field(default_factory=dict)  # the kind's own (attendance: ticks...)


class KindImport(Protocol):
    """A kind whose rows are not people (the ledger): it reads, classifies, imports and undoes
    them itself; ImportService finds the file, the sheet, the header and the mapping."""

    def read_rows(
        self, data: Sequence[Sequence[Cell]], data_start: int, columns: Sequence[ColumnPlan]
    ) -> list[PlannedRow]: ...

    def classify(self, plan: ImportPlan, options: ImportOptions) -> ImportPlan: ...

    def apply(
        self, plan: ImportPlan, options: ImportOptions, progress: Progress
    ) -> ImportResult: ...

    def undo(self, import_id: str) -> UndoResult: ...


# Reading the file -------------------------------------------------------------------------


def _header_guess(rows: Sequence[Sequence[Cell]], kind: str) -> table.HeaderGuess | None:
    return table.find_header(rows, kind, scan=HEADER_SCAN, convert=legacy_text.convert_row)


class ImportService:
    """Spreadsheet imports into one open database."""

    def __init__(
        self, db: Database, ops: Ops, kinds: Mapping[str, KindImport] | None = None
    ) -> None:
        self._db = db
        self._ops = ops
        self._kinds = dict(kinds or {})
        # The sheets of the last file opened, as read: the reader parses a whole sheet even
        # for its first rows, so the preview, the full check and the import read it once.
        self._read: tuple[Path, str, dict[str, list[list[Cell]]]] | None = None

    def _rows(self, path: Path, sha256: str, sheet: str) -> list[list[Cell]]:
        cached = self._read
        if cached is not None and cached[0] == path and cached[1] == sha256:
            if sheet in cached[2]:
                return cached[2][sheet]
        else:
            cached = (path, sha256, {})
            self._read = cached
        rows: list[list[Cell]] = _reader().read_rows(path, sheet)
        cached[2][sheet] = rows
        return rows

    def open_file(self, path: Path, kind: str = "people") -> ImportFile:
        """The file's sheets, which of them has a recognisable header, and whether this very
        file was imported before. SheetError (a UserError) for a file that cannot be read."""
        self._check_kind(kind)
        path = Path(path)
        book = _reader().open_workbook(path)
        choices = []
        default = None
        for info in book.sheets:
            header = None
            try:
                head = self._rows(path, book.sha256, info.name)[:HEADER_SCAN]
            except _reader().SheetError:
                head = []
            guess = _header_guess(head, kind) if head else None
            if guess is not None:
                header = guess.row + 1
                if default is None and info.visible:
                    default = info.name
            choices.append(SheetChoice(info.name, header, info.visible))
        return ImportFile(
            path, book.sha256, book.format, tuple(choices), default,
            repo.live_batch_of_file(self._db, book.sha256, kind),
        )  # fmt: skip

    @staticmethod
    def _check_kind(kind: str) -> None:
        if kind not in KINDS:
            raise UserError(
                N_("This version imports lists of people and of members only, not {kind}."),
                {"kind": kind},
            )

    @_gc_paused
    def plan(
        self,
        path: Path,
        kind: str = "people",
        *,
        sheet: str | None = None,
        header_row: int | None = None,
        mapping: Mapping[str, str] | None = None,
        encodings: Mapping[str, Encoding] | None = None,
        options: ImportOptions | None = None,
        limit: int | None = None,
        progress: Progress = no_progress,
        opened: ImportFile | None = None,
    ) -> ImportPlan:
        """Read the sheet and classify every row (or, with `limit`, the first rows: a
        preview). `mapping` (column letter or header text -> field key, '' for a column not
        imported) and `encodings` (column letter -> encoding) override the guesses;
        `header_row` (1-based) overrides the header found. Nothing is written."""
        self._check_kind(kind)
        opened = opened or self.open_file(Path(path), kind)
        sheet = sheet or opened.default_sheet or (opened.sheets[0].name if opened.sheets else "")
        if sheet not in {s.name for s in opened.sheets}:
            raise UserError(
                N_("The file has no sheet named {sheet}; its sheets are: {sheets}."),
                {"sheet": sheet, "sheets": ", ".join(s.name for s in opened.sheets)},
            )
        check(progress, 0, 3)
        wanted = None if limit is None else HEADER_SCAN + limit + 5
        rows = self._rows(opened.path, opened.sha256, sheet)
        complete = limit is None or len(rows) < (wanted or 0)
        if wanted is not None:
            rows = rows[:wanted]
        check(progress, 1, 3)
        guess = _header_guess(rows, kind)
        if header_row is not None:
            if not 1 <= header_row <= len(rows):
                raise UserError(
                    N_("Row {row} is not a row of the sheet {sheet}."),
                    {"row": header_row, "sheet": sheet},
                )
            header_index = header_row - 1
            header_cells = legacy_text.convert_row(rows[header_index])
            guessed = table.guess_mapping(header_cells, kind)
            data_start = header_index + 1
        elif guess is not None:
            header_index = guess.row
            header_cells = legacy_text.convert_row(rows[header_index])
            guessed = dict(guess.mapping)
            data_start = guess.data_start
        else:
            raise UserError(
                N_(
                    "No header row was found in the sheet {sheet}: the app looks for column "
                    "titles such as \u201cHọ và tên\u201d, \u201cNgày sinh\u201d, "
                    "\u201cGiới tính\u201d in the first {rows} rows. Choose the header row "
                    "yourself, or another sheet."
                ),
                {"sheet": sheet, "rows": HEADER_SCAN},
            )
        width = max((len(r) for r in rows), default=0)
        data = rows[data_start:]
        found = _column_encodings(data, width, encodings or {})
        header_cells, guessed = _legacy_headers(
            rows[header_index], header_cells, guessed, found, kind
        )
        headers = [table.header_text(c) for c in header_cells] + [""] * width
        if header_row is None and guess is not None:
            # Under a merged "Số tiền", the second header row names the column ("Chi", "Tồn").
            for i, text in enumerate(guess.header[:width]):
                if text and not headers[i]:
                    headers[i] = text
        signature = table.header_signature(header_cells)
        chosen = dict(guessed)
        saved = repo.saved_mapping(self._db, signature, kind) if mapping is None else None
        if saved is not None:
            chosen = self._mapping_from(saved, headers, width, kind)
        if mapping is not None:
            chosen = self._mapping_from(mapping, headers, width, kind, base=chosen)
        if not table.has_required(chosen, kind):
            raise table.no_name_column_error(kind)
        columns = self._columns(data, headers, width, chosen, found)
        check(progress, 2, 3)
        own = self._kinds.get(kind)
        if own is not None:
            planned = own.read_rows(data, data_start, columns)
        else:
            planned = self._read_rows(data, data_start, columns)
        plan = ImportPlan(
            opened, kind, sheet, header_index + 1, tuple(columns), tuple(planned), (),
            signature, complete, tuple(rows[header_index]),
        )  # fmt: skip
        plan = self._classify(plan, options or ImportOptions())
        check(progress, 3, 3)
        return plan

    @staticmethod
    def _mapping_from(
        given: Mapping[str, str], headers: Sequence[str], width: int, kind: str,
        base: Mapping[int, str] | None = None,
    ) -> dict[int, str]:  # fmt: skip
        keys = {f.key for f in table.FIELDS[kind]}
        letters = {column_letter(i): i for i in range(width)}
        folded: dict[str, int] = {}
        for i in range(width):
            if headers[i]:
                folded.setdefault(fold(headers[i]).strip(), i)
        out = dict(base or {})
        for column, key in given.items():
            name = str(column).strip()
            index = letters.get(name.upper()) if name.isalpha() and len(name) <= 3 else None
            if index is None:
                index = folded.get(fold(name).strip())
            if index is None:
                raise UserError(
                    N_("The mapping names a column {column} that the sheet does not have."),
                    {"column": name},
                )
            if key and key not in keys:
                raise UserError(
                    N_(
                        "{field} is not a field a list of {kind} can have; the fields are: "
                        "{fields}."
                    ),
                    {"field": key, "kind": kind, "fields": ", ".join(sorted(keys))},
                )  # fmt: skip
            if key:
                for other, value in list(out.items()):
                    if value == key and other != index and key != table.SESSION:
                        del out[other]
                out[index] = key
            else:
                out.pop(index, None)
        return out

    @staticmethod
    def _columns(
        data: Sequence[Sequence[Cell]], headers: Sequence[str], width: int,
        chosen: Mapping[int, str], encodings: Sequence[Encoding],
    ) -> list[ColumnPlan]:  # fmt: skip
        columns = []
        for i in range(width):
            letter = column_letter(i)
            texts = [r[i] for r in data if i < len(r) and isinstance(r[i], str)]
            encoding = encodings[i]
            sample = tuple(
                (t, legacy_text.to_unicode(t, encoding))
                for t in dict.fromkeys(t for t in texts if isinstance(t, str))
                if legacy_text.to_unicode(t, encoding) != t
            )[:5]
            header = headers[i]
            if not header and not texts and i not in chosen:
                continue  # an empty column
            note = _DUES_NOTE if chosen.get(i) == "dues" else ""
            columns.append(ColumnPlan(i, letter, header, chosen.get(i), encoding, sample, note))
        return columns

    def _read_rows(
        self, data: Sequence[Sequence[Cell]], data_start: int,
        columns: Sequence[ColumnPlan],
    ) -> list[PlannedRow]:  # fmt: skip
        mapped = [c for c in columns if c.field]
        has_number = any(c.field == "row_number" for c in mapped)
        out: list[PlannedRow] = []
        for offset, raw in enumerate(data):
            row_number = data_start + offset + 1
            cells: dict[str, Cell] = {}
            shown: dict[str, str] = {}
            for c in mapped:
                cell = raw[c.index] if c.index < len(raw) else None
                if isinstance(cell, str):
                    cell = legacy_text.to_unicode(cell, c.encoding)
                    cell = cell.strip() or None
                if cell is None:
                    continue
                assert c.field is not None
                cells[c.field] = cell
                shown[c.field] = _shown(cell)
            texts = [v for v in shown.values() if v]
            if not texts:
                continue  # a blank row
            # The signature block and totals under the table: their words sit where a name
            # or a row number would ("Người lập biểu", "Tổng cộng"). Only there: a person's
            # notes may well say "Chủ tịch hội".
            label = " ".join(
                shown.get(k, "") for k in ("row_number", "full_name", "family_name", "given_name")
            )
            if _is_footer(label) or (
                has_number and "row_number" not in cells and not _name_of(cells)
            ):
                out.append(PlannedRow(row_number, IGNORED, shown, raw=tuple(raw)))
                continue
            out.append(_with(self._person_row(row_number, cells, shown), raw=tuple(raw)))
        return out

    def _person_row(
        self, row_number: int, cells: Mapping[str, Cell], shown: dict[str, str]
    ) -> PlannedRow:
        problems: list[Problem] = []

        def parsed(key: str, parse: object) -> object:
            cell = cells.get(key)
            if cell is None:
                return None
            try:
                return parse(cell)  # type: ignore[operator]
            except UserError as exc:
                problems.append(Problem(key, exc.message, exc.params))
                return None

        name = _name_of(cells)
        birth = parsed("birth", values.parse_birth)
        if birth is None and "birth" not in cells:
            birth = parsed("birth_year", values.parse_birth)
        sex = parsed("sex", values.parse_sex)
        if sex is None and "sex" not in cells:
            female = parsed("female_mark", values.parse_mark)
            male = parsed("male_mark", values.parse_mark)
            # "Năm sinh" over "Nam" | "Nữ": the birth year is written in the sex's column.
            if birth is None and "birth" not in cells and "birth_year" not in cells:
                for key in ("female_mark", "male_mark"):
                    if birth is None and _looks_like_year(cells.get(key)):
                        birth = parsed(key, values.parse_birth)
            if female and not male:
                sex = Sex.FEMALE
            elif male and not female:
                sex = Sex.MALE
            elif female and male:
                problems.append(
                    Problem("sex", N_("Both the male and the female column are ticked."))
                )
        cccd = parsed("cccd", values.parse_cccd) or ""
        phone = parsed("phone", values.parse_phone) or ""
        text = {
            k: values.parse_text(cells[k]) if k in cells else ""
            for k in ("hamlet", "address", "ethnicity", "religion", "notes", "household",
                      "relation")
        }  # fmt: skip
        joined = parsed("joined", values.parse_day_cell)
        card = values.parse_text(cells["card_number"]) if "card_number" in cells else ""
        branch = values.parse_text(cells["branch"]) if "branch" in cells else ""
        notes = text["notes"]
        if text["address"] and not text["hamlet"]:
            found = self._hamlet_in(text["address"])
            if found:
                text["hamlet"] = found
        if text["address"]:
            notes = "\n".join(x for x in (notes, f"{text['address']}") if x)
        person = PersonInput(
            full_name=name,
            sex=sex if isinstance(sex, Sex) else None,
            birth=birth.display() if isinstance(birth, Birth) else "",
            cccd=str(cccd),
            phone=str(phone),
            hamlet_id=None,
            ethnicity=text["ethnicity"],
            religion=text["religion"],
            notes=notes,
        )
        return PlannedRow(
            row_number, REJECTED if problems else NEW, shown, person, None, tuple(problems),
            read_problems=tuple(problems),
            hamlet_name=text["hamlet"], household=text["household"], relation=text["relation"],
            joined=joined if isinstance(joined, dt.date) else None, card_number=card,
            branch_name=branch,
        )  # fmt: skip

    def _hamlets(self) -> dict[str, str]:
        """Folded hamlet name -> id, of the hamlets the centre has (with and without their
        kind word: "Thôn Đông" and "Đông")."""
        out: dict[str, str] = {}
        for h in people_repo.list_hamlets(self._db):
            name = fold(h.name).strip()
            out.setdefault(name, h.id)
            words = name.split()
            for size in (1, 2):
                if len(words) > size and " ".join(words[:size]) in _HAMLET_WORDS:
                    out.setdefault(" ".join(words[size:]), h.id)
        return out

    def _hamlet_in(self, address: str) -> str:
        """The name of one of the centre's hamlets that the address names, else ''."""
        folded = f" {fold(address)} "
        for h in people_repo.list_hamlets(self._db):
            if f" {fold(h.name).strip()} " in folded:
                return h.name
        return ""

    # Classifying ------------------------------------------------------------------------

    def _classify(self, plan: ImportPlan, options: ImportOptions) -> ImportPlan:
        """Validate every row as the person form would, match it against the people held,
        and find duplicates within the file. Reads the database as it is now."""
        if (own := self._kinds.get(plan.kind)) is not None:
            return own.classify(plan, options)
        db = self._db
        today = dt.date.today()
        hamlets = self._hamlets()
        chosen_hamlets = {fold(k).strip(): v for k, v in options.hamlet_map.items()}
        known_ids = people_repo.hamlet_ids(db)
        held = repo.held_people(db, db.site_id)
        by_cccd = {p.cccd: p for p in held if p.cccd}
        by_name: dict[str, list[repo.HeldPerson]] = {}
        for p in held:
            if not p.deleted:
                by_name.setdefault(p.folded_name, []).append(p)
        seen_cccd: dict[str, int] = {}
        seen_name: dict[tuple[str, str], int] = {}
        unknown: dict[str, str] = {}
        out = []
        for r in plan.rows:
            if r.person is None or r.status == IGNORED:
                out.append(r)
                continue
            hamlet_id = None
            hamlet_name = r.hamlet_name
            problems = list(r.read_problems)
            if hamlet_name:
                key = fold(hamlet_name).strip()
                hamlet_id = chosen_hamlets.get(key) or hamlets.get(key)
                if hamlet_id is not None and hamlet_id not in known_ids:
                    hamlet_id = None
                if hamlet_id is None:
                    unknown.setdefault(key, hamlet_name)
                    if not options.create_hamlets:
                        problems.append(
                            Problem(
                                "hamlet",
                                N_(
                                    "The hamlet {hamlet} is not in the centre's list: map it "
                                    "to one of the list, or let the import add it."
                                ),
                                {"hamlet": hamlet_name},
                            )
                        )
            fields, found = validate_person(
                replace(r.person, hamlet_id=hamlet_id), today, known_ids
            )
            problems.extend(p for p in found if not p.warning)
            status, match = (REJECTED if problems else NEW), None
            certain, duplicate_of = False, None
            if fields is not None and not problems:
                birth = fields.birth.iso() if fields.birth else ""
                folded = fold(fields.full_name)
                if fields.cccd and fields.cccd in seen_cccd:
                    status, duplicate_of = DUPLICATE, seen_cccd[fields.cccd]
                elif (folded, birth) in seen_name and birth:
                    status, duplicate_of = DUPLICATE, seen_name[(folded, birth)]
                else:
                    holder = by_cccd.get(fields.cccd) if fields.cccd else None
                    if holder is not None and holder.deleted:
                        problems.append(
                            Problem(
                                "cccd",
                                N_(
                                    "CCCD {cccd} already belongs to {name}, who was deleted. "
                                    "Restore that person instead of adding a new one."
                                ),
                                {"cccd": mask_cccd(fields.cccd or ""), "name": holder.full_name},
                            )
                        )
                        status = REJECTED
                    elif holder is not None:
                        status, match, certain = MATCH, holder, True
                    else:
                        candidates = [
                            p for p in by_name.get(folded, []) if _same_birth(p.birth, birth)
                        ]
                        if candidates:
                            found_cccd = candidates[0].cccd
                            if fields.cccd and found_cccd and found_cccd != fields.cccd:
                                pass  # the same name and birth, another number: someone else
                            else:
                                status, match = MATCH, candidates[0]
                if fields.cccd:
                    seen_cccd.setdefault(fields.cccd, r.row)
                if birth:
                    seen_name.setdefault((folded, birth), r.row)
            out.append(
                _with(
                    r, status=status, fields=fields if status != REJECTED else None,
                    problems=tuple(problems), match_id=match.id if match else None,
                    match_name=match.full_name if match else "", match_certain=certain,
                    duplicate_of=duplicate_of,
                    hamlet_name=hamlet_name if hamlet_id is None else "",
                )
            )  # fmt: skip
        if plan.kind == "members":
            out = self._classify_members(out, options, today)
        if plan.kind == "attendance":
            out, plan = self._classify_attendance(out, plan, options)
        return replace(
            plan, rows=tuple(out), unknown_hamlets=tuple(unknown.values()),
            stamp=repo.registry_stamp(db), options=options,
        )  # fmt: skip

    def _branches(self) -> dict[str, str]:
        """Folded branch name -> id, of the centre's branches: with and without "Chi hội"
        ("Chi hội Thôn Đông", "Thôn Đông") and, after it, without the hamlet's kind word
        ("Đông"); a shortened name that two branches share is left out."""
        out: dict[str, str] = {}
        short: dict[str, set[str]] = {}
        for b in members_repo.list_branches(self._db):
            keys = _branch_keys(fold(b.name).strip())
            out[keys[0]] = b.id
            for key in keys[1:]:
                short.setdefault(key, set()).add(b.id)
        for key, ids in short.items():
            if len(ids) == 1 and key not in out:
                out[key] = next(iter(ids))
        return out

    def branch_named(self, name: str) -> str:
        """The id of the branch called `name` (matched as a file's "Chi hội" column is);
        a UserError listing the branches when there is none."""
        found = _find_branch(self._branches(), name)
        if found is None:
            raise _unknown_branch(name, self._db)
        return found

    def _classify_members(
        self, rows: Sequence[PlannedRow], options: ImportOptions, today: dt.date
    ) -> list[PlannedRow]:
        """A members list: each row that is (or matches) a person who is not a member yet
        needs a branch, a day joined that is not in the future, and a card number no other
        member holds (or none: the next free number is given on import). A person who is a
        member already is a match with nothing to do."""
        branches = self._branches()
        live_branches = {b.id for b in members_repo.list_branches(self._db)}
        if options.branch_id is not None and options.branch_id not in live_branches:
            raise UserError(
                N_("The branch chosen for the rows without one is not in the list of branches.")
            )
        default_joined = options.joined_on or today
        if default_joined > today:
            raise UserError(N_("The join date for the rows without one is in the future."))
        numbers = members_repo.held_numbers(self._db)
        members = members_repo.live_members_of_people(self._db)
        seen: dict[str, int] = {}
        out = []
        for r in rows:
            if r.person is None or r.status in (IGNORED, DUPLICATE):
                out.append(r)
                continue
            card = r.card_number
            first = seen.setdefault(card, r.row) if card else r.row
            if r.status == REJECTED:
                out.append(r)
                continue
            if r.status == MATCH and r.match_id in members:
                assert r.match_id is not None
                out.append(replace(r, member_number=members[r.match_id]))
                continue
            problems = list(r.problems)
            branch_id = None
            if r.branch_name:
                branch_id = _find_branch(branches, r.branch_name)
                if branch_id is None:
                    problems.append(
                        Problem(
                            "branch",
                            N_(
                                "The branch {branch} is not in the centre's list of branches "
                                "({branches}): add it on the Members page, or correct the "
                                "file."
                            ),
                            {"branch": r.branch_name, "branches": _branch_list(self._db)},
                        )
                    )
            elif options.branch_id is not None:
                branch_id = options.branch_id
            else:
                problems.append(
                    Problem(
                        "branch",
                        N_(
                            "No branch (chi hội) is given for this member: fill the Chi hội "
                            "column, or choose the branch for the rows without one."
                        ),
                    )
                )
            joined = r.joined or default_joined
            if joined > today:
                problems.append(Problem("joined", N_("The join date is in the future.")))
            if card:
                holder = numbers.get(card)
                if holder is not None:
                    problems.append(
                        Problem(
                            "card_number",
                            N_(
                                "Member number {number} is already {name}'s: a number is "
                                "never given twice. Correct it in the file, or leave it empty "
                                "for the next free one."
                            ),
                            {"number": card, "name": holder.full_name},
                        )
                    )
                elif first != r.row:
                    problems.append(
                        Problem(
                            "card_number",
                            N_("Member number {number} is also on row {row} of the file."),
                            {"number": card, "row": first},
                        )
                    )
            rejected = len(problems) > len(r.problems)
            out.append(
                replace(
                    r, status=REJECTED if rejected else r.status,
                    fields=None if rejected else r.fields, problems=tuple(problems),
                    joined=joined, branch_id=branch_id,
                )
            )  # fmt: skip
        return out

    def _classify_attendance(
        self, rows: Sequence[PlannedRow], plan: ImportPlan, options: ImportOptions
    ) -> tuple[list[PlannedRow], ImportPlan]:
        """A roster: its session columns as the class's sessions (import_attendance), and each
        row's ticks; a cell that is neither a tick nor an absence rejects its row."""
        columns = attendance.session_columns(plan.columns)
        sessions = attendance.plan_sessions(self._db, options.course_id, columns, plan.header_cells)
        out = []
        for r in rows:
            if r.person is None or r.status in (IGNORED, DUPLICATE):
                out.append(r)
                continue
            present, bad = attendance.read_ticks(r.raw, columns)
            cells = {k: v for k, v in r.cells.items() if k != table.SESSION}
            if bad:
                r = _with(r, status=REJECTED, fields=None, match_id=None, match_name="",
                          match_certain=False, problems=r.problems + bad)  # fmt: skip
            out.append(_with(r, present=() if bad else present, cells=cells))
        return out, replace(plan, sessions=sessions)

    def attendance_counts(self, plan: ImportPlan) -> dict[str, int]:
        """What importing a roster would do to its class: `enrolled`, `ticks` (marks added)
        and `sessions_created`."""
        course = attendance.course_of(self._db, (plan.options or ImportOptions()).course_id)
        return attendance.forecast(self._db, course.id, plan.sessions, _roster(plan.rows, {}))

    # Importing ---------------------------------------------------------------------------

    @_gc_paused
    def apply(
        self, plan: ImportPlan, options: ImportOptions | None = None,
        progress: Progress = no_progress,
    ) -> ImportResult:  # fmt: skip
        """Import every new row (and, as `options.on_match` says, the matches) in one
        operation: all of it or nothing. Refused when the plan is a preview, when rows are
        rejected (unless `skip_rejected`), or when this very file was imported already."""
        options = options or ImportOptions()
        if options.on_match not in ON_MATCH:
            raise UserError(N_("Say skip, fill or update for the people already in the registry."))
        if not plan.complete:
            raise UserError(N_("This is a preview of the first rows: check the whole file first."))
        rejected = plan.count(REJECTED)
        if rejected and not options.skip_rejected:
            raise UserError(
                N_(
                    "{count} rows cannot be imported as they are: fix them in the file and "
                    "check it again, or import the other rows and leave these out. Nothing was "
                    "imported."
                ),
                {"count": rejected},
            )
        check(progress, 0, 4)
        if (own := self._kinds.get(plan.kind)) is not None:
            result = own.apply(plan, options, progress)
            self._read = None
            return result
        batch_id = new_id()
        with self._ops.op(f"import.{plan.kind}") as op:
            done = repo.live_batch_of_file(self._db, plan.file.sha256, plan.kind)
            if done is not None:
                raise _already(done)
            # What is imported is what the registry holds now, not at the preview: classified
            # again if anything was written since, or the options changed.
            fresh = plan
            if plan.stamp != repo.registry_stamp(self._db) or plan.options != options:
                fresh = self._classify(replace(plan, rows=tuple(_unclassified(plan.rows))), options)
            if fresh.counts != plan.counts and not options.skip_rejected:
                raise UserError(
                    N_(
                        "The registry changed since the file was checked (someone added or "
                        "edited people): check the file again. Nothing was imported."
                    )
                )
            tx = op.tx
            created_hamlets: dict[str, str] = {}
            if options.create_hamlets:
                for name in fresh.unknown_hamlets:
                    created_hamlets[fold(name).strip()] = people_repo.insert_hamlet(
                        tx, nfc(name), HamletKind.THON
                    )
            check(progress, 1, 4)
            new_rows = [r for r in fresh.rows if r.status == NEW and r.fields is not None]
            people = []
            for r in new_rows:
                assert r.fields is not None
                fields = r.fields
                if r.hamlet_name:
                    fields = _copy_with(
                        fields, hamlet_id=created_hamlets[fold(r.hamlet_name).strip()]
                    )
                people.append((r, fields))
            households = _households(people)
            household_ids = people_repo.bulk_insert_households(
                tx, [(h.hamlet_id, h.address) for h in households]
            )
            member_of: dict[int, tuple[str, str]] = {}
            for h, hid in zip(households, household_ids, strict=True):
                for row, relation in h.members:
                    member_of[row] = (hid, relation)
            bulk = [
                people_repo.BulkPerson(
                    fields, member_of.get(r.row, (None, ""))[0], member_of.get(r.row, ("", ""))[1]
                )
                for r, fields in people
            ]
            if len(bulk) >= BULK_MIN_ROWS:
                with people_repo.bulk_loading(self._db):
                    ids = people_repo.bulk_insert_people(tx, bulk)
            else:
                ids = people_repo.bulk_insert_people(tx, bulk)
            row_ids = {r.row: pid for (r, _f), pid in zip(people, ids, strict=True)}
            heads = [
                (hid, row_ids[h.head]) for h, hid in zip(households, household_ids, strict=True)
            ]
            people_repo.bulk_set_heads(tx, heads)
            member_ids = self._insert_members(tx, fresh, row_ids) if plan.kind == "members" else []
            check(progress, 2, 4)
            effects = [repo.Effect("hamlet", hid, repo.CREATED) for hid in created_hamlets.values()]
            effects += [repo.Effect("household", hid, repo.CREATED) for hid in household_ids]
            effects += [repo.Effect("person", pid, repo.CREATED) for pid in ids]
            effects += [repo.Effect("member", mid, repo.CREATED) for mid in member_ids]
            updated = 0
            if options.on_match != "skip":
                for r in fresh.rows:
                    if r.status != MATCH or r.fields is None or r.match_id is None:
                        continue
                    before = self._merge(tx, r.match_id, r.fields, options.on_match)
                    if before:
                        updated += 1
                        effects.append(repo.Effect("person", r.match_id, repo.UPDATED, before))
            counts = fresh.counts
            counts.update(
                created=len(ids), updated=updated, hamlets_created=len(created_hamlets),
                households_created=len(household_ids),
            )  # fmt: skip
            if plan.kind == "members":
                counts["members_created"] = len(member_ids)
            if plan.kind == "attendance":
                course_id = attendance.course_of(self._db, options.course_id).id
                now = attendance.plan_sessions(
                    self._db, course_id, attendance.session_columns(plan.columns),
                    plan.header_cells,
                )  # fmt: skip
                more, recorded = attendance.record(
                    tx, self._db, course_id, plan.sessions, now, _roster(fresh.rows, row_ids)
                )
                effects += more
                counts.update(recorded)
            repo.insert_batch(
                tx, batch_id=batch_id, kind=plan.kind, file_name=plan.file.path.name,
                sha256=plan.file.sha256, sheet=plan.sheet, header_row=plan.header_row,
                mapping={"columns": plan.mapping(), "on_match": options.on_match},
                counts=counts,
                target_id=options.course_id if plan.kind == "attendance" else None,
            )  # fmt: skip
            repo.insert_effects(tx, batch_id, effects)
            repo.save_mapping(tx, plan.signature, plan.kind, plan.mapping())
            check(progress, 3, 4)  # the last moment Cancel leaves nothing imported
        self._read = None  # the list is in: its rows need not stay in memory
        progress(4, 4)
        return ImportResult(batch_id, counts, op.result(None).changes)

    def _insert_members(
        self, tx: object, plan: ImportPlan, person_of_row: Mapping[int, str]
    ) -> list[str]:
        """A member for each new person and each matched one who is not a member yet: the
        file's card number, or else the next number, as the member form gives it: after the
        highest held or in the file (in the order of the rows)."""
        from desktop_app.storage.tx import Tx

        assert isinstance(tx, Tx)
        taken = set(members_repo.held_numbers(self._db))
        taken.update(r.card_number for r in plan.rows if r.card_number)
        in_file = [int(r.card_number) for r in plan.rows if r.card_number.isdigit()]
        following = max([members_repo.next_member_number(self._db), *(n + 1 for n in in_file)])
        rows = []
        for r in plan.rows:
            if r.status == NEW:
                person_id = person_of_row[r.row]
            elif r.status == MATCH and r.match_id is not None and not r.member_number:
                person_id = r.match_id
            else:
                continue
            assert r.branch_id is not None and r.joined is not None
            number = r.card_number
            if not number:
                while str(following) in taken:
                    following += 1
                number = str(following)
                taken.add(number)
            rows.append((person_id, number, r.branch_id, r.joined, MemberStatus.ACTIVE, None))
        return members_repo.bulk_insert_members(tx, rows)

    def _merge(self, tx: Tx, person_id: str, fields: PersonFields, how: str) -> dict[str, object]:
        """Fill (only empty) or update (the file's non-empty values win) the fields of a
        person held; returns the changed columns with their values before."""
        held = repo.person_columns(self._db, person_id, PERSON_COLUMNS)
        incoming: dict[str, object] = {
            "sex": fields.sex.value if fields.sex else None,
            "birth": fields.birth.iso() if fields.birth else "",
            "cccd": fields.cccd,
            "phone": fields.phone,
            "hamlet_id": fields.hamlet_id,
            "ethnicity": fields.ethnicity,
            "religion": fields.religion,
            "notes": fields.notes,
        }
        changed: dict[str, object] = {}
        for column, value in incoming.items():
            if value in (None, ""):
                continue
            old = held.get(column)
            if old == value:
                continue
            if how == "fill" and old not in (None, ""):
                continue
            if column == "notes" and old:
                value = f"{old}\n{value}"
            changed[column] = value
        if not changed:
            return {}
        before = {c: held.get(c) for c in changed}
        if "birth" in changed:
            birth = str(changed["birth"])
            changed["birth_year"] = int(birth[:4]) if birth else None
            before["birth_year"] = int(str(held["birth"])[:4]) if held.get("birth") else None
        if "hamlet_id" in changed:
            changed["hamlet_key"] = people_repo.hamlet_sort_key(self._db, str(changed["hamlet_id"]))
            before["hamlet_key"] = people_repo.hamlet_sort_key(
                self._db, None if held.get("hamlet_id") is None else str(held["hamlet_id"])
            )
        if "cccd" in changed or "phone" in changed:
            current = people_repo.get_person(self._db, person_id)
            assert current is not None
            changed["search_text"] = people_repo.search_text(
                fold(current.full_name),
                str(changed.get("cccd", held.get("cccd")) or "") or None,
                str(changed.get("phone", held.get("phone")) or "") or None,
            )
            before["search_text"] = people_repo.search_text(
                fold(current.full_name),
                None if held.get("cccd") is None else str(held["cccd"]),
                None if held.get("phone") is None else str(held["phone"]),
            )
        tx.update("person", person_id, changed)
        return before

    def head_rows(self, path: Path, sheet: str, count: int = HEADER_SCAN) -> list[list[Cell]]:
        """The first rows of a sheet as in the file (for choosing the header row)."""
        path = Path(path)
        cached = self._read
        if cached is not None and cached[0] == path and sheet in cached[2]:
            return [list(r) for r in cached[2][sheet][:count]]
        return [list(r) for r in _reader().read_rows(path, sheet, limit=count)]

    def save_rejected(self, plan: ImportPlan, out: Path) -> Path:
        """The rejected rows as an xlsx (the sheet's own columns, then the reasons), to fix
        and import again. `out` is checked like every output (never the database)."""
        from desktop_app.documents.import_rejects import write_rejects
        from desktop_app.i18n import tr
        from desktop_app.services.outputs import check_output

        target = check_output(Path(out), self._db.path)
        rows = [
            (
                r.row, r.raw,
                "; ".join(tr(p.message, **p.params) for p in r.problems),
            )
            for r in plan.rows
            if r.status == REJECTED
        ]  # fmt: skip
        if not rows:
            raise UserError(N_("No row was rejected: there is nothing to save."))
        return write_rejects(target, plan.header_cells, rows)

    # History and undo -----------------------------------------------------------------------

    def history(self) -> list[repo.BatchRow]:
        return repo.batches(self._db)

    def get(self, import_id: str) -> repo.BatchRow:
        batch = repo.get_batch(self._db, import_id)
        if batch is None:
            raise UserError(N_("No import has the id {id}."), {"id": import_id})
        return batch

    def undo(self, import_id: str) -> UndoResult:
        """Undo a whole import: the people, households and hamlets it created are deleted
        (soft, as any deletion) and the fields it changed get their values back. Refused, with
        the reason, when a record made later depends on what it created, or when a row it
        wrote was changed since."""
        if (own := self._kinds.get(self.get(import_id).kind)) is not None:
            return own.undo(import_id)
        with self._ops.op("import.undo") as op:
            batch = self.get(import_id)
            if batch.undone_at is not None:
                raise UserError(
                    N_("This import was undone already, on {date}."),
                    {"date": _day(batch.undone_at)},
                )
            effects = repo.effects_of(self._db, import_id)
            mine = {(e.table, e.row_id) for e in effects}
            changed_since = []
            for tbl in _UNDONE_TABLES:
                ids = [e.row_id for e in effects if e.table == tbl]
                held = repo.versions(self._db, tbl, ids)
                want = {e.row_id: e.version for e in effects if e.table == tbl}
                changed_since += [(tbl, i) for i in ids if i in held and held[i][0] != want[i]]
            if changed_since:
                names = self._names([i for t, i in changed_since if t == "person"])
                raise UserError(
                    N_(
                        "Records this import made were changed since ({names}): undoing it "
                        "would lose those changes. Nothing was undone."
                    ),
                    {"names": names or str(len(changed_since))},
                )
            created = {t: [e.row_id for e in effects if e.table == t and e.action == repo.CREATED]
                       for t in _UNDONE_TABLES}  # fmt: skip
            paid = members_repo.members_with_dues(self._db, created["member"])
            if paid:
                raise UserError(
                    N_(
                        "Dues were collected since from members this import added ({count} of "
                        "them, e.g. {names}): undoing it would lose the record of their "
                        "payments. Mark those who left as left instead. Nothing was undone."
                    ),
                    {"count": len(paid), "names": ", ".join(sorted(paid.values())[:3])},
                )
            later = repo.dependants(self._db, "member", created["member"], mine)
            later += repo.dependants(self._db, "person", created["person"], mine)
            later += repo.dependants(self._db, "household", created["household"], mine)
            later += repo.dependants(self._db, "hamlet", created["hamlet"], mine)
            if later:
                names = self._names([self._person_of(ref) for _t, _i, ref in later])
                raise UserError(
                    N_(
                        "Records added after the import use what it created ({count} of them, "
                        "e.g. for {names}): remove those first, or keep the import. Nothing "
                        "was undone."
                    ),
                    {"count": len(later), "names": names},
                )
            if batch.kind == "attendance":
                attendance.check_undo(self._db, effects, mine)
            tx = op.tx
            extra = attendance.undo(tx, self._db, effects) if batch.kind == "attendance" else {}
            numbers = members_repo.held_numbers(self._db)
            of_member = {h.member_id: number for number, h in numbers.items()}
            for member_id in created["member"]:
                members_repo.remove_imported_member(tx, member_id, of_member[member_id], import_id)
            for tbl in ("person", "household", "hamlet"):
                for row_id in created[tbl]:
                    tx.update(tbl, row_id, {"deleted": 1})
            restored = 0
            for e in effects:
                if e.action == repo.UPDATED and e.before:
                    repo.restore_columns(tx, e.table, e.row_id, e.before)
                    restored += 1
            repo.mark_undone(tx, import_id)
        return UndoResult(
            import_id, len(created["person"]), restored, op.result(None).changes,
            len(created["member"]), counts=extra,
        )  # fmt: skip

    def _person_of(self, row_id: str) -> str:
        """The person a member is (a member's id given), else the id itself."""
        member = members_repo.get_member(self._db, row_id)
        return member.person_id if member is not None else row_id

    def _names(self, person_ids: Sequence[str]) -> str:
        names = []
        for pid in list(dict.fromkeys(person_ids))[:3]:
            person = people_repo.get_person(self._db, pid)
            if person is not None:
                names.append(person.full_name)
        return ", ".join(names)


_HAMLET_WORDS = frozenset(
    {"thon", "ap", "ban", "xom", "to", "khu", "khom", "to dan pho", "khu pho", "doi", "lang"}
)
_UNDONE_TABLES = ("member", "person", "household", "hamlet")
_BRANCH_WORDS = ("chi hoi khuyen hoc", "chi hoi")
_DUES_NOTE = N_(
    "Shown only: dues are not booked into the fund by an import. Record them with the fund's "
    "receipts (a dues batch per branch)."
)


def _branch_keys(folded: str) -> list[str]:
    """A folded branch name, then without "Chi hội (khuyến học)", then also without the
    hamlet's kind word: "chi hoi thon dong", "thon dong", "dong"."""
    keys = [folded]
    for word in _BRANCH_WORDS:
        if folded.startswith(word + " "):
            keys.append(folded[len(word) :].strip())
            break
    words = keys[-1].split()
    for size in (1, 2):
        if len(words) > size and " ".join(words[:size]) in _HAMLET_WORDS:
            keys.append(" ".join(words[size:]))
            break
    return keys


def _find_branch(branches: Mapping[str, str], name: str) -> str | None:
    keys = _branch_keys(fold(nfc(name)).strip())
    return next((branches[k] for k in keys if k in branches), None)


def _branch_list(db: Database) -> str:
    return ", ".join(b.name for b in members_repo.list_branches(db))


def _unknown_branch(name: str, db: Database) -> UserError:
    return UserError(
        N_("There is no branch called {name}; the branches are: {branches}."),
        {"name": name, "branches": _branch_list(db) or "—"},
    )


def _shown(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, dt.datetime):
        return cell.strftime("%d/%m/%Y") if cell.time() == dt.time() else cell.isoformat(" ")
    if isinstance(cell, dt.date):
        return cell.strftime("%d/%m/%Y")
    if isinstance(cell, str):
        return " ".join(cell.split())  # already NFC (the legacy conversion makes it so)
    return nfc(str(cell))


def _column_encodings(
    data: Sequence[Sequence[Cell]], width: int, given: Mapping[str, Encoding]
) -> list[Encoding]:
    """Per column, the encoding the user gave, else the one its cells show. The signature
    block under a list is typed later, often in Unicode: it is no evidence against the font
    of the rows above it."""
    out = []
    for i in range(width):
        letter = column_letter(i)
        if letter in given:
            out.append(given[letter])
            continue
        texts = [t for r in data[:DETECT_ROWS] if i < len(r) and isinstance(t := r[i], str)]
        texts = [t for t in texts if not _is_footer(t)]
        out.append(legacy_text.detect_column(texts).encoding)
    return out


def _legacy_headers(
    raw: Sequence[Cell], header: Sequence[Cell], mapping: Mapping[int, str],
    encodings: Sequence[Encoding], kind: str,
) -> tuple[list[Cell], dict[int, str]]:  # fmt: skip
    """A header that alone reads as Unicode ("Ghi chó") above a column whose cells are TCVN3
    or VNI may be in that font too ("Ghi chú"). Taken so only when it names no field as it
    is and names one converted: a Unicode header over a legacy column ("Họ và tên" over names
    typed in .VnTime) stays as it is."""
    fixed = list(header)
    out = dict(mapping)
    used = set(out.values())
    for i, cell in enumerate(raw):
        if i >= len(fixed) or i >= len(encodings) or encodings[i] is Encoding.UNICODE:
            continue
        if i in out or not isinstance(cell, str) or fixed[i] != cell:
            continue
        converted = legacy_text.to_unicode(cell, encodings[i])
        if converted == cell:
            continue
        key = table.guess_mapping([*([None] * i), converted], kind).get(i)
        if key and (key not in used or key == table.SESSION):
            fixed[i] = converted
            out[i] = key
            used.add(key)
    return fixed, out


def _copy_with(fields: PersonFields, **changes: object) -> PersonFields:
    new = object.__new__(PersonFields)
    new.__dict__.update(fields.__dict__)
    new.__dict__.update(changes)
    return new


def _with(row: PlannedRow, **changes: object) -> PlannedRow:
    """`dataclasses.replace` for the many rows of a big file (it is ten times slower)."""
    new = object.__new__(PlannedRow)
    new.__dict__.update(row.__dict__)
    new.__dict__.update(changes)
    return new


def _looks_like_year(cell: Cell) -> bool:
    if isinstance(cell, dt.date):
        return True
    if isinstance(cell, (int, float)) and not isinstance(cell, bool):
        return 1800 <= cell <= 2100
    return isinstance(cell, str) and cell.strip().isdigit() and len(cell.strip()) == 4


def _name_of(cells: Mapping[str, Cell]) -> str:
    if "full_name" in cells:
        return values.parse_text(cells["full_name"])
    parts = [values.parse_text(cells[k]) for k in ("family_name", "middle_name", "given_name")
             if k in cells]  # fmt: skip
    return " ".join(p for p in parts if p)


def _is_footer(text: str) -> bool:
    folded = fold(text)
    return any(word in folded for word in _FOOTER_WORDS)


def _same_birth(held: str, incoming: str) -> bool:
    """The same birth date, or the same year when either side knows only the year; two
    unknown births match (the name alone is then shown for confirmation)."""
    if not held or not incoming:
        return not held and not incoming
    if len(held) == 4 or len(incoming) == 4:
        return held[:4] == incoming[:4]
    return held == incoming


def _unclassified(rows: Sequence[PlannedRow]) -> list[PlannedRow]:
    """The rows as read, before any classification (for classifying again)."""
    out = []
    for r in rows:
        if r.person is None:
            out.append(r)
            continue
        parse_problems = r.read_problems
        out.append(
            _with(
                r, status=REJECTED if parse_problems else NEW, fields=None,
                problems=parse_problems, match_id=None, match_name="", match_certain=False,
                duplicate_of=None, hamlet_name=r.hamlet_name or r.cells.get("hamlet", ""),
                joined=r.joined if "joined" in r.cells else None, branch_id=None,
                member_number="",
            )
        )  # fmt: skip
    return out


@dataclass
class _Household:
    key: str
    head: int  # the row of its head
    hamlet_id: str | None
    address: str
    members: list[tuple[int, str]]  # (row, relation to the head)


def _households(people: Sequence[tuple[PlannedRow, PersonFields]]) -> list[_Household]:
    """The households the file describes: rows sharing a household number or name, or, with
    only a relation column, a head ("Chủ hộ") and the rows under it."""
    out: list[_Household] = []
    by_key: dict[str, _Household] = {}
    current: _Household | None = None
    for r, fields in people:
        relation = nfc(r.relation)
        is_head = fold(relation).strip() in _HEAD_OF_HOUSEHOLD
        if r.household:
            key = fold(r.household).strip()
            h = by_key.get(key)
            if h is None:
                h = _Household(key, r.row, fields.hamlet_id, r.cells.get("address", ""), [])
                by_key[key] = h
                out.append(h)
            elif is_head:
                h.head = r.row
                h.hamlet_id = fields.hamlet_id or h.hamlet_id
            h.members.append((r.row, relation))
        elif relation:
            if is_head or current is None:
                current = _Household(
                    f"row-{r.row}", r.row, fields.hamlet_id, r.cells.get("address", ""), []
                )
                out.append(current)
            current.members.append((r.row, relation))
    return out


def _roster(
    rows: Sequence[PlannedRow], person_of_row: Mapping[int, str]
) -> list[tuple[str | None, tuple[int, ...]]]:
    """An attendance roster's learners: (the person, or None for one not created yet, and the
    sessions ticked) of each row imported."""
    return [
        (person_of_row.get(r.row) if r.status == NEW else r.match_id, r.present)
        for r in rows
        if r.status == NEW or (r.status == MATCH and r.match_id is not None)
    ]


def _already(batch: repo.BatchRow) -> UserError:
    return UserError(
        N_(
            "This file was imported already, on {date} ({count} people): importing it again "
            "would add them twice. Undo that import first if it was wrong."
        ),
        {"date": _day(batch.imported_at), "count": int(batch.counts.get("created", 0))},
    )


def _day(stamp: str) -> str:
    try:
        return dt.datetime.fromisoformat(stamp).strftime("%d/%m/%Y")
    except ValueError:
        return stamp[:10]
