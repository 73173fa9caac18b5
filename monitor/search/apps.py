from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


def _narrative_changed(sender, instance, raw=False, **kwargs):
    """Keep the index in step as sections are published (the full rebuild does the same)."""
    if raw:  # loaddata
        return
    from monitor.search.services import search_narrative_update

    search_narrative_update(iso3=instance.country_id, section=instance.section)


class SearchConfig(AppConfig):
    name = "monitor.search"
    label = "search"
    verbose_name = "Search"

    def ready(self):
        from monitor.editorial.models import NarrativeSection

        # Published narrative sections are written by monitor.editorial.services, which this
        # app does not own; the receiver only re-indexes, it changes nothing it reads.
        post_save.connect(_narrative_changed, sender=NarrativeSection, dispatch_uid="search-nar")
        post_delete.connect(
            _narrative_changed, sender=NarrativeSection, dispatch_uid="search-nar-del"
        )
