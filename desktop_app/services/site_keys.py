"""The site's private keys, kept in the key file outside the database (sync.keystore), and
what happens once when an older database meets them: its key moves out of the database, and
its ledger and register, verified intact, are sealed with the key."""

from __future__ import annotations

from desktop_app.core.certificates import parse_payload, state_message, state_sig_text
from desktop_app.core.fund import (
    HeadSeal,
    genesis_hash,
    legacy_chain_intact,
    seal_funds,
)
from desktop_app.core.problems import N_, UserError
from desktop_app.services.ops import Ops
from desktop_app.storage import certificates as cert_repo
from desktop_app.storage import fund as fund_repo
from desktop_app.storage.db import Database
from desktop_app.storage.tx import Tx
from desktop_app.sync import keys as signing
from desktop_app.sync.keystore import (
    KeyFileError,
    SiteKeys,
    key_file,
    load_keys,
    new_site_keys,
    write_keys,
)

__all__ = ["SiteKeyService", "SiteKeys"]

MISSING_KEY = N_(
    "This computer does not have the key file of this centre ({path}), so certificates "
    "cannot be issued or revoked and vouchers cannot be recorded here. Restore the key file "
    "from a backup of this centre, then open the database again."
)
DAMAGED_KEY = N_(
    "The key file {path} is damaged or belongs to another centre; restore it from a backup "
    "of this centre."
)


class SiteKeyService:
    """This site's keys for one open database (each service that signs or seals has one)."""

    def __init__(self, db: Database, ops: Ops) -> None:
        self._db = db
        self._ops = ops
        self._cached: SiteKeys | None = None

    def path(self) -> str:
        return str(key_file(self._db.site_id))

    def keys(self) -> SiteKeys | None:
        """The key file's keys, or None when this computer has no key file for the site.
        Raises UserError when the key file is damaged."""
        if self._cached is None:
            try:
                self._cached = load_keys(self._db.site_id)
            except KeyFileError:
                raise UserError(DAMAGED_KEY, {"path": self.path()}) from None
        return self._cached

    def usable(self) -> SiteKeys | None:
        """The keys, or None when missing or damaged (for checks that work without them)."""
        try:
            return self.keys()
        except UserError:
            return None

    def require(self) -> SiteKeys:
        """The keys, or a UserError that says to restore the key file."""
        found = self.keys()
        if found is None:
            raise UserError(MISSING_KEY, {"path": self.path()})
        return found

    # At open ---------------------------------------------------------------------------

    def ensure(self) -> None:
        """At every writable open: mint the site's keys on first start; move an older
        database's private key out into the key file (keeping a key file that exists);
        seal its ledger and register once. A database copied without its key file is left
        as it is: it reads, prints and verifies, but does not issue."""
        db = self._db
        if db.read_only:
            return
        legacy = cert_repo.legacy_private_key(db)
        public = cert_repo.site_public_key(db)
        try:
            found = load_keys(db.site_id)
            damaged = False
        except KeyFileError:
            found, damaged = None, True
        if legacy is not None:
            created = False
            if found is None and not damaged:
                pair = signing.KeyPair(public=signing.public_of(legacy), private=legacy)
                found = new_site_keys(db.site_id, pair)
                write_keys(found)
                created = True
            if found is None or found.signing_private != legacy:
                # A damaged key file, or one with another key: the database's own key is not
                # thrown away (it is the only copy); issuing waits until the key file is fixed.
                self._cached = None
                return
            with self._ops.op("site.key_move_out") as op:
                if public is None:
                    cert_repo.set_public_key(op.tx, found.signing_public)
                cert_repo.clear_private_key(op.tx)
                # Sealing an older ledger is only ever done with the very key the database
                # held: nobody can make a database look older to have a rewritten ledger sealed.
                if created or not fund_repo.funds_seal(db):
                    self._seal_older(op.tx, found)
            self._cached = found
            return
        if public is None and not damaged:
            if found is None:
                found = new_site_keys(db.site_id)
                write_keys(found)
            with self._ops.op("site.signing_key") as op:
                cert_repo.set_public_key(op.tx, found.signing_public)
                if not fund_repo.funds_seal(db):
                    ids = [f.id for f in fund_repo.all_funds(db) if f.owner_site == db.site_id]
                    fund_repo.set_funds_seal(op.tx, seal_funds(found.seal, db.site_id, ids))
            self._cached = found

    def _seal_older(self, tx: Tx, found: SiteKeys) -> None:
        """Seal the ledger and the register of a database from before migration 0005, each
        fund only after its unkeyed chain was verified intact (recorded in the audit)."""
        db = self._db
        own = [f for f in fund_repo.all_funds(db) if f.owner_site == db.site_id]
        for fund in own:
            genesis = genesis_hash(fund.id, fund.opening_balance, fund.opening_date.isoformat())
            links = (
                (link.seq, link.prev_hash, link.hash, link.values)
                for link in fund_repo.iter_links(db, fund.id)
            )
            head = (fund.head_seq, fund.head_hash, fund.head_balance)
            if not legacy_chain_intact(genesis, links, head):
                tx.note("fund", fund.id, "not sealed: its ledger failed verification")
                continue
            seal = HeadSeal(
                fund_id=fund.id, owner_site=fund.owner_site,
                opening_balance=fund.opening_balance,
                opening_date=fund.opening_date.isoformat(), legacy=fund.head_seq,
                seq=fund.head_seq, head=fund.head_hash, balance=fund.head_balance,
                closed=tuple(fund_repo.closings(db, fund.id)), deleted=fund.deleted,
            )  # fmt: skip
            fund_repo.set_head_seal(tx, fund.id, seal.sealed(found.seal))
            tx.note(
                "fund",
                fund.id,
                f"ledger verified intact ({fund.head_seq} entries), then sealed with the key",
            )
        fund_repo.set_funds_seal(tx, seal_funds(found.seal, db.site_id, [f.id for f in own]))
        for cert in cert_repo.own_unsigned(db):
            if not _payload_genuine(found, cert):
                tx.note("certificate", cert.id, "state not signed: the payload is not genuine")
                continue
            message = state_message(cert.payload, cert.revoked_at, cert.revoke_reason)
            text = state_sig_text(cert.revoked_at, signing.sign(found.signing_private, message))
            cert_repo.set_state_sig(tx, cert.id, text)

    def sign_state(self, payload: str, revoked_at: str | None, reason: str) -> str:
        """The state signature of a register row (core.certificates.state_message)."""
        found = self.require()
        message = state_message(payload, revoked_at, reason)
        return state_sig_text(revoked_at, signing.sign(found.signing_private, message))


def _payload_genuine(found: SiteKeys, cert: cert_repo.CertificateRow) -> bool:
    try:
        facts, signature = parse_payload(cert.payload)
    except UserError:
        return False
    return facts.serial == cert.serial and signing.verify(
        found.signing_public, facts.signed_bytes(), signature
    )
