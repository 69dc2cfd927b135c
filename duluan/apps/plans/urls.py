from django.urls import path

from . import views

app_name = "plans"
urlpatterns = [
    path("", views.index, name="index"),
    path("approvals/", views.approvals, name="approvals"),
    path("<int:pk>/", views.plan_detail, name="plan"),
    path("<int:pk>/items.xlsx", views.plan_export, name="export"),
    path("<int:pk>/report.docx", views.plan_docx, name="docx"),
    path("<int:pk>/import/", views.plan_import, name="import"),
    path("items/<int:pk>/", views.item_detail, name="item"),
    path("items/<int:pk>/report/", views.report_submit, name="report_submit"),
    path("reports/<int:pk>/approve/", views.report_approve, name="report_approve"),
    path("reports/<int:pk>/return/", views.report_return, name="report_return"),
    path("<int:pk>/attachments/", views.attachment_upload, name="attachment_upload"),
    path("reports/<int:pk>/evidence/", views.evidence_upload, name="evidence_upload"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
]
