from django.urls import path

from monitor.web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("countries/", views.country_list, name="country-list"),
    path("countries/<str:iso3>/", views.country_detail, name="country-detail"),
    path("data/templates/<str:theme>.<str:ext>", views.import_template, name="import-template"),
]
