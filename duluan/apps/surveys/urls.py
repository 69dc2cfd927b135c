from django.urls import path

from . import views

app_name = "surveys"
urlpatterns = [
    path("", views.index, name="index"),
    path("co-mau/", views.sample_size, name="sample_size"),
    path("bo-cau-hoi/nhap/", views.instrument_upload, name="instrument_upload"),
    path("bo-cau-hoi/<int:pk>/", views.instrument_detail, name="instrument"),
    path("bo-cau-hoi/<int:pk>/xlsform.xlsx", views.instrument_download, name="instrument_download"),
    path("khung-mau/nhap/", views.frame_upload, name="frame_upload"),
    path("khung-mau/<int:pk>/", views.frame_detail, name="frame"),
    path("dot/<slug:code>/", views.round_detail, name="round"),
    path("dot/<slug:code>/chon-mau/", views.round_draw, name="round_draw"),
    path("dot/<slug:code>/giay-moi/", views.round_invitations, name="round_invitations"),
    path("dot/<slug:code>/nhap-phieu/", views.round_import, name="round_import"),
    path("dot/<slug:code>/xep-hang/", views.round_ranking, name="ranking"),
    path("dot/<slug:code>/ban-do/", views.round_map, name="map"),
    path("dot/<slug:code>/xa/<str:commune>/", views.round_commune, name="commune"),
    path("dot/<slug:code>/ket-qua.xlsx", views.round_xlsx, name="round_xlsx"),
    path("dot/<slug:code>/bao-cao.docx", views.round_docx, name="round_docx"),
    path("tra-loi/", views.respond_start, name="respond_start"),
    path("tra-loi/<str:code>/", views.respond, name="respond"),
    path("tra-loi/<str:code>/cam-on/", views.respond_done, name="respond_done"),
]
