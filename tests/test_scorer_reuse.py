"""score_mentions' scorer keeps its thread's in-process analyzer from load to load (building
one cost a small load 19-31 ms), and never shares it with another thread's loads."""

from __future__ import annotations

import threading

from etl import scores


def test_a_thread_keeps_its_analyzer_across_loads_and_no_other_thread_shares_it():
    first, second = scores._scorer(), scores._scorer()
    assert first._local is not None and first._local is second._local
    other = []
    thread = threading.Thread(target=lambda: other.append(scores._scorer()._local))
    thread.start()
    thread.join()
    assert other[0] is not None and other[0] is not first._local
