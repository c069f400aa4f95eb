"""Files the app hands out: CSV that a spreadsheet cannot run, and filenames that cannot
change a header's parameters."""

import csv
from collections.abc import Iterable

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.text import slugify

# A spreadsheet reads a cell starting with one of these as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Text that a spreadsheet would evaluate is prefixed with an apostrophe; numbers and
    other text are left as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_csv(out, rows: Iterable[Iterable]) -> None:
    writer = csv.writer(out)
    writer.writerows([safe_cell(value) for value in row] for row in rows)


def safe_filename(*parts: str, extension: str) -> str:
    """`report-aisha-khan-q3-2026.pdf` from free text: a slug, never quotes or separators."""
    stem = "-".join(filter(None, (slugify(part) for part in parts))) or "download"
    return f"{stem[:120]}.{extension}"


def attach(response: HttpResponse, filename: str, inline: bool = False) -> HttpResponse:
    """Set Content-Disposition with the RFC 6266 encoding of `filename`."""
    response["Content-Disposition"] = content_disposition_header(not inline, filename)
    return response


def csv_response(filename: str, rows: Iterable[Iterable]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    write_csv(response, rows)
    return attach(response, filename)
