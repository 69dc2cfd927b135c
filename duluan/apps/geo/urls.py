from django.urls import path

from . import views

app_name = "geo"
urlpatterns = [
    path("", views.search, name="search"),
    path("<str:scheme>/<str:code>/", views.unit_detail, name="unit"),
]
