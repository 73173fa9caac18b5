from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "monitor.audit"
    label = "audit"
    verbose_name = "Audit log"
