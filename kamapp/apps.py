from django.apps import AppConfig
from django.core import checks


class KamappConfig(AppConfig):
    name = "kamapp"
    verbose_name = "kamapp core"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from kamapp import lookups, members  # noqa: F401 (lookups: registers `__any`)
        from kamapp.checks import check_rls  # imports models: not before the registry is ready

        checks.register(check_rls, checks.Tags.database)
        user_logged_in.connect(members.count_organisations, dispatch_uid="count_organisations")
