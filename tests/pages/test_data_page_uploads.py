"""The Data page with awkward uploads (AppTest, uploading through the file uploader itself): a
message in plain words and never a traceback, the file validated once rather than on every click,
the store unchanged, and the app's own download for the problems found."""

from __future__ import annotations

import io
import tomllib

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from data_access import models as m
from domain.roles import RoleScope
from tests.conftest import REPO_ROOT

HEADER = "source_id,child_id,referred_on,referring_agency,exploitation_type,outcome,postcode"
GOOD = "R-1,LCS-1,2026-10-03,police,cce,risk_assessment,BD5 0AA"


def data_page() -> AppTest:
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=120)
    at.session_state["demo-role"] = RoleScope("data_manager")
    at.run()
    assert at.title[0].value == "Data"
    return at


def upload(at: AppTest, name: str, data: bytes, kind: str = "referrals") -> AppTest:
    at.selectbox(key="data-kind").set_value(kind)
    at.file_uploader(key="data-file").set_value((name, data, "application/octet-stream"))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def counts(engine) -> dict[str, int]:  # noqa: ANN001
    """Rows in every table but the audit trail (opening a page writes 'view' events)."""
    with engine.connect() as connection:
        return {
            table.name: connection.execute(select(func.count()).select_from(table)).scalar()
            for table in m.Base.metadata.sorted_tables
            if table.name != "audit_event"
        }


def messages(at: AppTest) -> str:
    return " ".join(e.value for e in at.error) + " " + " ".join(i.value for i in at.info)


def _xlsx_rows_to_the_bottom() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.split(","))
    sheet.append(GOOD.split(","))
    sheet.cell(row=1_048_576, column=1, value="x")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _word_docx() -> bytes:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


UPLOADS = {
    "CR-only line endings are read": (
        "mac.csv", f"{HEADER}\r{GOOD}\r".encode(), "referrals", "carriage return only", True),
    "UTF-16 without a BOM is read": (
        "unicode.txt", f"{HEADER}\r\n{GOOD}\r\n".encode("utf-16-le"), "referrals", "UTF-16", True),
    "a 204,000-character cell": (
        "long.csv", f"{HEADER}\n{GOOD.replace('R-1', 'R' + 'x' * 204_000)}\n".encode(), "referrals",
        "1 problem(s) found", False),
    "a count of 10^20": (
        "population.csv", b"lsoa_code,year,children_0_17\nE01010620,2025,100000000000000000000\n",
        "population", "1 problem(s) found", False),
    "a PNG renamed .xlsx": (
        "extract.xlsx", b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "referrals", "PNG image", False),
    "a Word document renamed .xlsx": (
        "extract.xlsx", _word_docx(), "referrals", "Word document (.docx)", False),
    "a workbook that runs to the last row": (
        "bomb.xlsx", _xlsx_rows_to_the_bottom(), "referrals", "more than 250,000 data rows", False),
}  # fmt: skip


@pytest.mark.parametrize("case", list(UPLOADS))
def test_awkward_uploads_get_plain_words_and_change_nothing(app_env, demo_engine, case):
    name, data, kind, words, readable = UPLOADS[case]
    before = counts(demo_engine)
    at = upload(data_page(), name, data, kind)
    page_text = messages(at)
    assert words in page_text, page_text
    assert at.success[0].value == "Every row passed the checks." if readable else at.error
    if not readable:  # nothing can be committed, so no commit button is offered
        assert not [b for b in at.button if b.key in ("data-commit", "data-commit-partial")]
    assert counts(demo_engine) == before


def test_a_file_over_the_limit_is_refused_from_its_size(app_env, monkeypatch):
    import dashboard.upload as upload_module

    monkeypatch.setattr(upload_module, "too_big", lambda size: f"Refused at {size:,} bytes.")
    data = f"{HEADER}\n{GOOD}\n".encode()
    at = upload(data_page(), "extract.csv", data)
    assert f"Refused at {len(data):,} bytes. Nothing was imported." in messages(at)
    assert not at.metric  # nothing was read, so no report


def test_each_file_is_validated_once_not_on_every_click(app_env, monkeypatch):
    import dashboard.upload as upload_module

    calls = []
    real = upload_module.validate
    monkeypatch.setattr(
        upload_module, "validate", lambda *a, **k: calls.append(a[1]) or real(*a, **k)
    )
    bad = f"{HEADER}\n{GOOD}\n{GOOD.replace('R-1', 'R-2').replace('police', 'wizards')}\n".encode()
    at = upload(data_page(), "extract.csv", bad)
    at.checkbox(key="data-partial-ok").check().run()
    at.selectbox(key="data-kind").set_value("referrals").run()
    assert calls == ["extract.csv"]
    upload(at, "extract.csv", bad.replace(b"wizards", b"health"))  # a new file is checked again
    assert calls == ["extract.csv", "extract.csv"]
    assert at.success[0].value == "Every row passed the checks."


def test_an_unexpected_error_is_logged_not_shown(app_env, monkeypatch, caplog):
    import dashboard.upload as upload_module

    def broken(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise RuntimeError("internal detail that users must not see")

    monkeypatch.setattr(upload_module, "validate", broken)
    at = upload(data_page(), "extract.csv", f"{HEADER}\n{GOOD}\n".encode())
    shown = messages(at)
    assert "could not be checked because of an unexpected error" in shown
    assert "internal detail" not in shown
    assert "internal detail that users must not see" in caplog.text


def test_problems_download_carries_its_context_and_neutralises_formulas(app_env):
    bad = f"{HEADER}\n{GOOD.replace('R-1', '=HYPERLINK(1)').replace('police', 'wizards')}\n"
    at = upload(data_page(), "extract.csv", bad.encode())
    buttons = {b.proto.label: b for b in at.get("download_button")}
    assert "Download this table (CSV)" in buttons


def test_streamlit_hides_tracebacks_and_its_own_table_export():
    config = tomllib.loads((REPO_ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["showErrorDetails"] == "none"
    assert config["client"]["disableDataExport"] is True
    assert config["server"]["maxUploadSize"] == 50
