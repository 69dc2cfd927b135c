"""The communication channels of the coordination plan, as data officials can edit in the admin."""

from django.db import migrations

CHANNELS = [
    ("bao-chi", "Báo chí (báo in, báo điện tử)", "article", 10),
    ("phat-thanh", "Phát thanh, truyền hình và loa truyền thanh cơ sở", "broadcast", 20),
    ("cong-thong-tin", "Cổng thông tin điện tử", "article", 30),
    ("mang-xa-hoi", "Trang mạng xã hội (Facebook, Zalo OA, TikTok)", "post", 40),
    ("hoi-nghi", "Hội nghị, tiếp xúc cử tri, đối thoại với Nhân dân", "meeting", 50),
    ("to-roi-bang-ron", "Tờ rơi, băng rôn, pa-nô, áp phích", "print", 60),
]


def forward(apps, schema_editor):
    Channel = apps.get_model("campaigns", "Channel")
    for code, name, kind, position in CHANNELS:
        Channel.objects.get_or_create(code=code, defaults={"name": name, "output_kind": kind, "position": position})


def backward(apps, schema_editor):
    Channel = apps.get_model("campaigns", "Channel")
    Channel.objects.filter(code__in=[c[0] for c in CHANNELS], outputs__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
