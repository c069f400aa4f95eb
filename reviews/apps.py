from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Performance reviews"

    def ready(self) -> None:
        from kamapp import homes, navigation
        from reviews import access, notify, search, sentences, week

        access.register()
        notify.register()
        sentences.register()
        search.register()
        homes.register_waiting(week.steps)
        navigation.register("reviews_waiting", access.waiting, access.TOPIC)

    def seed_demo(self, tenant, size: int | None = None) -> None:
        from reviews import demo

        demo.seed(tenant, size)
