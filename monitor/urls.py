from django.contrib import admin
from django.urls import include, path

from monitor.api.main import api
from monitor.editorial.urls import accounts_patterns

urlpatterns = [
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include((accounts_patterns, "accounts"))),
    path("editorial/publications/", include("monitor.publishing.urls")),
    path("editorial/", include("monitor.editorial.urls")),
    path("admin/", admin.site.urls),
    path("strategy/", include("monitor.strategy.urls")),
    path("", include("monitor.web.urls")),
    path("", include("monitor.web.urls_data")),
]
