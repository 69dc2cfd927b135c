from django.shortcuts import render

from duluan.apps.geo.selectors import unit_counts


def home(request):
    return render(request, "core/home.html", {"unit_counts": unit_counts()})
