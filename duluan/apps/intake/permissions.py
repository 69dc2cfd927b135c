"""The gatekeeper of signals and of the reporters' personal data.

- Citizens see only their own submission, by its tracking code (:func:`signal_get_by_tracking_code`).
- An officer (or head) sees the signals placed in the units of the agencies they may see
  (:func:`duluan.apps.accounts.permissions.visible_agency_ids`): a commune agency its commune and
  the pre-2025 units that became part of it (succession); a province-level agency everything in
  the province — both schemes — and the signals no place was found for.
- Coordinators, analysts and administrators see every signal.
- A reporter's personal data (:class:`~duluan.apps.intake.models.Reporter`) is shown only to the
  roles that handle cases (officers, heads, coordinators, administrators) for a signal they may
  see, as :func:`may_see_reporter` says; a denouncer's, or the sender of a report of an
  official's misconduct, only to those designated to handle denunciations. Analysts and exports
  never get it.

Not-found and forbidden look the same (404).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from duluan.apps.accounts.models import Agency, Role
from duluan.apps.accounts.permissions import NOT_FOUND, role_of, visible_agency_ids
from duluan.apps.geo.models import AdminUnit, Level, Succession

from .models import Reporter, Signal

HANDLING_ROLES = frozenset({Role.OFFICER, Role.HEAD, Role.COORDINATOR, Role.ADMINISTRATOR})


def _unit_scope(unit: AdminUnit) -> Q:
    """Signals placed in ``unit``, anywhere under it, or in a pre-2025 unit that became part of it."""
    if unit.level == Level.PROVINCE:
        q = Q(unit__scheme=unit.scheme, unit__province_code=unit.province_code)
        old_provinces = Succession.objects.filter(new=unit, old__level=Level.PROVINCE).values_list(
            "old__scheme", "old__province_code"
        )
        for scheme, code in old_provinces:
            q |= Q(unit__scheme=scheme, unit__province_code=code)
        return q | Q(unit__isnull=True)
    ids = {unit.pk}
    frontier = {unit.pk}
    while frontier:
        frontier = set(AdminUnit.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - ids
        ids |= frontier
    ids |= set(Succession.objects.filter(new_id__in=ids).values_list("old_id", flat=True))
    return Q(unit_id__in=ids)


def signal_scope(user) -> Q | None:
    """The filter of the signals ``user`` may see; ``None`` means all, ``Q(pk__in=[])`` none."""
    ids = visible_agency_ids(user)
    if ids is None:
        return None
    return _agencies_scope(ids)


def _agencies_scope(ids, *, local: bool = False) -> Q:
    """The signals placed where the agencies ``ids`` govern (``Q(pk__in=[])``: nowhere); with
    ``local``, only those of a government below the province (a commune's)."""
    units = AdminUnit.objects.filter(
        pk__in=Agency.objects.filter(pk__in=ids, unit__isnull=False).values("unit_id")
    )
    if local:
        units = units.exclude(level=Level.PROVINCE)
    q = Q(pk__in=[])
    for unit in units:
        q |= _unit_scope(unit)
    return q


def signal_list_for_user(user, queryset: QuerySet[Signal] | None = None) -> QuerySet[Signal]:
    """The signals ``user`` may see (optionally narrowing ``queryset``)."""
    qs = Signal.objects.all() if queryset is None else queryset
    scope = signal_scope(user)
    return qs if scope is None else qs.filter(scope)


def signal_get_for_user(user, *, pk: int) -> Signal:
    """The signal if ``user`` may see it; otherwise 404, exactly as if it did not exist."""
    try:
        return signal_list_for_user(user).select_related("unit", "issue").get(pk=pk)
    except (Signal.DoesNotExist, ValueError, TypeError):
        raise Http404(NOT_FOUND) from None


def signal_get_by_tracking_code(code: str) -> Signal:
    """A citizen's own submission, by the code they were given; 404 for any other code."""
    code = (code or "").strip().upper()
    if not code:
        raise Http404(NOT_FOUND)
    try:
        return Signal.objects.select_related("unit", "issue").get(tracking_code=code)
    except (Signal.DoesNotExist, Signal.MultipleObjectsReturned):
        raise Http404(NOT_FOUND) from None


def can_see_reporter(user) -> bool:
    """Whether the user's role handles cases at all (the first of :func:`may_see_reporter`'s tests)."""
    return role_of(user) in HANDLING_ROLES


# Who routes signals that no case holds yet, and so may need to reach their senders.
ROUTING_ROLES = frozenset({Role.COORDINATOR, Role.ADMINISTRATOR})

# The topic of an official's misconduct (the taxonomy's cue sends it there) and the kind the web
# form records for a denunciation (``extra["kind"]``).
MISCONDUCT_TOPIC = "corruption"
DENUNCIATION_KIND = "denunciation"


def is_denunciation(*, topic: str, extra: dict | None) -> bool:
    """Whether a signal with ``topic`` and ``extra`` denounces (or is about) an official's
    misconduct: the web form's kind "tố cáo", the topic ``corruption`` as sent (an Open311
    service, an import's column) or as read by the engine (``engine_topic``), or a seal set when
    it came in (``sealed``: kept when an official later gives it another topic, so relabelling
    it never opens its sender to the officials it accuses)."""
    extra = extra or {}
    return (
        extra.get("kind") == DENUNCIATION_KIND
        or topic == MISCONDUCT_TOPIC
        or extra.get("engine_topic") == MISCONDUCT_TOPIC
        or bool(extra.get("sealed"))
    )


def is_sealed(signal: Signal) -> bool:
    """Whether ``signal``'s sender and text as received are sealed (:func:`is_denunciation`)."""
    return is_denunciation(topic=signal.topic, extra=signal.extra)


def is_designated_handler(user) -> bool:
    """Whether ``user`` is designated to handle denunciations: granted, by name, the permission
    ``cases.reveal_denouncer`` (:func:`~duluan.apps.cases.permissions.holds_reveal_permission`;
    in the demo the chief inspector of the province's inspectorate, which the routing rules make
    the lead of every denunciation of an official). Never a role, a superuser's status, or the
    government of the place: the law (Luật Tố cáo 2018) keeps a denouncer's identity from all
    but those designated to handle the denunciation, and the accused are often the place's own
    officials."""
    from duluan.apps.cases.permissions import holds_reveal_permission

    return can_see_reporter(user) and holds_reveal_permission(user)


def may_see_reporter(user, signal: Signal) -> bool:
    """Whether ``user`` (who may see ``signal``) sees who sent it, its text as received and its
    attachments.

    - A denunciation, or a report of an official's misconduct (:func:`is_sealed`), whatever its
      channel (web form, Open311, hotline, e-mail, import): only the designated handlers
      (:func:`is_designated_handler`), and, once a case holds it, only those of them the case
      lets see the complainant (for a denunciation case, nobody: only its audited reveal opens
      it). Never a routing role as such, nor the government of the place.
    - Any other signal a case holds: those the case lets see the complainant's identity
      (:func:`~duluan.apps.cases.permissions.can_see_identity`).
    - Any other signal no case holds yet: those who route signals and the officials of the
      place's own government (a commune's), not a province department that sees every signal
      of the province.

    Everyone else reads ``text_masked`` only."""
    if not can_see_reporter(user):
        return False
    from duluan.apps.cases.models import Case
    from duluan.apps.cases.permissions import can_see_identity

    sealed = is_sealed(signal)
    if sealed and not is_designated_handler(user):
        return False
    case = Case.objects.filter(source_ref=f"signal:{signal.pk}").first()
    if case is not None:
        return can_see_identity(user, case)
    if sealed:
        return True  # a designated handler (above)
    if role_of(user) in ROUTING_ROLES:
        return True
    scope = _agencies_scope(visible_agency_ids(user) or (), local=True)
    return Signal.objects.filter(scope, pk=signal.pk).exists()


def sender_for_user(user, signal: Signal) -> tuple[bool, Reporter | None]:
    """Whether ``user`` (who may see ``signal``) sees its sender (:func:`may_see_reporter`), and
    then its reporter (``None`` too for a signal without one)."""
    if not may_see_reporter(user, signal):
        return False, None
    return True, Reporter.objects.filter(signal=signal).first()


MODEL_ROLES = frozenset({Role.COORDINATOR, Role.ADMINISTRATOR})


def can_manage_models(user) -> bool:
    """Who sees the models page and asks for a rebuild: the roles that work across agencies and
    may write (a rebuild changes how every agency's signals are read)."""
    return role_of(user) in MODEL_ROLES
