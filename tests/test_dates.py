"""Dates parsed once per distinct row: the shortcut never gives a row another row's answer."""

from __future__ import annotations

import pandas as pd

from layers.dates import parse_partial_dates


def test_rows_parsed_once_per_distinct_triple_never_borrow_another_rows_dates() -> None:
    # Joined with a separator, ("a<US>b", "c") and ("a", "b<US>c") were one key: the second row
    # took the first row's parse. Repeated rows make the parser take its once-per-distinct path.
    sep = "\x1f"
    start = pd.Series([f"2012-01-05{sep}2012-02-01", "2012-01-05"] * 6)
    end = pd.Series(["2012-03-01", f"2012-02-01{sep}2012-03-01"] * 6)
    out = parse_partial_dates(start, end)
    for i in (0, 1):  # each row answers as if it were parsed alone
        alone = parse_partial_dates(start.iloc[i : i + 1], end.iloc[i : i + 1])
        pd.testing.assert_series_equal(out.iloc[i], alone.iloc[0], check_names=False)
    assert out["field"].iloc[0] == "date_start" and out["field"].iloc[1] == "date_end"
