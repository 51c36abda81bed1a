"""Where the demo centre is, after the 2025 reform: a commune (xã, phường or đặc khu) directly
under its province, with no district level, and the words a centre there uses for its places."""

from __future__ import annotations

from dataclasses import dataclass

from desktop_app.core.people import HamletKind

# Provinces of the South, where a xã's hamlets are called ấp.
SOUTHERN_PROVINCES = frozenset(
    ("Thành phố Hồ Chí Minh", "Tây Ninh", "Đồng Nai", "Vĩnh Long", "Đồng Tháp", "An Giang",
     "Thành phố Cần Thơ", "Cà Mau")
)  # fmt: skip


@dataclass(frozen=True)
class DemoPlace:
    """The demo commune. `unit` is its kind as written inside a sentence ("phường"), so that
    every "Công an …" or "Trạm Y tế …" names the right kind of unit."""

    unit: str  # "xã", "phường" or "đặc khu"
    bare: str  # "Thủy Xuân"
    province_name: str  # "Thành phố Huế", "Đồng Nai" (as the province list spells it)

    @classmethod
    def of(cls, commune_name: str, province_name: str) -> DemoPlace:
        for unit in ("Đặc khu", "Phường", "Xã"):
            if commune_name.startswith(unit + " "):
                return cls(unit.lower(), commune_name[len(unit) + 1 :], province_name)
        return cls("xã", commune_name, province_name)

    @property
    def commune(self) -> str:
        """'phường Thủy Xuân', as inside an address or a name."""
        return f"{self.unit} {self.bare}"

    @property
    def province(self) -> str:
        """'thành phố Huế' or 'tỉnh Đồng Nai', as inside an address."""
        if self.province_name.startswith("Thành phố "):
            return "thành phố " + self.province_name[len("Thành phố ") :]
        return f"tỉnh {self.province_name}"

    def address(self, hamlet: str = "") -> str:
        """'Tổ dân phố 3, phường Thủy Xuân, thành phố Huế': commune then province, no district."""
        return ", ".join(p for p in (hamlet, self.commune, self.province) if p)

    @property
    def hamlet_kind(self) -> HamletKind:
        if self.unit == "phường":
            return HamletKind.TO_DAN_PHO
        if self.province_name in SOUTHERN_PROVINCES:
            return HamletKind.AP
        return HamletKind.THON

    @property
    def hamlet_word(self) -> str:
        return {HamletKind.TO_DAN_PHO: "Tổ dân phố", HamletKind.AP: "Ấp"}.get(
            self.hamlet_kind, "Thôn"
        )

    def schools(self, grade: int) -> tuple[str, ...]:
        """Schools a pupil of this grade (1–12) attends: primary and lower secondary in the
        commune, upper secondary (THPT) named after a figure, as most are."""
        if grade <= 5:
            return (f"Trường Tiểu học {self.bare}", f"Trường Tiểu học số 2 {self.bare}")
        if grade <= 9:
            return (f"Trường THCS {self.bare}",)
        return ("Trường THPT Nguyễn Huệ", "Trường THPT Trần Phú", "Trường THPT Lê Quý Đôn")
