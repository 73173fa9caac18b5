from django.urls import path

from monitor.web import views
from monitor.web.cache import cache_public_page

# Public pages are cached until published data changes (monitor/web/cache.py).

app_name = "web"
urlpatterns = [
    path("", cache_public_page(views.home), name="home"),
    path("countries/", cache_public_page(views.country_list), name="country-list"),
    path("countries/<str:iso3>/", cache_public_page(views.country_detail), name="country-detail"),
    # Subscriptions: forms and secret links, never cached.
    path("countries/<str:iso3>/subscribe/", views.country_subscribe, name="country-subscribe"),
    path(
        "subscriptions/<str:token>/confirm/",
        views.subscription_confirm,
        name="subscription-confirm",
    ),
    path(
        "subscriptions/<str:token>/cancel/", views.subscription_cancel, name="subscription-cancel"
    ),
    path("treaties/", cache_public_page(views.treaty_index), name="treaty-index"),
    path("treaties/<str:code>/", cache_public_page(views.treaty_detail), name="treaty-detail"),
    path("deadlines/", cache_public_page(views.deadlines), name="deadlines"),
    path("themes/", cache_public_page(views.theme_index), name="theme-index"),
    path("themes/<str:theme>/", cache_public_page(views.theme_detail), name="theme-detail"),
    path("data/templates/<str:theme>.<str:ext>", views.import_template, name="import-template"),
]
