"""Back-test the spread forecast on a warehouse's own cascades: each cascade seen for
--observe seconds, predicted by a model calibrated on the others (cross-validated), beside
the two naive forecasts (final = current; current x typical growth).

    python bench/backtest_history.py --db data/reputation.duckdb [--observe 3600] [--min-observed 5]
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from etl import warehouse  # noqa: E402
from etl.cascade_metrics import history_backtest  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=str(warehouse.DEFAULT_DB))
    parser.add_argument("--observe", type=float, default=3600.0, help="seconds observed")
    parser.add_argument("--min-observed", type=int, nargs="+", default=[1, 5, 20])
    args = parser.parse_args()
    if not Path(args.db).exists():
        print(f"{args.db}: no database; build one with `python -m etl demo` first")
        return 0
    with warehouse.connect_readonly(args.db) as con:
        print(f"{'cascades seen with >=':>22} {'n':>7} {'SEISMIC':>8} {'current':>8} {'growth':>8} "
              f"{'80% interval held':>18}")
        for minimum in args.min_observed:
            r = history_backtest(con, observe_age=args.observe, min_observed=minimum)
            print(f"{minimum:>22} {r['cascades']:>7} {r['median_rel_error_seismic']:>8.3f} "
                  f"{r['median_rel_error_current']:>8.3f} {r['median_rel_error_growth']:>8.3f} "
                  f"{r['interval_coverage']:>18.3f}")
    print(f"median relative error of the final size, observed for {args.observe:.0f} s; the share "
          "of final sizes within the forecast's 80% interval")
    return 0


if __name__ == "__main__":
    sys.exit(main())
