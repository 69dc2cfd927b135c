"""Seed the legal limits and the calendar announcements from the engine's shipped files."""

from django.db import migrations


def forward(apps, schema_editor):
    from duluan.apps.cases.seed_calendar import seed

    seed(apps.get_model("cases", "LegalLimit"), apps.get_model("cases", "CalendarOverride"))


def backward(apps, schema_editor):
    apps.get_model("cases", "LegalLimit").objects.all().delete()
    apps.get_model("cases", "CalendarOverride").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
