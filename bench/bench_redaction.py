"""Name redaction: recall of personal names and share of name-free texts wrongly blanked.

Reads ``bench/data/redaction_set.csv`` (made by ``bench/data/make_redaction_set.py``: English
and Arabic news quotes and ACLED-style event notes, with and without invented personal names,
names' spans marked) and runs :func:`layers.export.redact.has_personal_name` on every text.

* **recall** = personal names in texts the rule redacts / all personal names (goal ≥ 98 %);
* **false blank** = name-free texts the rule redacts / all name-free texts (goal ≤ 10 %).

Reported for the calibration part (the ``dev`` and ``test`` rows: the rule's word lists were
tuned looking at them) and the ``heldout`` rows (written before the last tuning pass and never
tuned on), by language, with the curated gazetteer only and with the app's
gazetteer (curated + GeoNames) as allowed place names. Misses are printed.

Run: python bench/bench_redaction.py [--show-misses]
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from layers.export.redact import NameRules, default_rules, has_personal_name

DATA = Path(__file__).resolve().parent / "data" / "redaction_set.csv"


def load() -> list[dict[str, str]]:
    """Return the labelled rows."""
    with DATA.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def score(rows: list[dict[str, str]], flagged: list[bool]) -> tuple[float, int, float, int]:
    """Return (recall, names, false-blank share, name-free texts)."""
    names = caught = free = blanked = 0
    for row, flag in zip(rows, flagged, strict=True):
        n = len(json.loads(row["names"]))
        if n:
            names += n
            caught += n if flag else 0
        else:
            free += 1
            blanked += int(flag)
    return (caught / names if names else float("nan")), names, (blanked / free if free else float("nan")), free


def _part(row: dict[str, str]) -> str:
    """Return "calib" (the dev and test rows, all looked at while tuning) or "heldout"."""
    return "heldout" if row["split"] == "heldout" else "calib"


def report(title: str, rows: list[dict[str, str]], rules: NameRules, show: bool) -> None:
    """Print the table for one set of rules."""
    t0 = time.perf_counter()
    flagged = [has_personal_name(r["text"], rules) for r in rows]
    dt = time.perf_counter() - t0
    print(f"\n{title}  ({len(rows)} texts in {dt * 1000:.0f} ms)")
    print(f"{'split':6} {'lang':4} {'recall':>8} {'names':>6} {'false blank':>12} {'name-free':>10}")
    for split in ("calib", "heldout", "all"):
        for lang in ("en", "ar", "all"):
            pick = [
                i
                for i, r in enumerate(rows)
                if (split == "all" or _part(r) == split) and (lang == "all" or r["lang"] == lang)
            ]
            rec, n, fb, free = score([rows[i] for i in pick], [flagged[i] for i in pick])
            print(f"{split:6} {lang:4} {rec:8.1%} {n:6d} {fb:12.1%} {free:10d}")
    if show:
        for row, flag in zip(rows, flagged, strict=True):
            if flag != bool(int(row["label"])):
                kind = "MISSED" if not flag else "BLANKED"
                print(f"  {kind:7} [{_part(row)}] {row['text']}")


def main() -> None:
    """Run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show-misses", action="store_true", help="print every wrong decision")
    parser.add_argument("--calib-only", action="store_true", help="score the calibration rows only (for tuning)")
    args = parser.parse_args()
    rows = load()
    if args.calib_only:
        rows = [r for r in rows if _part(r) == "calib"]
    print(f"{DATA.name}: {len(rows)} texts, {sum(int(r['label']) for r in rows)} naming a person")
    report("Curated gazetteer + actors + publishers", rows, default_rules(), args.show_misses)
    try:
        from geo.gazetteer import load_gazetteer

        places = load_gazetteer().places
    except Exception as err:  # GeoNames data missing: the curated table above is the figure
        print(f"\n(app gazetteer not available: {err})")
        return
    names = [*places["name_en"].astype(str), *places["name_ar"].fillna("").astype(str)]
    names += [a for v in places["alt_names"].fillna("") for a in str(v).split(";")]
    rules = default_rules().extend(n for n in names if n.strip())
    report("App gazetteer (curated + GeoNames) + actors", rows, rules, False)


if __name__ == "__main__":
    main()
