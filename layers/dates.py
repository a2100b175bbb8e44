"""Dates as people write them, parsed a column at a time into UTC event windows.

Accepted forms (case-insensitive, with or without a time such as ``12:00 AM``,
``18:30`` or ``T18:30:00Z``, which is read and dropped: the model keeps days):

* ISO ``2025-03-07``, ``2025/03/07``, ``20250307``, partial ``2025-03`` and ``2025``;
* numeric ``07/03/2025``, ``7-3-25``, ``08/21/13`` — day/month or month/day, two- or
  four-digit years (``00``–``69`` → 2000s, ``70``–``99`` → 1900s);
* month names in English (``02 June 2023``, ``June 2, 2023``, ``2-Jun-23``, ``March 2025``)
  and in Arabic, both the Levantine (``آذار``, ``تشرين الأول``) and the other
  common series (``مارس``, ``أكتوبر``), with Arabic-Indic digits;
* Excel serial day numbers (``45000`` = 2023-03-15), for columns saved without a date format.

The day/month order of numeric dates is decided per column by
:func:`detect_day_order` (a value with a first number above 12 settles day/month, a second
number above 12 month/day); a column no value settles is *ambiguous* and the caller must say.
Years outside :data:`YEARS` are rejected as implausible (a typo such as ``0202-03-07``).

Parsing works on the distinct values of a column (a column of 100,000 rows rarely has more
than a few thousand distinct dates), each step a vectorised pandas string operation.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__ = ["DATE_PRECISIONS", "YEARS", "detect_day_order", "normalise_dates", "parse_partial_dates"]

DATE_PRECISIONS = ("day", "week", "month", "year")
#: Years accepted in a date (inclusive); anything else is a typo.
YEARS = (1900, 2100)
_RANK = {p: i for i, p in enumerate(DATE_PRECISIONS)}
_EN = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
_MONTHS = {m: i for i, m in enumerate(_EN, 1)}
_MONTHS.update({name[:3]: i for name, i in list(_MONTHS.items())})
_MONTHS["sept"] = 9
#: Arabic month names (two series in use in Syria and in pan-Arab media), longest first.
_AR_MONTHS = {
    "كانون الثاني": 1,
    "كانون الأول": 12,
    "كانون الاول": 12,
    "تشرين الأول": 10,
    "تشرين الاول": 10,
    "تشرين الثاني": 11,
    "شباط": 2,
    "آذار": 3,
    "اذار": 3,
    "نيسان": 4,
    "أيار": 5,
    "ايار": 5,
    "حزيران": 6,
    "تموز": 7,
    "آب": 8,
    "اب": 8,
    "أيلول": 9,
    "ايلول": 9,
    "يناير": 1,
    "فبراير": 2,
    "مارس": 3,
    "أبريل": 4,
    "ابريل": 4,
    "إبريل": 4,
    "مايو": 5,
    "يونيو": 6,
    "يونيه": 6,
    "يوليو": 7,
    "يوليه": 7,
    "أغسطس": 8,
    "اغسطس": 8,
    "سبتمبر": 9,
    "أكتوبر": 10,
    "اكتوبر": 10,
    "نوفمبر": 11,
    "ديسمبر": 12,
}
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_TIME = r"(?:[t\s]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:[ap]\.?m\.?)?\s*(?:z|utc|gmt|[+-]\d{2}:?\d{2})?)?"
_WEEKDAY = r"^(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+"
_NUMERIC = r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{2}|\d{4})$"
#: Excel's day 0 (its serials count from 1899-12-30 because of the 1900 leap-year bug).
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")


def _text(values: pd.Series) -> pd.Series:
    """Return *values* as stripped text with "" for missing (text columns stay pyarrow text)."""
    if isinstance(values.dtype, pd.StringDtype):
        return values.fillna("").str.strip()
    return values.astype(object).where(values.notna(), "").astype(str).str.strip()


def normalise_dates(text: pd.Series) -> pd.Series:
    """Return date texts lower-cased, with ASCII digits, English month names and no time of day.

    Examples
    --------
    >>> normalise_dates(pd.Series(["08/21/13 12:00 AM", "٧ آذار ٢٠٢٥", "Mon, 2 June 2023"])).tolist()
    ['08/21/13', '7 march 2025', '2 june 2023']
    """
    out = text.str.translate(_DIGITS).str.strip()
    if bool(out.str.contains(r"[\u0600-\u06ff]", regex=True).any()):
        for name, number in _AR_MONTHS.items():
            out = out.str.replace(name, f" {_EN[number - 1]} ", regex=False)
        out = out.str.replace("،", ",", regex=False).str.replace(r"\s+", " ", regex=True).str.strip()
    out = out.str.lower().str.replace(_WEEKDAY, "", regex=True)
    return out.str.replace(_TIME + "$", "", regex=True).str.strip()


def detect_day_order(*columns: pd.Series) -> tuple[str, str]:
    """Decide how numeric ``a/b/y`` dates in *columns* are ordered, from their values.

    Returns
    -------
    (str, str)
        ``("dayfirst" | "monthfirst" | "ambiguous" | "", example)``: ``""`` when there is no
        numeric date; the example is a value that settled the order (or an ambiguous one).

    Examples
    --------
    >>> detect_day_order(pd.Series(["08/21/13 12:00 AM", "08/01/13"]))
    ('monthfirst', '08/21/13 12:00 AM')
    >>> detect_day_order(pd.Series(["03/04/2025"]))
    ('ambiguous', '03/04/2025')
    """
    values = pd.concat([_text(c) for c in columns], ignore_index=True).drop_duplicates()
    values = values[values != ""]
    num = normalise_dates(values).str.extract(_NUMERIC)
    a, b = pd.to_numeric(num[0], errors="coerce"), pd.to_numeric(num[1], errors="coerce")
    day_first, month_first = (a > 12) & (b <= 12), (b > 12) & (a <= 12)
    if int(day_first.sum()) or int(month_first.sum()):
        order = "dayfirst" if int(day_first.sum()) >= int(month_first.sum()) else "monthfirst"
        settled = day_first if order == "dayfirst" else month_first
        return order, str(values[settled].iloc[0])
    ambiguous = num[2].notna() & (a != b)
    if bool(ambiguous.any()):
        return "ambiguous", str(values[ambiguous].iloc[0])
    return ("dayfirst", str(values[num[2].notna()].iloc[0])) if bool(num[2].notna().any()) else ("", "")


def parse_partial_dates(
    start: pd.Series,
    end: pd.Series | None = None,
    precision: pd.Series | None = None,
    *,
    dayfirst: bool | None = None,
) -> pd.DataFrame:
    """Parse columns of full or partial dates into UTC event windows.

    See the module docstring for the forms. ``07/03/2025`` is read day first when
    *dayfirst* is true, month first when false; when None such numeric dates are
    accepted only if a number is > 12, so that day and month cannot be confused.

    The precision written into a date ("2012-09" is a month) is combined with
    the *precision* column: the coarser wins. ``date_start`` is the first day
    of the period (a date more exact than its *precision* is moved back to
    the first day of its month or year, unless an end is given); a missing end becomes the last day of the period
    (day: the same day, week: six days later, month/year: its last day). An end before
    the start is an error of field ``date_end`` (importers flag it and keep the start).

    Returns
    -------
    DataFrame
        Columns date_start, date_end (UTC timestamps, NaT where bad),
        date_precision, field (the column at fault, or "") and error ("" when
        the row is fine). Same index as *start*.

    Examples
    --------
    >>> out = parse_partial_dates(pd.Series(["2012-09", "March 2025", "2025-03-07"]))
    >>> out["date_end"].dt.strftime("%Y-%m-%d").tolist()
    ['2012-09-30', '2025-03-31', '2025-03-07']
    >>> out["date_precision"].tolist()
    ['month', 'month', 'day']
    >>> parse_partial_dates(pd.Series(["2025-02-30"]))["error"].iloc[0]
    "impossible date: '2025-02-30'"
    """
    # One key per distinct (start, end, precision): each text is prefixed with its length, so no
    # text (whatever characters it holds) can make two different triples share a key.
    parts = [_text(start), _text(end) if end is not None else None, _text(precision) if precision is not None else None]
    key = pd.Series("", index=start.index, dtype=object)
    for part in parts:
        if part is not None:
            key = key + part.str.len().astype(str).to_numpy(dtype=object) + ":" + part.to_numpy(dtype=object)
        key = key + "|"
    codes, uniques = pd.factorize(key, sort=False)
    if len(uniques) < 0.5 * len(key):  # each distinct (start, end, precision) once
        first = pd.Series(np.arange(len(key))).groupby(codes).first().to_numpy()
        pick = start.iloc[first].reset_index(drop=True)
        part = parse_partial_dates(
            pick,
            end.iloc[first].reset_index(drop=True) if end is not None else None,
            precision.iloc[first].reset_index(drop=True) if precision is not None else None,
            dayfirst=dayfirst,
        )
        out = part.iloc[codes].set_axis(start.index)
        return out
    s0, written, p_err = _parse_unique(_text(start), dayfirst)
    index = start.index
    if precision is not None:
        given = _text(precision).str.lower()
        bad_p = ~given.isin(("", *DATE_PRECISIONS))
        given = given.where(~bad_p, "")
    else:
        given = pd.Series("", index=index)
        bad_p = pd.Series(False, index=index)
    rank_w = written.astype(object).map(_RANK).astype("float64")
    rank_g = given.astype(object).map(_RANK).astype("float64")
    eff = written.where(~(rank_g > rank_w), given)
    eff = eff.where(eff != "", "day")
    has_end = _text(end) != "" if end is not None else pd.Series(False, index=index)
    coarser = (rank_g > rank_w) & ~has_end
    s0 = s0.where(~(coarser & (eff == "month")), s0 - pd.to_timedelta(s0.dt.day - 1, unit="D"))
    s0 = s0.where(~(coarser & (eff == "year")), s0 - pd.to_timedelta(s0.dt.day_of_year - 1, unit="D"))
    date_end = _period_end(s0, eff)
    error = p_err.where(_text(start) != "", "missing date: date_start is empty; write it as YYYY-MM-DD")
    field = pd.Series(np.where(error != "", "date_start", ""), index=index)
    if end is not None:
        e_text = _text(end)
        e0, e_prec, e_err = _parse_unique(e_text, dayfirst)
        date_end = date_end.where(~has_end, _period_end(e0, e_prec))
        new = (error == "") & has_end & (e_err != "")
        error = error.where(~new, e_err)
        field = field.where(~new, "date_end")
        before = (error == "") & has_end & (date_end < s0)
        error = error.where(
            ~before,
            "end before start: date_end " + e_text + " is before date_start " + _text(start),
        )
        field = field.where(~before, "date_end")
    wrong_p = (error == "") & bad_p
    error = error.where(
        ~wrong_p,
        "unknown date precision: "
        + _text(precision if precision is not None else start).map(repr)
        + f"; use one of {', '.join(DATE_PRECISIONS)}",
    )
    field = field.where(~wrong_p, "date_precision")
    bad = error != ""
    return pd.DataFrame(
        {
            "date_start": s0.where(~bad),
            "date_end": date_end.where(~bad),
            "date_precision": eff.where(~bad, ""),
            "field": field,
            "error": error,
        },
        index=index,
    )


def _parse_unique(text: pd.Series, dayfirst: bool | None) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Parse the distinct values of *text* once and spread the results over its rows."""
    codes, uniques = pd.factorize(text, sort=False)
    parsed, prec, error = _parse_one(pd.Series(uniques, dtype=object).astype(str), dayfirst)
    codes = np.asarray(codes)
    ok = codes >= 0
    take = np.where(ok, codes, 0)

    def spread(values: pd.Series, missing: object) -> pd.Series:
        if not len(values):
            return pd.Series([missing] * len(text), index=text.index, dtype=values.dtype)
        out = pd.Series(values.array.take(take), index=text.index)  # typed: no round trip through objects
        return out.where(ok, missing) if not bool(ok.all()) else out

    return spread(parsed, pd.NaT), spread(prec, ""), spread(error, "")


def _parse_one(raw: pd.Series, dayfirst: bool | None) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Parse one text column; return (first day, precision written in the text, error)."""
    index = raw.index
    year = pd.Series(np.nan, index=index)
    month = pd.Series(np.nan, index=index)
    day = pd.Series(np.nan, index=index)
    prec = pd.Series("", index=index, dtype=object)
    error = pd.Series("", index=index, dtype=object)
    done = raw == ""
    text = normalise_dates(raw.where(~done, ""))

    def take(mask: pd.Series, y: Any, m: Any, d: Any, p: str) -> None:
        nonlocal done
        mask = mask.fillna(False).astype(bool) & ~done
        if not bool(mask.any()):
            return
        year[mask] = pd.to_numeric(y[mask] if isinstance(y, pd.Series) else y, errors="coerce")
        month[mask] = pd.to_numeric(m[mask] if isinstance(m, pd.Series) else m, errors="coerce")
        day[mask] = pd.to_numeric(d[mask] if isinstance(d, pd.Series) else d, errors="coerce")
        prec[mask] = p
        done = done | mask

    def iso() -> None:
        found = text.str.extract(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
        take(found[0].notna(), found[0], found[1], found[2], "day")

    def compact() -> None:
        found = text.str.extract(r"^(\d{4})(\d{2})(\d{2})$")
        take(found[0].notna() & found[1].astype(float).between(1, 12), found[0], found[1], found[2], "day")

    def year_month() -> None:
        found = text.str.extract(r"^(\d{4})[-/.](\d{1,2})$")
        take(found[0].notna(), found[0], found[1], 1, "month")

    def year_only() -> None:
        found = text.str.extract(r"^(\d{4})$")
        take(found[0].notna(), found[0], 1, 1, "year")

    def excel_serial() -> None:
        serial = pd.to_numeric(text.where(text.str.fullmatch(r"\d{5}(?:\.\d+)?")), errors="coerce")
        is_serial = serial.between(20000, 80000) & ~done
        if bool(is_serial.any()):
            days = pd.Series(pd.NaT, index=index, dtype="datetime64[ns]")
            days[is_serial] = _EXCEL_EPOCH + pd.to_timedelta(np.floor(serial[is_serial]), unit="D")
            take(is_serial, days.dt.year, days.dt.month, days.dt.day, "day")

    low: list[pd.Series] = []  # the text for month names, made by the first step that needs it

    def words() -> pd.Series:
        if not low:
            low.append(text.str.replace(",", " ", regex=False).str.replace(r"(?<=[a-z])\.", " ", regex=True))
        return low[0]

    def day_month_year() -> None:
        dmy = words().str.extract(r"^(?:(\d{1,2})(?:st|nd|rd|th)?[\s\-/]+)?([a-z]+)[\s\-/]+(\d{4}|\d{2})$")
        mon = dmy[1].map(_MONTHS)
        ok = dmy[2].notna() & mon.notna()
        y_dmy = _full_year(dmy[2])
        take(ok & dmy[0].notna(), y_dmy, mon, dmy[0], "day")
        take(ok & dmy[0].isna() & (dmy[2].str.len() == 4), y_dmy, mon, 1, "month")

    def month_day_year() -> None:
        mdy = words().str.extract(r"^([a-z]+)\s+(\d{1,2})(?:st|nd|rd|th)?\s+(\d{4})$")
        mon2 = mdy[0].map(_MONTHS)
        take(mdy[2].notna() & mon2.notna(), mdy[2], mon2, mdy[1], "day")

    def numeric() -> None:
        nonlocal done
        num = text.str.extract(_NUMERIC)
        a, b = pd.to_numeric(num[0], errors="coerce"), pd.to_numeric(num[1], errors="coerce")
        is_num = num[2].notna()
        y_num = _full_year(num[2])
        if dayfirst is None:
            unclear = is_num & (a <= 12) & (b <= 12) & (a != b) & ~done
            if bool(unclear.any()):
                error[unclear] = (
                    "ambiguous date: " + raw[unclear].map(repr) + " could be day/month or month/day; "
                    "give the order (--dayfirst or --monthfirst) or write it as YYYY-MM-DD"
                )
            done = done | unclear
            take(is_num & (b > 12), y_num, a, b, "day")
        first, second = (b, a) if dayfirst in (True, None) else (a, b)
        take(is_num, y_num, first, second, "day")

    # The forms in turn, each on the values no earlier form took; once every value is taken
    # the later forms have nothing to do and are not tried (each costs a fixed pandas overhead).
    for step in (iso, compact, year_month, year_only, excel_serial, day_month_year, month_day_year, numeric):
        if bool(done.all()):
            break
        step()
    unknown = ~done
    if bool(unknown.any()):
        error[unknown] = "unparseable date: " + raw[unknown].map(repr) + "; write it as YYYY-MM-DD, YYYY-MM or YYYY"
    return _assemble(raw, year, month, day, prec, error)


def _full_year(text: pd.Series) -> pd.Series:
    """Four-digit years as is; two-digit ones in 1970–2069 (as POSIX ``%y``)."""
    y = pd.to_numeric(text, errors="coerce")
    two = text.str.len() == 2
    return y.where(~two, np.where(y < 70, 2000 + y, 1900 + y))


def _assemble(
    text: pd.Series, year: pd.Series, month: pd.Series, day: pd.Series, prec: pd.Series, error: pd.Series
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Build UTC timestamps from parts; impossible dates (Feb 30) and implausible years become errors."""
    lo, hi = YEARS
    odd_year = (prec != "") & (error == "") & ~year.between(lo, hi)
    if bool(odd_year.any()):
        error[odd_year] = (
            "implausible date: "
            + text[odd_year].map(repr)
            + " has the year "
            + year[odd_year].map(lambda v: f"{v:.0f}")
            + f", outside {lo}–{hi}; check it for a typo"
        )
    usable = (prec != "") & ~odd_year
    parts = pd.DataFrame({"year": year, "month": month, "day": day})
    parsed = pd.to_datetime(
        parts.where(usable).fillna({"year": 2000, "month": 1, "day": 1}).astype(int), errors="coerce", utc=True
    ).where(usable)
    impossible = usable & parsed.isna() & (error == "")
    if bool(impossible.any()):
        error[impossible] = "impossible date: " + text[impossible].map(repr)
    parsed = parsed.astype("datetime64[ns, UTC]").where(error == "")
    return parsed, prec.where(error == "", ""), error


def _period_end(start: pd.Series, precision: pd.Series) -> pd.Series:
    """Return the last day of each period starting at *start*."""
    start = pd.Series(start, dtype="datetime64[ns, UTC]")
    end = start.copy()
    week = precision == "week"
    end[week] = start[week] + pd.Timedelta(days=6)
    month = precision == "month"
    end[month] = start[month] + pd.offsets.MonthEnd(0)
    year = precision == "year"
    end[year] = start[year] + pd.offsets.YearEnd(0)
    return end
