from django.apps import AppConfig


class RpmConfig(AppConfig):
    verbose_name = "Relationship Process Matrix"
    name = "rpm"
