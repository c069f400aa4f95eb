from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Performance reviews"

    def ready(self) -> None:
        from reviews import access, sentences

        access.register()
        sentences.register()

    def seed_demo(self, tenant, size: int | None = None) -> None:
        from reviews import demo

        demo.seed(tenant, size)
