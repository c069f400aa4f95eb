"""CSV import and export of accounts and contacts.

An import is checked whole before anything is written: every row's errors are reported with
its line number, and the commit is all-or-nothing.
"""

import csv
import datetime
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import models, transaction

from accounts.models import AccountPlan, AccountStatus, Contact, KeyAccount, Tier
from kamapp import db, inputs
from kamapp.audit import record
from kamapp.models import Membership, Role
from kamapp.trees import reaches

MAX_BYTES = 2 * 1024 * 1024
ACCOUNT_COLUMNS = [
    "name",
    "industry",
    "tier",
    "status",
    "owner_email",
    "contract_value",
    "currency",
    "renewal_date",
    "website",
]
CONTACT_COLUMNS = [
    "account",
    "name",
    "title",
    "department",
    "email",
    "phone",
    "buying_role",
    "influence",
    "relationship_strength",
    "reports_to",
]
REQUIRED = {"account": ["name", "owner_email"], "contact": ["account", "name"]}


class UnreadableFile(Exception):
    """The file as a whole cannot be read (encoding, header, size)."""


@dataclass
class Row:
    line: int
    values: dict
    errors: list[str] = field(default_factory=list)
    clean: dict = field(default_factory=dict)


def account_row(account: KeyAccount) -> list:
    return [
        account.name,
        account.industry,
        account.tier,
        account.status,
        account.owner.user.email,
        account.contract_value,
        account.currency,
        account.renewal_date.isoformat() if account.renewal_date else "",
        account.website,
    ]


def contact_row(contact: Contact) -> list:
    return [
        contact.account.name,
        contact.name,
        contact.title,
        contact.department,
        contact.email,
        contact.phone,
        contact.buying_role,
        contact.influence,
        contact.relationship_strength,
        contact.reports_to.name if contact.reports_to else "",
    ]


def read(text: str, kind: str) -> list[Row]:
    columns = ACCOUNT_COLUMNS if kind == "account" else CONTACT_COLUMNS
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [name.strip().lower() for name in reader.fieldnames or []]
    missing = [name for name in REQUIRED[kind] if name not in header]
    if missing:
        raise UnreadableFile(
            f"The header row lacks {', '.join(missing)}. Expected columns: {', '.join(columns)}."
        )
    reader.fieldnames = header
    rows = [
        Row(line, {c: (values.get(c) or "").strip() for c in columns})
        for line, values in enumerate(reader, start=2)
        if any((v or "").strip() for v in values.values() if isinstance(v, str))
    ]
    if not rows:
        raise UnreadableFile("The file has a header but no rows.")
    return rows


def decode(upload) -> str:
    if upload.size > MAX_BYTES:
        raise UnreadableFile("The file is larger than 2 MB. Split it into smaller files.")
    try:
        return upload.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnreadableFile(
            "The file is not UTF-8 text. Save it as “CSV UTF-8” and retry."
        ) from None


def _choice(value: str, choices, label: str, errors: list[str], default: str = "") -> str:
    if not value:
        return default
    for key, name in choices:
        if value.lower() in {key.lower(), name.lower()}:
            return key
    errors.append(f"{label} “{value}” is not one of: {', '.join(n for _, n in choices)}.")
    return default


def check_accounts(rows: list[Row], tenant) -> None:
    owners = {
        m.user.email.lower(): m
        for m in Membership.objects.for_tenant(tenant)
        .active()
        .filter(role__in=[Role.KAM, Role.SUPERVISOR, Role.ADMIN])
        .select_related("user")
    }
    existing = {
        n.lower() for n in KeyAccount.objects.for_tenant(tenant).values_list("name", flat=True)
    }
    seen: dict[str, int] = {}
    for row in rows:
        v, errors = row.values, row.errors
        name = v["name"]
        if not name:
            errors.append("Name is required.")
        elif name.lower() in existing:
            errors.append(f"An account named “{name}” exists already.")
        elif name.lower() in seen:
            errors.append(
                f"“{name}” appears twice in the file (also on line {seen[name.lower()]})."
            )
        seen.setdefault(name.lower(), row.line)
        owner = owners.get(v["owner_email"].lower())
        if owner is None:
            errors.append(
                f"Owner “{v['owner_email']}” is not an active KAM, supervisor or admin here."
            )
        row.clean = {
            "name": name,
            "industry": v["industry"],
            "owner": owner,
            "tier": _choice(v["tier"], Tier.choices, "Tier", errors, Tier.KEY),
            "status": _choice(
                v["status"],
                [c for c in AccountStatus.choices if c[0] != "archived"],
                "Status",
                errors,
                AccountStatus.ACTIVE,
            ),
            "contract_value": _decimal(v["contract_value"], errors),
            "currency": (v["currency"] or "EUR").upper(),
            "renewal_date": _date(v["renewal_date"], errors),
            "website": v["website"],
        }
        if len(row.clean["currency"]) != 3:
            errors.append(f"Currency “{v['currency']}” should be a 3-letter code such as EUR.")
        fields = {k: value for k, value in row.clean.items() if k != "owner"}
        _check_model(row, KeyAccount(tenant=tenant, **fields))


def check_contacts(rows: list[Row], accounts: dict[str, KeyAccount]) -> None:
    """`accounts`: the member's visible accounts by lower-case name."""
    existing = {
        (c.account_id, c.name.lower()): c
        for c in Contact.objects.filter(account__in=accounts.values())
    }
    in_file: dict[tuple, int] = {}
    for row in rows:
        v, errors = row.values, row.errors
        account = accounts.get(v["account"].lower())
        if account is None:
            errors.append(f"Account “{v['account']}” is unknown (or not one you can see).")
        if not v["name"]:
            errors.append("Name is required.")
        key = (account.pk if account else None, v["name"].lower())
        if account and key in existing:
            errors.append(f"{v['name']} is already a contact of {account.name}.")
        elif key in in_file:
            errors.append(f"{v['name']} appears twice for this account (also line {in_file[key]}).")
        in_file.setdefault(key, row.line)
        strength = v["relationship_strength"] or "3"
        if strength not in {"1", "2", "3", "4", "5"}:
            errors.append(f"Relationship strength “{strength}” should be a whole number 1–5.")
            strength = "3"
        row.clean = {
            "account": account,
            "name": v["name"],
            "title": v["title"],
            "department": v["department"],
            "email": v["email"],
            "phone": v["phone"],
            "buying_role": _choice(
                v["buying_role"], Contact.BuyingRole.choices, "Buying role", errors
            ),
            "influence": _choice(
                v["influence"],
                Contact.Influence.choices,
                "Influence",
                errors,
                Contact.Influence.MEDIUM,
            ),
            "relationship_strength": int(strength),
        }
        _check_model(row, Contact(**{k: value for k, value in row.clean.items() if k != "account"}))
    names = {key: True for key in existing} | {key: True for key in in_file}
    # new contacts only: a loop can run through the file's rows, never through existing ones
    boss_in_file = {
        (row.clean["account"].pk, row.values["name"].lower()): row.values["reports_to"].lower()
        for row in rows
        if row.clean["account"] and row.values["reports_to"]
    }
    for row in rows:
        account = row.clean["account"]
        boss = row.values["reports_to"]
        if account and boss and (account.pk, boss.lower()) not in names:
            row.errors.append(f"Reports to “{boss}”: no contact of that name at {account.name}.")
        elif account and boss and _loops(boss_in_file, account.pk, row.values["name"]):
            row.errors.append(f"Reports to “{boss}” would make a reporting loop.")


def _loops(boss_of: dict[tuple, str], account_id: int, name: str) -> bool:
    name = name.lower()
    return reaches(boss_of.get((account_id, name)), name, lambda n: boss_of.get((account_id, n)))


def _check_model(row: Row, instance: models.Model) -> None:
    """Check the row's cells as the model and the app's forms would, so that the commit never
    meets a database error: one line of plain text each, lengths, digits, emails, URLs."""
    for column, value in row.values.items():
        try:
            inputs.single_line(value)
        except ValidationError as error:
            row.errors.append(f"{column.replace('_', ' ').capitalize()}: {error.messages[0]}")
    try:
        instance.clean_fields(exclude={"tenant", "owner", "account", "reports_to"})
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            if getattr(instance, name) not in ("", None):  # blanks are reported above
                label = instance._meta.get_field(name).verbose_name.capitalize()
                row.errors.extend(f"{label}: {message}" for message in messages)


def _decimal(value: str, errors: list[str]) -> Decimal:
    if not value:
        return Decimal(0)
    try:
        number = Decimal(value.replace(",", "").replace(" ", ""))
    except InvalidOperation:
        errors.append(f"Contract value “{value}” is not a number.")
        return Decimal(0)
    if not number.is_finite():
        errors.append(f"Contract value “{value}” is not a number.")
        return Decimal(0)
    if number < 0:
        errors.append("Contract value cannot be negative.")
    return number


def _date(value: str, errors: list[str]) -> datetime.date | None:
    if not value:
        return None
    try:
        date = datetime.date.fromisoformat(value)
        inputs.sane_date(date)
        return date
    except ValueError:
        errors.append(f"Renewal date “{value}” is not a date like 2027-03-31.")
    except ValidationError as error:
        errors.append(f"Renewal date: {error.messages[0]}")
    return None


@transaction.atomic
def commit_accounts(rows: list[Row], tenant, actor) -> int:
    accounts = KeyAccount.objects.bulk_create(
        KeyAccount(tenant=tenant, **row.clean) for row in rows
    )
    AccountPlan.objects.bulk_create(AccountPlan(tenant=tenant, account=a) for a in accounts)
    db.analyze(KeyAccount, AccountPlan)  # the health run that follows plans with the new rows
    record(tenant, actor, "account.import", changes={"accounts": [a.name for a in accounts]})
    return len(accounts)


@transaction.atomic
def commit_contacts(rows: list[Row], tenant, actor) -> int:
    contacts = Contact.objects.bulk_create(Contact(tenant=tenant, **row.clean) for row in rows)
    by_name = {(c.account_id, c.name.lower()): c for c in contacts}
    by_name |= {
        (c.account_id, c.name.lower()): c
        for c in Contact.objects.filter(account__in={c.account_id for c in contacts})
        if (c.account_id, c.name.lower()) not in by_name
    }
    for row, contact in zip(rows, contacts, strict=True):
        if boss := row.values["reports_to"]:
            contact.reports_to = by_name[(contact.account_id, boss.lower())]
    Contact.objects.bulk_update(contacts, ["reports_to"])
    db.analyze(Contact)
    record(tenant, actor, "contact.import", changes={"contacts": len(contacts)})
    return len(contacts)


def error_report(rows: list[Row]) -> list[list]:
    """The rows with errors, a line per error, for a CSV to fix and upload again."""
    header = ["line", "error", *rows[0].values.keys()] if rows else ["line", "error"]
    return [
        header,
        *([row.line, error, *row.values.values()] for row in rows for error in row.errors),
    ]
