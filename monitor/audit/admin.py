"""The audit log in the Django admin: readable, never writable (it is append-only)."""

from django.contrib import admin

from monitor.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("at", "actor_name", "action", "object_type", "object_label", "country", "via")
    list_filter = ("action", "object_type")
    search_fields = ("object_label", "actor_name", "country", "via", "reason")
    date_hierarchy = "at"
    readonly_fields = [f.name for f in AuditEntry._meta.fields]
    actions = None

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
