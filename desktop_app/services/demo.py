"""A realistic demo centre: a real commune, hamlets, households and Vietnamese people.

Deterministic for a given seed (the data, not the UUIDs), and fast: 200,000 people in
seconds, so benchmarks and first-start demos use the same generator.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_app.core.cccd import PROVINCE_CODES, cccd_century_digit
from desktop_app.core.people import Birth, PersonFields, Sex
from desktop_app.core.problems import N_, UserError
from desktop_app.core.progress import Progress, check, no_progress
from desktop_app.services.centre import CentreProfile, communes, provinces
from desktop_app.services.demo_courses import add_demo_courses
from desktop_app.services.demo_khuyen_hoc import Adult, add_demo_khuyen_hoc
from desktop_app.services.demo_models import DemoPerson, add_demo_models, add_demo_results
from desktop_app.services.demo_places import DemoPlace
from desktop_app.services.households import HEAD_RELATION
from desktop_app.services.ops import OpResult
from desktop_app.storage import people as repo
from desktop_app.storage.people import BulkPerson
from desktop_app.storage.tx import Tx

if TYPE_CHECKING:
    from desktop_app.services.workspace import Workspace

# Share of the population per family name (rounded survey figures; the rest spread thin).
FAMILY_NAMES: tuple[tuple[str, float], ...] = (
    ("Nguyễn", 38.4), ("Trần", 11.0), ("Lê", 9.5), ("Phạm", 7.1), ("Hoàng", 3.1),
    ("Huỳnh", 2.0), ("Phan", 4.5), ("Vũ", 2.0), ("Võ", 1.9), ("Đặng", 2.1),
    ("Bùi", 2.0), ("Đỗ", 1.4), ("Hồ", 1.3), ("Ngô", 1.3), ("Dương", 1.0),
    ("Lý", 0.5), ("Đinh", 0.6), ("Trương", 0.6), ("Lương", 0.4), ("Đoàn", 0.4),
    ("Mai", 0.3), ("Cao", 0.3), ("Lâm", 0.3), ("Tạ", 0.2), ("Hà", 0.3),
    ("Chu", 0.2), ("Quách", 0.1), ("Thái", 0.2), ("Kiều", 0.1), ("Triệu", 0.1),
    ("Tôn Nữ", 0.05), ("Âu", 0.05), ("La", 0.1), ("Lưu", 0.2), ("Tăng", 0.1),
)  # fmt: skip

MIDDLE_MALE = (
    "Văn", "Văn", "Văn", "Hữu", "Đức", "Minh", "Quốc", "Thanh", "Công", "Xuân",
    "Ngọc", "Quang", "Đình", "Bá", "Trọng", "Tiến", "Gia", "Hoàng", "Anh", "Tuấn",
)  # fmt: skip
MIDDLE_FEMALE = (
    "Thị", "Thị", "Thị", "Thị", "Ngọc", "Thu", "Minh", "Kim", "Thanh", "Hồng",
    "Thị Thu", "Thị Kim", "Thị Ngọc", "Bảo", "Khánh", "Mỹ", "Diệu", "Phương", "Như", "Tuyết",
)  # fmt: skip
GIVEN_MALE = (
    "An", "Anh", "Bảo", "Bình", "Cường", "Chiến", "Công", "Dũng", "Duy", "Đạt", "Đặng",
    "Đức", "Giang", "Hải", "Hiếu", "Hoàng", "Hùng", "Huy", "Hưng", "Khang", "Khánh",
    "Khoa", "Kiên", "Lâm", "Long", "Lộc", "Lợi", "Mạnh", "Minh", "Nam", "Nghĩa",
    "Nhân", "Phát", "Phong", "Phúc", "Phước", "Quân", "Quang", "Quý", "Sơn", "Tài",
    "Tâm", "Thắng", "Thành", "Thịnh", "Toàn", "Trung", "Tuấn", "Tùng", "Việt", "Vinh",
    "Vũ", "Ẩn", "Ân", "Tú", "Thuận", "Hậu", "Lực", "Tường", "Hỷ",
)  # fmt: skip
GIVEN_FEMALE = (
    "An", "Anh", "Ánh", "Bích", "Châu", "Chi", "Dung", "Duyên", "Giang", "Hà",
    "Hạnh", "Hằng", "Hiền", "Hoa", "Hồng", "Huệ", "Hương", "Hường", "Lan", "Liên",
    "Linh", "Loan", "Mai", "My", "Nga", "Ngân", "Ngọc", "Nhung", "Oanh", "Phượng",
    "Quyên", "Quỳnh", "Tâm", "Thảo", "Thu", "Thủy", "Thúy", "Trang", "Trinh", "Tuyết",
    "Uyên", "Vân", "Vy", "Xuân", "Yến", "Ẩn", "Ngà", "Mỹ", "Diễm", "Lụa",
)  # fmt: skip

HAMLET_WORDS = ("Đông", "Tây", "Nam", "Bắc", "Thượng", "Hạ", "Trung", "An Lạc", "Phú Mỹ", "Tân Lập")
MOBILE_PREFIXES = ("032", "033", "034", "035", "036", "037", "038", "039", "070", "076", "077",
                   "078", "079", "081", "082", "083", "084", "085", "086", "088", "089", "090",
                   "091", "093", "094", "096", "097", "098")  # fmt: skip

BATCH = 20_000


@dataclass(frozen=True)
class DemoSummary:
    centre_name: str
    commune_name: str
    province_name: str
    hamlets: int
    households: int
    people: int
    courses: int = 0
    members: int = 0
    ledger_entries: int = 0


@dataclass
class _Draft:
    family: str
    middle: str
    given: str
    sex: Sex
    birth: Birth
    relation: str
    cccd: str | None = None
    phone: str | None = None


def is_empty(workspace: Workspace) -> bool:
    return repo.is_empty(workspace.db)


def create_demo_database(
    path: Path | str, *, people: int = 2000, seed: int = 1, courses: int | None = None,
    progress: Progress = no_progress,
) -> DemoSummary:  # fmt: skip
    """Create a new database file filled with a demo centre. Refuses an existing file."""
    from desktop_app.services.workspace import Workspace

    path = Path(path)
    if path.exists() and path.stat().st_size > 0:
        raise UserError(
            N_("{path} already exists. Give the demo a new file name; nothing was changed."),
            {"path": str(path)},
        )
    with Workspace.open(path, create=True) as ws:
        summary = create_demo(ws, people=people, seed=seed, courses=courses, progress=progress)
        ws.db.checkpoint()
        return summary.value


def create_demo(
    workspace: Workspace,
    *,
    people: int = 2000,
    seed: int = 1,
    courses: int | None = None,
    progress: Progress = no_progress,
    today: dt.date | None = None,
) -> OpResult[DemoSummary]:
    """Fill an empty database with a demo centre, in one operation: people, households and
    (by default one per hundred people) classes with sessions, enrolment and attendance.
    `progress(done, total)` may return False to cancel: Cancelled is raised and nothing is
    kept."""
    if courses is None:
        courses = people // 100
    if people < 0 or courses < 0:
        raise UserError(N_("The number of people cannot be negative."))
    if not is_empty(workspace):
        raise UserError(
            N_("The database already has data; a demo can only fill an empty database.")
        )
    rng = random.Random(seed)
    today = today or dt.date.today()
    province = rng.choice(provinces())
    commune = rng.choice(communes(province.code))
    place = DemoPlace.of(commune.name, province.name)
    kind = place.hamlet_kind
    hamlet_names = _hamlet_names(rng, place.hamlet_word, max(3, min(25, people // 400 + 6)))

    with workspace.ops.op("demo.fill") as op:
        tx = op.tx
        hamlet_ids = [repo.insert_hamlet(tx, name, kind) for name in hamlet_names]
        for hid, name in zip(hamlet_ids, hamlet_names, strict=True):
            # A plausible population figure per hamlet, for membership shares later.
            population = max(people // len(hamlet_ids), 50) + rng.randint(0, 300)
            repo.update_hamlet(tx, hid, name, kind, population)
        profile = CentreProfile(
            name=f"Trung tâm học tập cộng đồng {place.commune}",
            province_code=province.code,
            commune_code=commune.code,
            upstream_office=f"Sở Giáo dục và Đào tạo {province.name}",
            address=place.address(hamlet_names[0]),
            director=f"{_family(rng)} {rng.choice(MIDDLE_MALE)} {rng.choice(GIVEN_MALE)}",
            # The fund's signers from their own generator: the rest of the demo stays as it
            # was for a given seed.
            **_fund_signers(random.Random(f"signers-{commune.code}")),
        )
        workspace.centre.save_profile(profile)

        drafts = _households(rng, people, today)
        province_codes = _cccd_codes(province.code)
        with repo.bulk_loading(tx.db):
            inserted = _insert(tx, rng, drafts, hamlet_ids, today, province_codes, progress)
        learners = [(pid, m.sex, m.birth.year) for pid, m, _ in inserted]
        course_count = add_demo_courses(tx, rng, learners, courses, today, place, hamlet_names)
        members, entries = add_demo_khuyen_hoc(
            workspace,
            tx,
            rng,
            [
                Adult(pid, hamlet, _full_name(m), m.birth.year)
                for pid, m, hamlet in inserted
                if today.year - m.birth.year >= 18
            ],
            today,
            # Pupils of school age in any of the three demo years, with their birth year.
            [(pid, m.birth.year) for pid, m, _ in inserted if 4 <= today.year - m.birth.year <= 17],
            place,
        )
        add_demo_models(
            tx, seed,
            [DemoPerson(pid, hamlet, _full_name(m), m.birth.year) for pid, m, hamlet in inserted],
            list(zip(hamlet_ids, hamlet_names, strict=True)), today, place,
        )  # fmt: skip
        # The chair who signs the commune's decisions, from a generator of its own.
        chair = random.Random(f"chair-{commune.code}")
        add_demo_results(
            workspace, seed, today, place,
            f"{_family(chair)} {chair.choice(MIDDLE_MALE)} {chair.choice(GIVEN_MALE)}",
        )  # fmt: skip
        tx.note("demo", tx.site_id, f"people={people},seed={seed}")
    return op.result(
        DemoSummary(
            centre_name=profile.name,
            commune_name=commune.name,
            province_name=province.name,
            hamlets=len(hamlet_ids),
            households=len(drafts),
            courses=course_count,
            members=members,
            ledger_entries=entries,
            people=sum(len(h) for h in drafts),
        )
    )


def _insert(
    tx: Tx,
    rng: random.Random,
    drafts: list[list[_Draft]],
    hamlet_ids: list[str],
    today: dt.date,
    province_codes: list[str],
    progress: Progress,
) -> list[tuple[str, _Draft, str]]:
    """Insert the people by batches; return (person id, draft, hamlet id) in order."""
    inserted: list[tuple[str, _Draft, str]] = []
    used_cccd: set[str] = set()
    total = len(drafts)
    done = 0
    # Small demos report (and can be cancelled) often; big ones insert in large batches.
    batch = max(200, min(BATCH, total // 20))
    for start in range(0, total, batch):
        chunk = drafts[start : start + batch]
        household_rows = [(rng.choice(hamlet_ids), "") for _ in chunk]
        household_ids = repo.bulk_insert_households(tx, household_rows)
        items: list[BulkPerson] = []
        heads: list[tuple[str, int]] = []
        for hid, (hamlet_id, _), members in zip(household_ids, household_rows, chunk, strict=True):
            heads.append((hid, len(items)))
            for m in members:
                _add_numbers(rng, m, today, province_codes, used_cccd)
                items.append(BulkPerson(_fields(m, hamlet_id), hid, m.relation))
        person_ids = repo.bulk_insert_people(tx, items)
        repo.bulk_set_heads(tx, [(hid, person_ids[i]) for hid, i in heads])
        in_order = [
            (m, hamlet_id)
            for (hamlet_id, _), members in zip(household_rows, chunk, strict=True)
            for m in members
        ]
        inserted.extend((pid, m, h) for pid, (m, h) in zip(person_ids, in_order, strict=True))
        done += len(chunk)
        check(progress, done, total)
    return inserted


def _hamlet_names(rng: random.Random, word: str, count: int) -> list[str]:
    numbered = count - min(3, count // 3)
    names = [f"{word} {i}" for i in range(1, numbered + 1)]
    names += [f"{word} {w}" for w in rng.sample(HAMLET_WORDS, count - numbered)]
    return names


def _cccd_codes(province_code: str) -> list[str]:
    """Most people were registered at birth in this province; some elsewhere."""
    own = province_code.zfill(3)
    return [own] * 8 + list(PROVINCE_CODES) if own in PROVINCE_CODES else list(PROVINCE_CODES)


_FAMILY = [name for name, _ in FAMILY_NAMES]
_FAMILY_CUM: list[float] = []
_acc = 0.0
for _name, _share in FAMILY_NAMES:
    _acc += _share
    _FAMILY_CUM.append(_acc)


def _fund_signers(rng: random.Random) -> dict[str, str]:
    def woman() -> str:
        return f"{_family(rng)} {rng.choice(MIDDLE_FEMALE)} {rng.choice(GIVEN_FEMALE)}"

    def man() -> str:
        return f"{_family(rng)} {rng.choice(MIDDLE_MALE)} {rng.choice(GIVEN_MALE)}"

    return {"hoi_chair": man(), "accountant": woman(), "treasurer": woman()}


def _family(rng: random.Random) -> str:
    return rng.choices(_FAMILY, cum_weights=_FAMILY_CUM)[0]


def _person(
    rng: random.Random, family: str, sex: Sex, year: int, relation: str, today: dt.date
) -> _Draft:
    middle = rng.choice(MIDDLE_MALE if sex is Sex.MALE else MIDDLE_FEMALE)
    given = rng.choice(GIVEN_MALE if sex is Sex.MALE else GIVEN_FEMALE)
    year = min(year, today.year)
    if year < 1965 and rng.random() < 0.35:
        birth = Birth(year)  # many older villagers know only the year
    else:
        last = today if year == today.year else dt.date(year, 12, 31)
        first = dt.date(year, 1, 1)
        day = first + dt.timedelta(days=rng.randint(0, (last - first).days))
        birth = Birth(day.year, day.month, day.day)
    return _Draft(family, middle, given, sex, birth, relation)


def _households(rng: random.Random, people: int, today: dt.date) -> list[list[_Draft]]:
    households: list[list[_Draft]] = []
    left = people
    sizes = (1, 2, 3, 4, 5, 6)
    weights = (10, 20, 25, 25, 12, 8)
    while left > 0:
        size = min(left, rng.choices(sizes, weights)[0])
        households.append(_household(rng, size, today))
        left -= size
    return households


def _household(rng: random.Random, size: int, today: dt.date) -> list[_Draft]:
    """A head and `size - 1` people living with them, each of an age that fits the relation:
    a spouse a few years apart, children born when both parents were grown up and the mother
    under 45, grandchildren through a grown-up child, a parent twenty or more years older."""
    this_year = today.year
    head_sex = Sex.MALE if rng.random() < 0.78 else Sex.FEMALE
    head_age = rng.randint(24, 85)
    head_year = this_year - head_age
    family = _family(rng)
    members = [_person(rng, family, head_sex, head_year, HEAD_RELATION, today)]
    # Children take their father's family name.
    father_family = family if head_sex is Sex.MALE else _family(rng)
    parent_years = [head_year]
    mother_year = head_year
    if size >= 2 and rng.random() < 0.88:
        gap = rng.randint(-2, 8)  # husbands are usually a few years older than their wives
        if head_sex is Sex.MALE:
            spouse_year = min(head_year + gap, this_year - 18)
            mother_year = spouse_year
            members.append(_person(rng, _family(rng), Sex.FEMALE, spouse_year, "Vợ", today))
        else:
            spouse_year = head_year - gap
            members.append(_person(rng, father_family, Sex.MALE, spouse_year, "Chồng", today))
        parent_years.append(spouse_year)
    slots = size - len(members)
    if slots >= 2 and head_age >= 55 and rng.random() < 0.6:
        # Three generations: a grown-up child still at home, with their own children.
        child_sex = Sex.MALE if rng.random() < 0.7 else Sex.FEMALE
        child_year = rng.randint(max(parent_years) + 20, min(mother_year + 42, this_year - 22))
        members.append(_person(rng, father_family, child_sex, child_year, "Con", today))
        grand_family = father_family if child_sex is Sex.MALE else _family(rng)
        for _ in range(slots - 1):
            year = rng.randint(child_year + 20, min(child_year + 40, this_year))
            members.append(_person(rng, grand_family, _any_sex(rng), year, "Cháu", today))
        return members
    if slots >= 1 and head_age <= 50 and rng.random() < 0.2:
        # A widowed father or mother living with the family.
        parent_sex = _any_sex(rng)
        relation, parent_family = (
            ("Cha", family) if parent_sex is Sex.MALE else ("Mẹ", _family(rng))
        )
        year = head_year - rng.randint(20, 38)
        members.append(_person(rng, parent_family, parent_sex, year, relation, today))
        slots -= 1
    for _ in range(slots):
        year = rng.randint(max(parent_years) + 18, min(mother_year + 45, this_year))
        members.append(_person(rng, father_family, _any_sex(rng), year, "Con", today))
    return members


def _any_sex(rng: random.Random) -> Sex:
    return Sex.MALE if rng.random() < 0.5 else Sex.FEMALE


def _add_numbers(
    rng: random.Random,
    m: _Draft,
    today: dt.date,
    province_codes: list[str],
    used: set[str],
) -> None:
    age = today.year - m.birth.year
    if age >= 14 and rng.random() < 0.85:
        prefix = (
            rng.choice(province_codes)
            + cccd_century_digit(m.sex, m.birth.year)
            + f"{m.birth.year % 100:02d}"
        )
        while True:
            number = prefix + f"{rng.randrange(1_000_000):06d}"
            if number not in used:
                used.add(number)
                m.cccd = number
                break
    if age >= 16 and rng.random() < 0.6:
        m.phone = rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10_000_000):07d}"


def _full_name(m: _Draft) -> str:
    return " ".join(p for p in (m.family, m.middle, m.given) if p)


def _fields(m: _Draft, hamlet_id: str) -> PersonFields:
    return PersonFields(
        full_name=_full_name(m),
        family_name=m.family,
        middle_name=m.middle,
        given_name=m.given,
        sex=m.sex,
        birth=m.birth,
        cccd=m.cccd,
        phone=m.phone,
        hamlet_id=hamlet_id,
        ethnicity="",
        religion="",
        notes="",
    )
