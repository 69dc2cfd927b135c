"""The JSON API (django-ninja, OpenAPI at /api/docs). Bad parameters answer 400, not 422."""

from __future__ import annotations

from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import ValidationError

from duluan.apps.campaigns.api import router as campaigns_router
from duluan.apps.cases.api import router as cases_router
from duluan.apps.geo.api import router as geo_router
from duluan.apps.intake.api import router as intake_router
from duluan.apps.issues.api import router as issues_router
from duluan.apps.plans.api import router as plans_router
from duluan.apps.reports.api import router as reports_router
from duluan.apps.surveys.api import router as surveys_router

api = NinjaAPI(title="Dư Luận API", version="1", urls_namespace="api")
api.add_router("/geo", geo_router)
api.add_router("/plans", plans_router)
api.add_router("/intake", intake_router)
api.add_router("/issues", issues_router)
api.add_router("/cases", cases_router)
api.add_router("/surveys", surveys_router)
api.add_router("/campaigns", campaigns_router)
api.add_router("/reports", reports_router)

BAD_PARAMETERS = "Tham số không hợp lệ."


@api.exception_handler(ValidationError)
def _bad_request(request, exc: ValidationError):
    errors = [
        {
            "field": ".".join(str(p) for p in e.get("loc", ()) if p not in ("query", "body", "path")),
            "message": e.get("msg", ""),
        }
        for e in exc.errors
    ]
    return api.create_response(request, {"detail": BAD_PARAMETERS, "errors": errors}, status=400)


@api.exception_handler(Http404)
def _not_found(request, exc: Http404):
    message = str(exc) or "Không tìm thấy."
    return api.create_response(request, {"detail": message}, status=404)
