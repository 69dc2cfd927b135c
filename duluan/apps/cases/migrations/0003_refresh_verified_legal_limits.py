"""Bring the seeded legal limits up to the rules checked against the text of the law.

Migration 0002 copied ``duluan/calendar/data/legal_limits.json`` into the table. That file now cites
the exact clauses, quotes them with where they were read, and counts feedback acceptance in working
days (khoản 1 Điều 28 Luật Tiếp công dân). A row is refreshed only while its figures are still the
ones 0002 shipped: a row officials have changed in the admin is theirs and is left alone.
"""

from django.db import migrations

# (days, unit, complex_days, remote_days, remote_complex_days, extension_days, extension_max_count,
#  extension_complex_count) as migration 0002 shipped them.
SHIPPED_BY_0002 = {
    ("feedback", "accept"): (10, "calendar", None, None, None, None, None, None),
    ("feedback", "resolve"): (30, "working", None, None, None, None, None, None),
    ("complaint1", "accept"): (10, "calendar", None, None, None, None, None, None),
    ("complaint1", "resolve"): (30, "calendar", 45, 45, 60, None, None, None),
    ("complaint2", "accept"): (10, "calendar", None, None, None, None, None, None),
    ("complaint2", "resolve"): (45, "calendar", 60, 60, 70, None, None, None),
    ("denunciation", "accept"): (7, "working", 10, None, None, None, None, None),
    ("denunciation", "resolve"): (30, "calendar", None, None, None, 30, 2, 1),
}
FIGURES = (
    "days",
    "unit",
    "complex_days",
    "remote_days",
    "remote_complex_days",
    "extension_days",
    "extension_max_count",
    "extension_complex_count",
)


def forward(apps, schema_editor):
    from duluan.apps.cases.seed_calendar import limit_rows

    LegalLimit = apps.get_model("cases", "LegalLimit")
    for row in limit_rows():
        key = (row["kind"], row["step"])
        limit = LegalLimit.objects.filter(kind=row["kind"], step=row["step"]).first()
        if limit is None or key not in SHIPPED_BY_0002:
            continue
        if tuple(getattr(limit, name) for name in FIGURES) != SHIPPED_BY_0002[key]:
            continue
        fields = [name for name in row if name not in ("kind", "step")]
        for name in fields:
            setattr(limit, name, row[name])
        limit.save(update_fields=fields)


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_seed_limits_and_calendar")]
    # Going back keeps the refreshed wording: it is the same rule, better cited.
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
