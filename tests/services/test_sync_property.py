"""Whatever a centre does and however its bundles travel (grouped, reordered, acknowledged or
not), the office ends up holding exactly the centre's rows."""

from __future__ import annotations

import datetime as dt
import random
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop_app.core.people import PersonInput, Sex
from tests.services.sync_helpers import add_person, make_pair, new_fund, receipt, rows_of

GIVEN = ("An", "Bình", "Cường", "Dũng", "Giang", "Hải", "Khánh", "Long", "Minh", "Nam", "Oanh")
ACTIONS = st.lists(
    st.sampled_from(["add", "edit", "delete", "restore", "receipt", "void", "export", "ack"]),
    min_size=3,
    max_size=14,
)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(actions=ACTIONS, seed=st.integers(0, 2**16))
def test_the_office_sees_what_the_centre_has(actions: list[str], seed: int) -> None:
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as tmp:
        pair = make_pair(Path(tmp))
        c, o = pair.centre, pair.office
        try:
            people: list[str] = []
            entries: list[str] = []
            fund = new_fund(c, 1_000_000)
            files: list[Path] = []
            for n, action in enumerate([*actions, "export"]):
                if action == "add" or (action in ("edit", "delete", "restore") and not people):
                    people.append(add_person(c, f"Nguyễn Văn {GIVEN[n % len(GIVEN)]}"))
                elif action == "edit":
                    p = rng.choice(people)
                    name = f"Lê Thị {GIVEN[rng.randrange(len(GIVEN))]}"
                    c.people.update(
                        p, PersonInput(name, Sex.FEMALE, "1990"), confirmed_different=True
                    )
                elif action in ("delete", "restore"):
                    p = rng.choice(people)
                    if c.people.get(p).deleted:
                        c.people.restore(p)
                    else:
                        c.people.delete(p)
                elif action == "receipt" or (action == "void" and not entries):
                    entries.append(receipt(c, fund, 1000 * (n + 1)))
                elif action == "void":
                    e = entries.pop(rng.randrange(len(entries)))
                    c.fund.void(e, "Ghi nhầm", dt.date(2026, 3, 3))
                elif action == "export":
                    files.append(c.sync.export(pair.stick).file)
                elif action == "ack" and files:
                    # Some of the bundles so far reach the office, in any order, and its
                    # acknowledgements come back.
                    chosen = rng.sample(files, rng.randint(1, len(files)))
                    for out in o.sync.import_files(chosen, ack_to=pair.back):
                        assert out.status in ("applied", "already-imported", "stale"), out
                        if out.ack_file is not None:
                            c.sync.import_files([out.ack_file])
            rng.shuffle(files)
            # One at a time, so the order really is random (a batch is sorted by seq).
            for f in files:
                (out,) = o.sync.import_files([f])
                assert out.status in ("applied", "already-imported", "stale"), out
            assert rows_of(o.path, c.db.site_id) == rows_of(c.path, c.db.site_id)
            assert o.fund.verify().ok
        finally:
            pair.close()
