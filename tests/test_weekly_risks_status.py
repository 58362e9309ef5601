"""The top risks' caption says when their status is of, word for word as Weekly said it before
weekly_risks.risks_status_when held the rule: the week's end once closed, else the newest data and why."""

from __future__ import annotations

import pandas as pd
import pytest

from app import weekly_risks


@pytest.mark.parametrize("week, as_of, closed, said", [
    ("2026-W40", "2026-10-04 23:59:59", True, "the week's end (Sun 04 Oct 23:59 UTC)"),
    ("2026-W40", "2026-10-03 12:34", False, "Sat 03 Oct 12:34 UTC, the newest data (the data ends inside the week)"),
    ("2099-W01", "2099-01-06 08:05", False, "Tue 06 Jan 08:05 UTC, the newest data (the week is still running)"),
])
def test_the_top_risks_status_is_said_as_of_the_week_end_or_the_newest_data(week, as_of, closed, said):
    newest = pd.Timestamp(as_of)
    rows = pd.DataFrame({"week": [week, week], "as_of": [newest - pd.Timedelta(hours=1), newest],
                         "closed": [closed, closed]})
    assert weekly_risks.risks_status_when(rows) == said
