from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "dashboards"
    verbose_name = "Team and leadership dashboards"

    def ready(self) -> None:
        from dashboards import access

        access.register()
