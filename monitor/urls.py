from django.urls import include, path

from monitor.api.main import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("monitor.web.urls")),
    path("", include("monitor.web.urls_data")),
]
