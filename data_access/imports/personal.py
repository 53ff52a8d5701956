"""Step 3, reducing personal data: what free text may not hold, and the keyed pseudonym that
replaces a source system's child id (the key never lives in git)."""

from __future__ import annotations

import hashlib
import hmac
import os
import re

from data_access.imports.report import ImportRefused

PSEUDONYM_KEY_ENV = "DASHBOARD_PSEUDONYM_KEY"
LOOKS_PERSONAL = (
    (re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+"), "an e-mail address"),
    (re.compile(r"(?:\+44\s?7\d{3}|\b07\d{3})\s?\d{3}\s?\d{3}\b"), "a phone number"),
    (re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}\b"), "a full postcode"),
    (re.compile(r"\b(?:d\.?o\.?b\.?|born on)\b", re.IGNORECASE), "a date of birth"),
    (re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Master)\.? [A-Z][a-z]+", re.UNICODE), "a person's name"),
)


def pseudonymise(source_child_id: str) -> str:
    """Keyed hash (HMAC-SHA256) of a source-system child id; the key never lives in git."""
    key = os.environ.get(PSEUDONYM_KEY_ENV, "")
    if len(key) < 16:
        raise ImportRefused(
            f"{PSEUDONYM_KEY_ENV} is not set (or shorter than 16 characters): child ids cannot be "
            "pseudonymised, so nothing was imported. Ask the data manager for the key."
        )
    return hmac.new(key.encode(), source_child_id.strip().encode(), hashlib.sha256).hexdigest()
