from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self) -> None:
        from accounts import permissions

        permissions.register()

    def seed_demo(self, tenant, size: int | None = None) -> None:
        """Demo accounts, then a first health calculation so scores and alerts show at once."""
        from accounts import demo, health

        if demo.seed(tenant, size):
            health.recalculate(tenant)
