from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self) -> None:
        from accounts import badges, notify, permissions, rescoring, search, sentences, tasks
        from accounts.process import definition
        from kamapp import navigation

        notify.register()
        permissions.register()
        sentences.register()
        search.register()
        definition.connect()
        rescoring.register(tasks.rescore_account)
        navigation.register("open_alert_count", badges.rows, badges.TOPIC)

    def seed_demo(self, tenant, size: int | None = None) -> None:
        from accounts import demo

        demo.seed(tenant, size)

    def after_seed_demo(self, tenant, size: int | None = None) -> None:
        """A calculation now, so scores and alerts show at once; the full demo (no `size`, as
        `seed_demo` makes it) first gets weeks of past snapshots for its trend lines."""
        from accounts import demo, recalculation

        if size is None:
            demo.health_history(tenant)
        recalculation.recalculate(tenant)
