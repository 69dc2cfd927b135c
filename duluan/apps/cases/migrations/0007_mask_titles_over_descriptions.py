"""Search a case's masked title as it is now shown: masked over the case's description too.

A case's title is shown masked, to those the identity gate keeps out, with what masking its
description finds of people (a writer the letter introduces, their phone, e-mail, identity card or
bank account number: ``confidential.case_text_masked``), as intake masks a signal's title over its
text; so is the key the case list searches it by for them (``confidential.case_search_keys``). This
fills that key again for the cases already stored: a name or a number the description gives and
the title writes must not find the case for those who read the title masked.
"""

from django.db import migrations


def fill_masked_keys(apps, schema_editor):
    from duluan.apps.cases.confidential import case_search_keys

    Case = apps.get_model("cases", "Case")
    Complainant = apps.get_model("cases", "Complainant")
    last = 0
    while True:
        rows = Case.objects.filter(pk__gt=last).order_by("pk")
        cases = list(rows.only("pk", "title", "description", "search_key_masked")[:500])
        if not cases:
            return
        last = cases[-1].pk
        complainants = {c.case_id: c for c in Complainant.objects.filter(case_id__in=[c.pk for c in cases])}
        changed = []
        for case in cases:
            _, masked = case_search_keys(
                case.title, complainant=complainants.get(case.pk), description=case.description
            )
            if masked != case.search_key_masked:
                case.search_key_masked = masked
                changed.append(case)
        Case.objects.bulk_update(changed, ["search_key_masked"])


class Migration(migrations.Migration):
    dependencies = [("cases", "0006_case_search_keys")]

    # backwards: the keys stay as they are (masked further, they find fewer cases, never more)
    operations = [migrations.RunPython(fill_masked_keys, migrations.RunPython.noop)]
