from django.urls import path

from . import views

app_name = "intake"
urlpatterns = [
    path("", views.submit, name="submit"),
    path("communes/", views.communes, name="communes"),
    path("track/", views.track, name="track"),
    path("track/<str:code>/", views.track_detail, name="track_detail"),
    path("signals/", views.signal_list, name="index"),
    path("signals/<int:pk>/", views.signal_detail, name="signal_detail"),
    path("signals/<int:pk>/topic/", views.signal_confirm_topic, name="signal_confirm_topic"),
    path("signals/<int:pk>/sentiment/", views.signal_confirm_sentiment, name="signal_confirm_sentiment"),
    path("models/", views.models_page, name="models"),
    path("models/build/", views.model_build_request, name="model_build"),
    path("models/reanalyse/", views.reanalysis_request, name="reanalyse"),
    path("signals/<int:pk>/attachments/<int:attachment_id>/", views.attachment_download, name="attachment"),
]
