from django.urls import include, path

from duluan.apps.accounts.admin_site import admin_site

from .api import api

urlpatterns = [
    path("", include("duluan.apps.core.urls")),
    path("geo/", include("duluan.apps.geo.urls")),
    path("accounts/", include("duluan.apps.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", api.urls),
    path("admin/", admin_site.urls),
]
