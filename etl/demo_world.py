"""The demo's world: its calendar, its fictional brands with their care policies, and the
customers who write to them.

Every name here is invented (web addresses use the reserved `.example` domain). The span
ends on a fixed date, never on the wall clock, so a seed always gives the same history.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import numpy as np

START = datetime(2026, 4, 1, tzinfo=timezone.utc)
END = datetime(2026, 11, 1, tzinfo=timezone.utc)          # exclusive: the last second is Oct 31 23:59:59
START_TS, END_TS = int(START.timestamp()), int(END.timestamp())
HOURS = (END_TS - START_TS) // 3600
WEEKS = -(-HOURS // 168)
# Months of the span as [start, end) epoch seconds: the periods of the exports.
MONTHS = tuple(
    (int(datetime(2026, m, 1, tzinfo=timezone.utc).timestamp()),
     int(datetime(2026 + m // 12, m % 12 + 1, 1, tzinfo=timezone.utc).timestamp()))
    for m in range(4, 11))
MAX_THREAD_SECONDS = 27 * 86400   # no reply, share or deletion comes later than this after its root
_LOOKAHEAD_HOURS = 24 * 40        # local-time tables reach past END for late responses

COMPLAINT, QUESTION, PRAISE, CHATTER = range(4)


@dataclass(frozen=True)
class Policy:
    """How a brand's care team behaves; the metrics must be able to reveal each one."""
    name: str
    p_answer: tuple[float, float, float, float]        # by intent, when the team is at work
    median_minutes: float                              # response delay, lognormal
    sigma: float
    office_hours: bool = False                         # Mon-Fri 9-17 local only
    p_answer_closed: float = 0.0                       # chance a message sent out of hours is picked up
    night_factor: float = 1.0                          # delay multiplier 22-07 local (thin night shift)
    p_deflect: float = 0.05                            # answers that only redirect (DM, call, form, link)
    p_delete_negative: float = 0.0                     # facebook: negative comments removed
    delete_days: tuple[float, float] = (1.0, 12.0)     # how long removal takes (moderator sweeps)


POLICIES = {
    "always-on": Policy("always-on", (0.95, 0.95, 0.5, 0.15), 9, 0.9, night_factor=1.8,
                        p_deflect=0.04),
    "office-hours": Policy("office-hours", (0.92, 0.92, 0.3, 0.1), 25, 0.8, office_hours=True,
                           p_answer_closed=0.08, p_deflect=0.06),
    "slow": Policy("slow", (0.8, 0.8, 0.2, 0.05), 9 * 60, 1.1, p_deflect=0.08),
    "ghost-town": Policy("ghost-town", (0.12, 0.18, 0.05, 0.02), 26 * 60, 0.9, p_deflect=0.1),
    "deflector": Policy("deflector", (0.88, 0.88, 0.25, 0.05), 40, 0.9, night_factor=3.0,
                        p_deflect=0.78),
    "deleter": Policy("deleter", (0.3, 0.6, 0.4, 0.1), 3 * 60, 1.0, p_deflect=0.1,
                      p_delete_negative=0.7),
}


@dataclass(frozen=True)
class Brand:
    index: int
    name: str
    industry: str
    timezone: str
    handle: str                  # twitter handle without '@'
    twitter_id: str
    page_id: str                 # facebook page id
    platforms: dict[str, float]  # platform -> share of the brand's customer messages
    volume: float                # relative size of the brand's audience
    policy: Policy
    site: str                    # the brand's (fictional) help site
    phone: str

    @property
    def settings(self) -> dict:
        return {"timezone": self.timezone, "industry": self.industry}


BRANDS = (
    Brand(0, "Zephyrine Airways", "airline", "Europe/London", "ZephyrineAir", "7100000001",
          "104729384756001", {"twitter": 0.7, "facebook": 0.3}, 1.4, POLICIES["always-on"],
          "help.zephyrine.example", "+44 20 7946 0321"),
    Brand(1, "Aldermoor Air", "airline", "America/New_York", "AldermoorAir", "7100000002",
          "104729384756002", {"twitter": 1.0}, 1.0, POLICIES["slow"],
          "aldermoor.example/support", "+1 212 555 0147"),
    Brand(2, "Nimbalo Mobile", "telecom", "Europe/Berlin", "NimbaloMobile", "7100000003",
          "104729384756003", {"twitter": 0.6, "facebook": 0.4}, 1.3, POLICIES["office-hours"],
          "nimbalo.example/hilfe", "+49 30 5550 1234"),
    Brand(3, "Quillnet Broadband", "telecom", "America/Chicago", "QuillnetHelp", "7100000004",
          "104729384756004", {"twitter": 1.0}, 1.0, POLICIES["deflector"],
          "quillnet.example/contact", "+1 312 555 0199"),
    Brand(4, "Marrowby Market", "retail", "America/Los_Angeles", "MarrowbyMarket", "7100000005",
          "104729384756005", {"twitter": 0.5, "facebook": 0.5}, 1.0, POLICIES["ghost-town"],
          "marrowby.example/help", "+1 415 555 0110"),
    Brand(5, "Tessaro Home", "retail", "Europe/Paris", "TessaroHome", "7100000006",
          "104729384756006", {"facebook": 1.0}, 0.8, POLICIES["deleter"],
          "tessaro-home.example/service", "+33 1 55 50 12 34"),
)
PLATFORMS = ("twitter", "facebook")

# Intent mix of customer-initiated messages by industry (complaint, question, praise, chatter).
INTENT_MIX = {
    "airline": (0.44, 0.26, 0.12, 0.18),
    "telecom": (0.50, 0.26, 0.08, 0.16),
    "retail": (0.40, 0.30, 0.14, 0.16),
}


@dataclass(frozen=True)
class Incident:
    """A bad day: negative volume multiplies, then decays, and a famous account joins in."""
    brand: int
    start: int                 # epoch seconds
    hours: float               # how long the failure lasts
    multiplier: float          # complaint intensity at its height
    topic: str


INCIDENTS = (
    Incident(2, int(datetime(2026, 8, 18, 5, 40, tzinfo=timezone.utc).timestamp()), 14, 14.0, "outage"),
    Incident(0, int(datetime(2026, 6, 26, 6, 15, tzinfo=timezone.utc).timestamp()), 10, 8.0, "meltdown"),
)

# Customer activity by local hour (people write at breakfast, lunch and in the evening).
_HOUR_PROFILE = np.array([0.35, 0.22, 0.14, 0.10, 0.10, 0.15, 0.35, 0.65, 0.90, 1.0, 1.0, 1.0,
                          1.05, 1.0, 0.95, 0.95, 0.95, 1.0, 1.05, 1.1, 1.1, 1.0, 0.8, 0.55])
_WEEKDAY_PROFILE = {
    "airline": np.array([1.05, 1.0, 1.0, 1.05, 1.15, 0.95, 1.0]),
    "telecom": np.array([1.12, 1.05, 1.0, 1.0, 0.95, 0.75, 0.72]),
    "retail": np.array([1.0, 0.95, 0.95, 1.0, 1.05, 1.1, 0.9]),
}


@dataclass
class BrandClock:
    """Local time of every hour of the span for one brand, and the activity it implies."""
    brand: Brand
    weekday: np.ndarray = field(init=False)     # per hour index: 0 = Monday
    hour: np.ndarray = field(init=False)
    is_open: np.ndarray = field(init=False)     # office hours Mon-Fri 9-17 local
    next_open: np.ndarray = field(init=False)   # first open hour index at or after each hour
    activity: np.ndarray = field(init=False)    # customer posting intensity per hour (span only)
    incident: np.ndarray = field(init=False)    # complaint multiplier per hour (1 = normal day)

    def __post_init__(self):
        zone = ZoneInfo(self.brand.timezone)
        total = HOURS + _LOOKAHEAD_HOURS
        local = [(START + timedelta(hours=h)).astimezone(zone) for h in range(total)]
        self.weekday = np.array([t.weekday() for t in local], dtype=np.int8)
        self.hour = np.array([t.hour for t in local], dtype=np.int8)
        self.is_open = (self.weekday < 5) & (self.hour >= 9) & (self.hour < 17)
        index = np.where(self.is_open, np.arange(total), total + 10**6)
        self.next_open = np.minimum.accumulate(index[::-1])[::-1]
        span = slice(0, HOURS)
        growth = 1.0 + 0.25 * np.arange(HOURS) / HOURS  # the audience grows over the half-year
        self.activity = (_HOUR_PROFILE[self.hour[span]]
                         * _WEEKDAY_PROFILE[self.brand.industry][self.weekday[span]] * growth)
        self.incident = np.ones(HOURS)
        for incident in INCIDENTS:
            if incident.brand == self.brand.index:
                self.incident += _incident_curve(incident)

    def hour_index(self, ts):
        return np.clip((np.asarray(ts) - START_TS) // 3600, 0, HOURS + _LOOKAHEAD_HOURS - 1)

    def open_at(self, ts) -> np.ndarray:
        return self.is_open[self.hour_index(ts)]

    def next_opening(self, ts) -> np.ndarray:
        """Epoch second when the office next opens at or after each time (itself if open)."""
        ts = np.asarray(ts)
        nxt = self.next_open[self.hour_index(ts)]
        opening = START_TS + nxt.astype(np.int64) * 3600
        return np.where(self.open_at(ts), ts, opening)


def _incident_curve(incident: Incident) -> np.ndarray:
    """Extra complaint intensity per hour: a plateau while it lasts, then a decaying tail."""
    hours = np.arange(HOURS) + 0.5
    since = hours - (incident.start - START_TS) / 3600
    curve = np.zeros(HOURS)
    during = (since >= 0) & (since < incident.hours)
    after = since >= incident.hours
    curve[during] = incident.multiplier - 1
    curve[after] = (incident.multiplier - 1) * np.exp(-(since[after] - incident.hours) / 10.0)
    return curve


_FIRST = ("maria", "james", "aisha", "tom", "lena", "raj", "sofia", "kwame", "emma", "li",
          "noah", "zara", "mateo", "chloe", "omar", "ingrid", "dev", "hana", "luca", "nia",
          "felix", "amara", "jonas", "priya", "sam", "yara", "ben", "mei", "ravi", "elif",
          "oscar", "tara", "hugo", "ines", "kofi", "anya", "leo", "rosa", "ivan", "maya")
_LAST = ("okafor", "lindqvist", "moreau", "haddad", "kowalski", "tanaka", "brennan", "silva",
         "novak", "osei", "fischer", "reyes", "murphy", "ito", "petrov", "nakamura", "ward",
         "costa", "dubois", "kaur", "berg", "mensah", "romano", "quinn", "adler", "vance",
         "sato", "hughes", "varga", "lund", "cruz", "farah", "holt", "keane", "bianchi", "roth")
_FAMOUS = (("TheRealDJMarlo", "DJ Marlo", 1_250_000), ("CoraVantLive", "Cora Vant", 870_000),
           ("PixelPaddy", "Paddy Reel", 640_000), ("ChefOrlaWest", "Orla West", 430_000),
           ("RunWithJuno", "Juno Hart", 310_000), ("DrTechTalia", "Talia Brook", 260_000),
           ("GrumpyGadgetGuy", "Ned Carrow", 190_000), ("TravelsWithTeo", "Teo Marin", 150_000),
           ("SkateQueenBex", "Bex Lorne", 120_000), ("MoneyMinded_Ola", "Ola Fenn", 104_000))
FAMOUS_COUNT = len(_FAMOUS)


class Customers:
    """A fixed population: heavy-tailed followers and activity, names built from the index.

    Indexes below FAMOUS_COUNT are the famous accounts (100k to 1.25M followers)."""

    def __init__(self, size: int, seed: int):
        rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(1,)))
        self.size = max(size, FAMOUS_COUNT + 100)
        followers = np.exp(rng.normal(np.log(140), 1.5, self.size)).astype(np.int64)
        followers[:FAMOUS_COUNT] = [f for _, _, f in _FAMOUS]
        self.followers = followers
        # A few people write a lot (Pareto activity); the famous write like ordinary heavy users.
        activity = rng.pareto(1.6, self.size) + 0.2
        # Together the famous write one message in a thousand, whatever the population size,
        # so their cascades weigh the same in a small demo as in a large one.
        activity[:FAMOUS_COUNT] = activity[FAMOUS_COUNT:].sum() * 0.001 / FAMOUS_COUNT
        self._cumulative = np.cumsum(activity / activity.sum())
        self._cumulative[-1] = 1.0
        self._style = rng.integers(0, 5, self.size)

    def sample(self, rng: np.random.Generator, count: int) -> np.ndarray:
        """Customer indexes drawn by activity."""
        return np.searchsorted(self._cumulative, rng.random(count), side="right").astype(np.int64)

    def twitter_id(self, index: int) -> str:
        return str(9_000_000_000 + index * 7 + 3)

    def facebook_id(self, index: int) -> str:
        return str(100_004_000_000_000 + index * 13 + 5)

    def handle(self, index: int) -> str:
        if index < FAMOUS_COUNT:
            return _FAMOUS[index][0]
        # Handles are unique like real ones: the index, in base 36, ends every one of them.
        first, last = self._names(index)
        unique = _base36(index + 36 ** 2)
        stem = (f"{first}_{last}", f"{first}{last[0]}", f"{last}_{first}", f"the{first}{last}",
                f"{first}")[int(self._style[index])]
        return stem[:15 - len(unique)] + unique

    def display_name(self, index: int) -> str:
        if index < FAMOUS_COUNT:
            return _FAMOUS[index][1]
        first, last = self._names(index)
        return f"{first.title()} {last.title()}"

    def first_name(self, index: int) -> str:
        return self.display_name(index).split()[0]

    @staticmethod
    def _names(index: int) -> tuple[str, str]:
        mixed = index * 2654435761 % 4294967291
        return _FIRST[mixed % len(_FIRST)], _LAST[(mixed // len(_FIRST)) % len(_LAST)]


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
        if not number:
            return out
