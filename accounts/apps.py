from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self) -> None:
        from accounts import permissions

        permissions.register()

    def seed_demo(self, tenant, size: int | None = None) -> None:
        from accounts import demo

        demo.seed(tenant, size)

    def after_seed_demo(self, tenant, size: int | None = None) -> None:
        """A past of weekly health snapshots, then a calculation now, so scores, trends and
        alerts show at once."""
        from accounts import demo, health

        demo.health_history(tenant)
        health.recalculate(tenant)
