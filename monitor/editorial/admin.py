"""Django admin for staff: the editorial models. The workflow itself (states, approval)
runs through the services, so a proposal's state and history are read-only here."""

from django.contrib import admin

from monitor.editorial.models import (
    ApiToken,
    Assignment,
    NarrativeSection,
    Proposal,
    ProposalEvent,
    Subscription,
)


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ("user", "country", "theme")
    list_filter = ("theme",)
    search_fields = ("user__username", "country__iso3", "country__name")
    raw_id_fields = ("user", "country")


class ProposalEventInline(admin.TabularInline):
    model = ProposalEvent
    extra = 0
    can_delete = False
    fields = ("at", "actor", "action", "state", "message")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = ("id", "country", "kind", "theme", "section", "state", "author", "updated_at")
    list_filter = ("state", "kind", "theme")
    search_fields = ("country__iso3", "country__name", "author__username", "reason")
    raw_id_fields = ("author", "country", "edition", "decided_by")
    readonly_fields = (
        "state",
        "created_at",
        "updated_at",
        "submitted_at",
        "decided_at",
        "decided_by",
        "applied_id",
    )
    inlines = [ProposalEventInline]


@admin.register(NarrativeSection)
class NarrativeSectionAdmin(admin.ModelAdmin):
    list_display = ("country", "section", "edition", "updated_at")
    list_filter = ("section", "edition")
    search_fields = ("country__iso3", "country__name", "body")
    raw_id_fields = ("country", "edition", "proposal")
    filter_horizontal = ("sources",)
    readonly_fields = ("html", "updated_at")


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ("email", "country", "confirmed_at", "created_at")
    list_filter = ("confirmed_at",)
    search_fields = ("email", "country__iso3")
    raw_id_fields = ("country",)
    readonly_fields = ("token", "created_at")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "user__username", "prefix")
    # The digest is never shown; tokens are created by their owners on their profile page.
    fields = ("user", "name", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("user", "name", "prefix", "created_at", "last_used_at")

    def has_add_permission(self, request):
        return False
