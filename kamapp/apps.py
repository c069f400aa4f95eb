from django.apps import AppConfig
from django.core import checks


class KamappConfig(AppConfig):
    name = "kamapp"
    verbose_name = "kamapp core"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from kamapp import lookups, members, navigation, notifications  # noqa: F401 (lookups)
        from kamapp.checks import check_rls  # imports models: not before the registry is ready

        checks.register(check_rls, checks.Tags.database)
        navigation.register("unread_notifications", notifications.unread, notifications.TOPIC)
        user_logged_in.connect(members.count_organisations, dispatch_uid="count_organisations")
