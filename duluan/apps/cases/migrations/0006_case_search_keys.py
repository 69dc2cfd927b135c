"""Search a case's title by what the official searching reads of it.

The case list matched ``title__icontains`` for everyone, so a partner agency or an analyst who
searched a complainant's name found the cases whose title names them (cases opened with the name
in their title, as before the titles were masked where they are shown), though the list shows them
that title masked. Each case now holds two accent-free keys of its title: as written, matched for
those who read it so, and as masked (``confidential.case_search_keys``), matched for everyone.
This fills both for the cases already stored.
"""

from django.db import migrations, models


def fill_keys(apps, schema_editor):
    from duluan.apps.cases.confidential import case_search_keys

    Case = apps.get_model("cases", "Case")
    Complainant = apps.get_model("cases", "Complainant")
    last = 0
    while True:
        cases = list(Case.objects.filter(pk__gt=last).order_by("pk").only("pk", "title")[:500])
        if not cases:
            return
        last = cases[-1].pk
        complainants = {c.case_id: c for c in Complainant.objects.filter(case_id__in=[c.pk for c in cases])}
        for case in cases:
            case.search_key, case.search_key_masked = case_search_keys(
                case.title, complainant=complainants.get(case.pk), description=""
            )
        Case.objects.bulk_update(cases, ["search_key", "search_key_masked"])


class Migration(migrations.Migration):
    dependencies = [("cases", "0005_merge_updates_without_target_code")]

    operations = [
        migrations.AddField(
            model_name="case",
            name="search_key",
            field=models.TextField(default="", editable=False),
        ),
        migrations.AddField(
            model_name="case",
            name="search_key_masked",
            field=models.TextField(default="", editable=False),
        ),
        # backwards: the fields go with the keys
        migrations.RunPython(fill_keys, migrations.RunPython.noop),
    ]
