from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Performance reviews"

    def ready(self) -> None:
        from reviews import access, notify, search, sentences

        access.register()
        notify.register()
        sentences.register()
        search.register()

    def seed_demo(self, tenant, size: int | None = None) -> None:
        from reviews import demo

        demo.seed(tenant, size)
