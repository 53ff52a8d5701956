"""Data (data managers): load the partnership's extracts, see what was rejected and why, and the
import log. Formats, templates and the data dictionary are here too."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import cache, ui, url_state
from dashboard.upload import checked_upload
from data_access.imports import ImportRefused, commit
from data_access.imports.formats import KINDS, dictionary_markdown, template_csv

ui.page_header(
    "Data",
    "Import a monthly extract (CSV or Excel). Every row is checked first; nothing is written "
    "until you commit, and a commit is all or nothing.",
)
viewer = ui.viewer()

kind = url_state.selectbox(
    "What is in the file?", list(KINDS), format_func=lambda k: KINDS[k].label, key="data-kind",
    param="kind",
)  # fmt: skip
st.caption(KINDS[kind].description)
st.download_button(
    f"Download the {KINDS[kind].label.lower()} template (CSV)", template_csv(kind),
    file_name=f"template-{kind}.csv", mime="text/csv", key="data-template",
)  # fmt: skip
upload = st.file_uploader("Extract file", type=["csv", "txt", "xlsx"], key="data-file")

report = checked_upload(upload, kind) if upload is not None else None
if report is not None and report.problems and report.problems == report.file_problems:
    for note in report.notes:  # the file as a whole cannot be used: say why, in full, and stop
        st.info(note)
    for problem in report.problems[:10]:
        st.error(problem.reason)
    st.caption("Nothing can be imported from this file until it is fixed. Nothing was changed.")
elif report is not None:
    for note in report.notes:
        st.info(note)
    columns = st.columns(3)
    columns[0].metric("Rows in file", f"{report.rows_in_file:,}")
    columns[1].metric("Rows accepted", f"{len(report.valid_rows):,}")
    columns[2].metric("Rows rejected", f"{report.rejected_rows:,}")
    if report.problems:
        st.error(
            f"{len(report.problems):,} problem(s) found. Each is listed below with its row, column and value."
        )
        problems = pl.DataFrame(
            [(p.row, p.column or "", p.value[:200], p.reason) for p in report.problems[:5000]],
            schema=["Row", "Column", "Value", "Problem"], orient="row",
        )  # fmt: skip
        ui.show_table(
            problems, download=f"Problems found in {report.file_name} ({KINDS[kind].label})",
            subject=f"import problems {kind}", synthetic=False,  # the uploaded file, not the store
        )  # fmt: skip
    else:
        st.success("Every row passed the checks.")
    can_commit = report.valid_rows and not report.file_problems
    if (
        can_commit
        and report.clean
        and st.button("Commit the import", type="primary", key="data-commit")
    ):
        try:
            result = commit(cache.engine(), report, viewer.email)
            cache.clear_all()
            st.success(f"Imported: {result.inserted:,} new, {result.updated:,} updated, "
                       f"{result.unchanged:,} unchanged.")  # fmt: skip
        except ImportRefused as error:
            st.error(str(error))
    elif can_commit and not report.clean:
        st.warning(
            f"**Only the {len(report.valid_rows):,} valid rows would be imported; "
            f"{report.rejected_rows:,} rejected rows would be left out.** Fix the file and import "
            "again if those rows matter."
        )
        if st.checkbox(
            "I understand: commit only the valid rows", key="data-partial-ok"
        ) and st.button("Commit the valid rows only", key="data-commit-partial"):
            try:
                result = commit(cache.engine(), report, viewer.email, valid_rows_only=True)
                cache.clear_all()
                st.success(f"Imported {result.inserted + result.updated + result.unchanged:,} valid rows "
                           f"({result.rejected:,} left out).")  # fmt: skip
            except ImportRefused as error:
                st.error(str(error))

st.header("Import log")
ui.show_table(cache.import_log(), download="Import log", subject="import log")
with st.expander("Data dictionary: every format, column by column"):
    st.markdown(dictionary_markdown())
