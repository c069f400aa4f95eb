import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string


def _page(request: HttpRequest, status: int, title: str, text: str) -> HttpResponse:
    context = {"status": status, "title": title, "text": text}
    # The 500 page must render without context processors that may touch the database.
    body = render_to_string("error.html", context, request=request if status < 500 else None)
    return HttpResponse(body, status=status)


def not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return _page(
        request, 404, "Page not found", "This page does not exist, or you do not have access to it."
    )


def forbidden(request: HttpRequest, exception=None) -> HttpResponse:
    return _page(
        request,
        403,
        "Not allowed",
        "Your role does not allow this. Ask an admin of your organisation if you need it.",
    )


def server_error(request: HttpRequest) -> HttpResponse:
    # Django calls handler500 inside its `except` block, whatever raised (view or middleware):
    # a lost database connection is a short outage to retry, not a bug.
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        response = _page(
            request,
            503,
            "Back in a moment",
            "The service is briefly unavailable. Please try again in a few seconds.",
        )
        response["Retry-After"] = "5"
        return response
    return _page(
        request, 500, "Something went wrong", "We have been notified. Please try again in a moment."
    )
