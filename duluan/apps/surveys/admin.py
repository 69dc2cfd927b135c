from django import forms
from django.contrib import admin

from duluan.apps.accounts.admin_site import admin_site
from duluan.stats import IndexDefinitionError

from .models import Frame, IndexSpec, Instrument, Invitation, Response, Round
from .services import index_definition_check, index_spec_upsert


class IndexSpecForm(forms.ModelForm):
    class Meta:
        model = IndexSpec
        fields = ["code", "name", "description", "definition"]

    def clean_definition(self):
        definition = self.cleaned_data["definition"]
        try:
            index_definition_check(definition)
        except (IndexDefinitionError, TypeError, AttributeError) as exc:
            raise forms.ValidationError(str(exc)) from exc
        return definition


@admin.register(IndexSpec, site=admin_site)
class IndexSpecAdmin(admin.ModelAdmin):
    form = IndexSpecForm
    list_display = ("code", "name", "updated_at")

    def save_model(self, request, obj, form, change):
        # through the service, so the change is audited like any other
        saved = index_spec_upsert(
            code=obj.code,
            name=obj.name,
            definition=obj.definition,
            description=obj.description,
            actor=request.user,
        )
        obj.pk = saved.pk


@admin.register(Instrument, site=admin_site)
class InstrumentAdmin(admin.ModelAdmin):
    list_display = ("form_id", "version", "title", "created_at")
    readonly_fields = ("form_id", "version", "title", "sha256", "created_at", "created_by")
    exclude = ("xlsx", "definition")

    def has_add_permission(self, request):
        return False  # uploaded through /surveys/bo-cau-hoi/nhap/, which validates the XLSForm


@admin.register(Frame, site=admin_site)
class FrameAdmin(admin.ModelAdmin):
    list_display = ("name", "year", "province", "is_synthetic", "villages_synthetic")
    readonly_fields = ("sha256", "province", "scheme")

    def has_add_permission(self, request):
        return False  # imported from CSV through /surveys/khung-mau/nhap/


@admin.register(Round, site=admin_site)
class RoundAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "year", "status", "agency", "drawn_at")
    list_filter = ("status", "year")
    readonly_fields = ("drawn_at",)
    raw_id_fields = ("agency",)


@admin.register(Invitation, site=admin_site)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("code", "round", "status", "p_total", "updated_at")
    list_filter = ("round", "status")
    search_fields = ("code",)
    readonly_fields = ("round", "village", "code", "slot", "p_total", "status", "draft")


@admin.register(Response, site=admin_site)
class ResponseAdmin(admin.ModelAdmin):
    list_display = ("instance_id", "round", "source", "submitted_at")
    list_filter = ("round", "source")
    readonly_fields = ("round", "invitation", "instance_id", "source", "answers", "submitted_at")
