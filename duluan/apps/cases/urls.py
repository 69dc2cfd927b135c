from django.urls import path

from . import views

app_name = "cases"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/act/<slug:action>/", views.act, name="act"),
    path("<int:pk>/note/", views.note, name="note"),
    path("<int:pk>/attach/", views.attach, name="attach"),
    path("<int:pk>/attachments/<int:attachment_pk>/", views.attachment, name="attachment"),
    path("<int:pk>/reveal/", views.reveal, name="reveal"),
    path("track/", views.track_lookup, name="track_lookup"),
    path("track/<str:code>/", views.track, name="track"),
    path("track/<str:code>/feedback/", views.track_feedback, name="track_feedback"),
    path("track/<str:code>/files/<int:pk>/", views.attachment_public, name="track_attachment"),
    path("performance/", views.performance, name="performance"),
    path("performance/report.docx", views.performance_docx, name="performance_docx"),
    path("audit/user/<int:user_id>/", views.audit_user, name="audit_user"),
    path("notifications/", views.notifications, name="notifications"),
    path("export.csv", views.export_csv, name="export"),
    path("export.xlsx", views.export_xlsx, name="export_xlsx"),
]
