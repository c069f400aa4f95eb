from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self) -> None:
        from accounts import permissions

        permissions.register()

    def seed_demo(self, tenant, size: int | None = None) -> None:
        from accounts import demo

        demo.seed(tenant, size)
