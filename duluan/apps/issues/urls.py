from django.urls import path

from . import views

app_name = "issues"
urlpatterns = [
    path("", views.index, name="index"),
    path("places/", views.places, name="places"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("brief/", views.brief, name="brief"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/rename/", views.rename, name="rename"),
    path("<int:pk>/merge/", views.merge, name="merge"),
    path("<int:pk>/split/", views.split, name="split"),
    path("<int:pk>/topic/", views.topic, name="topic"),
]
