"""Synthetic strategic plan for the demo: the six objectives' actions, their quarterly updates and
RAG statuses, shaped like a real delivery plan (some slip, a few finish)."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from domain.months import add_months, month_end
from domain.vocab import STRATEGIC_OBJECTIVES

LEAD_AGENCIES = (
    "Bradford Council Children's Services",
    "West Yorkshire Police",
    "NHS Bradford District and Craven",
    "Bradford Council Education",
    "Community Safety Partnership",
    "Youth Service",
)


def strategic_plan(
    rng: np.random.Generator, as_of: date
) -> tuple[list[dict], list[dict], list[dict]]:
    """The Appendix C objectives and actions, each with quarterly RAG updates from its start.

    An action starts in some quarter from April 2021, is due 6-16 quarters later and moves at its
    own speed; its status compares progress with where it should be by then.
    """
    objectives, actions, updates = [], [], []
    first_quarter = date(2021, 4, 1)
    for number, (title, bullets) in STRATEGIC_OBJECTIVES.items():
        objectives.append({"number": number, "title": title, "description": "; ".join(bullets)})
        for bullet in bullets:
            action_id = len(actions) + 1
            start = int(rng.integers(0, 21))
            duration = int(rng.integers(6, 17))
            due = month_end(add_months(first_quarter, 3 * (start + duration) - 1))
            actions.append(
                {
                    "id": action_id,
                    "objective_number": number,
                    "title": bullet,
                    "lead_agency": LEAD_AGENCIES[int(rng.integers(0, len(LEAD_AGENCIES)))],
                    "due_on": due,
                }
            )
            speed = float(np.clip(rng.normal(0.95, 0.3), 0.35, 1.5))
            progress = 0.0
            for elapsed in range(1, 40):
                quarter = add_months(first_quarter, 3 * (start + elapsed))
                updated_on = quarter + timedelta(days=int(rng.integers(5, 25)))
                if updated_on > as_of:
                    break
                progress = min(100.0, progress + 100 / duration * speed * rng.uniform(0.6, 1.4))
                expected = min(100.0, 100 * elapsed / duration)
                status = _status_for(progress, expected)
                updates.append(
                    {
                        "action_id": action_id,
                        "updated_on": updated_on,
                        "status": status,
                        "progress_pct": round(progress),
                        "note": _update_note(status),
                    }
                )
                if status == "done":
                    break
    return objectives, actions, updates


def _status_for(progress: float, expected: float) -> str:
    """RAG from how far progress lags where the plan says it should be."""
    if progress >= 99.5:
        return "done"
    if progress >= expected - 10:
        return "on_track"
    if progress >= expected - 25:
        return "at_risk"
    return "off_track"


def _update_note(status: str) -> str:
    return {
        "on_track": "Progressing as planned; reported to the sub-group.",
        "at_risk": "Some slippage; lead agency reviewing capacity.",
        "off_track": "Behind plan; escalated to the strategic sub-group.",
        "done": "Completed and signed off by the sub-group.",
    }[status]
