from datetime import date

import pytest

from duluan.apps.accounts.models import Agency, AgencyKind, Role
from duluan.apps.accounts.testing import seed_officials
from duluan.apps.geo.models import AdminUnit

# The few agencies these tests use, with the demo codes (seeding all ~100 demo agencies per test
# would be slow); ``full_demo`` seeds the real demo tree where a test needs it.
LIGHT_AGENCIES = [
    ("bn-ubnd", "Ủy ban nhân dân tỉnh Bắc Ninh", "UBND tỉnh", AgencyKind.PEOPLES_COMMITTEE, None),
    ("bn-vp-ubnd", "Văn phòng UBND tỉnh Bắc Ninh", "VP UBND tỉnh", AgencyKind.OFFICE, "bn-ubnd"),
    ("bn-btg-dv", "Ban Tuyên giáo và Dân vận Tỉnh ủy Bắc Ninh", "Ban TG&DV", AgencyKind.PARTY, None),
    ("bn-so-nn-mt", "Sở Nông nghiệp và Môi trường", "Sở NN&MT", AgencyKind.DEPARTMENT, "bn-ubnd"),
    ("bn-so-noi-vu", "Sở Nội vụ", "Sở Nội vụ", AgencyKind.DEPARTMENT, "bn-ubnd"),
    ("bn-xa-07210", "UBND phường Bắc Giang", "UBND P. Bắc Giang", AgencyKind.PEOPLES_COMMITTEE, "bn-ubnd"),
]
LIGHT_USERS = [
    ("quantri", Role.ADMINISTRATOR, None),
    ("dieuphoi", Role.COORDINATOR, "bn-vp-ubnd"),
    ("phantich", Role.ANALYST, "bn-btg-dv"),
    ("lanhdao.vpubnd", Role.HEAD, "bn-vp-ubnd"),
    ("lanhdao.nnmt", Role.HEAD, "bn-so-nn-mt"),
    ("canbo.nnmt", Role.OFFICER, "bn-so-nn-mt"),
    ("canbo.btg", Role.OFFICER, "bn-btg-dv"),
    ("canbo.bacgiang", Role.OFFICER, "bn-xa-07210"),
]


@pytest.fixture
def demo(db):
    return seed_officials(LIGHT_AGENCIES, LIGHT_USERS)


@pytest.fixture
def agency(demo):
    return lambda code: Agency.objects.get(code=code)


@pytest.fixture
def unit():
    return lambda code, scheme="2025": AdminUnit.objects.get(scheme=scheme, code=code)


@pytest.fixture
def campaign(demo, agency, unit):
    """A campaign of the propaganda board, 1–31/3/2026, about the merger, in two wards."""
    from duluan.apps.campaigns import services
    from duluan.apps.campaigns.models import Channel

    return services.campaign_create(
        actor=demo["dieuphoi"],
        title="Tuyên truyền sáp nhập tỉnh",
        theme="Sáp nhập tỉnh Bắc Giang vào tỉnh Bắc Ninh",
        topic_codes=["reorganisation"],
        keywords=["sáp nhập"],
        target_units=[unit("07210"), unit("07228")],
        channels=list(Channel.objects.all()),
        start_on=date(2026, 3, 1),
        end_on=date(2026, 3, 31),
        lead_agency=agency("bn-btg-dv"),
        partner_agencies=[agency("bn-so-noi-vu")],
    )


@pytest.fixture
def channel(db):
    from duluan.apps.campaigns.models import Channel

    return lambda code: Channel.objects.get(code=code)
