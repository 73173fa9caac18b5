"""Labels that reach the templates as plain strings, marked here for translation.

monitor/rules is framework-free (no gettext), so its labels are English strings; templates
translate them at render time with ``{% translate value %}``. Listing them here puts them in
the message catalogs (``makemessages`` reads gettext_noop).
"""

from django.utils.translation import gettext_noop

LABELS = (
    # Treaty status (monitor.rules.treaties.Status.label)
    gettext_noop("Not party (non-signatory)"),
    gettext_noop("Signatory (not party)"),
    gettext_noop("Joined, entry into force pending"),
    gettext_noop("State Party"),
    gettext_noop("State Party, withdrawal pending"),
    gettext_noop("Withdrawn"),
    # Treaty short names (monitor.rules.treaties.TreatyRules.short_name)
    gettext_noop("Mine Ban Treaty"),
    gettext_noop("Convention on Cluster Munitions"),
    gettext_noop("CCW Amended Protocol II"),
    gettext_noop("CCW Protocol V"),
    # Depositary actions (monitor.rules.treaties.EventKind.label)
    gettext_noop("Signature"),
    gettext_noop("Ratification"),
    gettext_noop("Acceptance"),
    gettext_noop("Approval"),
    gettext_noop("Accession"),
    gettext_noop("Succession"),
    gettext_noop("Consent to be bound"),
    gettext_noop("Provisional application"),
    gettext_noop("Withdrawal notified"),
    gettext_noop("Withdrawal effective"),
    gettext_noop("Entry into force (depositary record)"),
    # Research themes (monitor.research.themes, Theme.label)
    gettext_noop("Contamination"),
    gettext_noop("Land release"),
    gettext_noop("Stockpiles"),
    gettext_noop("Casualties (per country and year)"),
    gettext_noop("Casualties (individual records)"),
    gettext_noop("Use (allegations and confirmed incidents)"),
    gettext_noop("Production"),
    gettext_noop("Transfer"),
    gettext_noop("Victim assistance"),
    gettext_noop("Support for mine action"),
    gettext_noop("Sources"),
    # Search result groups (monitor.search.indexers)
    gettext_noop("Countries and other areas"),
    gettext_noop("Research notes and quotes"),
    gettext_noop("Country profiles"),
    # Country profile sections (monitor.editorial.narrative.SECTIONS)
    gettext_noop("Mine Ban Policy"),
    gettext_noop("Cluster Munition Ban Policy"),
    gettext_noop("Impact"),
    gettext_noop("Addressing the Impact"),
    gettext_noop("Support for Mine Action"),
    # Obligations (monitor.rules.obligations.Kind.label)
    gettext_noop("Initial transparency report"),
    gettext_noop("Annual transparency report"),
    gettext_noop("Stockpile destruction"),
    gettext_noop("Clearance"),
    # UN M49 regions (Country.region) and the directory's catch-all group
    gettext_noop("Africa"),
    gettext_noop("Americas"),
    gettext_noop("Asia"),
    gettext_noop("Europe"),
    gettext_noop("Oceania"),
    gettext_noop("Other"),
)
