"""The warehouse reads times in UTC whatever the zone of the machine it runs on."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from care_fixtures import load_rows, msg

ROOT = Path(__file__).parents[1]
# A dashboard query: on a cursor of the published state (app.db), as every page runs them.
DASHBOARD_QUERY = """
import sys
from app import db
from etl import warehouse
path = sys.argv[1]
cur = db.cursor_at(path, warehouse.generation(path))
zone, newest = cur.execute("SELECT current_setting('TimeZone'), max(created_at) FROM mentions").fetchone()
print(zone, newest.isoformat())
"""


def test_a_dashboard_cursor_reads_times_in_utc_on_a_server_in_new_york(tmp_path):
    # the connection was set to UTC, but a DuckDB SET is the connection's own and each cursor
    # began in the machine's zone: the Weekly page printed New York's clock with 'UTC' after it
    db = load_rows(tmp_path, [msg("m1", "u1", 0)])  # 2024-01-08 09:00 UTC
    env = {**os.environ, "TZ": "America/New_York", "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", DASHBOARD_QUERY, str(db)], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["UTC", "2024-01-08T09:00:00+00:00"]
