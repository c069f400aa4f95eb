"""Demo key accounts with a year of history and deliberate patterns for health and alerts:
an account upsold while its KPIs stall, one discounting heavily, one with a stale plan, and
one single-threaded through a lone contact; in the full demo also one whose KAM-logged
feedback is rosier than the customer's answers, and a new account two weeks old."""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from accounts import health, metrics, recalculation, rescoring, rollups
from accounts.models import (
    KPI,
    AccountPlan,
    AccountTeamMember,
    Action,
    Commitment,
    Contact,
    CustomerFeedback,
    FinancialPeriod,
    HealthSnapshot,
    Interaction,
    InteractionAttendee,
    InteractionContact,
    KeyAccount,
    KPIMeasurement,
    Objective,
    PlanRevision,
    Renewal,
    SharedPlan,
    SurveyRequest,
    Tier,
)
from kamapp.models import Membership, Role, Tenant

CUSTOMERS = {
    "northwind": [
        ("Bergmann Automotive", "Automotive"),
        ("Cascadia Paper Mills", "Pulp & paper"),
        ("Orion Rail Systems", "Rail"),
        ("Kestrel Aerospace", "Aerospace"),
        ("Valmont Food Processing", "Food & beverage"),
        ("Ridgeway Mining", "Mining"),
        ("Solent Marine Engineering", "Marine"),
        ("Tatra Steelworks", "Metals"),
        ("Brightwater Utilities", "Utilities"),
        ("Halden Chemicals", "Chemicals"),
        ("Novaterra Agritech", "Agriculture"),
        ("Quayside Logistics", "Logistics"),
        ("Arcadia Packaging", "Packaging"),
        ("Lumen Glassworks", "Glass"),
        ("Pinecrest Timber", "Forestry"),
        ("Meridian Pharma Plants", "Pharmaceuticals"),
        ("Helios Solar Farms", "Energy"),
        ("Corvid Defence Systems", "Defence"),
        ("Danube Cement", "Construction materials"),
        ("Eastgate Textiles", "Textiles"),
        ("Fjordline Ferries", "Transport"),
        ("Granite Peak Water", "Utilities"),
        ("Ironbridge Foundry", "Metals"),
        ("Juniper Robotics", "Machinery"),
        ("Larkspur Breweries", "Food & beverage"),
    ],
    "helix": [
        ("St. Aurelia University Hospital", "Academic hospital"),
        ("Northshore Health System", "Hospital network"),
        ("Valley Regional Medical Centre", "Regional hospital"),
        ("Clearwater Cardiac Institute", "Specialist clinic"),
        ("Kingsbridge NHS Trust", "Public hospital trust"),
        ("Meditron Group Purchasing", "Group purchasing"),
        ("Lakeside Children's Hospital", "Paediatric hospital"),
        ("Summit Orthopaedic Partners", "Specialist clinic"),
        ("Riverbend Veterans Hospital", "Public hospital"),
        ("Harbourview Oncology Centre", "Specialist clinic"),
        ("Alpine Rehabilitation Clinics", "Rehabilitation"),
        ("Greenfield Community Health", "Community care"),
        ("Bayfront Surgical Hospital", "Surgical hospital"),
        ("Crescent Dialysis Network", "Dialysis"),
        ("Westmoor Teaching Hospital", "Academic hospital"),
        ("Oakridge Diagnostics", "Diagnostics"),
        ("Pioneer Ambulatory Care", "Ambulatory care"),
        ("Sterling Eye Institute", "Specialist clinic"),
        ("Tidewater Medical Group", "Physician group"),
        ("Unity Care Partners", "Hospital network"),
        ("Vista Heart & Vascular", "Specialist clinic"),
        ("Willowbrook Senior Living", "Elderly care"),
        ("Yardley Sports Medicine", "Specialist clinic"),
        ("Zenith Private Hospitals", "Private hospital group"),
        ("Aurora Fertility Clinics", "Specialist clinic"),
    ],
}

FIRST = [
    "Anna",
    "Ben",
    "Chloé",
    "David",
    "Elena",
    "Felix",
    "Gabriela",
    "Hannah",
    "Ivan",
    "Julia",
    "Kenji",
    "Laura",
    "Mateo",
    "Nora",
    "Omar",
    "Paula",
    "Quentin",
    "Rosa",
    "Stefan",
    "Tara",
    "Umar",
    "Vera",
    "Wim",
    "Yara",
    "Zoltan",
]
LAST = [
    "Albrecht",
    "Brennan",
    "Costa",
    "Dubois",
    "Eriksen",
    "Fischer",
    "García",
    "Hughes",
    "Ivanova",
    "Jansen",
    "Kowalski",
    "Lambert",
    "Moreau",
    "Nakamura",
    "O'Neill",
    "Petrov",
    "Quinn",
    "Rossi",
    "Sørensen",
    "Tanaka",
    "Urban",
    "Varga",
    "Weber",
    "Young",
    "Zimmer",
]
ORG = [  # (title, department, buying role, influence), top of the tree first
    ("Chief Operating Officer", "Executive", Contact.BuyingRole.DECISION_MAKER, "high"),
    ("CFO", "Finance", Contact.BuyingRole.ECONOMIC_BUYER, "high"),
    ("Head of Procurement", "Procurement", Contact.BuyingRole.INFLUENCER, "high"),
    ("Director of Engineering", "Engineering", Contact.BuyingRole.CHAMPION, "medium"),
    ("Plant Manager", "Operations", Contact.BuyingRole.USER, "medium"),
    ("Quality Lead", "Quality", Contact.BuyingRole.USER, "low"),
    ("Category Buyer", "Procurement", Contact.BuyingRole.BLOCKER, "medium"),
    ("IT Manager", "IT", Contact.BuyingRole.INFLUENCER, "low"),
    ("Maintenance Supervisor", "Operations", Contact.BuyingRole.USER, "low"),
    ("Sustainability Officer", "Strategy", Contact.BuyingRole.INFLUENCER, "medium"),
]
OBJECTIVES = [  # customer goal, KPI name, unit, baseline, target
    ("Cut unplanned downtime on the main lines", "Unplanned downtime", "h/month", 42, 20),
    ("Lower total cost of ownership of supplies", "Cost per unit produced", "EUR", 3.8, 3.2),
    ("Reach the 2027 sustainability commitments", "Scope 3 emissions", "t CO2e", 1800, 1300),
    ("Shorten the order-to-delivery cycle", "Order cycle time", "days", 12, 7),
    ("Raise first-pass quality", "First-pass yield", "%", 91, 97),
    ("Grow share of preventive maintenance", "Preventive share", "%", 35, 60),
    ("Improve on-time delivery to their customers", "On-time delivery", "%", 88, 96),
]
ACTIONS = [
    "Run a downtime root-cause workshop",
    "Pilot vendor-managed inventory",
    "Quarterly business review",
    "Deliver TCO analysis",
    "Joint sustainability roadmap",
    "Train plant staff on new consumables",
    "Executive sponsor meeting",
    "Propose predictive maintenance pilot",
    "Renegotiate logistics terms",
]
SUMMARIES = [
    "Reviewed the downtime dashboard together",
    "Pricing discussion for next year",
    "Walked the line with the plant team",
    "Quarterly business review",
    "Follow-up on open service tickets",
    "Discussed their 2027 strategy",
    "Introduced our application engineer",
    "Sustainability data exchange",
]


def seed(tenant: Tenant, size: int | None = None, today: datetime.date | None = None) -> int:
    """Create the tenant's demo accounts (the first `size` of its list) unless it has some;
    returns how many were made. Tenants without a list of their own get Northwind's."""
    if KeyAccount.objects.for_tenant(tenant).exists():
        return 0
    today = today or timezone.localdate()
    rng = random.Random(tenant.slug)
    kams = list(Membership.objects.for_tenant(tenant).filter(role=Role.KAM).order_by("pk"))
    customers = CUSTOMERS.get(tenant.slug, CUSTOMERS["northwind"])[:size]
    rows: dict[type, list] = {}
    with rescoring.suspended():  # the seed's follow-up scores every account at once
        for index, (name, industry) in enumerate(customers):
            _account(tenant, index, name, industry, kams, rng, today, rows)
    for model in (
        KPIMeasurement,
        Action,
        InteractionContact,
        FinancialPeriod,
        CustomerFeedback,
        PlanRevision,
        AccountTeamMember,
        SurveyRequest,
        SharedPlan,
        Objective,
        Renewal,
    ):
        model.objects.bulk_create(rows.get(model, []), batch_size=2000)
    return len(customers)


def health_history(tenant: Tenant, weeks: int = 12) -> None:
    """A snapshot a week for the last `weeks` weeks, each scored from the demo rows as they
    stood that day, so trend lines and "was … on …" have a past to show, and the dashboards'
    rollup rebuilt from them. Once per tenant."""
    if HealthSnapshot.objects.for_tenant(tenant).exists():
        return
    model = health.model_for(tenant)
    now = timezone.now()
    for week in range(weeks, 0, -1):
        at = now - datetime.timedelta(weeks=week)
        day = timezone.localdate(at)
        inputs = health.gather(tenant, today=day)
        verdicts = {pk: health.score(item, model, day) for pk, item in inputs.items()}
        recalculation.write_snapshots(tenant, inputs, verdicts, at=at)
    rollups.backfill(tenant)


def _account(tenant, index, name, industry, kams, rng, today, rows) -> None:
    add = lambda obj: rows.setdefault(type(obj), []).append(obj)  # noqa: E731
    # the deliberate patterns that health and alerts should find
    upsold_stalling, discounting, stale, single_threaded = (index == i for i in range(4))
    quiet, slipping = index == 4, index == 5  # no recent contact; actions left overdue
    # in the full demo: the KAM's notes rosier than the customer's answers; a new account
    split, new = index == 10, index == 11
    tier = [Tier.STRATEGIC, Tier.KEY, Tier.KEY, Tier.DEVELOPMENT][index % 4]
    owner = kams[index % len(kams)]
    account = KeyAccount.objects.create(
        tenant=tenant,
        name=name,
        industry=industry,
        tier=tier,
        owner=owner,
        contract_value=Decimal(rng.randrange(200, 4000) * 1000),
        currency="EUR",
        renewal_date=today + datetime.timedelta(days=rng.randrange(20, 400)),
    )
    teammate = kams[(index + 1) % len(kams)]
    if teammate != owner:
        add(
            AccountTeamMember(
                tenant=tenant, account=account, membership=teammate, role="Technical support"
            )
        )

    contacts = _contacts(tenant, account, rng, 1 if single_threaded else rng.randrange(4, 11))
    if new:
        _new_account(tenant, account, owner, contacts, rng, today, add)
        return
    _plan(tenant, account, owner, rng, today, stale, add)
    _objectives(tenant, account, contacts, rng, today, stalled=upsold_stalling, add=add)
    _actions(tenant, account, owner, rng, today, add, slipping)
    _interactions(tenant, account, owner, contacts, rng, today, add, quiet)
    if index == 0:
        _qbrs(tenant, account, [owner, teammate], contacts, today)
    _financials(tenant, account, rng, today, upsold_stalling, discounting, add)
    _outcomes(tenant, account, owner, index, today, add, lost=discounting)
    if split:
        _split_feedback(tenant, account, owner, contacts, today, add)
    for _ in range(0 if split else rng.randrange(2, 5)):
        add(
            CustomerFeedback(
                tenant=tenant,
                account=account,
                contact=rng.choice(contacts),
                date=today - datetime.timedelta(days=rng.randrange(5, 360)),
                nps=rng.choice([4, 5]) if discounting else rng.choice([8, 9, 9, 10]),
                csat=rng.randrange(3, 6),
                source=rng.choice(CustomerFeedback.Source.values),
                comment=rng.choice(
                    [
                        "Responsive team, good follow-through.",
                        "Pricing is a concern for next year.",
                        "Your engineers really understand our lines.",
                        "Deliveries slipped twice this quarter.",
                    ]
                ),
                recorded_by=owner.user,
            )
        )
    if index < 3:
        _survey(tenant, account, owner, contacts[0], index, add)
    if index == 0:  # the plan shared with the customer's lead contact
        add(
            SharedPlan(
                tenant=tenant,
                account=account,
                contact=contacts[0],
                email=contacts[0].email,
                shared_by=owner.user,
                created_at=timezone.now() - datetime.timedelta(days=2),
                expires_on=today + datetime.timedelta(days=28),
            )
        )


def _new_account(tenant, account, owner, contacts, rng, today, add) -> None:
    """Two weeks old: a first plan not yet reviewed, KPI baselines, two meetings. Health
    reads "not enough data yet" and no rule raises anything from absence."""
    KeyAccount.objects.filter(pk=account.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=14)
    )
    AccountPlan.objects.create(
        tenant=tenant, account=account, summary="Onboarding: agree the first objectives."
    )
    _objectives(tenant, account, contacts, rng, today, stalled=True, add=add, months=1)
    for days, who in ((12, contacts[:2]), (4, contacts[:3])):
        interaction = Interaction.objects.create(
            tenant=tenant,
            account=account,
            kind=Interaction.Kind.MEETING,
            date=today - datetime.timedelta(days=days),
            summary="Kick-off: their goals for the first year",
            meaningful=True,
            logged_by=owner.user,
        )
        for contact in who:
            add(InteractionContact(tenant=tenant, interaction=interaction, contact=contact))


# (days after the QBR it is due, its status, days after the QBR it was done, the customer's?)
QBR_PROMISES = {
    97: [
        ("Send the spare-parts demand forecast", 14, Action.Status.DONE, 10, False),
        ("Pilot the replenishment routine at the second plant", 45, Action.Status.DONE, 58, False),
        ("Share monthly line downtime data", 111, Action.Status.IN_PROGRESS, None, True),
        ("Quote the line retrofit", 30, Action.Status.CANCELLED, None, False),
    ],
    6: [
        ("Bring the retrofit business case", 36, Action.Status.PLANNED, None, False),
        ("Introduce us to the new plant director", 27, Action.Status.PLANNED, None, True),
    ],
}


def _qbrs(tenant, account, ours, contacts, today) -> None:
    """Two QBRs: the earlier one's commitments kept, kept late, open and dropped, and rated
    by the customer through the survey link; the latest one reviews them. The account's
    other interactions become meetings, so these two are its QBRs."""
    Interaction.objects.filter(account=account, kind=Interaction.Kind.QBR).update(
        kind=Interaction.Kind.MEETING
    )
    theirs = contacts[:2]
    for days_ago, promises in QBR_PROMISES.items():
        day = today - datetime.timedelta(days=days_ago)
        qbr = Interaction.objects.create(
            tenant=tenant,
            account=account,
            kind=Interaction.Kind.QBR,
            date=day,
            agenda="Results against your goals\nLast quarter's commitments\nNext quarter's plan",
            summary="Reviewed the quarter and agreed next steps.",
            meaningful=True,
            logged_by=ours[0].user,
        )
        for contact in theirs:
            InteractionContact.objects.create(tenant=tenant, interaction=qbr, contact=contact)
        for member in set(ours):
            InteractionAttendee.objects.create(tenant=tenant, interaction=qbr, membership=member)
        for title, due, status, done, customer in promises:
            action = Action.objects.create(
                tenant=tenant,
                account=account,
                title=title,
                owner=ours[0],
                due_date=day + datetime.timedelta(days=due),
                status=status,
                done_date=day + datetime.timedelta(days=done) if done else None,
            )
            Commitment.objects.create(
                tenant=tenant,
                account=account,
                interaction=qbr,
                action=action,
                side=Commitment.Side.CUSTOMER if customer else Commitment.Side.OURS,
                contact=theirs[0] if customer else None,
            )
        if days_ago == max(QBR_PROMISES):
            _qbr_rating(tenant, account, ours[0], theirs[-1], qbr)


def _qbr_rating(tenant, account, owner, contact, qbr) -> None:
    """The customer's answer to the survey sent after the QBR."""
    answered = timezone.make_aware(
        datetime.datetime.combine(qbr.date + datetime.timedelta(days=4), datetime.time(10))
    )
    feedback = CustomerFeedback.objects.create(
        tenant=tenant,
        account=account,
        contact=contact,
        date=timezone.localdate(answered),
        nps=8,
        csat=4,
        qbr=qbr,
        qbr_rating=4,
        comment="Useful: the forecast review was concrete.",
        source=CustomerFeedback.Source.SURVEY,
    )
    SurveyRequest.objects.create(
        tenant=tenant,
        account=account,
        contact=contact,
        email=contact.email,
        requested_by=owner.user,
        created_at=answered - datetime.timedelta(days=2),
        sent_at=answered - datetime.timedelta(days=2),
        answered_at=answered,
        feedback=feedback,
        qbr=qbr,
    )


def _split_feedback(tenant, account, owner, contacts, today, add) -> None:
    """The customer's survey answers are poor; the KAM's own meeting note says all is well."""
    said = [(150, 4, "survey"), (80, 3, "survey"), (30, 2, "survey"), (6, 9, "meeting")]
    for days, nps, source in said:
        add(
            CustomerFeedback(
                tenant=tenant,
                account=account,
                contact=contacts[0],
                date=today - datetime.timedelta(days=days),
                nps=nps,
                source=source,
                comment="Great meeting, they are happy."
                if source == "meeting"
                else "Support tickets sit for days.",
                recorded_by=owner.user if source == "meeting" else None,
            )
        )


def _survey(tenant, account, owner, contact, state, add) -> None:
    """A survey in each state across the first accounts: waiting, reminded, answered."""
    sent = timezone.now() - datetime.timedelta(days=3 + 7 * state)
    survey = SurveyRequest(
        tenant=tenant,
        account=account,
        contact=contact,
        email=contact.email,
        requested_by=owner.user,
        created_at=sent,
        sent_at=sent,
        reminded_at=sent + SurveyRequest.REMIND_AFTER if state >= 1 else None,
    )
    if state == 2:
        survey.answered_at = sent + datetime.timedelta(days=8)
        survey.feedback = CustomerFeedback(
            tenant=tenant,
            account=account,
            contact=contact,
            date=timezone.localdate(survey.answered_at),
            nps=9,
            csat=5,
            comment="The new replenishment routine saved our planners hours every week.",
            source=CustomerFeedback.Source.SURVEY,
        )
        add(survey.feedback)
    add(survey)


def _outcomes(tenant, account, owner, index, today, add, lost) -> None:
    """A goal the customer reached and a renewal decided in the last months (no random draw:
    the rest of the demo stays as it was). The discounting customer did not renew, last
    quarter."""
    achieved = today - datetime.timedelta(days=30 + 25 * (index % 5))
    add(
        Objective(
            tenant=tenant,
            account=account,
            title="Qualify a second production line",
            target_date=achieved + datetime.timedelta(days=10),
            status=Objective.Status.ACHIEVED,
            achieved_on=achieved,
        )
    )
    outcome = Renewal.Outcome.LOST if lost else Renewal.Outcome.RENEWED
    due = today - datetime.timedelta(days=20 + 30 * (index % 6))
    if lost:  # mid last quarter: the demo's review cycle shows it
        due = datetime.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
        due -= datetime.timedelta(days=45)
    add(
        Renewal(
            tenant=tenant,
            account=account,
            due_on=due,
            value=account.contract_value,
            outcome=outcome,
            decided_on=due - datetime.timedelta(days=7),
            new_value=None if lost else account.contract_value * Decimal("1.05"),
            note="Moved to a regional supplier on price." if lost else "",
            recorded_by=owner.user,
        )
    )


def _contacts(tenant, account, rng, count) -> list[Contact]:
    contacts: list[Contact] = []
    for position, (title, department, buying_role, influence) in enumerate(ORG[:count]):
        contacts.append(
            Contact.objects.create(
                tenant=tenant,
                account=account,
                name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                title=title,
                department=department,
                email=f"contact{position}@{account.name.split()[0].lower()}.example",
                buying_role=buying_role,
                influence=influence,
                relationship_strength=rng.randrange(2, 6),
                reports_to=contacts[0]
                if 0 < position < 4
                else (contacts[rng.randrange(1, 4)] if position >= 4 else None),
            )
        )
    return contacts


def _plan(tenant, account, owner, rng, today, stale, add) -> None:
    reviewed = today - datetime.timedelta(days=200 if stale else rng.randrange(5, 70))
    cadence = metrics.review_days(tenant.settings, account.tier)
    plan = AccountPlan.objects.create(
        tenant=tenant,
        account=account,
        summary=f"{account.name} wants to run leaner, greener operations; we help them get "
        "there with reliable supply and application know-how.",
        strategy="Move from transactional supply to a joint improvement programme, "
        "sponsored by their COO.",
        risks="Procurement pushes for price; competitor pilots at one plant.",
        last_reviewed_at=timezone.make_aware(
            datetime.datetime.combine(reviewed, datetime.time(10))
        ),
        next_review_due=reviewed + datetime.timedelta(days=cadence),
    )
    count = rng.randrange(2, 6)
    for number in range(1, count + 1):
        add(
            PlanRevision(
                tenant=tenant,
                plan=plan,
                number=number,
                kind=PlanRevision.Kind.REVIEW if number > 1 else PlanRevision.Kind.EDIT,
                summary=plan.summary,
                strategy=plan.strategy,
                risks=plan.risks,
                note="Quarterly review" if number > 1 else "First plan",
                author=owner.user,
                created_at=plan.last_reviewed_at - datetime.timedelta(days=90 * (count - number)),
            )
        )


def _objectives(tenant, account, contacts, rng, today, stalled, add, months=12) -> None:
    for goal, kpi_name, unit, baseline, target in rng.sample(OBJECTIVES, rng.randrange(2, 5)):
        objective = Objective.objects.create(
            tenant=tenant,
            account=account,
            title=goal,
            customer_owner=rng.choice(contacts),
            target_date=today + datetime.timedelta(days=rng.randrange(60, 400)),
        )
        kpi = KPI.objects.create(
            tenant=tenant,
            objective=objective,
            name=kpi_name,
            unit=unit,
            baseline=Decimal(str(baseline)),
            target=Decimal(str(target)),
            direction=KPI.Direction.UP if target > baseline else KPI.Direction.DOWN,
        )
        pace = 0 if stalled else rng.uniform(0.3, 1.0)
        for month in range(12 - months, 12):
            progress = pace * (month + 1) / 12 + rng.uniform(-0.04, 0.04) if months > 1 else 0
            value = baseline + (target - baseline) * progress
            add(
                KPIMeasurement(
                    tenant=tenant,
                    kpi=kpi,
                    value=Decimal(str(round(value, 2))),
                    date=today - datetime.timedelta(days=30 * (11 - month) + 3),
                )
            )


def _actions(tenant, account, owner, rng, today, add, slipping=False) -> None:
    for title in rng.sample(ACTIONS, rng.randrange(3, 7)):
        due = today + datetime.timedelta(days=rng.randrange(-120, 90))
        if due < today:  # past actions got done, but on the slipping account
            status = "in_progress" if slipping else "done"
        else:
            status = rng.choice(["in_progress", "planned"])
        budget = Decimal(rng.randrange(2, 40) * 500)
        done = due + datetime.timedelta(days=rng.randrange(-10, 15)) if status == "done" else None
        add(
            Action(
                tenant=tenant,
                account=account,
                title=title,
                owner=owner,
                due_date=due,
                status=status,
                planned_budget=budget,
                done_date=done,
                shared=status == "in_progress",
                actual_cost=(budget * Decimal(str(rng.uniform(0.7, 1.4)))).quantize(Decimal("1"))
                if status != "planned"
                else None,
            )
        )


def _interactions(tenant, account, owner, contacts, rng, today, add, quiet=False) -> None:
    """Contact every one to three weeks over the year, a third of it meaningful, the latest
    meaningful one recent — unless the account is the quiet one."""
    gap = {Tier.STRATEGIC: 9, Tier.KEY: 14, Tier.DEVELOPMENT: 24}[account.tier]
    day = rng.randrange(2, 6) + (75 if quiet else 0)
    first = True
    sponsors = [c for c in contacts if c.buying_role in Contact.KEY_ROLES]  # met in turn
    turn = 0
    while day < 365:
        interaction = Interaction.objects.create(
            tenant=tenant,
            account=account,
            kind=rng.choice(Interaction.Kind.values),
            date=today - datetime.timedelta(days=day),
            summary=rng.choice(SUMMARIES),
            meaningful=first or rng.random() < 0.35,
            logged_by=owner.user,
        )
        met = set(rng.sample(contacts, min(len(contacts), rng.randrange(1, 4))))
        met.add(sponsors[turn % len(sponsors)])
        turn += 1
        for contact in met:
            add(InteractionContact(tenant=tenant, interaction=interaction, contact=contact))
        first = False
        day += rng.randrange(gap // 2, gap + gap // 2)


def _financials(tenant, account, rng, today, upsold, discounting, add) -> None:
    quarter_start = datetime.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    base = account.contract_value / 4
    for back in range(8, 0, -1):
        month = quarter_start.month - 3 * back
        start = datetime.date(quarter_start.year + (month - 1) // 12, (month - 1) % 12 + 1, 1)
        revenue = (base * Decimal(str(rng.uniform(0.9, 1.15)))).quantize(Decimal("1"))
        growth = Decimal(8 - back)
        add(
            FinancialPeriod(
                tenant=tenant,
                account=account,
                kind=FinancialPeriod.Kind.QUARTER,
                period_start=start,
                revenue=revenue,
                cost=(revenue * Decimal("0.68")).quantize(Decimal("1")),
                discounts=(revenue * Decimal("0.22" if discounting else "0.03")).quantize(
                    Decimal("1")
                ),
                absorbed_costs=(revenue * Decimal("0.08" if discounting else "0.01")).quantize(
                    Decimal("1")
                ),
                renewal_amount=(revenue * Decimal("0.8")).quantize(Decimal("1")),
                upsell_amount=(revenue * Decimal("0.04") * (growth if upsold else 1)).quantize(
                    Decimal("1")
                ),
                cross_sell_amount=(revenue * Decimal("0.02")).quantize(Decimal("1")),
            )
        )
