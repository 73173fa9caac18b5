from django.urls import path

from monitor.strategy import views
from monitor.web.cache import cache_public_page

# Public pages, cached until published data changes (monitor/web/cache.py).

app_name = "strategy"
urlpatterns = [
    path("", cache_public_page(views.overview), name="overview"),
    path("indicators/<str:code>/", cache_public_page(views.indicator), name="indicator"),
    path("forecasts/", cache_public_page(views.forecasts), name="forecasts"),
]
