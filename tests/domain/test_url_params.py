"""Links: how filters are written into a URL and how a link's values are checked."""

from __future__ import annotations

from datetime import date

from domain import url_params as rules
from domain.chart_text import flag_summary, ranked_summary, series_summary
from domain.roles import RoleScope
from domain.table_widths import fit_columns

AREAS = ["SOUTH", "WEST"]


def test_values_are_written_as_codes_months_and_days():
    assert rules.encode(None) == "all" and rules.encode(rules.NO_CHOICE) == "all"
    assert rules.encode(date(2026, 10, 1)) == "2026-10"
    assert rules.encode(date(2026, 10, 14)) == "2026-10-14"
    assert rules.encode(True) == "yes" and rules.encode(False) == "no"
    assert rules.encode(RoleScope("area_committee", "SOUTH")) == "area_committee:SOUTH"
    assert rules.encode(RoleScope("mace")) == "mace"
    assert rules.encode_range([date(2024, 1, 1), date(2026, 10, 1)]) == "2024-01~2026-10"
    assert rules.encode_many(["open", "monitoring"]) == "open,monitoring"


def test_a_known_value_is_used_and_an_absent_one_gives_the_default():
    assert rules.resolve_one("WEST", AREAS, "SOUTH", "Area") == rules.Resolved("WEST")
    assert rules.resolve_one(None, AREAS, "SOUTH", "Area") == rules.Resolved("SOUTH")
    assert rules.resolve_one("all", [None, *AREAS], None, "Area").value is None


def test_a_value_the_role_is_not_offered_falls_back_with_a_notice_never_wider():
    # An Area Committee for South is offered South only: a link asking for West gets South.
    resolved = rules.resolve_one("WEST", ["SOUTH"], "SOUTH", "Area", lambda c: f"area {c}")
    assert resolved.value == "SOUTH"
    assert "WEST" in resolved.notice and "area SOUTH" in resolved.notice
    # The whole district is not offered either, whatever the link says.
    assert rules.resolve_one("all", ["SOUTH"], "SOUTH", "Area").value == "SOUTH"
    roles = [RoleScope("strategic_lead"), RoleScope("area_committee", "SOUTH")]
    assert rules.resolve_one("mace", roles, roles[0], "Role").value == roles[0]
    assert rules.resolve_one("area_committee:SOUTH", roles, roles[0], "Role").value == roles[1]


def test_lists_keep_known_items_and_say_which_were_left_out():
    options = ["open", "monitoring", "closed"]
    assert rules.resolve_many("open,closed", options, [], "Status").value == ["open", "closed"]
    assert rules.resolve_many("", options, ["open"], "Status").value == []
    dropped = rules.resolve_many("open,secret", options, [], "Status")
    assert dropped.value == ["open"] and "secret" in dropped.notice


def test_ranges_must_be_known_and_in_order():
    months = [date(2026, m, 1) for m in range(1, 11)]
    default = (months[0], months[-1])
    assert rules.resolve_range("2026-03~2026-05", months, default, "Months").value == (
        months[2],
        months[4],
    )
    backwards = rules.resolve_range("2026-05~2026-03", months, default, "Months")
    assert backwards.value == default and backwards.notice
    outside = rules.resolve_range("2019-01~2026-05", months, default, "Months")
    assert outside.value == default and "2019-01" in outside.notice
    assert rules.resolve_range("garbage", months, default, "Months").value == default


def test_flags_and_days():
    assert rules.resolve_flag("yes", False, "Overdue").value is True
    assert rules.resolve_flag("maybe", False, "Overdue").notice
    low, high = date(2026, 1, 1), date(2026, 12, 31)
    assert rules.resolve_day("2026-05-02", low, high, high, "From").value == date(2026, 5, 2)
    assert rules.resolve_day("2031-05-02", low, high, high, "From").value == high
    assert rules.resolve_day("02/05/2026", low, high, high, "From").notice


def test_a_kept_value_must_still_be_offered_after_a_role_change():
    assert rules.still_allowed("WEST", AREAS)
    assert not rules.still_allowed("WEST", ["SOUTH"])
    assert rules.still_allowed(["open"], ["open", "closed"], many=True)
    assert not rules.still_allowed(["open", "x"], ["open", "closed"], many=True)
    assert rules.still_allowed(
        (date(2026, 1, 1), date(2026, 2, 1)), [date(2026, m, 1) for m in (1, 2)]
    )


def test_chart_summaries_state_the_shape_and_never_a_hidden_number():
    text = series_summary(
        "Referrals each month, Keighley",
        [("2026-08", 12), ("2026-09", None), ("2026-10", 20)],
        "referrals",
    )
    assert text.startswith("Chart: Referrals each month, Keighley. 3 points, Aug 2026 to Oct 2026.")
    assert "Latest (Oct 2026): 20 referrals" in text
    assert "Highest: 20 in Oct 2026; lowest: 12 in Aug 2026" in text
    assert "1 value hidden (c)" in text
    assert "1 point, Q1 2026 to Q1 2026." in series_summary("Status", [("Q1 2026", 4)])
    ranked = ranked_summary("Referrals by ward", [("Tong", 74), ("Wyke", None), ("Royds", 62)])
    assert "Highest: Tong 74; Royds 62" in ranked and "1 area hidden" in ranked
    flags = flag_summary("Funnel", [("BD3", "High"), ("BD5", "High"), ("BD1", "Low")])
    assert "High: 2 (BD3, BD5)" in flags and "Low: 1 (BD1)" in flags


def test_table_columns_fit_their_room_and_long_text_wraps():
    headers = ["Objective", "Action", "Lead agency", "Due", "Status", "Progress", "Latest note"]
    longest = [2, 70, 40, 11, 20, 5, 160]
    wraps = [False, True, True, False, True, False, True]
    fit = fit_columns(headers, longest, 860, wraps)
    assert sum(fit.widths.values()) <= 860
    assert fit.row_height and fit.row_height > 40  # rows grow so the text wraps
    assert fit.widths["Due"] >= 11 * 7.6  # a date is never squeezed
    short = fit_columns(["Rank", "Value"], [2, 5], 860)
    assert short.row_height is None and sum(short.widths.values()) < 860
