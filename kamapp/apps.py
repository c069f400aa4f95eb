from django.apps import AppConfig
from django.core import checks


class KamappConfig(AppConfig):
    name = "kamapp"
    verbose_name = "kamapp core"

    def ready(self) -> None:
        from kamapp.checks import check_rls  # imports models: not before the registry is ready

        checks.register(check_rls, checks.Tags.database)
