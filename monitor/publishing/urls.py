"""The PDF builds in the back office, included at /editorial/publications/."""

from django.urls import path

from monitor.publishing import views

app_name = "publishing"
urlpatterns = [
    path("", views.builds, name="builds"),
    path("<int:pk>/", views.build_detail, name="build-detail"),
    path("<int:pk>/download/", views.build_download, name="build-download"),
]
