from django.db import models


class TenantQuerySet(models.QuerySet):
    """Every lookup of tenant data goes through `for_tenant`; RLS backs it up in Postgres."""

    def for_tenant(self, tenant) -> "TenantQuerySet":
        return self.filter(tenant=tenant)


class MembershipQuerySet(TenantQuerySet):
    def active(self) -> "MembershipQuerySet":
        return self.filter(is_active=True, user__is_active=True)
