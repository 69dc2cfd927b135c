"""Print a campaign's effect on public opinion: the cells before/during/after and the DiD estimates."""

from django.core.management.base import BaseCommand, CommandError

from duluan.apps.campaigns import effect as eng
from duluan.apps.campaigns import selectors
from duluan.apps.campaigns.models import Campaign


class Command(BaseCommand):
    help = "In hiệu quả của chiến dịch truyền thông trên dư luận (khác biệt kép, khoảng tin cậy 95 %)."

    def add_arguments(self, parser):
        parser.add_argument("campaign", nargs="*", type=int, help="Mã chiến dịch (mặc định: tất cả).")
        parser.add_argument("--seed", type=int, default=eng.SEED, help="Hạt giống bootstrap.")

    def handle(self, *args, **options):
        campaigns = Campaign.objects.order_by("pk")
        if options["campaign"]:
            campaigns = campaigns.filter(pk__in=options["campaign"])
            if not campaigns.exists():
                raise CommandError("Không tìm thấy chiến dịch.")
        for campaign in campaigns:
            view = selectors.campaign_effect(campaign, seed=options["seed"])
            w = self.stdout.write
            w(f"#{campaign.pk} {campaign.title}")
            w(
                f"  xã/phường được tuyên truyền: {view.targeted}; đối chứng: {view.comparison}; "
                f"tín hiệu không xác định xã: {view.unplaced}"
            )
            for p, (start, end) in enumerate(view.periods.inclusive):
                days = view.periods.days[p]
                w(f"  {eng.PERIOD_LABELS[p]}: {start:%d/%m/%Y} – {end:%d/%m/%Y} ({days:.0f} ngày)")
            w("  nhóm        giai đoạn  tín hiệu  tiêu cực  tỷ lệ   xã có TH  TH/xã/30 ngày")
            for c in view.result.cells:
                share = "—" if c.share_negative is None else f"{c.share_negative:.3f}"
                vol = "—" if c.per_commune_30d is None else f"{c.per_commune_30d:.3f}"
                w(
                    f"  {c.group:<11} {eng.PERIOD_LABELS[c.period]:<10} {c.signals:>8} {c.negative:>9} "
                    f"{share:>6} {c.communes_with_signals:>4}/{c.communes:<4} {vol:>12}"
                )
            for e in view.result.estimates:
                label = f"{e.measure} ({'trong' if e.contrast == eng.DURING else 'sau'} − trước)"
                if e.enough:
                    w(f"  DiD {label}: {e.value:+.4f} [95 %: {e.low:+.4f}; {e.high:+.4f}] (B={e.replicates})")
                else:
                    w(f"  DiD {label}: chưa đủ dữ liệu — {' '.join(e.reasons)}")
