from django import forms
from django.contrib import admin

from duluan.apps.accounts.admin_site import admin_site
from duluan.apps.accounts.permissions import can_use_admin
from duluan.stats import IndexDefinitionError

from .models import Frame, IndexSpec, Instrument, Invitation, Response, Round
from .services import index_definition_check, index_spec_upsert
from .services.rounds import NO_CODE_QUESTION, round_create, round_update


class AdministratorsOnly(admin.ModelAdmin):
    """The gatekeeper decides, not Django's per-model permissions (administrators have none)."""

    def has_module_permission(self, request):
        return can_use_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return can_use_admin(request.user)

    def has_change_permission(self, request, obj=None):
        return can_use_admin(request.user)

    def has_add_permission(self, request):
        return can_use_admin(request.user)

    def has_delete_permission(self, request, obj=None):
        return False  # rounds, responses and frames are evidence: never deleted from the admin


class ReadOnly(AdministratorsOnly):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


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
class IndexSpecAdmin(AdministratorsOnly):
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
class InstrumentAdmin(AdministratorsOnly):
    list_display = ("form_id", "version", "title", "created_at")
    readonly_fields = ("form_id", "version", "title", "sha256", "created_at", "created_by")
    exclude = ("xlsx", "definition")

    def has_add_permission(self, request):
        return False  # uploaded through /surveys/bo-cau-hoi/nhap/, which validates the XLSForm


@admin.register(Frame, site=admin_site)
class FrameAdmin(AdministratorsOnly):
    list_display = ("name", "year", "province", "is_synthetic", "villages_synthetic")
    readonly_fields = ("sha256", "province", "scheme")

    def has_add_permission(self, request):
        return False  # imported from CSV through /surveys/khung-mau/nhap/


class RoundForm(forms.ModelForm):
    class Meta:
        model = Round
        fields = [
            "code",
            "name",
            "year",
            "agency",
            "instrument",
            "frame",
            "index",
            "previous",
            "status",
            "code_field",
            "n_communes",
            "n_villages",
            "n_respondents",
            "seed",
            "margins",
        ]

    def clean(self):
        data = super().clean()
        instrument, index = data.get("instrument"), data.get("index")
        if instrument is not None:
            parsed = instrument.parsed()
            code_field = data.get("code_field") or ""
            if code_field and not parsed.has(code_field):
                self.add_error("code_field", NO_CODE_QUESTION.format(field=code_field))
            if index is not None:
                try:
                    index_definition_check(index.definition, parsed)
                except IndexDefinitionError as exc:
                    self.add_error("index", str(exc))
        return data


@admin.register(Round, site=admin_site)
class RoundAdmin(AdministratorsOnly):
    form = RoundForm
    list_display = ("code", "name", "year", "status", "agency", "drawn_at")
    list_filter = ("status", "year")
    raw_id_fields = ("agency",)

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.drawn_at is not None:
            # the stored probabilities depend on these: they cannot change after the draw
            return ("drawn_at", "frame", "instrument", "n_communes", "n_villages", "n_respondents", "seed")
        return ("drawn_at",)

    def save_model(self, request, obj, form, change):
        # through the services, so that creating and changing a round are audited
        if not change:
            d = form.cleaned_data
            created = round_create(
                code=d["code"],
                name=d["name"],
                year=d["year"],
                agency=d["agency"],
                instrument=d["instrument"],
                frame=d["frame"],
                index=d["index"],
                n_communes=d["n_communes"],
                n_villages=d["n_villages"],
                n_respondents=d["n_respondents"],
                seed=d["seed"],
                margins=d["margins"],
                previous=d["previous"],
                code_field=d["code_field"],
                actor=request.user,
                request=request,
            )
            obj.pk = created.pk
            return
        round_update(round_=obj, fields=list(form.changed_data), actor=request.user, request=request)


@admin.register(Invitation, site=admin_site)
class InvitationAdmin(ReadOnly):
    list_display = ("code", "round", "status", "p_total", "updated_at")
    list_filter = ("round", "status")
    search_fields = ("code",)
    readonly_fields = ("round", "village", "code", "slot", "p_total", "status", "draft")


@admin.register(Response, site=admin_site)
class ResponseAdmin(ReadOnly):
    list_display = ("instance_id", "round", "source", "submitted_at")
    list_filter = ("round", "source")
    readonly_fields = ("round", "invitation", "instance_id", "source", "answers", "submitted_at")
