"""Pure domain rules: vocabulary, months, roles, disclosure, statistics, wording. No Streamlit, no SQL."""
