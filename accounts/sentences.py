"""The accounts app's audit verbs in plain language (see `kamapp.history`)."""

from kamapp import history

SENTENCES = {
    "account.create": "{actor} created the account {object}",
    "account.update": "{actor} edited the account {object}",
    "account.archive": "{actor} archived {object}",
    "account.restore": "{actor} restored {object} from the archive",
    "account.import": "{actor} imported accounts from a file",
    "contact.import": "{actor} imported {contacts} contacts from a file",
    "contact.create": "{actor} added {object} to the stakeholders",
    "contact.update": "{actor} edited the stakeholder {object}",
    "objective.create": "{actor} added the customer goal “{object}”",
    "objective.update": "{actor} edited the customer goal “{object}”",
    "kpi.create": "{actor} added the KPI “{object}”",
    "kpi.measure": "{actor} entered {value} for the KPI {kpi} on {date}",
    "action.create": "{actor} added the action “{object}”",
    "action.update": "{actor} edited the action “{object}”",
    "action.status": "{actor} marked the action “{object}” {status:lower}",
    "interaction.create": "{actor} logged a {kind:lower}{contacts:with}",
    "interaction.update": "{actor} edited the {object:lower}",
    "interaction.delete": "{actor} deleted the {object:lower}",
    "financials.create": "{actor} entered the financials for the {object:lower}",
    "financials.update": "{actor} edited the financials for the {object:lower}",
    "feedback.create": "{actor} recorded customer feedback from a {source:lower}{contact:with}",
    "feedback.update": "{actor} edited customer feedback",
    "plan.update": "{actor} revised the account plan",
    "plan.review": "{actor} reviewed the account plan",
    "plan.share": "{actor} shared the joint plan with {email}",
    "plan.revoke": "{actor} stopped sharing the joint plan with {email}",
    "plan.goal_response": "The customer answered on the goal “{goal}” in the joint plan",
    "plan.customer_value": "{by} entered {value} for the KPI {kpi} in the joint plan",
    "survey.request": "{actor} sent a feedback survey to {email}",
    "survey.withdraw": "{actor} withdrew the survey sent to {email}",
    "survey.answer": "{email} answered the feedback survey",
    "alert.acknowledged": "{actor} acknowledged the alert “{object}”",
    "alert.snoozed": "{actor} snoozed the alert “{object}”",
    "alert.resolved": "{actor} resolved the alert “{object}”",
    "alert.dismissed": "{actor} dismissed the alert “{object}” as not useful",
    "health.model": "{actor} changed the health model",
    "process.stage.create": "{actor} added the stage “{object}” to the KAM process",
    "process.stage.update": "{actor} edited the KAM process stage “{object}”",
    "process.stage.delete": "{actor} removed the stage “{object}” from the KAM process",
    "process.item.create": "{actor} added the step “{object}” to the KAM process",
    "process.item.update": "{actor} edited the KAM process step “{object}”",
    "process.item.delete": "{actor} removed the step “{object}” from the KAM process",
    "process.confirm": "{actor} confirmed the KAM process step {object}",
}

TOPICS = {
    "account": "Accounts",
    "contact": "Stakeholders",
    "objective": "Customer goals",
    "kpi": "KPIs",
    "action": "Actions",
    "interaction": "Interactions",
    "financials": "Financials",
    "feedback": "Feedback",
    "plan": "Account plan and joint plan",
    "survey": "Surveys",
    "alert": "Alerts",
    "health": "Health model",
    "process": "KAM process",
}


def register() -> None:
    history.register(SENTENCES, TOPICS)
