"""The search index: one row per searchable document, rebuilt by `search_index_rebuild()`.

`title` and `body` are shown to readers; `title_terms` and `body_terms` are the same text as
lower-case, accent-free words separated by spaces (`text.terms`), and are what the full-text
index covers, so both database backends tokenise and fold accents the same way.
"""

from django.db import models


class SearchDocument(models.Model):
    kind = models.CharField(max_length=20, help_text="country, source, note, ...")
    ref = models.CharField(max_length=120, help_text="Identifier of the document within its kind.")
    title = models.CharField(max_length=300)
    url = models.CharField(max_length=500, blank=True)
    body = models.TextField(blank=True)
    title_terms = models.TextField(blank=True)
    body_terms = models.TextField(blank=True)
    boost = models.FloatField(default=1.0, help_text="Multiplies the text rank of this document.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "ref"], name="search_document_kind_ref")
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.title}"
