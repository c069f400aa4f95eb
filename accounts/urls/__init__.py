"""Account URLs, mounted under /o/<slug>/. Object ids are named `<model_name>_pk` so the
cross-tenant sweep finds them."""

from accounts.urls import detail, health, portfolio, process, qbr, relations

urlpatterns = [
    *portfolio.urlpatterns,
    *detail.urlpatterns,
    *relations.urlpatterns,
    *health.urlpatterns,
    *process.urlpatterns,
    *qbr.urlpatterns,
]
