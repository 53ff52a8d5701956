"""Streamlit page scripts: layout and widgets only (run by st.navigation, never imported)."""
