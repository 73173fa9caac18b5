"""Search and data downloads (see monitor/web/views_data.py)."""

from django.urls import path, re_path

from monitor.web import views_data
from monitor.web.cache import cache_public_page

app_name = "data"
urlpatterns = [
    path("search/", cache_public_page(views_data.search_page), name="search"),
    path("data/", cache_public_page(views_data.downloads), name="downloads"),
    path(
        f"data/{views_data.PACKAGE_FILE}",
        views_data.datapackage_download,
        name="datapackage",
    ),
    re_path(
        r"^data/(?P<theme>[\w-]+?)\.(?P<fmt>hxl\.csv|csv|xlsx|json)$",
        views_data.theme_download,
        name="theme-download",
    ),
    re_path(
        r"^countries/(?P<iso3>[A-Za-z]{3})/data\.(?P<fmt>csv|xlsx|json)$",
        views_data.country_download,
        name="country-download",
    ),
]
