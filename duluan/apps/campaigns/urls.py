from django.urls import path

from . import views

app_name = "campaigns"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.campaign_create, name="create"),
    path("calendar/", views.calendar, name="calendar"),
    path("<int:pk>/", views.campaign_detail, name="campaign"),
    path("<int:pk>/edit/", views.campaign_edit, name="edit"),
    path("<int:pk>/report.docx", views.campaign_docx, name="docx"),
    path("<int:pk>/outputs/new/", views.output_create, name="output_create"),
    path("<int:pk>/surveys/", views.campaign_surveys, name="surveys"),
    path("survey-links/<int:pk>/remove/", views.survey_unlink, name="survey_unlink"),
    path("outputs/<int:pk>/edit/", views.output_edit, name="output_edit"),
    path("outputs/<int:pk>/deliver/", views.output_deliver, name="output_deliver"),
    path("outputs/<int:pk>/evidence/", views.evidence_add, name="evidence_add"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
    path("notes/", views.notes, name="notes"),
    path("notes/new/", views.note_create, name="note_create"),
    path("notes/<int:pk>/", views.note_detail, name="note"),
    path("notes/<int:pk>/edit/", views.note_edit, name="note_edit"),
    path("notes/<int:pk>/submit/", views.note_submit, name="note_submit"),
    path("notes/<int:pk>/approve/", views.note_approve, name="note_approve"),
    path("notes/<int:pk>/return/", views.note_return, name="note_return"),
    path("notes/<int:pk>/deliver/", views.note_deliver, name="note_deliver"),
    path("notes/<int:pk>/acknowledge/", views.note_acknowledge, name="note_acknowledge"),
]
