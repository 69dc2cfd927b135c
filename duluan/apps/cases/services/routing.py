"""Routing: which agency leads a case, which agencies help, under which deadline policy.

A :class:`~duluan.apps.cases.models.RoutingRule` matches a case when each of its criteria is blank
or fits the case:

- ``topic``: the case's topic code equals it;
- ``unit``: the case is located in that unit or under it — a 2025 commune also covers the pre-2025
  communes that went into it (the succession table), a province covers every unit under it in the
  same scheme, and a pre-2025 province also covers its old units;
- ``level``: the case is located in a unit of that level (``commune``: any commune of either scheme;
  ``province``: anywhere);
- ``kind`` and ``channel``: equal.

**Precedence.** Among matching rules the most specific wins, compared criterion by criterion in
this order: (1) a topic is set; (2) place — a named commune (3) beats a named province (2) beats a
level (1) beats no place (0); (3) a kind is set; (4) a channel is set. Topic comes first because the
subject decides which agency is competent; place then narrows it. Rules equally specific are
ordered by ``priority`` (higher first), then by age (older first) so the outcome never depends on
database order.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from duluan.apps.accounts.models import Agency, AgencyKind
from duluan.apps.geo.models import AdminUnit, Level, Succession

from ..models import LeadMode, RoutingRule
from .deadlines import policy_flags

PRECEDENCE_VI = (
    "Khi nhiều quy tắc cùng phù hợp, quy tắc cụ thể nhất được áp dụng, so lần lượt: (1) có chủ đề; "
    "(2) địa bàn — xã/phường cụ thể hơn tỉnh, tỉnh hơn cấp địa bàn, cấp địa bàn hơn không ghi; "
    "(3) có loại việc; (4) có kênh. Bằng nhau thì số ưu tiên lớn hơn thắng, rồi quy tắc tạo trước. "
    "Quy tắc trên xã/phường mới (2025) áp dụng cả cho các xã cũ đã nhập vào nó."
)
NO_ROUTE = "Không có quy tắc phân luồng nào phù hợp; quản trị viên cần thêm một quy tắc mặc định."

PLACE_COMMUNE, PLACE_PROVINCE, PLACE_LEVEL, PLACE_ANY = 3, 2, 1, 0


class RoutingError(ValueError):
    pass


@dataclass(frozen=True)
class Place:
    """Where a case is, seen from every scheme: the unit, what it lies in, what it became."""

    unit: AdminUnit
    ids: frozenset[int]  # the unit, its ancestors, its 2025 successors and their ancestors
    communes: frozenset[int]  # the commune-level units among them (either scheme)
    successors: tuple[tuple[AdminUnit, float], ...]  # 2025 communes it went into, with shares

    @property
    def communes_2025(self) -> list[AdminUnit]:
        if self.unit.scheme == "2025":
            return [self.unit] if self.unit.level == Level.COMMUNE else []
        ranked = sorted(self.successors, key=lambda s: (-s[1], s[0].code))
        return [unit for unit, _ in ranked if unit.level == Level.COMMUNE]


def place_of(unit: AdminUnit) -> Place:
    ids, communes = set(), set()

    def climb(node: AdminUnit | None) -> None:
        while node is not None:
            ids.add(node.pk)
            if node.level == Level.COMMUNE:
                communes.add(node.pk)
            node = node.parent

    climb(unit)
    successors: list[tuple[AdminUnit, float]] = []
    if unit.scheme != "2025":
        links = Succession.objects.filter(old=unit).select_related("new", "new__parent")
        for link in links:
            successors.append((link.new, link.share))
            climb(link.new)
    return Place(unit=unit, ids=frozenset(ids), communes=frozenset(communes), successors=tuple(successors))


@dataclass
class RouteDecision:
    rule: RoutingRule
    lead: Agency
    partners: list[Agency]
    remote: bool
    complex: bool
    explanation: dict = field(default_factory=dict)


def _place_rank(rule: RoutingRule, place: Place) -> int | None:
    """How specifically ``rule`` names the place of the case; ``None`` when it does not match."""
    if rule.unit_id is not None:
        if rule.unit_id not in place.ids:
            return None
        return PLACE_COMMUNE if rule.unit.level == Level.COMMUNE else PLACE_PROVINCE
    if rule.level:
        if rule.level == Level.COMMUNE and place.unit.level != Level.COMMUNE:
            return None
        return PLACE_LEVEL
    return PLACE_ANY


def rule_specificity(rule: RoutingRule, *, topic: str, place: Place, channel: str, kind: str):
    """The sort key of a matching rule (larger wins), or ``None`` when the rule does not match."""
    if rule.topic and rule.topic != topic:
        return None
    if rule.kind and rule.kind != kind:
        return None
    if rule.channel and rule.channel != channel:
        return None
    place_rank = _place_rank(rule, place)
    if place_rank is None:
        return None
    return (bool(rule.topic), place_rank, bool(rule.kind), bool(rule.channel), rule.priority, -rule.pk)


def local_committee(place: Place) -> tuple[Agency | None, str]:
    """The People's Committee of the 2025 commune where the case is, and how it was found."""
    candidates = place.communes_2025
    for commune in candidates:
        agency = (
            Agency.objects.filter(unit=commune, kind=AgencyKind.PEOPLES_COMMITTEE, is_active=True)
            .order_by("code")
            .first()
        )
        if agency is not None:
            if place.unit.scheme != "2025":
                how = f"xã cũ {place.unit.name} nay thuộc {commune.name}"
                if len(candidates) > 1:
                    how += f" (xã cũ được chia cho {len(candidates)} xã mới; chọn xã nhận phần lớn nhất)"
                return agency, how
            return agency, f"UBND nơi phát sinh: {commune.name}"
    return None, "không tìm thấy UBND xã/phường nơi phát sinh"


def route_for(*, topic: str, unit: AdminUnit, channel: str, kind: str) -> RouteDecision:
    """The decision of the most specific matching active rule (see the module docstring)."""
    place = place_of(unit)
    rules = RoutingRule.objects.filter(is_active=True).select_related("unit", "lead_agency", "plan_item")
    ranked = []
    for rule in rules:
        key = rule_specificity(rule, topic=topic, place=place, channel=channel, kind=kind)
        if key is not None:
            ranked.append((key, rule))
    ranked.sort(key=lambda pair: pair[0], reverse=True)
    passed_over = []
    for key, rule in ranked:
        lead, how = rule.lead_agency, "cơ quan chỉ định trong quy tắc"
        if rule.lead_mode == LeadMode.LOCAL:
            local, how = local_committee(place)
            if local is not None:
                lead = local
            elif lead is not None:
                how += "; dùng cơ quan dự phòng của quy tắc"
        if lead is None:
            passed_over.append({"rule_id": rule.pk, "rule": rule.name, "why": how})
            continue
        remote, complex_ = policy_flags(rule.deadline_policy)
        partners = [a for a in rule.partner_agencies.all() if a.pk != lead.pk]
        explanation = {
            "rule_id": rule.pk,
            "rule": rule.name,
            "specificity": {
                "topic": key[0],
                "place": key[1],
                "kind": key[2],
                "channel": key[3],
                "priority": key[4],
            },
            "lead": lead.name,
            "lead_via": how,
            "partners": [a.name for a in partners],
            "deadline_policy": rule.deadline_policy,
            "matched_rules": len(ranked),
            "passed_over": passed_over,
            "place": unit.name,
        }
        return RouteDecision(
            rule=rule, lead=lead, partners=partners, remote=remote, complex=complex_, explanation=explanation
        )
    raise RoutingError(NO_ROUTE)
