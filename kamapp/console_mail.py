"""The console mail backend of `make run`, without attachments' bytes: a review packet would
otherwise scroll a hundred kilobytes of base64 past the developer."""

import copy

from django.core.mail.backends import console


class EmailBackend(console.EmailBackend):
    def write_message(self, message):
        if message.attachments:
            shown = copy.copy(message)
            names = ", ".join(f"{a[0]} ({len(a[1]):,} bytes)" for a in message.attachments)
            shown.body = f"{message.body}\n\n[attached, not shown here: {names}]"
            shown.attachments = []
            message = shown
        super().write_message(message)
