from django.http import Http404
from django.shortcuts import render

from duluan.adminunits import SCHEMES

from . import selectors
from .models import AdminUnit, Scheme


def search(request):
    q = request.GET.get("q", "")[:200]
    scheme = request.GET.get("scheme") or None
    if scheme not in (None, *SCHEMES):
        scheme = None
    units = selectors.unit_search(q=q, scheme=scheme, limit=100)
    template = "geo/_results.html" if request.htmx else "geo/search.html"
    return render(request, template, {"q": q, "scheme": scheme, "units": units, "schemes": Scheme.choices})


def unit_detail(request, scheme: str, code: str):
    try:
        unit = selectors.unit_get(code=code, scheme=scheme)
    except AdminUnit.DoesNotExist:
        raise Http404(selectors.UNIT_NOT_FOUND.format(code=code, scheme=scheme)) from None
    context = {
        "unit": unit,
        "ancestors": selectors.unit_ancestors(unit),
        "children": selectors.unit_children(unit),
        "successors": selectors.unit_successors(unit),
        "predecessors": selectors.unit_predecessors(unit),
    }
    return render(request, "geo/unit_detail.html", context)
