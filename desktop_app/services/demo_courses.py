"""Demo classes: every kind, with sessions, enrolment, attendance and results."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from desktop_app.core.courses import CourseInput, CourseStatus, Result
from desktop_app.core.ids import new_id
from desktop_app.core.sex import Sex
from desktop_app.services.demo_places import DemoPlace
from desktop_app.storage import courses as repo
from desktop_app.storage.tx import Tx

TITLES: dict[str, tuple[str, ...]] = {
    "xmc1": ("Lớp xóa mù chữ giai đoạn 1", "Lớp xóa mù chữ giai đoạn 1 cho phụ nữ"),
    "xmc2": ("Lớp xóa mù chữ giai đoạn 2", "Lớp xóa mù chữ giai đoạn 2 buổi tối"),
    "sau_biet_chu": ("Lớp học tiếp sau khi biết chữ", "Đọc sách báo sau biết chữ"),
    "tuong_duong": ("Lớp bổ túc trung học cơ sở", "Chương trình tương đương tiểu học"),
    "cd_nong_nghiep": (
        "Kỹ thuật trồng lúa vụ Đông Xuân", "Chăn nuôi lợn an toàn sinh học",
        "Phòng trừ sâu bệnh trên cây ăn quả", "Nuôi cá nước ngọt", "Trồng rau an toàn VietGAP",
        "Chăm sóc đàn gà thả vườn", "Ủ phân hữu cơ từ phụ phẩm nông nghiệp",
    ),
    "cd_phap_luat": (
        "Luật Đất đai năm 2024", "Phòng chống bạo lực gia đình", "Luật Giao thông đường bộ",
        "Bảo vệ dữ liệu cá nhân", "Phòng chống lừa đảo qua mạng",
    ),
    "cd_suc_khoe": (
        "Phòng chống sốt xuất huyết", "Dinh dưỡng cho trẻ dưới 5 tuổi",
        "Chăm sóc sức khỏe người cao tuổi", "Vệ sinh an toàn thực phẩm",
    ),
    "ky_nang_song": (
        "Kỹ năng sống cho thanh thiếu niên", "Kỹ năng phòng tránh đuối nước cho trẻ em",
    ),
    "ky_nang_so": (
        "Bình dân học vụ số: dùng điện thoại thông minh", "Sử dụng VNeID và dịch vụ công",
        "Thanh toán không dùng tiền mặt", "Tin học văn phòng cơ bản",
    ),
    "ngoai_ngu": ("Tiếng Anh giao tiếp cơ bản", "Tiếng Anh cho thiếu nhi"),
    "nghe_ngan_han": ("Nghề may công nghiệp", "Sửa chữa máy nông nghiệp", "Nghề mộc dân dụng"),
    "van_hoa_the_thao": ("Câu lạc bộ dưỡng sinh", "Đội văn nghệ quần chúng", "Câu lạc bộ cầu lông"),
}  # fmt: skip


@dataclass(frozen=True)
class Audience:
    """Who a class is for: a sex (None: both) and an age range in years at its start."""

    sex: Sex | None = None
    youngest: int = 15
    oldest: int = 75


# A class named for a group is attended by that group; the others by people of fitting age.
# Literacy classes follow the 15–60 age range of the literacy programme.
AUDIENCES: dict[str, Audience] = {
    "Lớp xóa mù chữ giai đoạn 1 cho phụ nữ": Audience(Sex.FEMALE, 15, 60),
    "Chăm sóc sức khỏe người cao tuổi": Audience(None, 60, 90),
    "Dinh dưỡng cho trẻ dưới 5 tuổi": Audience(Sex.FEMALE, 18, 50),  # mothers of small children
    "Kỹ năng sống cho thanh thiếu niên": Audience(None, 13, 24),
    "Kỹ năng phòng tránh đuối nước cho trẻ em": Audience(None, 8, 15),
    "Tiếng Anh cho thiếu nhi": Audience(None, 6, 14),
    "Tiếng Anh giao tiếp cơ bản": Audience(None, 15, 45),
    "Tin học văn phòng cơ bản": Audience(None, 15, 50),
    "Lớp bổ túc trung học cơ sở": Audience(None, 15, 45),
    "Chương trình tương đương tiểu học": Audience(None, 15, 45),
    "Nghề may công nghiệp": Audience(None, 16, 45),
    "Sửa chữa máy nông nghiệp": Audience(None, 18, 60),
    "Nghề mộc dân dụng": Audience(None, 18, 60),
    "Câu lạc bộ dưỡng sinh": Audience(None, 50, 85),
    "Câu lạc bộ cầu lông": Audience(None, 15, 60),
}
LITERACY_AUDIENCE = Audience(None, 15, 60)
FARMERS = Audience(None, 18, 70)  # farming topics: the farmers of the commune

# Who runs or co-runs each kind of class; "{unit}" is the commune's kind (xã, phường…).
PARTNERS: dict[str, tuple[str, ...]] = {
    "cd_nong_nghiep": ("Hội Nông dân {unit}", "Trung tâm Khuyến nông {province}"),
    "cd_phap_luat": ("Công an {unit}", "Hội Liên hiệp Phụ nữ {unit}", "Đoàn Thanh niên {unit}"),
    "cd_suc_khoe": ("Trạm Y tế {unit}", "Hội Liên hiệp Phụ nữ {unit}"),
    "ky_nang_song": ("Đoàn Thanh niên {unit}",),
    "ky_nang_so": ("Đoàn Thanh niên {unit}", "Hội Khuyến học {unit}"),
    "nghe_ngan_han": ("Hội Nông dân {unit}", "Hội Liên hiệp Phụ nữ {unit}"),
    "van_hoa_the_thao": ("Hội Người cao tuổi {unit}", "Hội Cựu chiến binh {unit}"),
}
PARTNERS_BY_TITLE: dict[str, str] = {
    "Lớp xóa mù chữ giai đoạn 1 cho phụ nữ": "Hội Liên hiệp Phụ nữ {unit}",
    "Phòng chống bạo lực gia đình": "Hội Liên hiệp Phụ nữ {unit}",
    "Chăm sóc sức khỏe người cao tuổi": "Hội Người cao tuổi {unit}",
    "Câu lạc bộ dưỡng sinh": "Hội Người cao tuổi {unit}",
    "Dinh dưỡng cho trẻ dưới 5 tuổi": "Trạm Y tế {unit}",
    "Luật Giao thông đường bộ": "Công an {unit}",
    "Phòng chống lừa đảo qua mạng": "Công an {unit}",
}
OTHER_PARTNERS = ("Hội Khuyến học {unit}", "Hội Liên hiệp Phụ nữ {unit}", "Đoàn Thanh niên {unit}")
PRESENTERS = (
    "Nguyễn Văn Hùng", "Trần Thị Mai", "Lê Minh Tuấn", "Phạm Thị Hồng", "Hoàng Văn Nam",
    "Đỗ Thị Lan", "Vũ Đức Thắng", "Bùi Thị Thu",
)  # fmt: skip
FUNDING = ("Ngân sách {unit}", "Xã hội hóa", "Không kinh phí")
FARM_FUNDING = (*FUNDING, "Chương trình khuyến nông")


def add_demo_courses(
    tx: Tx,
    rng: random.Random,
    people: list[tuple[str, Sex, int]],
    count: int,
    today: dt.date,
    place: DemoPlace,
    hamlets: list[str],
) -> int:
    """Insert `count` demo classes in the caller's operation; return how many. `people` are
    (person id, sex, birth year): each class enrols people its title is meant for."""
    types = {t.code: t for t in repo.list_class_types(tx.db, include_inactive=True)}
    if not count or not people or not types:
        return 0
    pools = _Pools(people)
    venues = (
        "Hội trường Trung tâm học tập cộng đồng",
        *(f"Nhà văn hóa {h}" for h in hamlets[:3]),
        f"Hội trường UBND {place.unit}",
    )
    topic_codes: list[str] = [
        c for c in ("cd_nong_nghiep", "cd_phap_luat", "cd_suc_khoe") if c in types
    ]
    literacy_codes = [c for c, t in types.items() if t.literacy]
    other_codes = [c for c in types if c not in topic_codes and c not in literacy_codes]
    courses: list[tuple[str, CourseInput]] = []
    sessions: list[tuple[str, str, dt.date, str, int]] = []
    enrolments: list[tuple[str, str, str, Result | None, int | None]] = []
    attendance: list[tuple[str, str]] = []
    every_kind = list(types)
    groups = {"topic": topic_codes, "literacy": literacy_codes, "other": other_codes or every_kind}
    for number in range(count):
        if number < len(every_kind):  # the first classes cover every kind, then the usual mix
            code = every_kind[number]
            group = next((g for g in ("topic", "literacy") if code in groups[g]), "other")
        else:
            roll = rng.random()
            group = (
                "topic" if roll < 0.35 and topic_codes
                else "literacy" if roll < 0.5 and literacy_codes
                else "other"
            )  # fmt: skip
            code = rng.choice(groups[group])
        if group == "topic":
            size, n_sessions, gap = rng.randint(30, 80), 1, 0
        elif group == "literacy":
            size, n_sessions, gap = rng.randint(20, 35), rng.randint(50, 100), 2
        else:
            size, n_sessions, gap = rng.randint(25, 55), rng.randint(10, 32), 7
        kind = types[code]
        start = today - dt.timedelta(days=rng.randint(-30, 3 * 365))
        # Literacy classes meet about three evenings a week; others weekly.
        step = max(gap, 1)
        days = [
            start + dt.timedelta(days=i * step + (i // 3 if gap == 2 else 0))
            for i in range(n_sessions)
        ]
        end = days[-1]
        status = (
            CourseStatus.PLANNED if start > today
            else CourseStatus.RUNNING if end >= today
            else CourseStatus.FINISHED
        )  # fmt: skip
        course_id = new_id()
        title = rng.choice(TITLES.get(code, (kind.name,)))
        partner = PARTNERS_BY_TITLE.get(title) or rng.choice(PARTNERS.get(code, OTHER_PARTNERS))
        audience = AUDIENCES.get(title) or (
            LITERACY_AUDIENCE if code in literacy_codes or code == "sau_biet_chu"
            else FARMERS if code == "cd_nong_nghiep"
            else Audience()
        )  # fmt: skip
        courses.append(
            (
                course_id,
                CourseInput(
                    type_code=code,
                    title=title,
                    start=start,
                    end=end,
                    partner=partner.format(unit=place.unit, province=place.province),
                    presenter=rng.choice(PRESENTERS),
                    venue=rng.choice(venues),
                    funding=rng.choice(
                        FARM_FUNDING if code == "cd_nong_nghiep" else FUNDING
                    ).format(unit=place.unit),
                    status=status,
                    min_percent=kind.default_min_percent,
                    needs_result=kind.literacy,
                ),
            )
        )
        session_ids = [new_id() for _ in days]
        pairs = list(zip(session_ids, days, strict=True))
        sessions.extend((sid, course_id, day, "", i + 1) for i, (sid, day) in enumerate(pairs))
        held = [sid for sid, day in pairs if day <= today]
        pool = pools.get(audience, start.year)
        for person_id in rng.sample(pool, min(size, len(pool))):
            enrolment_id = new_id()
            keenness = rng.uniform(0.6, 1.0)
            ticks = [sid for sid in held if rng.random() < keenness]
            attendance.extend((enrolment_id, sid) for sid in ticks)
            result: Result | None = None
            level: int | None = None
            if status is CourseStatus.FINISHED and (kind.literacy or rng.random() < 0.5):
                result = rng.choices(list(Result), (10, 25, 35, 25, 5))[0]
                if kind.literacy and result is not Result.FAIL:
                    level = 2 if code == "xmc2" else 1
            enrolments.append((enrolment_id, course_id, person_id, result, level))
    repo.bulk_insert_course_rows(tx, courses, sessions, enrolments, attendance)
    return count


class _Pools:
    """People by birth year and sex, so that the people fitting an audience in a given year are
    gathered without walking the whole population for every class."""

    def __init__(self, people: list[tuple[str, Sex, int]]) -> None:
        self._by_year: dict[tuple[int, Sex], list[str]] = {}
        for pid, sex, year in people:
            self._by_year.setdefault((year, sex), []).append(pid)
        self._made: dict[tuple[Audience, int], list[str]] = {}

    def get(self, audience: Audience, year: int) -> list[str]:
        key = (audience, year)
        if key not in self._made:
            sexes = (audience.sex,) if audience.sex else (Sex.MALE, Sex.FEMALE)
            self._made[key] = [
                pid
                for born in range(year - audience.oldest, year - audience.youngest + 1)
                for sex in sexes
                for pid in self._by_year.get((born, sex), ())
            ]
        return self._made[key]
