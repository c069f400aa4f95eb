"""The reviews app's audit verbs in plain language (see `kamapp.history`)."""

from kamapp import history


def register() -> None:
    history.register(
        {
            "review_cycle.open": "{actor} opened the review cycle {object} ({reviews} reviews)",
            "review_cycle.delete": "{actor} deleted the review cycle {object}",
            "review.reassign": "{actor} handed the review {object} to a new reviewer",
            "review.self_assessment": "{actor} submitted the self-assessment for {object}",
            "review.submit_calibration": "{actor} submitted the review {object} for calibration",
            "review.finalise": "{actor} finalised the review {object}",
            "scorecard.weights": "{actor} changed the scorecard weights",
            "scorecard.edit": "{actor} edited the scorecard",
            "review.calibrate": "{actor} adjusted a rating in {object} during calibration",
            "review.acknowledge": "{actor} signed off the review {object}",
            "review.reopen": "{actor} reopened the review {object}",
            "review.supervisor_note": "{actor} noted a call with the customer about {object}",
        },
        {"review_cycle": "Review cycles", "review": "Reviews", "scorecard": "Scorecard"},
    )
