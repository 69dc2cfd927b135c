from datetime import date
from decimal import Decimal

import pytest

from duluan.apps.accounts.demo import demo_agencies_seed, demo_users_seed
from duluan.apps.accounts.models import Agency, AgencyKind, Role, User
from duluan.apps.accounts.testing import seed_officials
from duluan.apps.plans import services

# The few agencies these tests use, with the demo codes; seeding all ~100 demo agencies per test
# would triple the run time. ``full_demo`` seeds the real demo tree where a test needs it.
LIGHT_AGENCIES = [
    ("bn-ubnd", "Ủy ban nhân dân tỉnh Bắc Ninh", "UBND tỉnh", AgencyKind.PEOPLES_COMMITTEE, None),
    ("bn-vp-ubnd", "Văn phòng UBND tỉnh Bắc Ninh", "VP UBND tỉnh", AgencyKind.OFFICE, "bn-ubnd"),
    ("bn-btg-dv", "Ban Tuyên giáo và Dân vận Tỉnh ủy Bắc Ninh", "Ban TG&DV Tỉnh ủy", AgencyKind.PARTY, None),
    ("bn-so-nn-mt", "Sở Nông nghiệp và Môi trường", "Sở NN&MT", AgencyKind.DEPARTMENT, "bn-ubnd"),
    ("bn-so-noi-vu", "Sở Nội vụ", "Sở Nội vụ", AgencyKind.DEPARTMENT, "bn-ubnd"),
    ("bn-so-y-te", "Sở Y tế", "Sở Y tế", AgencyKind.DEPARTMENT, "bn-ubnd"),
    ("bn-thanh-tra", "Thanh tra tỉnh Bắc Ninh", "Thanh tra tỉnh", AgencyKind.INSPECTORATE, "bn-ubnd"),
]
LIGHT_USERS = [
    ("quantri", Role.ADMINISTRATOR, None),
    ("dieuphoi", Role.COORDINATOR, "bn-vp-ubnd"),
    ("phantich", Role.ANALYST, "bn-btg-dv"),
    ("lanhdao.nnmt", Role.HEAD, "bn-so-nn-mt"),
    ("canbo.nnmt", Role.OFFICER, "bn-so-nn-mt"),
]


@pytest.fixture
def demo(db):
    return seed_officials(LIGHT_AGENCIES, LIGHT_USERS)


@pytest.fixture
def full_demo(db):
    demo_agencies_seed()
    demo_users_seed()
    return {u.username: u for u in User.objects.select_related("agency")}


@pytest.fixture
def agency(demo):
    return lambda code: Agency.objects.get(code=code)


@pytest.fixture
def other_officer(demo, agency):
    return User.objects.create_user(
        username="canbo.yte", password="x", role=Role.OFFICER, agency=agency("bn-so-y-te")
    )


@pytest.fixture
def small_plan(demo, agency):
    """A plan with a parent (weights 1 and 3) and a separate top item, led by the environment department."""
    plan = services.plan_create(
        number="7/KH-UBND",
        title="Kế hoạch thử",
        year=2026,
        signed_on=date(2026, 1, 5),
        signing_agencies=[agency("bn-ubnd"), agency("bn-btg-dv")],
    )
    parent = services.item_create(
        plan=plan,
        code="1",
        content="Nhóm nhiệm vụ môi trường",
        lead_agency=agency("bn-so-nn-mt"),
        start_on=date(2026, 1, 1),
        end_on=date(2026, 12, 31),
        weight=Decimal(2),
    )
    a = services.item_create(
        plan=plan,
        code="1.1",
        content="Xử lý phản ánh ô nhiễm",
        lead_agency=agency("bn-so-nn-mt"),
        partner_agencies=[agency("bn-btg-dv")],
        parent=parent,
        start_on=date(2026, 1, 1),
        end_on=date(2026, 12, 31),
        weight=Decimal(1),
    )
    b = services.item_create(
        plan=plan,
        code="1.2",
        content="Tuyên truyền Luật Đất đai",
        lead_agency=agency("bn-so-nn-mt"),
        parent=parent,
        start_on=date(2026, 1, 1),
        end_on=date(2026, 12, 31),
        weight=Decimal(3),
    )
    c = services.item_create(
        plan=plan,
        code="2",
        content="Khảo sát hài lòng",
        lead_agency=agency("bn-btg-dv"),
        start_on=date(2026, 1, 1),
        end_on=date(2026, 12, 31),
        weight=Decimal(2),
    )
    return {"plan": plan, "parent": parent, "a": a, "b": b, "c": c}


def png_bytes(size=(4, 3)) -> bytes:
    """A real PNG (uploads are checked by content, so tests send real files)."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (20, 120, 60)).save(out, format="PNG")
    return out.getvalue()


PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
