"""The dashboard question answered as the baseline script's user would, timed in the same run
as the pages (bench_pipeline.py --pages): read the stored mentions back from the baseline's
DuckDB file, keep the customer messages, merge the first brand reply, group by brand.

Two timings, the analogues of page_timings' "cold queries" and "brand change": every brand,
then one brand (the busiest). Prints one JSON object. Usage: baseline_query.py BASELINE.duckdb
"""

from __future__ import annotations

import json
import sys
import time

import duckdb
import pandas as pd

from baseline_pandas import per_brand  # the baseline's own aggregation


def answer(db: str, brand: str | None = None) -> pd.DataFrame:
    """baseline_pandas.py's per-brand figures, recomputed from the stored mentions."""
    with duckdb.connect(db, read_only=True) as con:
        mentions = con.execute("SELECT * FROM mentions").df()
    if brand is not None:
        mentions = mentions[mentions["brand"] == brand]
    return per_brand(mentions)


def main(db: str) -> None:
    with duckdb.connect(db, read_only=True) as con:
        busiest = con.execute("SELECT brand FROM mentions GROUP BY brand ORDER BY count(*) DESC, brand "
                              "LIMIT 1").fetchall()[0][0]
    timings = {}
    for name, brand in (("all brands", None), ("one brand", busiest)):
        started = time.perf_counter()
        answer(db, brand)
        timings[name] = time.perf_counter() - started
    print(json.dumps(timings))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    main(sys.argv[1])
