from django import forms
from django.contrib import admin

from duluan.apps.accounts.admin_site import admin_site

from .models import Alert, Burst, Correction, HotnessSettings, Issue


class HotnessSettingsForm(forms.ModelForm):
    class Meta:
        model = HotnessSettings
        fields = ["name", "weights", "is_active"]
        help_texts = {
            "weights": "Các khoá của HotnessWeights (volume, growth, negative, …, hot_threshold); "
            "khoá không ghi giữ giá trị mặc định."
        }


@admin.register(HotnessSettings, site=admin_site)
class HotnessSettingsAdmin(admin.ModelAdmin):
    form = HotnessSettingsForm
    list_display = ("name", "is_active", "updated_at")

    def get_changeform_initial_data(self, request):
        from duluan.analysis.hotness import HotnessWeights

        return {"weights": HotnessWeights.load_default().to_dict()}


@admin.register(Issue, site=admin_site)
class IssueAdmin(admin.ModelAdmin):
    list_display = ("pk", "title", "topic", "hotness_level", "hotness", "signal_count", "last_seen")
    list_filter = ("hotness_level", "topic")
    search_fields = ("title", "search_key")
    raw_id_fields = ("merged_into",)
    readonly_fields = ("hotness", "hotness_level", "hotness_components", "forecast", "signal_count")
    exclude = ("units",)


@admin.register(Alert, site=admin_site)
class AlertAdmin(admin.ModelAdmin):
    list_display = ("created_at", "kind", "level", "issue", "emailed_at")
    list_filter = ("kind", "level")
    raw_id_fields = ("issue",)


@admin.register(Burst, site=admin_site)
class BurstAdmin(admin.ModelAdmin):
    list_display = ("kind", "label", "start", "end", "flagged_at", "observed", "expected", "ongoing")
    list_filter = ("kind", "ongoing")


@admin.register(Correction, site=admin_site)
class CorrectionAdmin(admin.ModelAdmin):
    list_display = ("created_at", "kind", "issue", "target", "actor")
    list_filter = ("kind",)
    raw_id_fields = ("issue", "target", "actor")
