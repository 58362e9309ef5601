"""Exit 2 (usage error) for a value an option cannot take, as README and --help say: such values
exited 1, like a missing file, while argparse's own refusals exited 2 (a spec audit)."""

from __future__ import annotations

import pytest

from etl import cli
from support import FIXTURES

# {db} is the fixture warehouse, {tmp} the test's folder; each line is said as it was before
USAGE_ERRORS = [
    (["metrics", "ghost-town", "--by", "foo"],
     "cannot group by foo; choose from brand, page, platform, week, hour_of_week"),
    (["metrics", "vendor", "--by", "brand,brand"], "--by names a column twice: brand,brand"),
    (["metrics", "ghost-town", "--as-of", "notatime"], "--as-of 'notatime' is not an ISO 8601 date and time"),
    (["metrics", "deleted", "--as-of", "notatime"], "--as-of 'notatime' is not an ISO 8601 date and time"),
    (["metrics", "cascades", "--as-of", "notatime"], "--as-of 'notatime' is not an ISO 8601 date and time"),
    (["metrics", "ghost-town", "--horizon", "-5"], "--horizon -5.0: must be a positive number of hours"),
    (["metrics", "ghost-town", "--sla", "0"], "--sla 0.0: must be a positive number of minutes"),
    (["metrics", "backtest", "--observe", "0"], "--observe 0.0: must be a positive number of seconds"),
    (["snapshot", "--week", "2026-W99"], "--week '2026-W99' is not an ISO week like 2024-W02"),
    (["snapshot", "--week", "2021-W53"], "--week '2021-W53': 2021 has 52 ISO weeks (its last is 2021-W52)"),
    (["audit", "--brand", "X", "--out", "{tmp}/a.txt"],
     "--out {tmp}/a.txt: the file name must end in .html, .pdf or .csv"),
    (["audit", "--brand", "X", "--out", "{tmp}/a.csv", "--wom-multiplier", "-1"],
     "--wom-multiplier -1.0: must be a number of at least 0 (an assumption)"),
    (["load", "csv", str(FIXTURES / "canonical.csv"), "--map", "id=bogusfield", "--quiet"],
     "--map names unknown field(s) bogusfield; fields are mention_id, platform, brand, page, author_id, "
     "author_handle, author_followers, is_brand, created_at, text, kind, parent_id, shared_id, likes, shares, "
     "replies"),
    (["load", "csv", str(FIXTURES / "canonical.csv"), "--assume-tz", "Mars/Base", "--quiet"],
     "--assume-tz 'Mars/Base': not a known time zone (use an IANA name such as Europe/London)"),
    (["demo", "--mentions", "10", "--quiet"], "--mentions must be at least 1000 (the demo spans seven months)"),
    (["demo", "--seed", "-1", "--quiet"], "--seed -1: must be at least 0"),
]


def _filled(args: list[str], db, tmp) -> list[str]:
    return [arg.format(db=db, tmp=tmp) for arg in args]


@pytest.mark.parametrize("args, said", USAGE_ERRORS)
def test_a_value_an_option_cannot_take_is_a_usage_error_in_one_line(dashboard_db, tmp_path, capsys, args, said):
    # demo writes its own database, load one of its own: neither is the shared fixture
    db = tmp_path / "new.duckdb" if args[0] in ("demo", "load") else dashboard_db
    assert cli.main([*_filled(args, db, tmp_path), "--db", str(db)]) == cli.EXIT_USAGE
    out, err = capsys.readouterr()
    assert (out, err) == ("", f"etl: {said.format(tmp=tmp_path)}\n")
    assert list(tmp_path.iterdir()) == []  # refused before anything was written


@pytest.mark.parametrize("args", [
    ["metrics", "ghost-town", "--brand", "No Such Brand"],  # a value the data does not have
    ["metrics", "ghost-town", "--page", "@nobody"],
    ["audit", "--brand", "No Such Brand", "--out", "{tmp}/r.html"],
    ["load", "csv", "{tmp}/missing.csv"],
])
def test_what_the_data_or_files_refuse_is_still_a_failure(dashboard_db, tmp_path, capsys, args):
    db = tmp_path / "new.duckdb" if args[0] == "load" else dashboard_db
    assert cli.main([*_filled(args, db, tmp_path), "--db", str(db)]) == cli.EXIT_FAILED
    problems = [line for line in capsys.readouterr().err.splitlines() if not line.startswith("etl: audit: ")]
    assert len(problems) == 1  # (audit says first which file it reads)


def test_classify_out_as_its_own_input_is_a_usage_error(tmp_path, capsys):
    source = tmp_path / "in.csv"
    source.write_text("id,text\n1,my bill is wrong\n")
    assert cli.main(["classify", str(source), "--out", str(source)]) == cli.EXIT_USAGE
    assert capsys.readouterr().err == f"etl: {source}: --out is the input file {source}; choose another output file\n"
    assert source.read_text() == "id,text\n1,my bill is wrong\n"
