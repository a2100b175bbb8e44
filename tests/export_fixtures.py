"""Synthetic incident tables for the export tests (made-up values, not facts)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from layers.incidents import to_incident_frame


def synthetic_incidents(n: int = 30, seed: int = 0) -> pd.DataFrame:
    """Return *n* made-up incidents spread over western Syria and two months of 2025."""
    rng = np.random.default_rng(seed)
    days = rng.integers(0, 60, n)
    frame = pd.DataFrame(
        {
            "id": [f"t-{i}" for i in range(n)],
            "dataset": "test",
            "title": [f"Test incident {i}" for i in range(n)],
            "event_type": "other",
            "date_start": [(pd.Timestamp("2025-03-01") + pd.Timedelta(days=int(d))).strftime("%Y-%m-%d") for d in days],
            "date_precision": "day",
            "place_reported": [f"Place {i}" for i in range(n)],
            "lon": rng.uniform(35.8, 37.2, n),
            "lat": rng.uniform(33.4, 35.8, n),
            "deaths_best": rng.integers(0, 300, n),
            "campaign": rng.choice(["Campaign A", "Campaign B"], n),
            "summary": "A made-up test record.",
            "confidence": "weak",
            "sensitive": [i % 7 == 3 for i in range(n)],
            "aggregate": [i % 10 == 9 for i in range(n)],
            "sources": [
                [
                    {
                        "publisher": "Test Wire",
                        "title": "t",
                        "date": "2025-03",
                        "url": "https://example.org/t",
                        "quote": "Two members of the Syrian Defense Ministry were killed.",
                        "via": None,
                    }
                ]
                for _ in range(n)
            ],
        }
    )
    return to_incident_frame(frame)
