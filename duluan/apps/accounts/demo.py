"""Demo agencies and officials: Bắc Ninh as it is since 01/07/2025, and Bắc Giang before it.

Idempotent: codes identify agencies, usernames identify users, so running it twice changes nothing.
"""

from __future__ import annotations

from duluan.adminunits import PRE2025, PRE2025_END, SCHEME_2025, SCHEME_2025_START
from duluan.apps.geo.models import AdminUnit, Level

from .models import AgencyKind, Role
from .services import agency_upsert, user_upsert

DEMO_PASSWORD = "DuLuan@2026"  # noqa: S105 - printed to the demo user on purpose

PROVINCE_DEPARTMENTS = [
    ("so-noi-vu", "Sở Nội vụ"),
    ("so-tu-phap", "Sở Tư pháp"),
    ("so-tai-chinh", "Sở Tài chính"),
    ("so-xay-dung", "Sở Xây dựng"),
    ("so-nn-mt", "Sở Nông nghiệp và Môi trường"),
    ("so-y-te", "Sở Y tế"),
    ("so-gd-dt", "Sở Giáo dục và Đào tạo"),
    ("so-vh-tt-dl", "Sở Văn hóa, Thể thao và Du lịch"),
    ("so-cong-thuong", "Sở Công Thương"),
    ("so-kh-cn", "Sở Khoa học và Công nghệ"),
]

BAC_GIANG_DEPARTMENTS = [
    ("so-noi-vu", "Sở Nội vụ tỉnh Bắc Giang"),
    ("so-tn-mt", "Sở Tài nguyên và Môi trường tỉnh Bắc Giang"),
    ("so-nn-ptnt", "Sở Nông nghiệp và Phát triển nông thôn tỉnh Bắc Giang"),
    ("so-tt-tt", "Sở Thông tin và Truyền thông tỉnh Bắc Giang"),
    ("so-xay-dung", "Sở Xây dựng tỉnh Bắc Giang"),
    ("so-y-te", "Sở Y tế tỉnh Bắc Giang"),
    ("so-gd-dt", "Sở Giáo dục và Đào tạo tỉnh Bắc Giang"),
]

DEMO_USERS = [
    # username, role, agency code, first name, last name
    ("quantri", Role.ADMINISTRATOR, None, "Quản trị", "Hệ thống"),
    ("dieuphoi", Role.COORDINATOR, "bn-vp-ubnd", "Nguyễn Thị", "Điều Phối"),
    ("phantich", Role.ANALYST, "bn-btg-dv", "Trần Văn", "Phân Tích"),
    ("lanhdao.nnmt", Role.HEAD, "bn-so-nn-mt", "Lê Văn", "Lãnh Đạo"),
    ("canbo.nnmt", Role.OFFICER, "bn-so-nn-mt", "Phạm Thị", "Cán Bộ"),
    ("canbo.bacgiang", Role.OFFICER, "bn-xa-07210", "Hoàng Văn", "Phường Bắc Giang"),
]


def _lower_first(name: str) -> str:
    """ "Tỉnh Bắc Ninh" → "tỉnh Bắc Ninh", as it reads after "Ủy ban nhân dân"."""
    return name[:1].lower() + name[1:]


def demo_agencies_seed(*, province_code: str = "24", pre2025_province_code: str = "24") -> int:
    """Create the demo agencies; returns how many agencies the province tree holds."""
    province = AdminUnit.objects.get(scheme=SCHEME_2025, code=province_code)
    start = SCHEME_2025_START
    ubnd, _ = agency_upsert(
        code="bn-ubnd",
        name=f"Ủy ban nhân dân {_lower_first(province.name)}",
        short_name="UBND tỉnh",
        kind=AgencyKind.PEOPLES_COMMITTEE,
        unit=province,
        valid_from=start,
    )
    codes = {"bn-ubnd"}
    agency_upsert(
        code="bn-vp-ubnd",
        name=f"Văn phòng UBND {_lower_first(province.name)}",
        short_name="VP UBND tỉnh",
        kind=AgencyKind.OFFICE,
        parent=ubnd,
        unit=province,
        valid_from=start,
    )
    agency_upsert(
        code="bn-btg-dv",
        name=f"Ban Tuyên giáo và Dân vận Tỉnh ủy {province.short_name}",
        short_name="Ban TG&DV Tỉnh ủy",
        kind=AgencyKind.PARTY,
        unit=province,
        valid_from=start,
    )
    agency_upsert(
        code="bn-mttq",
        name=f"Ủy ban MTTQ Việt Nam {_lower_first(province.name)}",
        short_name="UB MTTQ tỉnh",
        kind=AgencyKind.FRONT,
        unit=province,
        valid_from=start,
    )
    agency_upsert(
        code="bn-cong-an",
        name=f"Công an {_lower_first(province.name)}",
        short_name="Công an tỉnh",
        kind=AgencyKind.POLICE,
        parent=ubnd,
        unit=province,
        valid_from=start,
    )
    agency_upsert(
        code="bn-thanh-tra",
        name=f"Thanh tra {_lower_first(province.name)}",
        short_name="Thanh tra tỉnh",
        kind=AgencyKind.INSPECTORATE,
        parent=ubnd,
        unit=province,
        valid_from=start,
    )
    codes |= {"bn-vp-ubnd", "bn-btg-dv", "bn-mttq", "bn-cong-an", "bn-thanh-tra"}
    for code, name in PROVINCE_DEPARTMENTS:
        agency_upsert(
            code=f"bn-{code}",
            name=name,
            short_name=name,
            kind=AgencyKind.DEPARTMENT,
            parent=ubnd,
            unit=province,
            valid_from=start,
        )
        codes.add(f"bn-{code}")
    communes = AdminUnit.objects.filter(scheme=SCHEME_2025, level=Level.COMMUNE, parent=province).order_by(
        "code"
    )
    for commune in communes:
        agency_upsert(
            code=f"bn-xa-{commune.code}",
            name=f"UBND {_lower_first(commune.name)}",
            short_name=f"UBND {_lower_first(commune.name)}",
            kind=AgencyKind.PEOPLES_COMMITTEE,
            parent=ubnd,
            unit=commune,
            valid_from=start,
        )
        codes.add(f"bn-xa-{commune.code}")

    _bac_giang_history(pre2025_province_code)
    return len(codes)


def _bac_giang_history(code: str) -> None:
    province = AdminUnit.objects.get(scheme=PRE2025, code=code)
    end = PRE2025_END
    ubnd, _ = agency_upsert(
        code="bg-ubnd",
        name=f"Ủy ban nhân dân {_lower_first(province.name)}",
        short_name="UBND tỉnh Bắc Giang",
        kind=AgencyKind.PEOPLES_COMMITTEE,
        unit=province,
        valid_to=end,
    )
    agency_upsert(
        code="bg-vp-ubnd",
        name=f"Văn phòng UBND {_lower_first(province.name)}",
        short_name="VP UBND tỉnh Bắc Giang",
        kind=AgencyKind.OFFICE,
        parent=ubnd,
        unit=province,
        valid_to=end,
    )
    agency_upsert(
        code="bg-btg",
        name="Ban Tuyên giáo Tỉnh ủy Bắc Giang",
        short_name="Ban Tuyên giáo Tỉnh ủy",
        kind=AgencyKind.PARTY,
        unit=province,
        valid_to=end,
    )
    for suffix, name in BAC_GIANG_DEPARTMENTS:
        agency_upsert(
            code=f"bg-{suffix}",
            name=name,
            short_name=name,
            kind=AgencyKind.DEPARTMENT,
            parent=ubnd,
            unit=province,
            valid_to=end,
        )
    for district in AdminUnit.objects.filter(scheme=PRE2025, level=Level.DISTRICT, parent=province).order_by(
        "code"
    ):
        agency_upsert(
            code=f"bg-huyen-{district.code}",
            name=f"UBND {_lower_first(district.name)}",
            short_name=f"UBND {_lower_first(district.name)}",
            kind=AgencyKind.PEOPLES_COMMITTEE,
            parent=ubnd,
            unit=district,
            valid_to=end,
        )


def demo_users_seed() -> list[tuple[str, str, str]]:
    """Create the demo officials; returns (username, password, role label) for the README/console."""
    from .models import Agency

    logins = []
    for username, role, agency_code, first, last in DEMO_USERS:
        agency = Agency.objects.get(code=agency_code) if agency_code else None
        user_upsert(
            username=username,
            password=DEMO_PASSWORD,
            role=role,
            agency=agency,
            first_name=first,
            last_name=last,
        )
        logins.append((username, DEMO_PASSWORD, f"{Role(role).label}{' — ' + agency.name if agency else ''}"))
    return logins
