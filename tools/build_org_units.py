"""Build desktop_app/resources/org_units/units-2025.json: Vietnam's administrative units
before and after the reform of 1 July 2025, and which of today's units each old one became.

Source: the open dataset of `vietnamadminunits` 1.0.4 (MIT, (c) 2025 Tran Ngoc Minh Hieu,
https://github.com/tranngocminhhieu/vietnamadminunits), compiled from the General Statistics
Office's unit codes and the 34 Standing Committee resolutions on the rearrangement. Only its
data files are read (`data/dataset.db` for names and codes, `data/converter_2025.json` for the
old -> new mapping); the package itself (shapely, geopy) is not a dependency of the app.
Today's units are cross-checked against `vietnam-provinces` (the list the centre profile
picks from): every code and name must agree, or the build stops.

    pip download vietnamadminunits==1.0.4 --no-deps -d /tmp/vau
    python tools/build_org_units.py /tmp/vau/vietnamadminunits-1.0.4-py3-none-any.whl

The output has one unit per line so that a new build's diff is readable.
"""

from __future__ import annotations

import json
import sqlite3
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent.parent / "desktop_app/resources/org_units/units-2025.json"
REFORM = "2025-07-01"
SOURCE = {
    "name": "vietnamadminunits",
    "version": "1.0.4",
    "url": "https://github.com/tranngocminhhieu/vietnamadminunits",
    "licence": "MIT, (c) 2025 Tran Ngoc Minh Hieu",
    "basis": "GSO unit codes; Nghị quyết 202/2025/QH15 and the 34 Standing Committee"
    " resolutions on the rearrangement of commune-level units (effective 1/7/2025)",
}


def _read(wheel: Path, folder: Path) -> tuple[sqlite3.Connection, dict[str, dict]]:  # type: ignore[type-arg]
    with zipfile.ZipFile(wheel) as z:
        z.extract("vietnamadminunits/data/dataset.db", folder)
        converter = json.loads(z.read("vietnamadminunits/data/converter_2025.json"))
    return sqlite3.connect(folder / "vietnamadminunits/data/dataset.db"), converter


def _province_name(name: str) -> str:
    """ "Tỉnh Cao Bằng" -> "Cao Bằng", as the official list and the profile picker write it;
    "Thành phố Hà Nội" stays."""
    return name.removeprefix("Tỉnh ")


def build(wheel: Path) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        db, conv = _read(wheel, Path(tmp))
        legacy = db.execute(
            "SELECT provinceCode, province, provinceKey, districtCode, district, districtKey,"
            " wardCode, ward, wardKey FROM admin_units_legacy"
            " ORDER BY provinceCode, districtCode, wardCode"
        ).fetchall()
        current = db.execute(
            "SELECT provinceCode, province, provinceKey, wardCode, ward, wardKey"
            " FROM admin_units ORDER BY provinceCode, wardCode"
        ).fetchall()
        db.close()

    new_province = {r[2]: (r[0], r[1]) for r in current}  # key -> (code, name)
    new_ward = {(r[2], r[5]): r[3] for r in current}  # (province key, ward key) -> code
    old_province_succ: dict[str, str] = {}
    for new_key, old_keys in conv["DICT_PROVINCE"].items():
        for old_key in old_keys:
            old_province_succ[old_key] = new_province[new_key][0]

    # Old "province_district_ward" key -> today's commune codes, the default one first.
    succ: dict[str, list[str]] = {}
    for new_pkey, wards in conv["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for new_wkey, old_keys in wards.items():
            for old_key in old_keys:
                succ.setdefault(old_key, []).append(new_ward[(new_pkey, new_wkey)])
    for new_pkey, divided in conv["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old_key, options in divided.items():
            ordered = sorted(options, key=lambda o: not o["isDefaultNewWard"])
            codes = [new_ward[(new_pkey, o["newWardKey"])] for o in ordered]
            succ[old_key] = list(dict.fromkeys(succ.get(old_key, []) + codes))

    provinces: dict[str, list[object]] = {}
    districts: dict[str, list[object]] = {}
    communes: list[list[object]] = []
    for pcode, pname, pkey, dcode, dname, dkey, wcode, wname, wkey in legacy:
        provinces.setdefault(pcode, [pcode, _province_name(pname), "", [old_province_succ[pkey]]])
        if dcode not in districts:
            island = succ.get(f"{pkey}_{dkey}_")
            # A district is abolished into its province; an island district became a special zone.
            districts[dcode] = [dcode, dname, pcode, island or [old_province_succ[pkey]]]
        if wcode is None:
            continue
        targets = succ.get(f"{pkey}_{dkey}_{wkey}")
        if not targets:
            raise SystemExit(f"no successor for {wcode} {wname}")
        communes.append([wcode, wname, dcode, targets])

    return {
        "format": "tthtcd-org-units",
        "format_version": 1,
        "source": SOURCE,
        "reform": REFORM,
        "eras": [
            {
                "name": "before-2025",
                "valid_from": None,
                "valid_to": REFORM,
                "provinces": list(provinces.values()),
                "districts": list(districts.values()),
                "communes": communes,
            },
            {
                "name": "2025",
                "valid_from": REFORM,
                "valid_to": None,
                "provinces": [
                    [code, _province_name(name), "", []]
                    for code, name in sorted({(r[0], r[1]) for r in current})
                ],
                "districts": [],
                "communes": [[r[3], r[4], r[0], []] for r in current],
            },
        ],
    }


def _fold(name: str) -> str:
    from desktop_app.core.text import fold

    return fold(name)


def add_draft_aliases(data: dict[str, Any]) -> list[str]:
    """The app's profile picker (`vietnam-provinces` 2025.10) lists today's units with the
    codes of the GSO *draft* of June 2025; a few hundred communes got another code in the
    official list. Match them by province and name and record draft code -> official code, so
    that a centre profile saved with a draft code still finds its commune. Returns what could
    not be matched."""
    from vietnam_provinces import Province, Ward

    era = data["eras"][1]
    official_p = {int(c): _fold(n) for c, n, _, _ in era["provinces"]}
    for p in Province.iter_all():
        if official_p.get(int(p.code)) != _fold(p.name):
            raise SystemExit(
                f"province {int(p.code)}: {p.name} is not {official_p.get(int(p.code))}"
            )
    by_name = {(int(p), _fold(n)): c for c, n, p, _ in era["communes"]}
    aliases: list[list[str]] = []
    unmatched: list[str] = []
    for w in Ward.iter_all():
        draft = f"{int(w.code):05d}"
        official = by_name.get((int(w.province_code), _fold(w.name)))
        if official is None:
            unmatched.append(f"{draft} {w.name}")
        elif official != draft:
            aliases.append([draft, official])
    data["draft_aliases"] = {
        "source": "vietnam-provinces 2025.10.1 (GSO draft codes of June 2025)",
        "codes": sorted(aliases),
    }
    return unmatched


def check_nso(data: dict[str, Any], wheel: Path) -> None:
    """Optional: compare the old -> new mapping with the NSO conversion table as packaged in
    vietnam-provinces >= 2026.2 (Python >= 3.12, so not installable here; read from its wheel)."""
    import importlib.util

    with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(wheel) as z:
        member = "vietnam_provinces/_ward_conversion_2025.py"
        z.extract(member, tmp)
        spec = importlib.util.spec_from_file_location("nso", Path(tmp) / member)
        assert spec is not None and spec.loader is not None
        nso = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(nso)
    same = differ = absent = 0
    for code, _name, _district, succ in data["eras"][0]["communes"]:
        entry = nso.OLD_TO_NEW.get(int(code))
        if entry is None:
            absent += 1
        elif {w.code for w in entry.new_wards} == {int(s) for s in succ}:
            same += 1
        else:
            differ += 1
    print(f"NSO conversion table: {same} same successors, {differ} differ, {absent} absent")
    if same < 0.99 * (same + differ):
        raise SystemExit("the mapping disagrees with the NSO table for more than 1% of communes")


def write(data: dict[str, object], out: Path) -> None:
    """Canonical JSON, one unit per line."""
    eras = data["eras"]
    head = {k: v for k, v in data.items() if k not in ("eras", "draft_aliases")}
    dump = lambda o: json.dumps(o, ensure_ascii=False, separators=(",", ":"))  # noqa: E731
    lines = ["{" + dump(head)[1:-1] + ',"eras":[']
    for i, era in enumerate(eras):  # type: ignore[arg-type]
        lines.append("{" + dump({k: era[k] for k in ("name", "valid_from", "valid_to")})[1:-1])
        for level in ("provinces", "districts", "communes"):
            rows = era[level]
            lines.append(f',"{level}":[')
            lines.extend(dump(r) + ("," if j < len(rows) - 1 else "") for j, r in enumerate(rows))
            lines.append("]")
        lines.append("}" + ("," if i < len(eras) - 1 else ""))  # type: ignore[arg-type]
    lines.append("],")
    lines.append('"draft_aliases":' + dump(data["draft_aliases"]))
    lines.append("}")
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    built = build(Path(sys.argv[1]))
    missing = add_draft_aliases(built)
    print(
        f"{len(built['draft_aliases']['codes'])} draft codes differ;"
        f" {len(missing)} draft communes not matched by name: {missing[:10]}"
    )
    if len(sys.argv) > 2:
        check_nso(built, Path(sys.argv[2]))
    write(built, OUT)
    json.loads(OUT.read_text(encoding="utf-8"))
    print(f"wrote {OUT} ({OUT.stat().st_size:,} bytes)")
