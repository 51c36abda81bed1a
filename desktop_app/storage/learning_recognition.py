"""SQL for the recognition of the learning models' subjects: the commune's decisions, the
register of Giấy công nhận (model_recognition), the proposal list and the targets kept in the
settings."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass

from desktop_app.storage.db import Database
from desktop_app.storage.learning_models import _SUBJECTS
from desktop_app.storage.tx import Tx

Row = Sequence[object]


@dataclass(frozen=True)
class DecisionRow:
    id: str
    model: str
    year: int
    number: str
    decided_on: dt.date
    issued_by: str
    issuer_parent: str
    issuer: str
    signer_for: str
    signer_title: str
    signer_name: str


@dataclass(frozen=True)
class ProposalRow:
    registration_id: str
    subject_id: str
    name: str
    hamlet_id: str | None
    registered_on: dt.date | None
    level: str
    total: float
    assessed_on: dt.date


@dataclass(frozen=True)
class RecognitionRow:
    id: str
    owner_site: str
    registration_id: str
    decision_id: str
    model: str
    year: int
    serial_year: int
    number: int
    subject_id: str
    subject_prefix: str
    subject_name: str
    birth: str
    hamlet_label: str
    hamlet_name: str
    level: str
    total: float
    payload: str
    state_sig: str
    print_count: int
    last_printed_at: str | None
    revoked_at: str | None
    revoke_reason: str
    decision: str
    decided_on: dt.date

    @property
    def serial(self) -> str:
        return f"{self.number}/{self.serial_year}"


# Decisions -------------------------------------------------------------------------------

_DECISION_COLUMNS = (
    "id, model, year, number, decided_on, issued_by, issuer_parent, issuer, signer_for,"
    " signer_title, signer_name"
)


def _decision(r: Row) -> DecisionRow:
    return DecisionRow(
        str(r[0]), str(r[1]), int(str(r[2])), str(r[3]), dt.date.fromisoformat(str(r[4])),
        str(r[5]), str(r[6]), str(r[7]), str(r[8]), str(r[9]), str(r[10]),
    )  # fmt: skip


def decisions(db: Database, model: str, year: int) -> list[DecisionRow]:
    """This site's live decisions of a model and year, in the order of their dates."""
    rows = db.conn.execute(
        f"SELECT {_DECISION_COLUMNS} FROM model_decision WHERE owner_site = ? AND model = ?"
        " AND year = ? AND deleted = 0 ORDER BY decided_on, rowid",
        (db.site_id, model, year),
    )
    return [_decision(r) for r in rows]


def find_decision(db: Database, model: str, year: int, number: str) -> DecisionRow | None:
    """The live decision of this number, whatever its letter case and spacing."""
    wanted = "".join(number.split()).casefold()
    for d in decisions(db, model, year):
        if "".join(d.number.split()).casefold() == wanted:
            return d
    return None


def insert_decision(tx: Tx, d: DecisionRow) -> str:
    return tx.insert(
        "model_decision",
        {"model": d.model, "year": d.year, "number": d.number,
         "decided_on": d.decided_on.isoformat(), "issued_by": d.issued_by,
         "issuer_parent": d.issuer_parent, "issuer": d.issuer, "signer_for": d.signer_for,
         "signer_title": d.signer_title, "signer_name": d.signer_name},
    )  # fmt: skip


# Proposals -------------------------------------------------------------------------------


def proposals(db: Database, model: str, subject_kind: str, year: int) -> list[ProposalRow]:
    """The live registrations of live subjects whose saved assessment passed and that have
    no recognition yet (a revoked one counts: it is not proposed again), by hamlet and name."""
    table, hamlet, name = _SUBJECTS[subject_kind]
    rows = db.conn.execute(
        f"SELECT r.id, r.subject_id, coalesce({name}, ''), {hamlet}, r.registered_on,"
        " a.level, a.total, a.assessed_on,"
        f" coalesce((SELECT hh.sort_key FROM hamlet hh WHERE hh.id = {hamlet}), '')"
        " FROM model_registration r"
        " JOIN model_assessment a ON a.registration_id = r.id AND a.deleted = 0"
        f" JOIN {table} s ON s.id = r.subject_id AND s.deleted = 0"
        " WHERE r.model = ? AND r.year = ? AND r.deleted = 0 AND a.passed = 1"
        " AND NOT EXISTS (SELECT 1 FROM model_recognition m WHERE m.registration_id = r.id"
        " AND m.deleted = 0)"
        " ORDER BY 9, 3, r.id",
        (model, year),
    )
    return [
        ProposalRow(
            str(r[0]),
            str(r[1]),
            str(r[2]),
            None if r[3] is None else str(r[3]),
            dt.date.fromisoformat(str(r[4])) if r[4] else None,
            str(r[5]),
            float(str(r[6])),
            dt.date.fromisoformat(str(r[7])),
        )
        for r in rows
    ]


@dataclass(frozen=True)
class PrintFacts:
    """What the subject line needs: the person's sex and birth year (a household: its
    head's), the subject's hamlet."""

    sex: str | None
    birth_year: int | None
    hamlet_id: str | None


def print_facts(db: Database, subject_kind: str, subject_id: str) -> PrintFacts:
    if subject_kind == "household":
        r = db.conn.execute(
            "SELECT p.sex, p.birth_year, h.hamlet_id FROM household h"
            " LEFT JOIN person p ON p.id = h.head_id WHERE h.id = ?",
            (subject_id,),
        ).fetchone()
    elif subject_kind == "person":
        r = db.conn.execute(
            "SELECT sex, birth_year, hamlet_id FROM person WHERE id = ?", (subject_id,)
        ).fetchone()
    else:
        table, hamlet, _ = _SUBJECTS[subject_kind]
        r = db.conn.execute(
            f"SELECT NULL, NULL, {hamlet} FROM {table} s WHERE s.id = ?", (subject_id,)
        ).fetchone()
    if r is None:
        return PrintFacts(None, None, None)
    return PrintFacts(
        None if r[0] is None else str(r[0]),
        None if r[1] is None else int(str(r[1])),
        None if r[2] is None else str(r[2]),
    )


def hamlet_kinds(db: Database) -> dict[str, tuple[str, str]]:
    """hamlet id -> (name, kind) of every hamlet (also those deleted since)."""
    rows = db.conn.execute("SELECT id, name, kind FROM hamlet")
    return {str(r[0]): (str(r[1]), str(r[2])) for r in rows}


# The register ----------------------------------------------------------------------------

_COLUMNS = (
    "m.id, m.owner_site, m.registration_id, m.decision_id, m.model, m.year, m.serial_year,"
    " m.number, r.subject_id, m.subject_prefix, m.subject_name, m.birth, m.hamlet_label,"
    " m.hamlet_name, m.level, m.total, m.payload, m.state_sig, m.print_count,"
    " m.last_printed_at, m.revoked_at, m.revoke_reason, d.number, d.decided_on"
)
_FROM = (
    " FROM model_recognition m JOIN model_registration r ON r.id = m.registration_id"
    " JOIN model_decision d ON d.id = m.decision_id"
)


def _recognition(r: Row) -> RecognitionRow:
    return RecognitionRow(
        id=str(r[0]), owner_site=str(r[1]), registration_id=str(r[2]), decision_id=str(r[3]),
        model=str(r[4]), year=int(str(r[5])), serial_year=int(str(r[6])), number=int(str(r[7])),
        subject_id=str(r[8]), subject_prefix=str(r[9]), subject_name=str(r[10]),
        birth=str(r[11]), hamlet_label=str(r[12]), hamlet_name=str(r[13]), level=str(r[14]),
        total=float(str(r[15])), payload=str(r[16]), state_sig=str(r[17]),
        print_count=int(str(r[18])), last_printed_at=None if r[19] is None else str(r[19]),
        revoked_at=None if r[20] is None else str(r[20]), revoke_reason=str(r[21]),
        decision=str(r[22]), decided_on=dt.date.fromisoformat(str(r[23])),
    )  # fmt: skip


def next_number(db: Database, serial_year: int) -> int:
    """The next number of this site's register of Giấy công nhận for the year, over every
    model; revoked entries keep theirs. Call inside the writing operation (BEGIN IMMEDIATE
    serialises writers), so two recognitions never take the same number."""
    r = db.conn.execute(
        "SELECT coalesce(max(number), 0) + 1 FROM model_recognition WHERE owner_site = ?"
        " AND serial_year = ?",
        (db.site_id, serial_year),
    ).fetchone()
    return int(r[0])


@dataclass(frozen=True)
class NewRecognition:
    registration_id: str
    decision_id: str
    model: str
    year: int
    serial_year: int
    number: int
    subject_prefix: str
    subject_name: str
    birth: str
    hamlet_label: str
    hamlet_name: str
    level: str
    total: float
    payload: str
    state_sig: str


def insert_recognition(tx: Tx, n: NewRecognition) -> str:
    return tx.insert(
        "model_recognition",
        {"registration_id": n.registration_id, "decision_id": n.decision_id, "model": n.model,
         "year": n.year, "serial_year": n.serial_year, "number": n.number,
         "subject_prefix": n.subject_prefix, "subject_name": n.subject_name, "birth": n.birth,
         "hamlet_label": n.hamlet_label, "hamlet_name": n.hamlet_name, "level": n.level,
         "total": n.total, "payload": n.payload, "state_sig": n.state_sig, "print_count": 0},
    )  # fmt: skip


def recognitions(
    db: Database, model: str, year: int, *, live_only: bool = False
) -> list[RecognitionRow]:
    """This site's recognitions of a model and year in register order (`live_only`: not
    revoked)."""
    revoked = " AND m.revoked_at IS NULL" if live_only else ""
    rows = db.conn.execute(
        f"SELECT {_COLUMNS}{_FROM} WHERE m.deleted = 0 AND m.owner_site = ? AND m.model = ?"
        f" AND m.year = ?{revoked} ORDER BY m.serial_year, m.number",
        (db.site_id, model, year),
    )
    return [_recognition(r) for r in rows]


def get_recognition(db: Database, recognition_id: str) -> RecognitionRow | None:
    r = db.conn.execute(
        f"SELECT {_COLUMNS}{_FROM} WHERE m.id = ? AND m.deleted = 0", (recognition_id,)
    ).fetchone()
    return _recognition(r) if r else None


def find_by_serial(
    db: Database, site_id: str, serial_year: int, number: int
) -> RecognitionRow | None:
    r = db.conn.execute(
        f"SELECT {_COLUMNS}{_FROM} WHERE m.owner_site = ? AND m.serial_year = ?"
        " AND m.number = ? AND m.deleted = 0",
        (site_id, serial_year, number),
    ).fetchone()
    return _recognition(r) if r else None


def mark_printed(tx: Tx, ids: Sequence[str]) -> None:
    """One more print of each, now."""
    for start in range(0, len(ids), 500):
        chunk = list(ids[start : start + 500])
        marks = ", ".join("?" for _ in chunk)
        tx.conn.execute(
            "UPDATE model_recognition SET print_count = print_count + 1, last_printed_at = ?"
            f" WHERE id IN ({marks})",
            (tx.now, *chunk),
        )
    tx.touch("model_recognition", ids, ["print_count", "last_printed_at"])


def revoke(tx: Tx, recognition_id: str, reason: str, state_sig: str) -> None:
    tx.update(
        "model_recognition",
        recognition_id,
        {"revoked_at": tx.now, "revoke_reason": reason, "state_sig": state_sig},
    )


def recognised_by_hamlet(
    db: Database, model: str, subject_kind: str, year: int
) -> dict[str | None, int]:
    """Recognitions (not revoked) of live registrations of live subjects, per the subject's
    hamlet id (None: no hamlet)."""
    table, hamlet, _ = _SUBJECTS[subject_kind]
    # CROSS JOIN keeps the year's registrations outermost: left alone, the planner walked all
    # 200,000 people and looked each up in the registrations (0.64 s against 0.2 s).
    rows = db.conn.execute(
        f"SELECT {hamlet}, count(*) FROM model_registration r"
        " CROSS JOIN model_recognition m ON m.registration_id = r.id"
        f" CROSS JOIN {table} s ON s.id = r.subject_id"
        " WHERE m.deleted = 0 AND m.revoked_at IS NULL AND r.deleted = 0 AND s.deleted = 0"
        " AND r.model = ? AND r.year = ? GROUP BY 1",
        (model, year),
    )
    return {r[0]: int(r[1]) for r in rows}


# Targets in the settings -----------------------------------------------------------------

TARGET_KEY = "models.target.{model}"


def target_settings(db: Database) -> dict[str, dict[str, object]]:
    """model -> the target set for it ({"rate", "set_on", "by"}), for those set."""
    rows = db.conn.execute(
        "SELECT key, value FROM setting WHERE key LIKE 'models.target.%'"
    ).fetchall()
    out: dict[str, dict[str, object]] = {}
    for key, value in rows:
        try:
            data = json.loads(str(value))
        except ValueError:
            continue
        if isinstance(data, dict) and isinstance(data.get("rate"), int | float):
            out[str(key).removeprefix("models.target.")] = data
    return out


def set_target(tx: Tx, model: str, rate: float, set_on: dt.date, by: str) -> None:
    """Keep the model's target in this installation's settings (they do not travel)."""
    key = TARGET_KEY.format(model=model)
    value = json.dumps({"rate": rate, "set_on": set_on.isoformat(), "by": by})
    tx.conn.execute(
        "INSERT INTO setting (key, value) VALUES (?, ?)"
        " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )
    tx.note("setting", key, f"rate={rate:g}")
