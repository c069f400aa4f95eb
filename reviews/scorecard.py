"""A KAM's scorecard for a review period: customer results and internal results, leading and
lagging indicators, relationships and revenue, and what customers said directly.

Metric criteria come from the same health inputs the account pages use (`reviews.evidence`),
each with its value at the period's end and its change since the start; rating criteria are
the reviewer's 1–5 judgement (and the KAM's own, for the self-assessment), which a leader may
adjust in calibration. A criterion of kind "both" takes the mean of its metric and the rating.
A cycle keeps the scorecard it was opened with.
"""

import copy

from django.utils.text import slugify

from accounts.models import Origin
from kamapp.audit import diff, record
from kamapp.charts import score_bars
from reviews.evidence import evidence
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
            {"key": "revenue", "label": "Revenue and margin", "weight": 30,
             "kind": "metric", "indicator": "lagging", "metric": "commercial"},
            {"key": "renewals", "label": "Renewals kept", "weight": 15,
             "kind": "metric", "indicator": "lagging", "metric": "renewals"},
            {"key": "plan_discipline", "label": "Account plan discipline", "weight": 15,
             "kind": "metric", "indicator": "leading", "metric": "plan"},
            {"key": "execution", "label": "Action execution", "weight": 15,
             "kind": "metric", "indicator": "leading", "metric": "execution"},
            {"key": "process", "label": "Our KAM Process followed", "weight": 15,
             "kind": "metric", "indicator": "leading", "metric": "conformance"},
            {"key": "contact_cadence", "label": "Meaningful contact cadence", "weight": 15,
             "kind": "metric", "indicator": "leading", "metric": "contacts"},
            {"key": "leadership", "label": "Leadership and collaboration", "weight": 25,
             "kind": "rating", "indicator": "leading"},
        ],
    },
]  # fmt: skip


def template_for(tenant) -> list[dict]:
    found = ScorecardTemplate.objects.for_tenant(tenant).first()
    return copy.deepcopy(found.sections if found else DEFAULT)


def sections_for(cycle) -> list[dict]:
    """The scorecard the cycle was opened with (cycles from before snapshots: the tenant's)."""
    if cycle.sections is not None:
        return copy.deepcopy(cycle.sections)
    return template_for(cycle.tenant_id)


CRITERION_FIELDS = ("key", "label", "kind", "metric", "indicator", "weight")
METRIC_LABELS = {
    "attainment": "Customer KPI attainment",
    "health": "Account health",
    "engagement": "Engagement",
    "contacts": "Meaningful contacts per account per month",
    "nps": "Net Promoter Score",
    "commercial": "Revenue and margin",
    "plan": "Plan vitality",
    "execution": "Action execution",
    "conformance": "Our KAM Process followed",
    "customer_view": "Customers' view of the KAM (survey)",
    "objectives": "Objectives achieved (KAM-entered)",
    "renewals": "Renewals renewed / lost (KAM-entered)",
}


class Invalid(Exception):
    """The edited scorecard cannot be used; the arguments say why."""


def metric_choices() -> list[tuple[str, str]]:
    return [(key, METRIC_LABELS.get(key, key.replace("_", " ").capitalize())) for key in METRICS]


def _describe(sections: list[dict]) -> dict:
    """What the audit compares: each section and criterion by key, as one line of text."""
    out = {}
    for n, section in enumerate(sections, start=1):
        out[section["key"]] = f"{n}. {section['label']} · weight {section['weight']}"
        for m, c in enumerate(section["criteria"], start=1):
            metric = f" ({c['metric']})" if c.get("metric") else ""
            out[c["key"]] = (
                f"{section['key']} {m}. {c['label']} · {c['kind']}{metric} · {c['indicator']}"
                f" · weight {c['weight']}"
            )
    return out


def save_template(tenant, actor, sections: list[dict]) -> None:
    """The tenant's scorecard from now on: cycles opened later use it, open ones keep theirs."""
    before = _describe(template_for(tenant))
    ScorecardTemplate.objects.update_or_create(tenant=tenant, defaults={"sections": sections})
    after = _describe(sections)
    removed = {key: None for key in before if key not in after}
    record(tenant, actor, "scorecard.edit", changes=diff(before, after | removed))


def _key(label: str, taken: set[str]) -> str:
    base = slugify(label).replace("-", "_")[:30] or "item"
    key, n = base, 2
    while key in taken:
        key, n = f"{base}_{n}", n + 1
    taken.add(key)
    return key


def assemble(section_rows: list[dict], criterion_rows: list[dict]) -> list[dict]:
    """The scorecard from the editor's rows (in order): new rows get keys from their labels;
    a section with criteria needs one with a weight. Raises `Invalid`."""
    taken = {row["key"] for row in [*section_rows, *criterion_rows] if row.get("key")}
    sections = [
        {"key": row["key"] or _key(row["label"], taken), "label": row["label"],
         "weight": row["weight"], "criteria": []}
        for row in section_rows
    ]  # fmt: skip
    by_key = {s["key"]: s for s in sections}
    problems = []
    for row in criterion_rows:
        section = by_key.get(row["section"])
        if section is None:
            problems.append(f"{row['label']}: its section is deleted; move it to another first.")
            continue
        criterion = {field: row[field] for field in CRITERION_FIELDS}
        criterion["key"] = row["key"] or _key(row["label"], taken)
        if not criterion["metric"]:
            del criterion["metric"]
        section["criteria"].append(criterion)
    for section in sections:  # a new section is saved empty, then criteria move into it
        if section["criteria"] and not any(c["weight"] for c in section["criteria"]):
            problems.append(f"{section['label']}: give one criterion a weight.")
    if not any(s["weight"] for s in sections):
        problems.append("Give one section a weight.")
    if problems:
        raise Invalid(*problems)
    return sections


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


def _contacts(facts: dict) -> dict | None:
    """Meaningful contacts per account per month over the last 90 days; two a month is full
    marks."""
    counts = [v.components["engagement"]["facts"].get("meaningful_90") for v in facts["verdicts"]]
    mean = _mean(counts)
    if mean is None:
        return None
    per_month = mean / 3
    value = f"{per_month:.1f} meaningful contacts per account per month"
    return {"score": round(min(100.0, 50 * per_month)), "value": value}


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


def _customer_view(facts: dict) -> dict | None:
    """What customers answered, through the surveys sent for the review, about the value of
    working with the KAM (1–5); the reviewer's own notes from calls are not counted."""
    values = [
        f["kam_value"]
        for f in facts["feedback"]
        if f.get("kam_value") and f["origin"] == Origin.CUSTOMER
    ]
    if not values:
        return None
    mean = sum(values) / len(values)
    value = f"{mean:.1f}/5 value of working with the KAM, {len(values)} answers"
    return {"score": round(25 * (mean - 1)), "value": value}


# what the KAM typed in: the review says so beside the value
KAM_ENTERED = {"origin": str(Origin.KAM.value), "origin_label": str(Origin.KAM.label)}


def _objectives(facts: dict) -> dict | None:
    """The share of the customers' objectives due in the period (or achieved early in it)
    that the KAM marked achieved in it; dropped ones are named, not counted."""
    tally = facts.get("objectives")
    if not tally or not tally["due"]:
        return None
    dropped = f", {tally['dropped']} dropped" if tally["dropped"] else ""
    value = f"{tally['achieved']} of {tally['due']} objectives due achieved{dropped}"
    return {"score": round(100 * tally["achieved"] / tally["due"]), "value": value, **KAM_ENTERED}


def _renewals(facts: dict) -> dict | None:
    """The renewal rate of the renewals due in the period that are decided, with what is
    still undecided and the contract value lost."""
    tally = facts.get("renewals")
    decided = tally["renewed"] + tally["lost"] if tally else 0
    if not decided:
        return None
    open_ = f", {tally['pending']} undecided" if tally["pending"] else ""
    rate = tally["renewed"] / decided
    lost = "".join(f"; {v:,.0f} {currency} lost" for currency, v in tally["lost_value"].items())
    value = (
        f"{tally['renewed']} renewed, {tally['lost']} lost{open_} of {tally['due']} due: "
        f"{rate:.0%} renewal rate{lost}"
    )
    return {"score": round(100 * rate), "value": value, **KAM_ENTERED}


METRICS = {
    "attainment": _attainment,
    "health": _health,
    "engagement": _component("engagement", "engagement"),
    "contacts": _contacts,
    "nps": _nps,
    "commercial": _component("commercial", "commercial"),
    "plan": _component("plan_vitality", "plan vitality"),
    "execution": _component("execution", "execution"),
    "conformance": _conformance,
    "customer_view": _customer_view,
    "objectives": _objectives,
    "renewals": _renewals,
}
# customer results: a KAM who moved weak accounts up scores for the move, not only the level
REWARDS_CHANGE = {"attainment", "health"}
# counted over a period: their change is against the period before, not the period's start
AGAINST_PREVIOUS = {"objectives", "renewals"}
# a change of this many points over the period is worth full marks for improvement
FULL_IMPROVEMENT = 20


def improvement_score(change: int) -> int:
    """0–100 for a change over the period: 50 is none, ±FULL_IMPROVEMENT the ends."""
    return round(max(0.0, min(100.0, 50 + 50 * change / FULL_IMPROVEMENT)))


def measure(name: str, facts: dict) -> dict | None:
    """A metric at the period's end with its change since the start (or the handover): the
    same accounts measured at both points; a count over the period, against the period
    before. Metrics that reward change score the better of
    the level and the mean of level and improvement, so a move up counts and a fall is
    judged on the level alone (the red flags speak about falls)."""
    metric = METRICS[name]
    result = metric(facts)
    if result is None:
        return None
    if name in AGAINST_PREVIOUS:
        first = metric(facts.get("earlier", {}))
        result["since"] = "in the period before"
    else:
        # the same accounts at the start; facts only known now (what customers said, the
        # process followed) have no start of their own
        first = metric({"verdicts": facts.get("start_verdicts", []), "feedback": []})
        result["since"] = "at the start"
    result["level"] = result["score"]
    result["start"] = None if first is None else first["score"]
    result["change"] = None if first is None else result["score"] - first["score"]
    if name in REWARDS_CHANGE and result["change"] is not None:
        blended = (result["level"] + improvement_score(result["change"])) / 2
        result["score"] = max(result["level"], round(blended))
    return result


def effective_rating(criterion: dict) -> int | None:
    """The reviewer's rating, or a leader's calibration of it."""
    return criterion.get("calibrated_rating") or criterion.get("manager_rating")


def rating_score(rating: int | None) -> int | None:
    return None if rating is None else (rating - 1) * 25


def weighted(parts: list[tuple[float | None, float]]) -> int | None:
    known = [(score, weight) for score, weight in parts if score is not None and weight]
    total = sum(weight for _, weight in known)
    return round(sum(score * weight for score, weight in known) / total) if total else None


def build(sections: list[dict], facts: dict, ratings: dict[str, CriterionRating]) -> dict:
    """The scorecard: every criterion's metric and ratings, section and overall scores."""
    for section in sections:
        for criterion in section["criteria"]:
            metric = None
            if criterion["kind"] in {"metric", "both"}:
                metric = measure(criterion["metric"], facts)
            rating = ratings.get(criterion["key"])
            criterion["metric_result"] = metric
            criterion["self_rating"] = rating.self_rating if rating else None
            criterion["manager_rating"] = rating.manager_rating if rating else None
            criterion["comment"] = rating.comment if rating else ""
            criterion["calibrated_rating"] = rating.calibrated_rating if rating else None
            criterion["calibration_reason"] = rating.calibration_reason if rating else ""
            parts = []
            if metric is not None:
                parts.append(metric["score"])
            if criterion["kind"] in {"rating", "both"}:
                parts.append(rating_score(effective_rating(criterion)))
            mean = _mean(parts)
            criterion["score"] = None if mean is None else round(mean)
        section["score"] = weighted([(c["score"], c["weight"]) for c in section["criteria"]])
    shares(sections)
    return {
        "sections": sections,
        "overall": weighted([(s["score"], s["weight"]) for s in sections]),
        "accounts": facts["accounts"],
        "red_flags": facts["flags"],
        "feedback": facts["feedback"],
    }


def shares(sections: list[dict]) -> None:
    """Each section's and criterion's weight as a percentage of its siblings' total."""
    for parts in [sections, *(section["criteria"] for section in sections)]:
        total = sum(p["weight"] for p in parts)
        for part in parts:
            part["share"] = round(100 * part["weight"] / total) if total else 0


def compare(card: dict, previous: dict | None) -> None:
    """Mark every section and criterion score with its change since the `previous` card."""
    if previous is None:
        return
    before = {("section", s["key"]): s["score"] for s in previous["sections"]}
    before |= {("criterion", c["key"]): c["score"] for c in criteria(previous["sections"])}
    for kind, parts in (("section", card["sections"]), ("criterion", criteria(card["sections"]))):
        for part in parts:
            earlier = before.get((kind, part["key"]))
            known = None not in (earlier, part["score"])
            part["since_previous"] = part["score"] - earlier if known else None


def for_review(review: PerformanceReview) -> dict:
    """The review's scorecard: frozen once finalised, else computed now."""
    if review.scorecard is not None:
        return review.scorecard
    facts = evidence(review.tenant, [review.kam], review.cycle)[review.kam_id]
    ratings = {r.criterion: r for r in review.ratings.all()}
    return build(sections_for(review.cycle), facts, ratings)


def chart(card: dict):
    """Every section and criterion score as bars: the review page and the packet share it."""
    items = []
    for section in card["sections"]:
        items.append((section["label"].upper(), section["score"]))
        items += [(f"  {c['label']}", c["score"]) for c in section["criteria"]]
    return score_bars(items, title="Scorecard: section and criterion scores out of 100")


def criteria(sections: list[dict]) -> list[dict]:
    return [criterion for section in sections for criterion in section["criteria"]]
