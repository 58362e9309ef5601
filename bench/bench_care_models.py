"""Time the care models and the ghost-town query on a synthetic warehouse.

    python3 bench/bench_care_models.py [ROOTS]      (default 400,000 customer threads)

Builds fictional mentions set-based in DuckDB (brands Brand0..Brand49, customer runs,
brand replies with random delays), then times build_models() and
ghost_town(by=brand). Baseline, measured in the same run: one full GROUP BY scan of the
mentions table; the ratios say how many such scans each step costs.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from etl import metrics, models, warehouse  # noqa: E402

SYNTHETIC = """
INSERT INTO mentions
WITH roots AS (
    SELECT i, 'Brand' || (i % 50) AS brand, 'u' || (i % 150000) AS author,
           TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_seconds(i * 7) AS t
    FROM range(?) r(i)
),
rows AS (
    SELECT 'synthetic:c' || i AS id, brand, author, false AS is_brand, t, NULL AS parent FROM roots
    UNION ALL
    SELECT 'synthetic:d' || i, brand, author, false, t + INTERVAL 5 MINUTE, 'synthetic:c' || i
    FROM roots WHERE hash(i) % 10 < 3
    UNION ALL
    SELECT 'synthetic:b' || i, brand, brand || '_care', true,
           t + to_seconds(60 + hash(i * 31) % 200000), 'synthetic:c' || i
    FROM roots WHERE hash(i * 7) % 10 < 7
)
SELECT id, 'other', brand, '@' || brand, author, author, NULL, is_brand, t, 'synthetic text',
       CASE WHEN parent IS NULL THEN 'post' ELSE 'reply' END, parent, NULL, NULL, NULL, NULL, 1
FROM rows
"""


def timed(step):
    started = time.perf_counter()
    result = step()
    return time.perf_counter() - started, result


def main(argv: list[str]) -> int:
    roots = int(argv[1]) if len(argv) > 1 else 400_000
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.duckdb"
        with warehouse.writer(db) as con:
            con.execute(SYNTHETIC, [roots])
            n = con.execute("SELECT count(*) FROM mentions").fetchall()[0][0]
            baseline, _ = timed(lambda: con.execute(
                "SELECT brand, count(*), min(created_at), max(created_at) FROM mentions "
                "GROUP BY brand").fetchall())
            build, _ = timed(lambda: models.build_models(con))
        with warehouse.connect_readonly(db) as con:
            query, frame = timed(lambda: metrics.ghost_town(con, ["brand"], requests="all"))
            hours, _ = timed(lambda: metrics.ghost_town(con, ["brand", "hour_of_week"],
                                                        requests="all"))
    print(f"mentions: {n:,}; requests: {int(frame['requests'].sum()):,}")
    print(f"baseline GROUP BY scan:              {baseline:7.3f}s")
    print(f"build_models (all staging + marts):  {build:7.3f}s  ratio {build / baseline:7.1f}")
    print(f"ghost_town(by=brand):                {query:7.3f}s  ratio {query / baseline:7.1f}")
    print(f"ghost_town(by=brand,hour_of_week):   {hours:7.3f}s  ratio {hours / baseline:7.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
