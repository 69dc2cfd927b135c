"""Take the other case's tracking code out of the public updates that announced a merge.

Until now a merged case's public update read "Hồ sơ trùng nội dung, được gộp vào hồ sơ BN-… để
giải quyết chung.": the code is the other citizen's key to their case (its title, the other
denouncer's name, its rating and reopening). The text is written as the merge now writes it.
"""

import re

from django.db import migrations

OLD = re.compile(r"Hồ sơ trùng nội dung, được gộp vào hồ sơ \S+ để giải quyết chung\.")
NEW = "Hồ sơ trùng nội dung với hồ sơ khác, được giải quyết chung; kết quả được cập nhật tại đây."


def forwards(apps, schema_editor):
    CaseUpdate = apps.get_model("cases", "CaseUpdate")
    rows = CaseUpdate.objects.filter(public=True, text__contains="được gộp vào hồ sơ")
    for update in rows.iterator():
        text = OLD.sub(NEW, update.text)
        if text != update.text:
            CaseUpdate.objects.filter(pk=update.pk).update(text=text)


class Migration(migrations.Migration):
    dependencies = [("cases", "0004_notification_for_any_page")]

    # backwards leaves the text as it is: the code is not to be published again
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
