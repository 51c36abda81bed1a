"""The schema, as append-only migrations. Never edit a released migration: add a new one."""

from __future__ import annotations

import sqlite3

from sqlite_utils import Database as UtilsDatabase
from sqlite_utils.migrations import Migrations

MIGRATION_SET = "tthtcd"
migrations = Migrations(MIGRATION_SET)

# Columns every table that travels in bundles carries (DESIGN.md section 3).
SYNC_COLUMNS = """
    id TEXT PRIMARY KEY,
    owner_site TEXT NOT NULL,
    version INTEGER NOT NULL,
    updated_at TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1))
"""


def run_script(db: UtilsDatabase, script: str) -> None:
    """Run statements one by one: executescript() would COMMIT the migration's transaction."""
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            db.execute(statement)
            statement = ""
    if statement.strip():
        raise ValueError(f"incomplete SQL statement in migration: {statement!r}")


@migrations(name="0001_foundation")
def foundation(db: UtilsDatabase) -> None:
    run_script(
        db,
        f"""
        CREATE TABLE site (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL DEFAULT '',
            role TEXT NOT NULL CHECK (role IN ('centre', 'office')),
            created_at TEXT NOT NULL,
            is_local INTEGER NOT NULL DEFAULT 0
        );
        -- This installation's own settings; they never travel.
        CREATE TABLE setting (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        -- The owner's monotonic change counter behind every row's `version`.
        CREATE TABLE change_counter (id INTEGER PRIMARY KEY CHECK (id = 1), value INTEGER NOT NULL);
        INSERT INTO change_counter (id, value) VALUES (1, 0);

        CREATE TABLE centre (
            {SYNC_COLUMNS},
            name TEXT NOT NULL DEFAULT '',
            province_code TEXT,
            province_name TEXT NOT NULL DEFAULT '',
            commune_code TEXT,
            commune_name TEXT NOT NULL DEFAULT '',
            upstream_office TEXT NOT NULL DEFAULT '',
            address TEXT NOT NULL DEFAULT '',
            phone TEXT NOT NULL DEFAULT ''
        );

        CREATE TABLE hamlet (
            {SYNC_COLUMNS},
            name TEXT NOT NULL,
            kind TEXT NOT NULL DEFAULT 'thon',
            sort_key TEXT NOT NULL,
            population INTEGER
        );
        CREATE INDEX hamlet_sort ON hamlet (deleted, sort_key);

        CREATE TABLE person (
            {SYNC_COLUMNS},
            full_name TEXT NOT NULL,
            family_name TEXT NOT NULL DEFAULT '',
            middle_name TEXT NOT NULL DEFAULT '',
            given_name TEXT NOT NULL DEFAULT '',
            sort_key TEXT NOT NULL,
            search_text TEXT NOT NULL,
            folded_name TEXT NOT NULL,
            sex TEXT CHECK (sex IN ('M', 'F')),
            -- 'YYYY-MM-DD', 'YYYY' when only the year is known, '' when unknown (sorts first).
            birth TEXT NOT NULL DEFAULT '',
            birth_year INTEGER,
            cccd TEXT,
            phone TEXT,
            hamlet_id TEXT REFERENCES hamlet (id),
            -- The hamlet's sort key, copied so the list can page in hamlet order with an index.
            hamlet_key TEXT NOT NULL DEFAULT '',
            household_id TEXT REFERENCES household (id),
            household_relation TEXT NOT NULL DEFAULT '',
            ethnicity TEXT NOT NULL DEFAULT '',
            religion TEXT NOT NULL DEFAULT '',
            notes TEXT NOT NULL DEFAULT ''
        );
        -- A CCCD number belongs to one person, deleted or not: restoring must never clash.
        CREATE UNIQUE INDEX person_cccd ON person (cccd) WHERE cccd IS NOT NULL;
        -- Each list order has an index; search_text rides along so a search can filter
        -- rows while walking the index, without reading the table.
        CREATE INDEX person_roster ON person (deleted, sort_key, id, search_text);
        CREATE INDEX person_birth ON person (deleted, birth, sort_key, id, search_text);
        CREATE INDEX person_hamlet ON person (deleted, hamlet_key, sort_key, id, search_text);
        CREATE INDEX person_hamlet_id ON person (hamlet_id);
        CREATE INDEX person_household ON person (household_id);
        CREATE INDEX person_duplicate ON person (folded_name, birth_year);

        CREATE TABLE household (
            {SYNC_COLUMNS},
            hamlet_id TEXT REFERENCES hamlet (id),
            head_id TEXT REFERENCES person (id),
            address TEXT NOT NULL DEFAULT '',
            notes TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX household_hamlet ON household (hamlet_id);

        -- Folded names for diacritic- and đ-insensitive prefix search; kept in step by triggers.
        CREATE VIRTUAL TABLE person_fts USING fts5 (
            search_text,
            content = 'person',
            content_rowid = 'rowid',
            tokenize = 'unicode61 remove_diacritics 0',
            prefix = '1 2 3'
        );
        CREATE TRIGGER person_fts_insert AFTER INSERT ON person WHEN new.deleted = 0 BEGIN
            INSERT INTO person_fts (rowid, search_text) VALUES (new.rowid, new.search_text);
        END;
        CREATE TRIGGER person_fts_delete AFTER DELETE ON person WHEN old.deleted = 0 BEGIN
            INSERT INTO person_fts (person_fts, rowid, search_text)
            VALUES ('delete', old.rowid, old.search_text);
        END;
        CREATE TRIGGER person_fts_update AFTER UPDATE OF search_text, deleted ON person BEGIN
            INSERT INTO person_fts (person_fts, rowid, search_text)
            SELECT 'delete', old.rowid, old.search_text WHERE old.deleted = 0;
            INSERT INTO person_fts (rowid, search_text)
            SELECT new.rowid, new.search_text WHERE new.deleted = 0;
        END;

        -- Who did what to which record. Field names only: personal data is not copied here.
        CREATE TABLE audit (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            site_id TEXT NOT NULL,
            action TEXT NOT NULL,
            entity TEXT NOT NULL,
            record_id TEXT NOT NULL,
            detail TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX audit_record ON audit (entity, record_id);
        """,
    )


def known_migration_names() -> list[str]:
    return [m.name for m in migrations._migrations]


def apply_migrations(db: UtilsDatabase) -> list[str]:
    """Apply what is pending; return the names applied."""
    pending = [m.name for m in migrations.pending(db)]
    if pending:
        migrations.apply(db)
    return pending


@migrations(name="0002_classes")
def classes(db: UtilsDatabase) -> None:
    run_script(
        db,
        f"""
        -- The site's Ed25519 key: certificates' QR codes are signed with it. The private key
        -- never leaves this table (bundles carry only public keys).
        ALTER TABLE site ADD COLUMN public_key TEXT;
        ALTER TABLE site ADD COLUMN private_key TEXT;
        -- Who signs the centre's certificates and rosters.
        ALTER TABLE centre ADD COLUMN director TEXT NOT NULL DEFAULT '';

        CREATE TABLE class_type (
            {SYNC_COLUMNS},
            code TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL,
            name_en TEXT NOT NULL DEFAULT '',
            report_group TEXT NOT NULL DEFAULT '',
            literacy INTEGER NOT NULL DEFAULT 0,
            default_min_percent INTEGER NOT NULL DEFAULT 80,
            position INTEGER NOT NULL DEFAULT 0,
            active INTEGER NOT NULL DEFAULT 1
        );

        CREATE TABLE course (
            {SYNC_COLUMNS},
            type_code TEXT NOT NULL REFERENCES class_type (code),
            title TEXT NOT NULL,
            folded_title TEXT NOT NULL DEFAULT '',
            start_date TEXT,
            end_date TEXT,
            partner TEXT NOT NULL DEFAULT '',
            presenter TEXT NOT NULL DEFAULT '',
            venue TEXT NOT NULL DEFAULT '',
            funding TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL DEFAULT 'planned',
            min_percent INTEGER NOT NULL DEFAULT 80,
            needs_result INTEGER NOT NULL DEFAULT 0,
            notes TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX course_start ON course (deleted, start_date);

        CREATE TABLE session (
            {SYNC_COLUMNS},
            course_id TEXT NOT NULL REFERENCES course (id),
            day TEXT NOT NULL,
            topic TEXT NOT NULL DEFAULT '',
            position INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX session_course ON session (course_id, deleted, day);

        CREATE TABLE enrolment (
            {SYNC_COLUMNS},
            course_id TEXT NOT NULL REFERENCES course (id),
            person_id TEXT NOT NULL REFERENCES person (id),
            result TEXT,
            literacy_level INTEGER,
            UNIQUE (course_id, person_id)
        );
        CREATE INDEX enrolment_person ON enrolment (person_id);

        -- One row per person present at a session; unticking leaves a tombstone.
        CREATE TABLE attendance (
            {SYNC_COLUMNS},
            session_id TEXT NOT NULL REFERENCES session (id),
            enrolment_id TEXT NOT NULL REFERENCES enrolment (id),
            UNIQUE (enrolment_id, session_id)
        );
        CREATE INDEX attendance_session ON attendance (session_id);

        -- The certificate register (sổ cấp giấy chứng nhận): gap-free numbers per year.
        CREATE TABLE certificate (
            {SYNC_COLUMNS},
            year INTEGER NOT NULL,
            number INTEGER NOT NULL,
            kind TEXT NOT NULL,
            person_id TEXT NOT NULL REFERENCES person (id),
            course_id TEXT REFERENCES course (id),
            enrolment_id TEXT REFERENCES enrolment (id),
            issued_on TEXT NOT NULL,
            full_name TEXT NOT NULL,
            birth TEXT NOT NULL DEFAULT '',
            course_title TEXT NOT NULL DEFAULT '',
            result TEXT,
            payload TEXT NOT NULL DEFAULT '',
            print_count INTEGER NOT NULL DEFAULT 0,
            last_printed_at TEXT,
            revoked_at TEXT,
            revoke_reason TEXT NOT NULL DEFAULT '',
            reissue_of TEXT REFERENCES certificate (id),
            search_text TEXT NOT NULL DEFAULT '',
            UNIQUE (owner_site, year, number)
        );
        CREATE INDEX certificate_enrolment ON certificate (enrolment_id, kind);
        CREATE INDEX certificate_person ON certificate (person_id);
        """,
    )


@migrations(name="0003_khuyen_hoc")
def khuyen_hoc(db: UtilsDatabase) -> None:
    run_script(
        db,
        f"""
        -- Chi hội: by hamlet, or by agency, school or enterprise.
        CREATE TABLE branch (
            {SYNC_COLUMNS},
            name TEXT NOT NULL,
            kind TEXT NOT NULL DEFAULT 'hamlet',
            hamlet_id TEXT REFERENCES hamlet (id),
            sort_key TEXT NOT NULL
        );

        CREATE TABLE member (
            {SYNC_COLUMNS},
            person_id TEXT NOT NULL REFERENCES person (id),
            member_number TEXT NOT NULL,
            branch_id TEXT NOT NULL REFERENCES branch (id),
            joined_on TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'active',
            status_on TEXT,
            notes TEXT NOT NULL DEFAULT ''
        );
        CREATE UNIQUE INDEX member_number ON member (owner_site, member_number);
        CREATE UNIQUE INDEX member_person ON member (person_id) WHERE deleted = 0;
        CREATE INDEX member_branch ON member (branch_id, status);

        -- Yearly dues and the share passed to the upper level, per year.
        CREATE TABLE dues_rate (
            {SYNC_COLUMNS},
            year INTEGER NOT NULL UNIQUE,
            amount INTEGER NOT NULL CHECK (amount >= 0),
            upper_percent INTEGER NOT NULL DEFAULT 0 CHECK (upper_percent BETWEEN 0 AND 100)
        );

        CREATE TABLE dues_batch (
            {SYNC_COLUMNS},
            branch_id TEXT NOT NULL REFERENCES branch (id),
            year INTEGER NOT NULL,
            collected_on TEXT NOT NULL,
            collector TEXT NOT NULL DEFAULT '',
            expected_count INTEGER NOT NULL,
            expected_total INTEGER NOT NULL,
            ledger_entry_id TEXT REFERENCES ledger_entry (id)
        );

        CREATE TABLE dues_payment (
            {SYNC_COLUMNS},
            member_id TEXT NOT NULL REFERENCES member (id),
            year INTEGER NOT NULL,
            amount INTEGER NOT NULL CHECK (amount > 0),
            paid_on TEXT NOT NULL,
            batch_id TEXT REFERENCES dues_batch (id),
            UNIQUE (member_id, year)
        );
        CREATE INDEX dues_payment_year ON dues_payment (year);

        CREATE TABLE fund (
            {SYNC_COLUMNS},
            name TEXT NOT NULL,
            kind TEXT NOT NULL DEFAULT 'commune',
            book TEXT NOT NULL DEFAULT '01',
            opening_balance INTEGER NOT NULL DEFAULT 0,
            opening_date TEXT NOT NULL,
            carried_from TEXT NOT NULL DEFAULT '',
            transfer_document TEXT NOT NULL DEFAULT '',
            allow_negative INTEGER NOT NULL DEFAULT 0,
            -- The chain's head, so removing the last entries is noticed too, and the sum of
            -- its effects, so a balance never has to read the whole ledger.
            head_seq INTEGER NOT NULL DEFAULT 0,
            head_hash TEXT NOT NULL DEFAULT '',
            head_balance INTEGER NOT NULL DEFAULT 0
        );

        -- Append-only: never updated, never deleted. A mistake is voided by a reversal entry.
        CREATE TABLE ledger_entry (
            {SYNC_COLUMNS},
            fund_id TEXT NOT NULL REFERENCES fund (id),
            seq INTEGER NOT NULL,
            book TEXT NOT NULL CHECK (book IN ('PT', 'PC')),
            year INTEGER NOT NULL,
            number INTEGER NOT NULL,
            entry_date TEXT NOT NULL,
            kind TEXT NOT NULL,
            amount INTEGER NOT NULL CHECK (amount > 0),
            -- +amount for money in, -amount for money out; a reversal carries the opposite.
            effect INTEGER NOT NULL,
            in_kind TEXT NOT NULL DEFAULT '',
            party_name TEXT NOT NULL DEFAULT '',
            party_address TEXT NOT NULL DEFAULT '',
            person_id TEXT REFERENCES person (id),
            school TEXT NOT NULL DEFAULT '',
            grade TEXT NOT NULL DEFAULT '',
            reason TEXT NOT NULL DEFAULT '',
            attachments INTEGER NOT NULL DEFAULT 0,
            reverses TEXT REFERENCES ledger_entry (id),
            created_by TEXT NOT NULL DEFAULT '',
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL,
            UNIQUE (fund_id, seq),
            UNIQUE (fund_id, book, year, number)
        );
        CREATE INDEX ledger_date ON ledger_entry (fund_id, entry_date, effect);
        CREATE UNIQUE INDEX ledger_reverses ON ledger_entry (reverses) WHERE reverses IS NOT NULL;

        CREATE TABLE fund_year_close (
            {SYNC_COLUMNS},
            fund_id TEXT NOT NULL REFERENCES fund (id),
            year INTEGER NOT NULL,
            closing_balance INTEGER NOT NULL,
            UNIQUE (fund_id, year)
        );

        -- Append-only means append-only, even for a hand-edited file opened in another tool.
        CREATE TRIGGER ledger_no_update BEFORE UPDATE ON ledger_entry BEGIN
            SELECT RAISE(ABORT, 'ledger entries are append-only');
        END;
        CREATE TRIGGER ledger_no_delete BEFORE DELETE ON ledger_entry BEGIN
            SELECT RAISE(ABORT, 'ledger entries are append-only');
        END;
        """,
    )


# 0004: many sites in one file ----------------------------------------------------------
#
# An office database holds the rows of every centre below it, so nothing may be unique
# across sites that is only unique within one: two centres both have a dues rate for 2025
# and a class type "xoa_mu_chu". Tables whose inline constraints change are rebuilt.


def _columns(db: UtilsDatabase, table: str) -> list[str]:
    return [str(r[1]) for r in db.execute(f"PRAGMA table_info({table})").fetchall()]


def _rebuild_table(
    db: UtilsDatabase, table: str, create_sql: str, computed: dict[str, str] | None = None
) -> None:
    """Replace `table` by `create_sql` (a CREATE TABLE of the same name), keeping every row,
    its rowid, and the table's own indexes and triggers.

    Columns of the new table that the old one has are copied; `computed` gives an SQL
    expression over the old row (alias `o`) for the others. Call with
    `PRAGMA defer_foreign_keys = ON`: the rows are copied aside, the table dropped and
    created again under its own name, and the rows copied back. SQLite's usual order
    (create a new table, copy, drop the old, rename the new) cannot be used here: with
    foreign keys enforced, dropping a parent table counts every child row pointing at it as
    a violation, and only inserting the parent rows again *under the parent's name* counts
    them back; a rename does not, so COMMIT would fail.
    """
    computed = computed or {}
    saved = [
        str(r[0])
        for r in db.execute(
            "SELECT sql FROM sqlite_master WHERE tbl_name = ? AND type IN ('index', 'trigger')"
            " AND sql IS NOT NULL ORDER BY type, name",
            [table],
        ).fetchall()
    ]
    old_columns = set(_columns(db, table))
    aside = f"_old_{table}"
    db.execute(f"CREATE TEMP TABLE {aside} AS SELECT rowid AS _rowid, * FROM main.{table}")
    db.execute(f"DROP TABLE main.{table}")
    db.execute(create_sql)
    new_columns = _columns(db, table)
    missing = [c for c in new_columns if c not in old_columns and c not in computed]
    if missing:
        raise RuntimeError(f"rebuilding {table}: no value for new columns {missing}")
    values = [computed.get(c, f"o.{c}") for c in new_columns]
    db.execute(
        f"INSERT INTO main.{table} (rowid, {', '.join(new_columns)})"
        f" SELECT o._rowid, {', '.join(values)} FROM temp.{aside} o ORDER BY o._rowid"
    )
    db.execute(f"DROP TABLE temp.{aside}")
    for sql in saved:
        db.execute(sql)


def travelling_tables(db: UtilsDatabase) -> list[str]:
    """Tables whose rows travel in bundles: those with both `owner_site` and `version`."""
    names = [
        str(r[0])
        for r in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name"
        ).fetchall()
    ]
    return [n for n in names if {"owner_site", "version"} <= set(_columns(db, n))]


def index_travelling_tables(db: UtilsDatabase) -> None:
    """An (owner_site, version) index on every travelling table: an export reads "this
    site's rows past the version the office acknowledged", an import compares versions.
    Later migrations that add a travelling table call this again (it only adds missing ones).
    """
    for table in travelling_tables(db):
        db.execute(
            f"CREATE INDEX IF NOT EXISTS {table}_owner_version ON {table} (owner_site, version)"
        )


@migrations(name="0004_many_sites")
def many_sites(db: UtilsDatabase) -> None:
    # PRAGMA foreign_keys cannot change inside the migration's transaction; deferring the
    # checks to COMMIT lets parent tables be rebuilt under rows that point at them.
    db.execute("PRAGMA defer_foreign_keys = ON")

    # A course refers to its class type by id: `class_type.code` stops being unique, and a
    # foreign key to a column that is not unique is an error ("foreign key mismatch").
    # `type_code` stays as a plain copy of the type's code (the id is the reference; the code
    # is denormalised so lists, filters and reports can keep reading it). It is filled from
    # the class type of the course's own site, or else any class type with that code.
    _rebuild_table(
        db,
        "course",
        f"""
        CREATE TABLE course (
            {SYNC_COLUMNS},
            type_id TEXT REFERENCES class_type (id),
            type_code TEXT NOT NULL,
            title TEXT NOT NULL,
            folded_title TEXT NOT NULL DEFAULT '',
            start_date TEXT,
            end_date TEXT,
            partner TEXT NOT NULL DEFAULT '',
            presenter TEXT NOT NULL DEFAULT '',
            venue TEXT NOT NULL DEFAULT '',
            funding TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL DEFAULT 'planned',
            min_percent INTEGER NOT NULL DEFAULT 80,
            needs_result INTEGER NOT NULL DEFAULT 0,
            notes TEXT NOT NULL DEFAULT ''
        )
        """,
        {
            "type_id": "coalesce((SELECT t.id FROM main.class_type t"
            " WHERE t.code = o.type_code AND t.owner_site = o.owner_site),"
            " (SELECT t.id FROM main.class_type t WHERE t.code = o.type_code"
            " ORDER BY t.deleted, t.id LIMIT 1))"
        },
    )
    # A class type's code is unique within the site that owns it.
    _rebuild_table(
        db,
        "class_type",
        f"""
        CREATE TABLE class_type (
            {SYNC_COLUMNS},
            code TEXT NOT NULL,
            name TEXT NOT NULL,
            name_en TEXT NOT NULL DEFAULT '',
            report_group TEXT NOT NULL DEFAULT '',
            literacy INTEGER NOT NULL DEFAULT 0,
            default_min_percent INTEGER NOT NULL DEFAULT 80,
            position INTEGER NOT NULL DEFAULT 0,
            active INTEGER NOT NULL DEFAULT 1,
            UNIQUE (owner_site, code)
        )
        """,
    )
    # One dues rate per year at each site.
    _rebuild_table(
        db,
        "dues_rate",
        f"""
        CREATE TABLE dues_rate (
            {SYNC_COLUMNS},
            year INTEGER NOT NULL,
            amount INTEGER NOT NULL CHECK (amount >= 0),
            upper_percent INTEGER NOT NULL DEFAULT 0 CHECK (upper_percent BETWEEN 0 AND 100),
            UNIQUE (owner_site, year)
        )
        """,
    )
    run_script(
        db,
        """
        CREATE INDEX course_type ON course (type_id);

        -- A CCCD number belongs to one person within a site, deleted or not: restoring must
        -- never clash. Two sites may hold the same number (a person who moved, a typing
        -- mistake): that is reported (storage.multisite), not refused. The number comes
        -- first so that looking a number up, at one site or all, walks the index.
        DROP INDEX person_cccd;
        CREATE UNIQUE INDEX person_cccd ON person (cccd, owner_site) WHERE cccd IS NOT NULL;

        -- Which rows one operation stamped: the change counter's value it took (NULL for
        -- rows written before this column existed).
        ALTER TABLE audit ADD COLUMN version INTEGER;
        CREATE INDEX audit_version ON audit (version) WHERE version IS NOT NULL;

        -- Every bundle exported or imported (DESIGN.md section 6). This installation's own
        -- record: it does not travel. `peer_site` is the recipient of an export or the
        -- sender of an import; `sender_seq` the sender's sequence number; `summary` JSON
        -- (per-table counts of new, updated, unchanged, conflict, rejected). `status` is
        -- e.g. 'written', 'verified', 'applied', 'rejected', 'acknowledged'.
        CREATE TABLE bundle_log (
            id TEXT PRIMARY KEY,
            direction TEXT NOT NULL CHECK (direction IN ('export', 'import')),
            kind TEXT NOT NULL,
            bundle_id TEXT NOT NULL,
            peer_site TEXT NOT NULL,
            sender_seq INTEGER NOT NULL,
            payload_hash TEXT NOT NULL,
            file_name TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            applied_at TEXT,
            summary TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(summary)),
            status TEXT NOT NULL
        );
        CREATE INDEX bundle_log_bundle ON bundle_log (bundle_id);
        CREATE INDEX bundle_log_peer ON bundle_log (peer_site, direction, sender_seq);
        -- Re-importing a bundle already applied is a no-op: it can be applied only once.
        CREATE UNIQUE INDEX bundle_log_applied ON bundle_log (bundle_id)
            WHERE direction = 'import' AND status = 'applied';
        """,
    )
    index_travelling_tables(db)

    problems = db.execute("PRAGMA foreign_key_check").fetchall()
    if problems:
        raise RuntimeError(f"0004_many_sites broke foreign keys: {problems[:10]}")


# 0005: keys outside the database, and seals -------------------------------------------
#
# The site's private keys now live in a key file in the user's config folder
# (desktop_app/sync/keystore.py); `site.private_key` stays only so that an older database can
# hand its key over at the first open (services.site_keys), which then clears it. The ledger
# and the register are sealed with those keys.


@migrations(name="0005_keys_and_seals")
def keys_and_seals(db: UtilsDatabase) -> None:
    run_script(
        db,
        """
        -- No private key is ever written into the database again.
        CREATE TRIGGER site_no_private_key_update BEFORE UPDATE OF private_key ON site
        WHEN NEW.private_key IS NOT NULL BEGIN
            SELECT RAISE(ABORT, 'private keys live in the key file, not in the database');
        END;
        CREATE TRIGGER site_no_private_key_insert BEFORE INSERT ON site
        WHEN NEW.private_key IS NOT NULL BEGIN
            SELECT RAISE(ABORT, 'private keys live in the key file, not in the database');
        END;

        -- The owner site's keyed seal (JSON, core.fund.seal_funds) over the ids of the funds
        -- it opened, so a fund removed or added outside the app is noticed.
        ALTER TABLE site ADD COLUMN funds_seal TEXT NOT NULL DEFAULT '';

        -- A fund's keyed seal (JSON, core.fund.seal_head): its opening balance and date, its
        -- chain's head, balance, year closings and that it is not deleted.
        ALTER TABLE fund ADD COLUMN head_seal TEXT NOT NULL DEFAULT '';

        -- The owner site's Ed25519 signature over a certificate's payload and its state
        -- (valid or revoked, core.certificates.state_message), so un-revoking by hand or a
        -- row the key never signed is noticed.
        ALTER TABLE certificate ADD COLUMN state_sig TEXT NOT NULL DEFAULT '';
        """,
    )


# 0006: gifts in kind have their own books --------------------------------------------
#
# A gift in kind is not cash: it is recorded in the NK book (biên bản nhận hiện vật) and
# handed out in the XK book (biên bản bàn giao), in the same hash chain as the cash entries
# so the fund's seal covers them, but with no effect on the cash balance. The book's CHECK
# is inline, so the table is rebuilt (its append-only triggers come back with it).


@migrations(name="0006_goods_books")
def goods_books(db: UtilsDatabase) -> None:
    db.execute("PRAGMA defer_foreign_keys = ON")
    _rebuild_table(
        db,
        "ledger_entry",
        f"""
        CREATE TABLE ledger_entry (
            {SYNC_COLUMNS},
            fund_id TEXT NOT NULL REFERENCES fund (id),
            seq INTEGER NOT NULL,
            book TEXT NOT NULL CHECK (book IN ('PT', 'PC', 'NK', 'XK')),
            year INTEGER NOT NULL,
            number INTEGER NOT NULL,
            entry_date TEXT NOT NULL,
            kind TEXT NOT NULL,
            -- Money, or for goods their valuation; a share of a lot handed out may round to 0.
            amount INTEGER NOT NULL CHECK (amount > 0 OR (book = 'XK' AND amount = 0)),
            -- +amount for money in, -amount for money out; a reversal carries the opposite.
            -- Goods never move cash.
            effect INTEGER NOT NULL CHECK (book IN ('PT', 'PC') OR effect = 0),
            in_kind TEXT NOT NULL DEFAULT '',
            party_name TEXT NOT NULL DEFAULT '',
            party_address TEXT NOT NULL DEFAULT '',
            person_id TEXT REFERENCES person (id),
            school TEXT NOT NULL DEFAULT '',
            grade TEXT NOT NULL DEFAULT '',
            reason TEXT NOT NULL DEFAULT '',
            attachments INTEGER NOT NULL DEFAULT 0,
            reverses TEXT REFERENCES ledger_entry (id),
            created_by TEXT NOT NULL DEFAULT '',
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL,
            -- Goods: how many, of what unit (bộ, quyển, bao).
            quantity INTEGER NOT NULL DEFAULT 0 CHECK (quantity >= 0),
            unit TEXT NOT NULL DEFAULT '',
            -- A goods issue: the goods receipt it draws from; a gift reclassified from the
            -- cash book: the old receipt.
            source_id TEXT REFERENCES ledger_entry (id),
            UNIQUE (fund_id, seq),
            UNIQUE (fund_id, book, year, number)
        )
        """,
        {"quantity": "0", "unit": "''", "source_id": "NULL"},
    )
    run_script(
        db,
        """
        CREATE INDEX ledger_source ON ledger_entry (source_id) WHERE source_id IS NOT NULL;
        -- The few gifts in kind still in the cash book, found without reading the ledger.
        CREATE INDEX ledger_cash_in_kind ON ledger_entry (fund_id)
            WHERE kind = 'donation_in_kind' AND book = 'PT';
        """,
    )
    problems = db.execute("PRAGMA foreign_key_check").fetchall()
    if problems:
        raise RuntimeError(f"0006_goods_books broke foreign keys: {problems[:10]}")


# 0007: commendations are chosen and cite their decision ----------------------------------


@migrations(name="0007_commendation_decisions")
def commendation_decisions(db: UtilsDatabase) -> None:
    run_script(
        db,
        """
        -- Who gets a Giấy khen for a class: NULL follows the result (Giỏi or Xuất sắc),
        -- 1 or 0 is what the secretary chose for this learner.
        ALTER TABLE enrolment ADD COLUMN commendation INTEGER
            CHECK (commendation IS NULL OR commendation IN (0, 1));

        -- The decision a commendation was awarded by ("12/QĐ-TTHTCĐ" and its ISO date),
        -- as printed on it and signed into its QR code; empty for other certificates.
        ALTER TABLE certificate ADD COLUMN decision TEXT NOT NULL DEFAULT '';
        ALTER TABLE certificate ADD COLUMN decision_date TEXT;
        """,
    )


# 0008: the fund's signers and form set, and cash or bank ----------------------------------
#
# The centre profile names who signs the fund's paper (the upstream Hội Khuyến học printed as
# the parent body, its chair, the head of unit, the accountant, the treasurer) and the form
# set the vouchers follow (core.voucher_forms). A ledger entry says whether the money moved
# in cash or through the bank account, for the cash book and the bank book. A bank mark is in
# the entry's hash (core.fund.EXTRA_FIELDS); every old entry is cash and hashes as before.


@migrations(name="0008_signers_and_bank")
def signers_and_bank(db: UtilsDatabase) -> None:
    run_script(
        db,
        """
        ALTER TABLE centre ADD COLUMN hoi_parent TEXT NOT NULL DEFAULT '';
        ALTER TABLE centre ADD COLUMN hoi_chair TEXT NOT NULL DEFAULT '';
        ALTER TABLE centre ADD COLUMN head_of_unit TEXT NOT NULL DEFAULT '';
        ALTER TABLE centre ADD COLUMN accountant TEXT NOT NULL DEFAULT '';
        ALTER TABLE centre ADD COLUMN treasurer TEXT NOT NULL DEFAULT '';
        ALTER TABLE centre ADD COLUMN voucher_form TEXT NOT NULL DEFAULT 'tt24_2024';
        ALTER TABLE ledger_entry ADD COLUMN account TEXT NOT NULL DEFAULT 'cash'
            CHECK (account IN ('cash', 'bank'));
        -- The bank's balance without reading the cash entries (the cash box's is the fund's
        -- balance less it): a payment's cover check stays a few milliseconds at 100,000.
        CREATE INDEX ledger_bank ON ledger_entry (fund_id, entry_date, effect)
            WHERE account = 'bank';
        """,
    )


# 0009: bundles between a centre and its office -------------------------------------------
#
# Sites other than this one are rows with is_local = 0: the office a centre reports to
# (relation 'upstream') and, at an office, the centres enrolled there ('downstream'), with
# the public keys their bundles are checked with. `peer_state` is this installation's own
# record of each peer (what it acknowledged, the last bundle read from it); it never travels.
# Rows of other sites keep their owner_site and version (Tx.put_foreign).

# Tables a test of tampering deletes rows from by hand (to prove the check notices): they
# get no hard-delete trigger, so the suite can still simulate that.
_HARD_DELETE_ALLOWED = frozenset({"ledger_entry", "fund", "fund_year_close", "certificate"})


@migrations(name="0009_sync")
def sync(db: UtilsDatabase) -> None:
    run_script(
        db,
        """
        ALTER TABLE site ADD COLUMN age_recipient TEXT;
        ALTER TABLE site ADD COLUMN relation TEXT NOT NULL DEFAULT ''
            CHECK (relation IN ('', 'upstream', 'downstream'));
        ALTER TABLE site ADD COLUMN enrolled_at TEXT;
        ALTER TABLE site ADD COLUMN revoked_at TEXT;
        ALTER TABLE site ADD COLUMN commune_code TEXT;
        ALTER TABLE site ADD COLUMN commune_name TEXT NOT NULL DEFAULT '';
        ALTER TABLE site ADD COLUMN province_code TEXT;
        ALTER TABLE site ADD COLUMN province_name TEXT NOT NULL DEFAULT '';
        CREATE INDEX site_relation ON site (relation) WHERE relation != '';

        -- What this installation knows of each peer. At a centre, `acked_version` is the
        -- highest version of its own rows the office acknowledged: an export sends every own
        -- row above it. `last_*` describe the last bundle read from the peer (its sequence
        -- number within its epoch, and the file's hash, which the peer's next bundle names
        -- as its prev_hash).
        CREATE TABLE peer_state (
            peer_site TEXT PRIMARY KEY,
            acked_version INTEGER NOT NULL DEFAULT 0,
            acked_at TEXT,
            last_seq INTEGER NOT NULL DEFAULT 0,
            last_epoch INTEGER NOT NULL DEFAULT 0,
            last_file_hash TEXT NOT NULL DEFAULT '',
            last_import_at TEXT,
            last_bundle_id TEXT NOT NULL DEFAULT '',
            -- Set when the peer's reported ledger heads show a ledger rewritten after it was
            -- reported (JSON: fund id -> what was seen); '' when not.
            ledger_alert TEXT NOT NULL DEFAULT ''
        );

        -- The ledger heads a peer reported, signed by it: a later head must extend them.
        CREATE TABLE peer_ledger_head (
            fund_id TEXT PRIMARY KEY,
            peer_site TEXT NOT NULL,
            seq INTEGER NOT NULL,
            hash TEXT NOT NULL,
            balance INTEGER NOT NULL,
            signature TEXT NOT NULL,
            reported_at TEXT NOT NULL
        );

        -- A row that came with the same id and version as one held, but other content (a
        -- restored or cloned computer): kept here for review, never applied.
        CREATE TABLE sync_conflict (
            id TEXT PRIMARY KEY,
            bundle_id TEXT NOT NULL,
            peer_site TEXT NOT NULL,
            table_name TEXT NOT NULL,
            row_id TEXT NOT NULL,
            version INTEGER NOT NULL,
            incoming TEXT NOT NULL CHECK (json_valid(incoming)),
            detected_at TEXT NOT NULL,
            resolved_at TEXT,
            UNIQUE (table_name, row_id, version, bundle_id)
        );

        -- Columns of another site's rows that this version of the app does not know (the
        -- sender runs a newer minor schema): kept, not dropped, until the app knows them.
        CREATE TABLE sync_extra (
            table_name TEXT NOT NULL,
            row_id TEXT NOT NULL,
            data TEXT NOT NULL CHECK (json_valid(data)),
            PRIMARY KEY (table_name, row_id)
        );

        -- Correction requests received from the office about this centre's rows: the centre
        -- accepts or rejects them; the office never edits a centre's row itself.
        CREATE TABLE sync_correction (
            id TEXT PRIMARY KEY,
            bundle_id TEXT NOT NULL,
            from_site TEXT NOT NULL,
            table_name TEXT NOT NULL,
            row_id TEXT NOT NULL,
            request TEXT NOT NULL CHECK (json_valid(request)),
            received_at TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'open'
        );

        ALTER TABLE bundle_log ADD COLUMN file_hash TEXT NOT NULL DEFAULT '';
        ALTER TABLE bundle_log ADD COLUMN epoch INTEGER NOT NULL DEFAULT 0;
        """,
    )
    # Rows that travel are never deleted, only marked deleted: a deleted row is the tombstone
    # that tells the office. A hard DELETE would silently keep the row alive elsewhere.
    for table in travelling_tables(db):
        if table in _HARD_DELETE_ALLOWED:
            continue
        db.execute(
            f"CREATE TRIGGER {table}_no_hard_delete BEFORE DELETE ON {table} BEGIN"
            f" SELECT RAISE(ABORT, 'rows of {table} are marked deleted, never removed'); END"
        )


# 0010: administrative units over time ----------------------------------------------------
#
# The units before and after the reform of 1 July 2025 ship with the app
# (resources/org_units, read into core.org_units.Catalogue when first needed); this table
# holds the office's own copy of the units of its province, which it may correct or extend
# (a later merger) and which travels down to its centres as a catalogue. A row's id is
# core.org_units.unit_id (level, code and the day it starts), the same on every computer, so
# a row replaces the shipped unit of that id (deleting the row brings the shipped one back).
# `merged_into` lists the successors' codes, the main one first; `valid_to` is the first day
# the unit no longer exists. Centres link to it through their profile's commune_code (and
# commune_name, which tells a reused code apart).


@migrations(name="0010_org_units")
def org_units(db: UtilsDatabase) -> None:
    run_script(
        db,
        f"""
        CREATE TABLE org_unit (
            {SYNC_COLUMNS},
            code TEXT NOT NULL,
            level TEXT NOT NULL CHECK (level IN ('province', 'district', 'commune')),
            name TEXT NOT NULL,
            parent_code TEXT NOT NULL DEFAULT '',
            valid_from TEXT,
            valid_to TEXT,
            merged_into TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(merged_into)),
            basis TEXT NOT NULL DEFAULT '',
            CHECK (valid_from IS NULL OR valid_to IS NULL OR valid_from < valid_to)
        );
        CREATE INDEX org_unit_code ON org_unit (code, level);
        """,
    )
    index_travelling_tables(db)


# 0011: answers to correction requests, reviewed conflicts, indexes for foreign keys ------
#
# A correction request the office sends is kept at the office too (to_site names the centre,
# status 'sent'), under the same id the centre keeps it by; the centre's answer ('accepted' or
# 'rejected', with its reason, when and who) travels up in its next data bundle and sets the
# office's copy. `answer_version` is the centre's change counter at the answer: an export
# sends the answers above what the office acknowledged, as it does rows.
# A conflict kept for review is resolved by keeping the held row or the incoming one
# ('held' | 'incoming'), by whom.
# Every foreign-key column of a child table gets an index of its own (a partial index does
# not serve the check): a deferred foreign-key check, and a parent's update or delete,
# otherwise scans the whole child table once per parent row (an import of 20,000 people took
# ten times longer).
# fund, fund_year_close, certificate (left out of 0009 for the tamper tests, which now drop
# the trigger first, as a tamperer would) and org_unit (0010) get the no-hard-delete trigger
# of 0009 too.

FOREIGN_KEY_INDEXES: tuple[tuple[str, str], ...] = (
    ("household", "head_id"),
    ("certificate", "reissue_of"),
    ("certificate", "course_id"),
    ("branch", "hamlet_id"),
    ("member", "person_id"),
    ("dues_batch", "ledger_entry_id"),
    ("dues_batch", "branch_id"),
    ("dues_payment", "batch_id"),
    ("ledger_entry", "source_id"),
    ("ledger_entry", "reverses"),
    ("ledger_entry", "person_id"),
)


@migrations(name="0011_answers_and_fk_indexes")
def answers_and_fk_indexes(db: UtilsDatabase) -> None:
    run_script(
        db,
        """
        ALTER TABLE sync_correction ADD COLUMN to_site TEXT;
        ALTER TABLE sync_correction ADD COLUMN answer_reason TEXT NOT NULL DEFAULT '';
        ALTER TABLE sync_correction ADD COLUMN answered_at TEXT;
        ALTER TABLE sync_correction ADD COLUMN answered_by TEXT NOT NULL DEFAULT '';
        ALTER TABLE sync_correction ADD COLUMN answer_version INTEGER NOT NULL DEFAULT 0;
        CREATE INDEX sync_correction_answer ON sync_correction (answer_version)
            WHERE answer_version > 0;

        ALTER TABLE sync_conflict ADD COLUMN resolution TEXT
            CHECK (resolution IS NULL OR resolution IN ('held', 'incoming'));
        ALTER TABLE sync_conflict ADD COLUMN resolved_by TEXT NOT NULL DEFAULT '';
        """,
    )
    for table, column in FOREIGN_KEY_INDEXES:
        db.execute(f"CREATE INDEX IF NOT EXISTS {table}_fk_{column} ON {table} ({column})")
    for table in ("fund", "fund_year_close", "certificate", "org_unit"):
        db.execute(
            f"CREATE TRIGGER {table}_no_hard_delete BEFORE DELETE ON {table} BEGIN"
            f" SELECT RAISE(ABORT, 'rows of {table} are marked deleted, never removed'); END"
        )


# 0012: an office that reports to a higher office relays its centres' rows ---------------
#
# A province office enrolled at a higher office sends up the rows it holds of its centres
# (and of the centres below an office of its own), each keeping its owner and version. Each
# owner's versions grow in its own counter, so what the higher office acknowledged is one
# mark per owner. At the higher office a centre known only through the office that relays
# it names that office in `via_site`; its rows are accepted from that office alone.


@migrations(name="0012_relay")
def relay(db: UtilsDatabase) -> None:
    run_script(
        db,
        """
        ALTER TABLE site ADD COLUMN via_site TEXT;
        CREATE INDEX site_via ON site (via_site) WHERE via_site IS NOT NULL;
        -- At an office with a higher office: per site whose rows it relays, the highest
        -- version of that site's rows the higher office acknowledged.
        CREATE TABLE relay_ack (
            peer_site TEXT NOT NULL,
            owner_site TEXT NOT NULL,
            acked_version INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (peer_site, owner_site)
        );
        """,
    )


# 0013: imports from spreadsheets ---------------------------------------------------------
#
# Each import of a spreadsheet is one `import_batch` (the file's name and SHA-256, the sheet,
# the mapping used, the counts); `import_effect` says what it did to each row (created it, or
# changed some of its fields, with their values before), so that the whole import can be
# undone. `import_mapping` keeps the column mapping a user confirmed for a set of headers, to
# offer it again for the next file with the same headers. None of them travel: the records the
# import made travel as any other.


@migrations(name="0013_imports")
def imports(db: UtilsDatabase) -> None:
    run_script(
        db,
        """
        CREATE TABLE import_batch (
            id TEXT PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('people', 'members', 'attendance', 'ledger')),
            file_name TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            sheet TEXT NOT NULL DEFAULT '',
            header_row INTEGER NOT NULL DEFAULT 0,
            mapping TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(mapping)),
            counts TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(counts)),
            target_id TEXT,
            imported_at TEXT NOT NULL,
            imported_by TEXT NOT NULL DEFAULT '',
            undone_at TEXT,
            undone_by TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX import_batch_sha256 ON import_batch (sha256, kind) WHERE undone_at IS NULL;
        CREATE TABLE import_effect (
            batch_id TEXT NOT NULL REFERENCES import_batch (id),
            table_name TEXT NOT NULL,
            row_id TEXT NOT NULL,
            action TEXT NOT NULL CHECK (action IN ('created', 'updated')),
            -- 'updated': the fields it changed, with their values before (JSON object).
            before TEXT CHECK (before IS NULL OR json_valid(before)),
            -- The row's version right after the import: an undo refuses a row changed since.
            version INTEGER NOT NULL,
            PRIMARY KEY (batch_id, table_name, row_id)
        );
        CREATE INDEX import_effect_row ON import_effect (table_name, row_id);
        CREATE TABLE import_mapping (
            signature TEXT NOT NULL,
            kind TEXT NOT NULL,
            mapping TEXT NOT NULL CHECK (json_valid(mapping)),
            saved_at TEXT NOT NULL,
            PRIMARY KEY (signature, kind)
        );
        """,
    )


# 0014: learning models: clans, units, yearly registration ---------------------------------
#
# The subjects of the five learning models (Gia đình, Dòng họ, Cộng đồng, Đơn vị and Công dân
# học tập) and their registration for a year. Households, hamlets and people are the registry's
# own; a clan (dòng họ) groups households, a unit (đơn vị: an agency, a school, an enterprise)
# groups people. `model_registration.subject_id` names a row of the table its `subject_kind`
# says (household, clan, hamlet, learning_unit, person), so it has no foreign key; the service
# checks it. One live registration per model, year and subject (an unregistered one is kept as
# a tombstone, so a later registration of the same subject is a new row).

LEARNING_MODEL_KEYS = ("family", "clan", "community", "unit", "citizen")
LEARNING_SUBJECT_KINDS = ("household", "clan", "hamlet", "unit", "person")


@migrations(name="0014_learning_models")
def learning_models(db: UtilsDatabase) -> None:
    models = ", ".join(f"'{m}'" for m in LEARNING_MODEL_KEYS)
    kinds = ", ".join(f"'{k}'" for k in LEARNING_SUBJECT_KINDS)
    run_script(
        db,
        f"""
        CREATE TABLE clan (
            {SYNC_COLUMNS},
            name TEXT NOT NULL,
            sort_key TEXT NOT NULL DEFAULT '',
            head_person_id TEXT REFERENCES person (id),
            hamlet_id TEXT REFERENCES hamlet (id),
            notes TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX clan_sort ON clan (deleted, sort_key);
        CREATE TABLE clan_household (
            {SYNC_COLUMNS},
            clan_id TEXT NOT NULL REFERENCES clan (id),
            household_id TEXT NOT NULL REFERENCES household (id)
        );
        CREATE UNIQUE INDEX clan_household_live ON clan_household (clan_id, household_id)
            WHERE deleted = 0;
        CREATE TABLE learning_unit (
            {SYNC_COLUMNS},
            name TEXT NOT NULL,
            sort_key TEXT NOT NULL DEFAULT '',
            kind TEXT NOT NULL CHECK (kind IN ('agency', 'school', 'enterprise', 'other')),
            hamlet_id TEXT REFERENCES hamlet (id),
            notes TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX learning_unit_sort ON learning_unit (deleted, sort_key);
        CREATE TABLE unit_member (
            {SYNC_COLUMNS},
            unit_id TEXT NOT NULL REFERENCES learning_unit (id),
            person_id TEXT NOT NULL REFERENCES person (id)
        );
        CREATE UNIQUE INDEX unit_member_live ON unit_member (unit_id, person_id)
            WHERE deleted = 0;
        CREATE TABLE model_registration (
            {SYNC_COLUMNS},
            model TEXT NOT NULL CHECK (model IN ({models})),
            year INTEGER NOT NULL,
            subject_kind TEXT NOT NULL CHECK (subject_kind IN ({kinds})),
            subject_id TEXT NOT NULL,
            registered_on TEXT,
            -- Who registered for the household (or the clan, the unit...), as typed.
            registered_by TEXT NOT NULL DEFAULT '',
            notes TEXT NOT NULL DEFAULT '',
            CHECK (subject_kind = CASE model WHEN 'family' THEN 'household'
                WHEN 'clan' THEN 'clan' WHEN 'community' THEN 'hamlet' WHEN 'unit' THEN 'unit'
                WHEN 'citizen' THEN 'person' END)
        );
        CREATE UNIQUE INDEX model_registration_live
            ON model_registration (model, year, subject_id) WHERE deleted = 0;
        CREATE INDEX model_registration_subject ON model_registration (subject_id);
        """,
    )
    for table, column in (
        ("clan", "head_person_id"),
        ("clan", "hamlet_id"),
        ("clan_household", "clan_id"),
        ("clan_household", "household_id"),
        ("learning_unit", "hamlet_id"),
        ("unit_member", "unit_id"),
        ("unit_member", "person_id"),
    ):
        db.execute(f"CREATE INDEX IF NOT EXISTS {table}_fk_{column} ON {table} ({column})")
    for table in ("clan", "clan_household", "learning_unit", "unit_member", "model_registration"):
        db.execute(
            f"CREATE TRIGGER {table}_no_hard_delete BEFORE DELETE ON {table} BEGIN"
            f" SELECT RAISE(ABORT, 'rows of {table} are marked deleted, never removed'); END"
        )
    index_travelling_tables(db)


# 0015: self-assessment of the learning models' subjects --------------------------------------
#
# One saved assessment per live registration: the criteria set it was scored against (its
# model and the year it is valid from), every item's value, source line and points as JSON,
# the total, the level reached and whether it passed. Saving again updates the same row.


@migrations(name="0015_model_assessment")
def model_assessment(db: UtilsDatabase) -> None:
    run_script(
        db,
        f"""
        CREATE TABLE model_assessment (
            {SYNC_COLUMNS},
            registration_id TEXT NOT NULL REFERENCES model_registration (id),
            set_model TEXT NOT NULL,
            set_valid_from INTEGER NOT NULL,
            -- {{item code: {{value, not_applicable, reason, source: {{message, params}},
            --   points}}}}
            items TEXT NOT NULL DEFAULT '{{}}' CHECK (json_valid(items)),
            total REAL NOT NULL DEFAULT 0,
            level TEXT NOT NULL DEFAULT '',
            passed INTEGER NOT NULL DEFAULT 0 CHECK (passed IN (0, 1)),
            assessed_on TEXT NOT NULL,
            assessed_by TEXT NOT NULL DEFAULT ''
        );
        CREATE UNIQUE INDEX model_assessment_live ON model_assessment (registration_id)
            WHERE deleted = 0;
        CREATE INDEX model_assessment_fk_registration_id ON model_assessment (registration_id);
        CREATE TRIGGER model_assessment_no_hard_delete BEFORE DELETE ON model_assessment BEGIN
            SELECT RAISE(ABORT, 'rows of model_assessment are marked deleted, never removed');
        END;
        """,
    )
    index_travelling_tables(db)


# 0016: recognition of the learning models' subjects -----------------------------------------
#
# `model_decision` is the commune's decision that recognises subjects of a model for a year (its
# number and date, and who issues and signs the Giấy công nhận as printed). `model_recognition`
# is the register "Sổ cấp Giấy công nhận": one row per recognised registration, numbered when
# the decision is recorded (its own series per site and year, apart from the course
# certificates'), with the subject's name and hamlet as printed, the signed QR text and the
# signed state, the prints and a revocation. A revoked recognition is kept (its number is
# never given again) and still counts as the registration's one recognition.


@migrations(name="0016_model_recognition")
def model_recognition(db: UtilsDatabase) -> None:
    models = ", ".join(f"'{m}'" for m in LEARNING_MODEL_KEYS)
    run_script(
        db,
        f"""
        CREATE TABLE model_decision (
            {SYNC_COLUMNS},
            model TEXT NOT NULL CHECK (model IN ({models})),
            year INTEGER NOT NULL,
            number TEXT NOT NULL,
            decided_on TEXT NOT NULL,
            -- 'commune' (the People's Committee) or 'centre'; the body as printed.
            issued_by TEXT NOT NULL DEFAULT 'commune' CHECK (issued_by IN ('commune', 'centre')),
            issuer_parent TEXT NOT NULL DEFAULT '',
            issuer TEXT NOT NULL DEFAULT '',
            signer_for TEXT NOT NULL DEFAULT '',
            signer_title TEXT NOT NULL DEFAULT '',
            signer_name TEXT NOT NULL DEFAULT ''
        );
        CREATE UNIQUE INDEX model_decision_live
            ON model_decision (owner_site, model, year, number) WHERE deleted = 0;
        CREATE TABLE model_recognition (
            {SYNC_COLUMNS},
            registration_id TEXT NOT NULL REFERENCES model_registration (id),
            decision_id TEXT NOT NULL REFERENCES model_decision (id),
            model TEXT NOT NULL CHECK (model IN ({models})),
            year INTEGER NOT NULL,
            -- The register's number: number/serial_year, the year of the decision.
            serial_year INTEGER NOT NULL,
            number INTEGER NOT NULL CHECK (number > 0),
            subject_prefix TEXT NOT NULL DEFAULT '',
            subject_name TEXT NOT NULL,
            birth TEXT NOT NULL DEFAULT '',
            hamlet_label TEXT NOT NULL DEFAULT '',
            hamlet_name TEXT NOT NULL DEFAULT '',
            level TEXT NOT NULL DEFAULT '',
            total REAL NOT NULL DEFAULT 0,
            payload TEXT NOT NULL,
            state_sig TEXT NOT NULL DEFAULT '',
            print_count INTEGER NOT NULL DEFAULT 0,
            last_printed_at TEXT,
            revoked_at TEXT,
            revoke_reason TEXT NOT NULL DEFAULT ''
        );
        CREATE UNIQUE INDEX model_recognition_live ON model_recognition (registration_id)
            WHERE deleted = 0;
        CREATE UNIQUE INDEX model_recognition_serial
            ON model_recognition (owner_site, serial_year, number);
        CREATE INDEX model_recognition_fk_decision_id ON model_recognition (decision_id);
        CREATE INDEX model_recognition_fk_registration_id
            ON model_recognition (registration_id);
        CREATE INDEX model_recognition_model_year ON model_recognition (model, year);
        """,
    )
    for table in ("model_decision", "model_recognition"):
        db.execute(
            f"CREATE TRIGGER {table}_no_hard_delete BEFORE DELETE ON {table} BEGIN"
            f" SELECT RAISE(ABORT, 'rows of {table} are marked deleted, never removed'); END"
        )
    index_travelling_tables(db)


# 0017: the "Công dân học tập" tracker ---------------------------------------------------------
#
# Where each adult stands on the national platform (congdanhoctap.vn): not registered, account
# created, self-assessed, achieved, each stage with its day when known; notes; whether it was
# typed or came from an import (with the import's id, so that the import can be undone). One
# live row per person. `import_id` names a row of import_batch, which does not travel, so it
# has no foreign key. import_batch takes the new import kind 'cdht'.

CITIZEN_STATUSES = ("not_registered", "account", "self_assessed", "achieved")


@migrations(name="0017_citizen_status")
def citizen_status(db: UtilsDatabase) -> None:
    statuses = ", ".join(f"'{s}'" for s in CITIZEN_STATUSES)
    run_script(
        db,
        f"""
        CREATE TABLE citizen_status (
            {SYNC_COLUMNS},
            person_id TEXT NOT NULL REFERENCES person (id),
            status TEXT NOT NULL CHECK (status IN ({statuses})),
            account_on TEXT,
            self_assessed_on TEXT,
            achieved_on TEXT,
            notes TEXT NOT NULL DEFAULT '',
            source TEXT NOT NULL DEFAULT 'typed' CHECK (source IN ('typed', 'imported')),
            import_id TEXT
        );
        CREATE UNIQUE INDEX citizen_status_live ON citizen_status (person_id) WHERE deleted = 0;
        CREATE INDEX citizen_status_fk_person_id ON citizen_status (person_id);
        CREATE TRIGGER citizen_status_no_hard_delete BEFORE DELETE ON citizen_status BEGIN
            SELECT RAISE(ABORT, 'rows of citizen_status are marked deleted, never removed');
        END;
        """,
    )
    # import_batch.kind gains 'cdht' (SQLite changes a CHECK only by rebuilding the table).
    db.execute("PRAGMA defer_foreign_keys = ON")
    _rebuild_table(
        db,
        "import_batch",
        """
        CREATE TABLE import_batch (
            id TEXT PRIMARY KEY,
            kind TEXT NOT NULL
                CHECK (kind IN ('people', 'members', 'attendance', 'ledger', 'cdht')),
            file_name TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            sheet TEXT NOT NULL DEFAULT '',
            header_row INTEGER NOT NULL DEFAULT 0,
            mapping TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(mapping)),
            counts TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(counts)),
            target_id TEXT,
            imported_at TEXT NOT NULL,
            imported_by TEXT NOT NULL DEFAULT '',
            undone_at TEXT,
            undone_by TEXT NOT NULL DEFAULT ''
        )
        """,
    )
    index_travelling_tables(db)


# 0018: the indexes the learning models' status reads --------------------------------------
#
# The status of the models counts subjects per hamlet. Without an index holding the hamlet
# and the birth year, counting the adults read every person's whole row (220 ms at 200,000
# people; 11 ms with it); and the registrations, joined to their households and people by
# id, read those rows for their hamlet alone (370 ms on the first opening; 70 ms when the
# id indexes below also hold the hamlet).


@migrations(name="0018_model_status_indexes")
def model_status_indexes(db: UtilsDatabase) -> None:
    for sql in (
        "CREATE INDEX IF NOT EXISTS person_adults ON person (deleted, hamlet_id, birth_year)",
        "CREATE INDEX IF NOT EXISTS person_id_hamlet ON person (id, deleted, hamlet_id)",
        "CREATE INDEX IF NOT EXISTS household_id_hamlet ON household (id, deleted, hamlet_id)",
    ):
        db.execute(sql)


# 0019: the saved results the models' status counts, read from their indexes -------------
#
# The status counts, per hamlet, the registrations assessed, passed and recognised. The
# unique indexes on registration_id are partial (deleted = 0), so each of the 100,000 lookups
# of a 200,000-person commune also read the row for `passed` or `revoked_at` (1.5 s); these
# hold what is counted, and the status reads in one pass per model (0.25 s).


@migrations(name="0019_model_result_indexes")
def model_result_indexes(db: UtilsDatabase) -> None:
    for sql in (
        "CREATE INDEX IF NOT EXISTS model_assessment_result"
        " ON model_assessment (registration_id, deleted, passed)",
        "CREATE INDEX IF NOT EXISTS model_recognition_result"
        " ON model_recognition (registration_id, deleted, revoked_at)",
        "CREATE INDEX IF NOT EXISTS household_live_hamlet ON household (deleted, hamlet_id)",
    ):
        db.execute(sql)


# 0020: the registry by sex and birth year, for the annual report -------------------------
#
# The annual report counts the people of the registry by sex and age band. Without an index
# holding both, the count read every person's whole row (440 ms at 200,000 people; 35 ms
# with it); owner_site rides along for an office's choice of centres.


@migrations(name="0020_report_indexes")
def report_indexes(db: UtilsDatabase) -> None:
    db.execute(
        "CREATE INDEX IF NOT EXISTS person_sex_birth"
        " ON person (deleted, sex, birth_year, owner_site)"
    )


# 0021: the present marks of a session, read from their index ------------------------------
#
# The home page and the annual report count the year's present marks per enrolment: with
# `deleted` and `enrolment_id` in the index the count never reads the rows (350,000 marks of
# a 200,000-person commune: 0.8 s before, 0.45 s after).


@migrations(name="0021_attendance_live_index")
def attendance_live_index(db: UtilsDatabase) -> None:
    db.execute(
        "CREATE INDEX IF NOT EXISTS attendance_session_live"
        " ON attendance (session_id, deleted, enrolment_id)"
    )
