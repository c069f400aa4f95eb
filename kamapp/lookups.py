"""Lookups the ORM does not offer."""

from django.db.models import Field, ForeignObject, Lookup


@ForeignObject.register_lookup
@Field.register_lookup
class AnyOf(Lookup):
    """`field__any=ids`: `field = ANY(%s)` with the ids as one array parameter. `__in` makes a
    parameter of each id, and for the health run's batches of thousands building and
    splitting those costs more than the query itself."""

    lookup_name = "any"
    prepare_rhs = False

    def as_sql(self, compiler, connection) -> tuple[str, list]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", [*lhs_params, list(self.rhs)]
