"""A KAM's scorecard for a review period: customer results and internal results, leading and
lagging indicators, relationships and revenue, and what customers said directly.

Metric criteria come from the same health inputs the account pages use, gathered as of the
period's last day for all of the KAM's accounts at once; rating criteria are the reviewer's
1–5 judgement (and the KAM's own, for the self-assessment). A criterion of kind "both" takes
the mean of its metric and the reviewer's rating.
"""

import copy

from django.utils import timezone

from accounts import alerts, health
from accounts.models import CustomerFeedback, KeyAccount, Origin
from accounts.process import conformance
from kamapp.audit import diff, record
from kamapp.charts import score_bars
from reviews.models import CriterionRating, PerformanceReview, ScorecardTemplate

KINDS = {"metric": "From data", "rating": "Rated", "both": "Data + rating"}
DEFAULT = [
    {
        "key": "customer",
        "label": "Customer results",
        "weight": 50,
        "criteria": [
            {"key": "kpi_attainment", "label": "Customer KPI attainment", "weight": 30,
             "kind": "metric", "indicator": "lagging", "metric": "attainment"},
            {"key": "account_health", "label": "Account health", "weight": 20,
             "kind": "metric", "indicator": "lagging", "metric": "health"},
            {"key": "relationships", "label": "Relationships", "weight": 25,
             "kind": "both", "indicator": "leading", "metric": "engagement"},
            {"key": "customer_feedback", "label": "Direct customer feedback", "weight": 25,
             "kind": "metric", "indicator": "lagging", "metric": "nps"},
        ],
    },
    {
        "key": "internal",
        "label": "Internal results",
        "weight": 50,
        "criteria": [
            {"key": "revenue", "label": "Revenue and margin", "weight": 35,
             "kind": "metric", "indicator": "lagging", "metric": "commercial"},
            {"key": "plan_discipline", "label": "Account plan discipline", "weight": 20,
             "kind": "metric", "indicator": "leading", "metric": "plan"},
            {"key": "execution", "label": "Action execution", "weight": 20,
             "kind": "metric", "indicator": "leading", "metric": "execution"},
            {"key": "process", "label": "Our KAM Process followed", "weight": 15,
             "kind": "metric", "indicator": "leading", "metric": "conformance"},
            {"key": "leadership", "label": "Leadership and collaboration", "weight": 25,
             "kind": "rating", "indicator": "leading"},
        ],
    },
]  # fmt: skip


def template_for(tenant) -> list[dict]:
    found = ScorecardTemplate.objects.for_tenant(tenant).first()
    return copy.deepcopy(found.sections if found else DEFAULT)


def save_template(tenant, actor, sections: list[dict]) -> None:
    before = {c["key"]: c["weight"] for c in criteria(template_for(tenant))}
    ScorecardTemplate.objects.update_or_create(tenant=tenant, defaults={"sections": sections})
    after = {c["key"]: c["weight"] for c in criteria(sections)}
    sections_after = {s["key"]: s["weight"] for s in sections}
    changes = {**diff(before, after), "sections": sections_after}
    record(tenant, actor, "scorecard.weights", changes=changes)


def _mean(values) -> float | None:
    values = [v for v in values if v is not None]
    return sum(values) / len(values) if values else None


def _component(name: str, unit: str):
    """A metric that is the mean of one health component over the KAM's accounts."""

    def metric(facts: dict) -> dict | None:
        scores = [v.components[name]["score"] for v in facts["verdicts"]]
        mean = _mean(scores)
        if mean is None:
            return None
        counted = sum(s is not None for s in scores)
        return {"score": round(mean), "value": f"{mean:.0f}/100 {unit} over {counted} accounts"}

    return metric


def _attainment(facts: dict) -> dict | None:
    shares = [
        v.components["customer_results"]["facts"].get("attainment") for v in facts["verdicts"]
    ]
    mean = _mean(shares)
    if mean is None:
        return None
    counted = sum(s is not None for s in shares)
    value = f"{mean:.0%} mean KPI attainment, {counted} accounts"
    return {"score": round(100 * mean), "value": value}


def _health(facts: dict) -> dict | None:
    verdicts = facts["verdicts"]
    mean = _mean(v.score for v in verdicts)
    if mean is None:
        return None
    at_risk = sum(v.band == "at_risk" for v in verdicts)
    return {"score": round(mean), "value": f"mean health {mean:.0f}, {at_risk} at risk"}


def _nps(facts: dict) -> dict | None:
    """Net Promoter Score of the customers' own answers in the period: promoters (9–10) minus
    detractors (0–6). Feedback someone logged for them is shown, never scored as their voice."""
    feedback = facts["feedback"]
    scores = [f["nps"] for f in feedback if f["nps"] is not None and f["origin"] == Origin.CUSTOMER]
    logged = sum(f["nps"] is not None and f["origin"] != Origin.CUSTOMER for f in feedback)
    aside = f"; {logged} logged by the team not scored" if logged else ""
    if not scores:
        return None
    nps = round(100 * (sum(s >= 9 for s in scores) - sum(s <= 6 for s in scores)) / len(scores))
    value = f"NPS {nps:+d} from {len(scores)} customer answers{aside}"
    return {"score": round((nps + 100) / 2), "value": value}


def _conformance(facts: dict) -> dict | None:
    """A leading indicator: how far the KAM's accounts follow Our KAM Process."""
    percents = facts.get("conformance", [])
    mean = _mean(percents)
    if mean is None:
        return None
    counted = sum(p is not None for p in percents)
    return {
        "score": round(mean),
        "value": f"{mean:.0f}% of the process followed, {counted} accounts",
    }


METRICS = {
    "attainment": _attainment,
    "health": _health,
    "engagement": _component("engagement", "engagement"),
    "nps": _nps,
    "commercial": _component("commercial", "commercial"),
    "plan": _component("plan_vitality", "plan vitality"),
    "execution": _component("execution", "execution"),
    "conformance": _conformance,
}


def rating_score(rating: int | None) -> int | None:
    return None if rating is None else (rating - 1) * 25


def _weighted(parts: list[tuple[float | None, float]]) -> int | None:
    known = [(score, weight) for score, weight in parts if score is not None and weight]
    total = sum(weight for _, weight in known)
    return round(sum(score * weight for score, weight in known) / total) if total else None


def evidence(tenant, kams: list, cycle) -> dict[int, dict]:
    """Per KAM (membership id): the accounts they own, their verdicts as of the period's
    end, red flags, and customer feedback from the period's start until today (answers to
    the surveys a reviewer sends count). A fixed number of queries for any number of KAMs
    and accounts."""
    owned = list(
        KeyAccount.objects.for_tenant(tenant)
        .active()
        .filter(owner__in=kams)
        .values_list("pk", "owner_id", "name")
    )
    names = {pk: name for pk, _, name in owned}
    inputs = health.gather(tenant, list(names), today=cycle.period_end)
    model = health.model_for(tenant)
    out = {
        kam.pk: {"accounts": [], "verdicts": [], "flags": [], "feedback": [], "conformance": []}
        for kam in kams
    }
    followed = conformance.percents(
        tenant, KeyAccount.objects.for_tenant(tenant).filter(pk__in=names), cycle.period_end
    )
    for pk, owner, name in owned:
        item = inputs.get(pk)
        if item is None:
            continue
        verdict = health.score(item, model, cycle.period_end)
        facts = out[owner]
        facts["verdicts"].append(verdict)
        facts["conformance"].append(followed.get(pk))
        facts["accounts"].append({"name": name, "score": verdict.score, "band": verdict.band})
        for rule, found in alerts.findings(item, verdict, model, cycle.period_end).items():
            if found.severity != alerts.LOW:
                facts["flags"].append(
                    {
                        "account": name,
                        "rule": rule,
                        "severity": found.severity,
                        "message": found.message,
                    }
                )
    said = (
        CustomerFeedback.objects.for_tenant(tenant)
        .filter(
            account_id__in=names,
            date__range=(cycle.period_start, max(cycle.period_end, timezone.localdate())),
        )
        .order_by("-date", "-id")
        .values(
            "account_id",
            "account__owner_id",
            "date",
            "nps",
            "csat",
            "comment",
            "source",
            "contact__name",
        )
    )
    for row in said:
        origin = CustomerFeedback.ORIGINS[row["source"]]
        out[row["account__owner_id"]]["feedback"].append(
            {
                **row,
                "account": names[row["account_id"]],
                "date": row["date"].isoformat(),
                "origin": origin,
                "origin_label": Origin(origin).label,
            }
        )
    for facts in out.values():
        facts["accounts"].sort(key=lambda a: (a["score"] is None, a["score"] or 0))
        facts["flags"].sort(key=lambda f: (f["severity"] != alerts.HIGH, f["account"]))
    return out


def build(sections: list[dict], facts: dict, ratings: dict[str, CriterionRating]) -> dict:
    """The scorecard: every criterion's metric and ratings, section and overall scores."""
    for section in sections:
        for criterion in section["criteria"]:
            metric = None
            if criterion["kind"] in {"metric", "both"}:
                metric = METRICS[criterion["metric"]](facts)
            rating = ratings.get(criterion["key"])
            criterion["metric_result"] = metric
            criterion["self_rating"] = rating.self_rating if rating else None
            criterion["manager_rating"] = rating.manager_rating if rating else None
            criterion["comment"] = rating.comment if rating else ""
            parts = []
            if metric is not None:
                parts.append(metric["score"])
            if criterion["kind"] in {"rating", "both"}:
                parts.append(rating_score(criterion["manager_rating"]))
            mean = _mean(parts)
            criterion["score"] = None if mean is None else round(mean)
        section["score"] = _weighted([(c["score"], c["weight"]) for c in section["criteria"]])
    return {
        "sections": sections,
        "overall": _weighted([(s["score"], s["weight"]) for s in sections]),
        "accounts": facts["accounts"],
        "red_flags": facts["flags"],
        "feedback": facts["feedback"],
    }


def for_review(review: PerformanceReview) -> dict:
    """The review's scorecard: frozen once finalised, else computed now."""
    if review.scorecard is not None:
        return review.scorecard
    facts = evidence(review.tenant, [review.kam], review.cycle)[review.kam_id]
    ratings = {r.criterion: r for r in review.ratings.all()}
    return build(template_for(review.tenant), facts, ratings)


def chart(card: dict):
    """Every section and criterion score as bars: the review page and the packet share it."""
    items = []
    for section in card["sections"]:
        items.append((section["label"].upper(), section["score"]))
        items += [(f"  {c['label']}", c["score"]) for c in section["criteria"]]
    return score_bars(items, title="Scorecard: section and criterion scores out of 100")


def criteria(sections: list[dict]) -> list[dict]:
    return [criterion for section in sections for criterion in section["criteria"]]
