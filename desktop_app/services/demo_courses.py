"""Demo classes: every kind, with sessions, enrolment, attendance and results."""

from __future__ import annotations

import datetime as dt
import random

from desktop_app.core.courses import CourseInput, CourseStatus, Result
from desktop_app.core.ids import new_id
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
    "ky_nang_song": ("Kỹ năng sống cho thanh thiếu niên", "Kỹ năng phòng tránh đuối nước"),
    "ky_nang_so": (
        "Bình dân học vụ số: dùng điện thoại thông minh", "Sử dụng VNeID và dịch vụ công",
        "Thanh toán không dùng tiền mặt", "Tin học văn phòng cơ bản",
    ),
    "ngoai_ngu": ("Tiếng Anh giao tiếp cơ bản", "Tiếng Anh cho thiếu nhi"),
    "nghe_ngan_han": ("Nghề may công nghiệp", "Sửa chữa máy nông nghiệp", "Nghề mộc dân dụng"),
    "van_hoa_the_thao": ("Câu lạc bộ dưỡng sinh", "Đội văn nghệ quần chúng", "Câu lạc bộ cầu lông"),
}  # fmt: skip
PARTNERS = (
    "Hội Nông dân xã", "Hội Liên hiệp Phụ nữ xã", "Đoàn Thanh niên xã", "Trạm Khuyến nông",
    "Trạm Y tế xã", "Công an xã", "Hội Cựu chiến binh xã", "Hội Khuyến học xã",
)  # fmt: skip
PRESENTERS = (
    "Nguyễn Văn Hùng", "Trần Thị Mai", "Lê Minh Tuấn", "Phạm Thị Hồng", "Hoàng Văn Nam",
    "Đỗ Thị Lan", "Vũ Đức Thắng", "Bùi Thị Thu",
)  # fmt: skip
VENUES = ("Hội trường Trung tâm học tập cộng đồng", "Nhà văn hóa thôn", "Hội trường UBND xã")
FUNDING = ("Ngân sách xã", "Xã hội hóa", "Chương trình khuyến nông", "Không kinh phí")


def add_demo_courses(
    tx: Tx,
    rng: random.Random,
    adults: list[str],
    count: int,
    today: dt.date,
) -> int:
    """Insert `count` demo classes in the caller's operation; return how many."""
    types = {t.code: t for t in repo.list_class_types(tx.db, include_inactive=True)}
    if not count or not adults or not types:
        return 0
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
    pools = {"topic": topic_codes, "literacy": literacy_codes, "other": other_codes or every_kind}
    for number in range(count):
        if number < len(every_kind):  # the first classes cover every kind, then the usual mix
            code = every_kind[number]
            group = next((g for g in ("topic", "literacy") if code in pools[g]), "other")
        else:
            roll = rng.random()
            group = (
                "topic" if roll < 0.35 and topic_codes
                else "literacy" if roll < 0.5 and literacy_codes
                else "other"
            )  # fmt: skip
            code = rng.choice(pools[group])
        if group == "topic":
            people, n_sessions, gap = rng.randint(30, 80), 1, 0
        elif group == "literacy":
            people, n_sessions, gap = rng.randint(20, 35), rng.randint(50, 100), 2
        else:
            people, n_sessions, gap = rng.randint(25, 55), rng.randint(10, 32), 7
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
        courses.append(
            (
                course_id,
                CourseInput(
                    type_code=code,
                    title=rng.choice(TITLES.get(code, (kind.name,))),
                    start=start,
                    end=end,
                    partner=rng.choice(PARTNERS),
                    presenter=rng.choice(PRESENTERS),
                    venue=rng.choice(VENUES),
                    funding=rng.choice(FUNDING),
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
        for person_id in rng.sample(adults, min(people, len(adults))):
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
