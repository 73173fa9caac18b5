"""Django admin for staff: the PDF builds, read-only (they are requested and run through
the back office and the worker; the PDF itself is downloaded from the build's page)."""

from django.contrib import admin

from monitor.publishing.models import Build


@admin.register(Build)
class BuildAdmin(admin.ModelAdmin):
    list_display = ("id", "kind", "treaty", "iso3", "edition", "status", "created_at")
    list_filter = ("status", "kind")
    search_fields = ("iso3", "edition", "requested_by__username")
    exclude = ("pdf",)
    readonly_fields = [f.name for f in Build._meta.concrete_fields if f.name not in ("id", "pdf")]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("pdf")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
