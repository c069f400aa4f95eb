from django.apps import AppConfig


class RpmConfig(AppConfig):
    name = "rpm"
    verbose_name = "Relationship Process Matrix"

    def ready(self) -> None:
        from rpm import sentences, signals

        sentences.register()
        signals.register()

    def seed_demo(self, tenant, size: int | None = None) -> None:
        from rpm import demo

        demo.seed(tenant)
