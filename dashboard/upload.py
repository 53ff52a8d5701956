"""The Data page's upload: size-checked before it is read, validated once per file (not on every
click), and never a traceback in front of the user."""

from __future__ import annotations

import hashlib
import logging

import streamlit as st

from data_access.imports import Report, validate
from data_access.imports.read import too_big

LOGGER = logging.getLogger(__name__)
REPORT_KEY = "data-report"


def checked_upload(upload, kind: str) -> Report | None:  # noqa: ANN001 - Streamlit UploadedFile
    """The validation report for an uploaded file, computed once per (file content, kind) and kept
    in the session; None (with a message shown) when the file cannot be checked at all."""
    if message := too_big(upload.size):
        st.error(f"{message} Nothing was imported.")
        return None
    data = upload.getvalue()
    key = (hashlib.sha256(data).hexdigest(), kind, upload.name)
    remembered = st.session_state.get(REPORT_KEY)
    if remembered is not None and remembered[0] == key:
        return remembered[1]
    try:
        with st.spinner(f"Checking every row of {upload.name}…"):
            report = validate(data, upload.name, kind)
    except Exception:  # noqa: BLE001 - logged in full for developers, plain words for the user
        LOGGER.exception("Validating %s (%s, %s bytes) failed", upload.name, kind, upload.size)
        st.error(
            f"{upload.name} could not be checked because of an unexpected error (recorded in the "
            "server log for the developers). Nothing was imported. Check that the file is a CSV "
            "or .xlsx extract of the chosen kind, or send it to the dashboard's developers."
        )
        return None
    st.session_state[REPORT_KEY] = (key, report)
    return report
