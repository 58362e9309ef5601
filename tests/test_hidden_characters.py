"""Brand and page names are untrusted: every picker on every page shows their bidi and
zero-width characters as <U+XXXX> (safe.visible), as the grids and captions do, instead of
letting them reverse or hide what follows."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from app_support import PAGE_MODULES, each_section, page_test
from care_fixtures import THANKS, brand_msg, load_rows, msg, set_scores

ROOT = Path(__file__).resolve().parents[1]
BRAND, PAGE = "Quill\u202efeather", "@zero\u200bwidth"


@pytest.fixture(scope="module")
def hidden_db(tmp_path_factory):
    """One brand and page named with hidden characters, in an industry so named beside another
    brand's: a complaint answered, one ignored and shared (a cascade to pick), a mention a week
    on (their week is complete), and five weeks on a burst of negative ones (a spike to pick: a
    mention a week before it makes its baseline days data, not days the data does not cover)."""
    folder = tmp_path_factory.mktemp("hidden")
    named = {"brand": BRAND, "page": PAGE}
    burst = [msg(f"n{i}", f"n{i}", 35 * 24 * 60 + i, **named) for i in range(6)]
    db = load_rows(folder, [msg("a", "u1", 0, **named), brand_msg("b", 30, "a", **named),
                            msg("c", "u2", 60, **named), msg("s", "u4", 90, shared="c", **named),
                            msg("d", "u3", 8 * 24 * 60, text=THANKS, **named),
                            msg("e", "u6", 28 * 24 * 60, text=THANKS, **named), *burst,
                            msg("o", "u5", 60, brand="Acme")],
                   brand_settings={BRAND: {"industry": "tele\u200bcom"}, "Acme": {"industry": "retail"}})
    set_scores(db, {f"n{i}": {"label": "negative", "complaint": True, "needs_reply": True} for i in range(6)})
    return db


def _offered(at) -> tuple[list[str], set[str]]:
    """What every picker of the page offers, in each of its sections, and the pickers' keys."""
    boxes = [box for shown in each_section(at) for box in [*shown.selectbox, *shown.multiselect]]
    return [option for box in boxes for option in box.options], {box.key for box in boxes}


@pytest.mark.parametrize("page", PAGE_MODULES)
def test_every_picker_shows_hidden_characters(hidden_db, monkeypatch, page):
    at = page_test(page, hidden_db, monkeypatch).run()
    assert not at.exception
    offered, keys = _offered(at)
    if page == "trends":  # drawn only with a spike and two industries: the fixture has both
        assert {"trends_spike_pick", "trends_share_industry"} <= keys
    assert any("Quill<U+202E>feather" in option for option in offered)  # the sidebar's brands at least
    assert [option for option in offered if "\u202e" in option or "\u200b" in option] == []


@pytest.mark.parametrize("locale", ["C.UTF-8", "C"])
def test_the_audit_command_shown_names_the_hidden_brand_so_a_shell_reads_it_back(hidden_db, tmp_path, locale):
    # the report's and the page's 'made again' command: raw, U+202E reversed the command as shown;
    # shown as <U+202E> (safe.visible), the pasted command named no brand in the database; in a C
    # locale (cron's), bash left $'\u202e' as the six characters \u202E, naming no brand either
    from app import audit
    from etl import warehouse
    with warehouse.connect_readonly(hidden_db) as con:
        result = audit.build_audit(con, BRAND, PAGE)
    out = tmp_path / "evidence.csv"
    command = result.command(str(out))
    assert not re.search("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\n]", command)
    python = Path(sys.executable).parent
    done = subprocess.run(["bash", "-c", f"{command} --db {shlex.quote(str(hidden_db))}"], capture_output=True,
                          text=True, cwd=ROOT, timeout=300,
                          env={**os.environ, "PATH": f"{python}:{os.environ['PATH']}", "PYTHONPATH": str(ROOT),
                               "LC_ALL": locale})
    assert done.returncode == 0, done.stderr
    assert out.read_bytes() == audit.evidence_csv(result) and len(result.evidence) == 1


def test_an_unknown_brands_error_lists_the_brands_with_their_hidden_characters_escaped(hidden_db, tmp_path):
    # the list went to the terminal raw: U+202E reversed the rest of the line
    done = subprocess.run([sys.executable, "-m", "etl", "audit", "--brand", "Quill", "--db", str(hidden_db),
                           "--out", str(tmp_path / "r.html")], capture_output=True, text=True, cwd=ROOT, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 1
    assert done.stderr.splitlines()[-1].endswith("brands in this database: 'Acme', 'Quill\\u202efeather'")
