"""Open311 GeoReport v2, mounted at ``open311/v2/`` by the project's URLs."""

from django.urls import re_path

from . import open311

app_name = "open311"
FMT = r"(?:\.(?P<fmt>[A-Za-z0-9]+))?"
urlpatterns = [
    re_path(rf"^discovery{FMT}$", open311.discovery, name="discovery"),
    re_path(rf"^services{FMT}$", open311.service_list, name="services"),
    re_path(rf"^services/(?P<code>[\w-]+?){FMT}$", open311.service_definition, name="service"),
    re_path(rf"^requests{FMT}$", open311.requests_view, name="requests"),
    re_path(rf"^requests/(?P<request_id>[\w-]+?){FMT}$", open311.request_detail, name="request"),
    re_path(rf"^tokens/(?P<token>[\w-]+?){FMT}$", open311.token_detail, name="token"),
]
