"""The RPM app's audit verbs in plain language (see `kamapp.history`)."""

from kamapp import history


def register() -> None:
    history.register(
        {
            "rpm.assess": "{actor} assessed {object}",
            "rpm.target": "{actor} set the account's target on the matrix",
            "rpm.levels": "{actor} changed the matrix's performance levels",
        },
        {"rpm": "Relationship Process Matrix"},
    )
