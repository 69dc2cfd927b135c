"""Mask the titles of the signals stored before titles were masked, and search them so.

Since titles are stored masked (``services.stored_title``: personal data, the writer's name and
house, the reporter's own values), the signal list shows and searches (``Signal.search_key``) a
title that names no one. Signals stored before keep their title as it arrived: "Đơn tố cáo của
ông Trịnh Quốc Khánh" is shown to every official who sees the signal, an analyst included, and a
search for the name finds it. This masks those titles as a signal's title is masked now, and makes
their search key again from the masked title and the masked text.

The analysed text (``text_masked``: what officials see of the signal's words, and what its issue
is titled and searched by) of those signals was not masked of the writer either: it is masked the
same way (:func:`~duluan.analysis.frames.mask_writer`: the writer, then the reporter's own values).

Backwards leaves the titles and texts masked: the names are not to be shown again.
"""

from django.db import migrations

BATCH = 1000


def mask_titles(apps, schema_editor):
    from duluan.analysis.frames import mask_writer
    from duluan.apps.core.text import signal_search_key
    from duluan.apps.intake.services import private_values, stored_title

    Signal = apps.get_model("intake", "Signal")
    Reporter = apps.get_model("intake", "Reporter")
    last = 0
    while True:
        signals = list(
            Signal.objects.filter(pk__gt=last)
            .order_by("pk")
            .only("pk", "title", "text_masked")[:BATCH]
        )
        if not signals:
            return
        last = signals[-1].pk
        reporters = {
            r["signal_id"]: r
            for r in Reporter.objects.filter(signal_id__in=[s.pk for s in signals]).values(
                "signal_id", "name", "address", "phone", "email"
            )
        }
        changed = []
        for signal in signals:
            reporter = reporters.get(signal.pk)
            title = stored_title(signal.title, reporter) if signal.title else signal.title
            text = mask_writer(signal.text_masked or "", private_values(reporter))
            if title != signal.title or text != (signal.text_masked or ""):
                signal.title, signal.text_masked = title, text
                signal.search_key = signal_search_key(title, text)
                changed.append(signal)
        Signal.objects.bulk_update(changed, ["title", "text_masked", "search_key"])


class Migration(migrations.Migration):
    dependencies = [("intake", "0010_reanalysis")]

    operations = [migrations.RunPython(mask_titles, migrations.RunPython.noop)]
