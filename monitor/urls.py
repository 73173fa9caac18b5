from django.urls import include, path

urlpatterns = [
    path("", include("monitor.web.urls")),
]
