"""Search across what a member may see. Each app registers a provider (`register`) that
searches its own rows through its access layer, one query per kind of row; this module ranks
and bounds, and names no app.

Ranking: Postgres full-text over the row's title (weight A) and its other text (weight B),
every word matched as a prefix so results come as one types, plus trigram word similarity of
the title where the server has pg_trgm (typos: "acne" finds "Acme"). A row matches when its
text matches the words or (with pg_trgm) a word of its title is close to the text.
"""

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.postgres.search import (
    CombinedSearchVector,
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorField,
    TrigramWordSimilarity,
)
from django.db import connection
from django.db.models import F, FloatField, GeneratedField, QuerySet
from django.db.models.functions import Cast

from kamapp.inputs import search_text
from kamapp.models import Membership

MIN_LENGTH = 2
MAX_LENGTH = 100  # longer is not a search term
PER_KIND = 5  # as you type
PER_KIND_PAGE = 20  # the results page
CANDIDATES = 200  # rows ranked per way of matching: past this many, the first by title
WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Hit:
    kind: str  # what the group is called ("Accounts")
    title: str
    detail: str
    url: str


Provider = Callable[[Membership, str, SearchQuery, int], list[Hit]]
PROVIDERS: list[Provider] = []


def register(provider: Provider) -> Provider:
    PROVIDERS.append(provider)
    return provider


def cleaned(text: str) -> str:
    """The term as searched: no control characters, bounded; empty when too short."""
    text = search_text(text or "")[:MAX_LENGTH]
    return text if len(text) >= MIN_LENGTH else ""


def search(membership: Membership, text: str, per_kind: int = PER_KIND) -> dict[str, list[Hit]]:
    """Hits grouped by kind, best first, at most `per_kind` of each; nothing (and no query)
    for a term that is too short."""
    text = cleaned(text)
    words = WORD.findall(text.lower())
    if not words:
        return {}
    # raw tsquery from word characters only: "acme corp" -> 'acme':* & 'corp':*
    query = SearchQuery(" & ".join(f"'{w}':*" for w in words), search_type="raw", config="simple")
    found: dict[str, list[Hit]] = {}
    for provider in PROVIDERS:
        for hit in provider(membership, text, query, per_kind):
            found.setdefault(hit.kind, []).append(hit)
    return found


def document(title: str, others: list[str]) -> CombinedSearchVector:
    """The text a row is found by: its title (weight A) and its other text (weight B).
    Models searched keep it in a stored generated column (`document_field`) with a GIN index.
    Row-level security lets an index serve only leakproof operators: the embedded server and
    docker-compose's mark the text match so (`kamapp.devservices.LEAKPROOF_MATCH`); a server
    that does not still finds the same rows, reading each stored document."""
    vector = SearchVector(title, weight="A", config="simple")
    for field in others:
        vector += SearchVector(field, weight="B", config="simple")
    return vector


def document_field(title: str, others: list[str]) -> GeneratedField:
    """A model's `search_document`: its `document` kept up to date by Postgres."""
    return GeneratedField(
        expression=document(title, others), output_field=SearchVectorField(), db_persist=True
    )


def ranked(
    rows: QuerySet,
    title: str,
    searched: F | CombinedSearchVector,
    text: str,
    query: SearchQuery,
    limit: int,
) -> QuerySet:
    """`rows` whose document (`searched`: the stored `search_document`, or a `document`
    built on the fly) matches the words, or (with pg_trgm) whose title has a word close to
    the text; best first, at most `limit`. Only the first `CANDIDATES` matches by title are
    ranked: a word most rows share costs a sort of their titles, not a rank of each."""
    rank = SearchRank(searched, query)
    ways = [rows.annotate(found_by=searched).filter(found_by=query)]
    if trigram_available():
        rank = rank + TrigramWordSimilarity(text, title)
        # `%>`: a title with a word close to the text (not leakproof: under RLS it reads
        # every title)
        ways.append(rows.filter(**{f"{title}__trigram_word_similar": text}))
    first, *rest = (way.order_by(title).values("pk")[:CANDIDATES] for way in ways)
    rows = rows.filter(pk__in=first.union(*rest) if rest else first)
    rows = rows.annotate(search_rank=Cast(rank, FloatField()))
    return rows.order_by(F("search_rank").desc(), title)[:limit]


@functools.cache
def trigram_available() -> bool:
    """Is pg_trgm installed (see the accounts migration `0007_search_indexes`)? Asked once
    per process."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        return cursor.fetchone() is not None
