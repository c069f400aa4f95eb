"""What search finds in the reviews app: the reviews the member may see, by the KAM's name
and the cycle's."""

from django.contrib.postgres.search import SearchQuery
from django.urls import reverse

from kamapp import search
from kamapp.models import Membership
from reviews.access import visible_reviews


def find(membership: Membership, text: str, query: SearchQuery, limit: int) -> list[search.Hit]:
    reviews = visible_reviews(membership).select_related("kam__user", "cycle")
    title = "kam__user__full_name"
    found = search.ranked(
        reviews, title, search.document(title, ["cycle__name"]), text, query, limit
    )
    return [
        search.Hit(
            "Reviews",
            str(review),
            review.get_status_display(),
            reverse(
                "review-detail",
                kwargs={"slug": membership.tenant.slug, "performancereview_pk": review.pk},
            ),
        )
        for review in found
    ]


def register() -> None:
    search.register(find)
