"""Issue 9: sessions keep rendering every page while loads publish new databases.

Several browser-less sessions (websocket clients of a real `streamlit run dashboard.py`, as a
browser talks to it) open every page and change the brand filter while a loader publishes three
new databases; no render may fail (no exception in the app, no stale connection or lock error),
and sessions started afterwards see every loaded row: the server offers the new brand, and the
app's own cached query counts all its rows. The driver is bench/load_sessions.py, which
also reports throughput and latency on demand."""

from __future__ import annotations

from bench import load_sessions


def test_sessions_render_every_page_while_loads_publish(fresh_db, monkeypatch):
    monkeypatch.setenv("REPUTATION_DB", str(fresh_db))
    before = load_sessions.count_in_new_session(load_sessions.LOAD_BRAND)
    assert before == 0
    result = load_sessions.drive(fresh_db, sessions=3, renders=1, loads=3, rows_per_load=40,
                                 budget=45)
    print(load_sessions.report(result, 3))
    assert result.failures == []
    assert len(result.loads) == 3 and result.rows_loaded == 120
    # Every session rendered every page at least once while the loads ran.
    assert len(result.first_render) >= 3 * len(load_sessions.URL_PAGES) or result.elapsed >= 45
    assert result.server_sees_brand
    assert result.seen_after == result.rows_loaded
