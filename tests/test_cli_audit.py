"""`python -m etl audit`: outputs by suffix, read-only, one-line errors with non-zero exit."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys

import pytest

import hostile
from support import ROOT, etl, needs_browser

def test_html_report_of_a_brand(dashboard_db, tmp_path):
    out = tmp_path / "report.html"
    before = (dashboard_db.stat().st_mtime_ns, dashboard_db.stat().st_size)
    done = etl("audit", "--brand", hostile.BRAND, "--db", dashboard_db, "--out", out)
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""  # progress and summary go to stderr
    document = out.read_text()
    assert document.startswith("<!DOCTYPE html>") and "Page audit: Quillfeather" in document
    assert "<script" not in document.lower()
    assert "grade" in done.stderr
    assert (dashboard_db.stat().st_mtime_ns, dashboard_db.stat().st_size) == before  # read-only
    umask = os.umask(0o022)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask  # as any new file, not mkstemp's 0600


def test_the_html_audit_loads_neither_streamlit_nor_plotly(dashboard_db, tmp_path):
    # the audit's modules are split so the CLI starts without the dashboard's libraries
    script = ("import sys; from etl import cli; "
              f"code = cli.main(['audit', '--brand', {hostile.BRAND!r}, '--db', {str(dashboard_db)!r}, "
              f"'--out', {str(tmp_path / 'r.html')!r}]); "
              "print(code, 'streamlit' in sys.modules, 'plotly' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=300)
    assert done.stdout.split() == ["0", "False", "False"], done.stderr


def test_evidence_csv_and_page_filter(dashboard_db, tmp_path):
    out = tmp_path / "evidence.csv"
    done = etl("audit", "--brand", hostile.BRAND, "--page", hostile.PAGE, "--as-of",
               "2025-03-20T00:00:00+00:00", "--db", dashboard_db, "--out", out)
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert len(rows) == 8  # the hostile corpus: 12 complaints, every third answered
    assert all(r["brand"] == hostile.BRAND for r in rows)
    assert not [v for r in rows for v in r.values() if v[:1] in ("=", "+", "-", "@")]
    early = etl("audit", "--brand", hostile.BRAND, "--as-of", "2025-03-04T00:00:00Z",
                "--db", dashboard_db, "--out", tmp_path / "early.csv")
    assert early.returncode == 0, early.stderr
    assert len(list(csv.DictReader(open(tmp_path / "early.csv")))) == 0  # nothing 72 h old yet
    within = etl("audit", "--brand", hostile.BRAND, "--since", "2025-03-03T12:00:00Z",
                 "--db", dashboard_db, "--out", tmp_path / "within.csv")
    assert within.returncode == 0, within.stderr  # a --since inside the data is no error
    # the page as the file wrote it ('@handle' behind the formula guard's apostrophe) audits the same page
    [written] = {r["page"] for r in rows}
    again = etl("audit", "--brand", hostile.BRAND, "--page", written, "--as-of", "2025-03-20T00:00:00+00:00",
                "--db", dashboard_db, "--out", tmp_path / "again.csv")
    assert again.returncode == 0, again.stderr
    assert (tmp_path / "again.csv").read_text() == out.read_text()


@needs_browser
def test_pdf_report(dashboard_db, tmp_path):
    out = tmp_path / "report.pdf"
    done = etl("audit", "--brand", "Aldermoor Air", "--db", dashboard_db, "--out", out)
    assert done.returncode == 0, done.stderr
    assert out.read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize("args, reason, code", [
    # what the data does not have: a failure (1)
    (["--brand", "No Such Brand"], "unknown brand 'No Such Brand'", 1),
    (["--brand", hostile.BRAND, "--page", "@nobody"],
     f"has no page or handle '@nobody'; its pages: {hostile.PAGE!r}", 1),
    # after the data: an error naming its span, not an empty report graded n/a
    (["--brand", hostile.BRAND, "--since", "2030-01-01"],
     "--since 2030-01-01 is after the newest mention of Quillfeather (its data runs from 20", 1),
    (["--brand", hostile.BRAND, "--page", hostile.PAGE, "--since", "2030-01-01"],
     f"after the newest mention of Quillfeather {hostile.PAGE} (its data runs from", 1),
    # what no data could make right: a usage error (2)
    (["--brand", hostile.BRAND, "--as-of", "yesterday"], "not an ISO 8601", 2),
    (["--brand", hostile.BRAND, "--since", "last week"], "--since 'last week' is not an ISO 8601", 2),
    (["--brand", hostile.BRAND, "--since", "2025-03-05", "--as-of", "2025-03-04"],
     "--since 2025-03-05 is not before --as-of 2025-03-04; nothing to audit", 2),
])
def test_bad_requests_fail_with_one_line(dashboard_db, tmp_path, args, reason, code):
    out = tmp_path / "report.html"
    done = etl("audit", *args, "--db", dashboard_db, "--out", out)
    assert done.returncode == code
    errors = [line for line in done.stderr.splitlines() if not line.startswith("etl: audit: ")]
    assert len(errors) == 1 and reason in errors[0], done.stderr
    assert "Traceback" not in done.stderr
    assert not out.exists() and not list(tmp_path.iterdir())


def test_wrong_suffix_and_missing_database(tmp_path):
    done = etl("audit", "--brand", "X", "--db", tmp_path / "x.duckdb", "--out", tmp_path / "r.docx")
    assert done.returncode == 2 and "must end in .html, .pdf or .csv" in done.stderr
    done = etl("audit", "--brand", "X", "--db", tmp_path / "x.duckdb", "--out", tmp_path / "r.html")
    assert done.returncode == 1 and "no database here" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 2  # progress line + the one-line reason


def test_a_missing_out_folder_is_said_before_the_database_is_read(tmp_path):
    done = etl("audit", "--brand", "X", "--db", tmp_path / "x.duckdb", "--out", tmp_path / "no" / "r.html")
    assert done.returncode == 1
    assert done.stderr == f"etl: --out {tmp_path / 'no' / 'r.html'}: no such directory {tmp_path / 'no'}\n"


def test_brand_is_required(tmp_path):
    done = etl("audit", "--out", tmp_path / "r.html")
    assert done.returncode == 2 and "--brand" in done.stderr


def test_the_command_an_audit_states_makes_the_same_evidence_again(dashboard_db, tmp_path):
    # a consultant hands over the report with the command that made it (a persona review):
    # the page, a start and a horizon with decimals survive the shell
    import shlex

    from app import audit
    from etl import warehouse
    with warehouse.connect_readonly(dashboard_db) as con:
        page = audit.brand_pages(con).query("brand == @hostile.BRAND")["page"].iloc[0]
        whole = audit.build_audit(con, hostile.BRAND, page, horizon_hours=48.25, sla_minutes=45)
        since = whole.evidence["requested_at"].sort_values().iloc[len(whole.evidence) // 2]
        result = audit.build_audit(con, hostile.BRAND, page, since=since, horizon_hours=48.25, sla_minutes=45)
    assert 0 < len(result.evidence) < len(whole.evidence)
    out = tmp_path / "evidence.csv"
    words = shlex.split(result.command(str(out)))
    assert words[:4] == ["python", "-m", "etl", "audit"]
    done = etl(*words[3:], "--db", dashboard_db)
    assert done.returncode == 0, done.stderr
    assert out.read_bytes() == audit.evidence_csv(result)
    assert "48.25" in words


def test_the_commands_an_audit_states_recompute_its_numbers(dashboard_db, tmp_path):
    # the report said how to make it again, not how to check one of its numbers (a consultant's review)
    import json
    import shlex

    from app import audit
    from etl import warehouse
    with warehouse.connect_readonly(dashboard_db) as con:
        whole = audit.build_audit(con, hostile.BRAND, horizon_hours=48.25, sla_minutes=45)
        since = whole.evidence["requested_at"].sort_values().iloc[len(whole.evidence) // 2]
        result = audit.build_audit(con, hostile.BRAND, since=since, horizon_hours=48.25, sla_minutes=45)
    (_, rates), (_, hours), (_, requests) = result.recompute_commands()
    done = etl(*shlex.split(rates)[3:], "--db", dashboard_db, "--format", "json")
    assert done.returncode == 0, done.stderr
    [row] = json.loads(done.stdout)
    counts = ("requests", "answered", "ignored", "pending")
    assert [row[c] for c in counts] == [result.summary[c] for c in counts] and result.summary["requests"]
    done = etl(*shlex.split(hours)[3:], "--db", dashboard_db, "--format", "json")
    assert done.returncode == 0, done.stderr
    assert sum(hour["requests"] for hour in json.loads(done.stdout)) == result.summary["requests"]
    words = shlex.split(requests)
    out = tmp_path / words[words.index("--out") + 1]
    done = etl(*words[3:-1], out, "--db", dashboard_db)
    assert done.returncode == 0, done.stderr
    assert len(list(csv.DictReader(io.StringIO(out.read_text())))) == result.summary["requests"]


def test_the_report_states_word_of_mouth_under_the_assumptions_given(dashboard_db, tmp_path):
    out = tmp_path / "report.html"
    done = etl("audit", "--brand", hostile.BRAND, "--as-of", "2025-03-20T00:00:00+00:00", "--wom-multiplier", "2.5",
               "--customer-value", "1500000", "--db", dashboard_db, "--out", out)
    assert done.returncode == 0, done.stderr
    document = out.read_text()
    # the hostile corpus: 12 complaints, every third answered, 8 ignored
    assert "8 ignored complaints × word-of-mouth multiplier 2.5 = 20 customers lost (assumed)." in document
    assert "Revenue at risk: 20 × customer value 1,500,000 = 30,000,000 (assumed)" in document
    assert "a customer value of 1,500,000, a user-set input" in document  # '%g' wrote 1.5e+06
    assert "--wom-multiplier 2.5 --customer-value 1500000" in document  # the command that makes it again
    plain = etl("audit", "--brand", hostile.BRAND, "--as-of", "2025-03-20T00:00:00+00:00", "--db", dashboard_db,
                "--out", out)
    assert plain.returncode == 0, plain.stderr
    assert "8 ignored complaints × word-of-mouth multiplier 5 = 40 customers lost (assumed)." in out.read_text()
    assert "no customer value was set, so no figure" in out.read_text()


@pytest.mark.parametrize("option, value", [("--wom-multiplier", "nan"), ("--wom-multiplier", "-1"),
                                           ("--customer-value", "inf")])
def test_an_assumption_that_is_no_amount_is_refused(dashboard_db, tmp_path, option, value):
    done = etl("audit", "--brand", hostile.BRAND, option, value, "--db", dashboard_db, "--out", tmp_path / "r.html")
    assert done.returncode == 2 and not (tmp_path / "r.html").exists()
    assert done.stderr.strip().splitlines()[-1] == f"etl: {option} {float(value)}: must be a number of at least 0 " \
                                                   "(an assumption)"


def test_a_multiplier_past_the_dashboards_most_is_refused(dashboard_db, tmp_path):
    """1234567 printed as 'multiplier 1.23457e+06' in the report; the sidebar takes at most 100."""
    done = etl("audit", "--brand", hostile.BRAND, "--wom-multiplier", "1234567", "--db", dashboard_db,
               "--out", tmp_path / "r.html")
    assert done.returncode == 2 and not (tmp_path / "r.html").exists()
    assert done.stderr.strip().splitlines()[-1] == ("etl: --wom-multiplier 1,234,567: at most 100, as on the "
                                                    "dashboard (customers turned away per ignored complaint, an "
                                                    "assumption)")
    assert etl("audit", "--brand", hostile.BRAND, "--wom-multiplier", "100", "--db", dashboard_db,
               "--out", tmp_path / "r.html").returncode == 0


def test_the_requests_csv_lists_every_request_the_scorecard_counts(dashboard_db, tmp_path):
    """--requests: each request in its state, so the report's requests, answered, ignored and
    pending can be counted from rows (the evidence lists the ignored complaints only)."""
    out = tmp_path / "requests.csv"
    done = etl("audit", "--brand", hostile.BRAND, "--as-of", "2025-03-20T00:00:00+00:00", "--requests",
               "--db", dashboard_db, "--out", out)
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    states = {state: sum(r["state"] == state for r in rows) for state in ("answered", "ignored", "pending")}
    assert states == {"answered": 4, "ignored": 8, "pending": 0}  # 12 complaints, every third answered
    # the summary line names what the file holds (it named the evidence's ignored complaints)
    assert "12 requests (4 answered, 8 ignored, 0 pending) -> " in done.stderr.splitlines()[-1]
    assert sum(r["state"] == "ignored" and r["is_complaint"] == "1" for r in rows) == 8
    assert not [v for r in rows for v in r.values() if v[:1] in ("=", "+", "-", "@")]
    refused = etl("audit", "--brand", hostile.BRAND, "--requests", "--db", dashboard_db, "--out", tmp_path / "r.html")
    assert refused.returncode == 2 and not (tmp_path / "r.html").exists()
    assert refused.stderr.strip().endswith("--requests lists the requests as CSV: --out "
                                           f"{tmp_path / 'r.html'} must end in .csv")


def test_word_of_mouth_adds_up_where_the_multiplier_has_decimals():
    """1 ignored complaint x 2.5 read '= 2 customers lost', then '2 x customer value 40 = 100':
    customers lost were rounded half to even for the sentence, the revenue was not."""
    from app.audit_rules import word_of_mouth_lines
    from etl.word_of_mouth import word_of_mouth
    said, revenue, _ = word_of_mouth_lines(word_of_mouth(1, 2.5, 40.0))
    assert said == "1 ignored complaint × word-of-mouth multiplier 2.5 = 2.5 customers lost (assumed)."
    assert revenue.startswith("Revenue at risk: 2.5 × customer value 40 = 100 (assumed)")
    said, revenue, _ = word_of_mouth_lines(word_of_mouth(800, 2.5, 1.5))
    assert said.endswith("= 2,000 customers lost (assumed).") and "2,000 × customer value 1.50 = 3,000" in revenue


def test_an_assumption_typed_as_minus_zero_is_stated_as_zero():
    # --wom-multiplier -0 passes the check 'at least 0' (-0.0 >= 0), and '%g' printed '-0 customers lost'
    from app.audit_rules import word_of_mouth_lines
    from etl.word_of_mouth import word_of_mouth
    lines = word_of_mouth_lines(word_of_mouth(3, -0.0, -0.0))
    assert lines[0] == "3 ignored complaints × word-of-mouth multiplier 0 = 0 customers lost (assumed)."
    assert "-0" not in " ".join(lines)
