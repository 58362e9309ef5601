"""When the quarter-hour counts of dash_mention_slots answer a page exactly.

The mart counts customer mentions per UTC quarter hour. A local day or hour of a zone
starts on a UTC quarter hour whenever the zone's offset from UTC is a whole number of
quarter hours and changes only on a quarter hour; then every slot lies inside one local
bucket (and inside or outside the chosen dates), so sums over slots equal counts over
mentions. That holds for every zone in use today, but not for historic local mean times
(Europe/Amsterdam before 1937 was UTC+00:19:32), so it is checked over the span read.
"""

from __future__ import annotations

import functools
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from . import db
from .filters import Filters

QUARTER = timedelta(minutes=15)
DAY = timedelta(days=1)
SECOND = timedelta(seconds=1)


def fit(cur, filters: Filters, lead: timedelta = timedelta()) -> bool:
    """True when sums over slots equal counts over mentions for the filters' window,
    extended `lead` before its start (a spike baseline), bucketed in the filters' zone."""
    start, end = filters.window()
    if start is None or end is None:
        first, last = cur.execute(db.sql_text("slots_span")).fetchone()
        if first is None:
            return True   # no customer mention: both sides are empty
        start = start or first
        end = end or last + QUARTER
    first_day = (start - lead).astimezone(timezone.utc).date()
    last_day = end.astimezone(timezone.utc).date()
    return zone_fits(filters.tz, first_day, last_day)


@functools.cache
def zone_fits(tz: str, first_day: date, last_day: date) -> bool:
    """Whether zone tz's offset is a whole number of quarter hours over the UTC days
    first_day - 1 .. last_day + 1, and every change of offset happens on a quarter hour.
    Steps a day at a time and looks inside the days whose offset changes (no zone changes
    twice within a day), so a span of decades costs milliseconds."""
    zone = ZoneInfo(tz)
    moment = datetime.combine(first_day - DAY, time(), timezone.utc)
    stop = datetime.combine(last_day + 2 * DAY, time(), timezone.utc)
    offset = moment.astimezone(zone).utcoffset()
    while moment < stop:
        following = (moment + DAY).astimezone(zone).utcoffset()
        if offset % QUARTER or (following != offset and not _changes_on_quarters(zone, moment)):
            return False
        moment, offset = moment + DAY, following
    return not offset % QUARTER


def _changes_on_quarters(zone: ZoneInfo, day_start: datetime) -> bool:
    """Whether, over the UTC day from day_start, the offset is a whole number of quarter
    hours and constant over each UTC quarter hour."""
    for quarter in range(DAY // QUARTER):
        begin = day_start + quarter * QUARTER
        offset = begin.astimezone(zone).utcoffset()
        if offset % QUARTER or offset != (begin + QUARTER - SECOND).astimezone(zone).utcoffset():
            return False
    return True
