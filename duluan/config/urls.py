from django.urls import include, path

from duluan.apps.accounts.admin_site import admin_site

from .api import api

urlpatterns = [
    path("", include("duluan.apps.core.urls")),
    path("geo/", include("duluan.apps.geo.urls")),
    path("accounts/", include("duluan.apps.accounts.urls")),
    path("plans/", include("duluan.apps.plans.urls")),
    path("intake/", include("duluan.apps.intake.urls")),
    path("open311/v2/", include("duluan.apps.intake.open311_urls")),
    path("issues/", include("duluan.apps.issues.urls")),
    path("cases/", include("duluan.apps.cases.urls")),
    path("surveys/", include("duluan.apps.surveys.urls")),
    path("campaigns/", include("duluan.apps.campaigns.urls")),
    path("reports/", include("duluan.apps.reports.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", api.urls),
    path("admin/", admin_site.urls),
]
