"""What the app accepts as text and dates, in one place: every form inherits `SafeInputs`,
the CSV import checks its cells with the same validators, and searches drop what
`search_text` removes. (Names stored before these rules reach mail subjects through
`kamapp.outbox.header_safe`.)"""

import datetime
import re

from django import forms
from django.core.exceptions import ValidationError

# C0 controls and DEL; tab, line feed and carriage return are allowed in multi-line text only.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
CONTROL_OR_LINE_BREAK = re.compile(r"[\x00-\x1f\x7f]")
# Far enough for any plan or contract, near enough that a due date computed from it (a period
# end plus some weeks) stays inside what Python and Postgres can hold.
FIRST_DATE = datetime.date(1900, 1, 1)
LAST_DATE = datetime.date(2100, 12, 31)


def single_line(value: str) -> None:
    """Validator: text without control characters or line breaks (names, titles: they end
    up in mail subjects and CSV cells)."""
    if CONTROL_OR_LINE_BREAK.search(value or ""):
        raise ValidationError(
            "Use one line of plain text: no line breaks or control characters.", code="control"
        )


def multi_line(value: str) -> None:
    """Validator: text that may hold tabs and line breaks but no other control characters."""
    if CONTROL.search(value or ""):
        raise ValidationError("Remove the control characters from this text.", code="control")


def sane_date(value: datetime.date | None) -> None:
    if value is not None and not FIRST_DATE <= value <= LAST_DATE:
        raise ValidationError(
            "Enter a date between %(first)s and %(last)s.",
            code="date_range",
            params={"first": FIRST_DATE.year, "last": LAST_DATE.year},
        )


def text_validator(field: forms.Field):
    """`multi_line` for text areas, `single_line` for every other text input."""
    return multi_line if isinstance(field.widget, forms.Textarea) else single_line


class SafeInputs:
    """Base of every form in the app: text fields refuse control characters (and line breaks
    outside text areas), date fields refuse dates outside `FIRST_DATE`…`LAST_DATE`.
    Django's own checks (NUL bytes, lengths, number digits) come on top of these."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.CharField):
                field.validators.append(text_validator(field))
            elif isinstance(field, forms.DateField):
                field.validators.append(sane_date)


def search_text(value: str) -> str:
    """A search term without the control characters that no stored text contains (a NUL byte
    would make Postgres refuse the query)."""
    return CONTROL_OR_LINE_BREAK.sub("", value).strip()
