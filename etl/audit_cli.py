"""`python -m etl audit`: the consultant's audit report of one brand (and page) as a file.

The report is the dashboard's (app/audit.py builds it, app/report.py renders it), read from
the database read-only; Streamlit is not needed. The output kind follows --out's suffix:
.html (self-contained), .pdf (printed with the system Chromium) or .csv (the evidence:
every ignored complaint, formula cells neutralised).
"""

from __future__ import annotations

import dataclasses
import math
import sys
from pathlib import Path

from . import metrics, warehouse, word_of_mouth
from .atomic_file import replacing
from .care_definitions import DEFAULT_HORIZON_HOURS, DEFAULT_SLA_MINUTES
from .cli_output import db_option
from .csv_out import as_written
from .metrics_cli import current_models, resolve_numbers, within_data
from .usage import UsageError

OUTPUT_KINDS = (".html", ".pdf", ".csv")


def add_command(subparsers) -> None:
    """Register `audit --brand NAME [--page P] [--as-of T] [--since T] [--db PATH] --out FILE`."""
    cmd = subparsers.add_parser("audit", help="the audit report of one brand's page or handle")
    cmd.add_argument("--brand", required=True, metavar="NAME", type=as_written, help="the brand to audit")
    cmd.add_argument("--page", metavar="P", type=as_written,
                     help="one page or handle of the brand (default: all)")
    cmd.add_argument("--as-of", metavar="T", help="evaluate as of this ISO 8601 time "
                                                  "(default, and at most: the newest mention, as on the dashboard)")
    cmd.add_argument("--since", metavar="T", help="only requests made from this time on")
    cmd.add_argument("--horizon", type=float, default=DEFAULT_HORIZON_HOURS, metavar="HOURS",
                     help="a request unanswered this long is ignored (default: %(default)s)")
    cmd.add_argument("--sla", type=float, default=None, metavar="MINUTES",
                     help=f"SLA for the SLA rate (default {DEFAULT_SLA_MINUTES:g}, or the horizon when shorter)")
    cmd.add_argument("--wom-multiplier", type=float, default=word_of_mouth.DEFAULT_MULTIPLIER, metavar="X",
                     help="assumption: customers turned away per ignored complaint, for the report's word-of-mouth "
                          f"estimate (default %(default)g, after {word_of_mouth.SOURCE}; at most "
                          f"{word_of_mouth.MAX_MULTIPLIER:g})")
    cmd.add_argument("--customer-value", type=float, default=None, metavar="V",
                     help="assumption: revenue per customer, in your currency; sets the report's revenue at risk "
                          "(default: none, so no revenue figure)")
    cmd.add_argument("--requests", action="store_true",
                     help="with a .csv --out: every request the scorecard counts, each answered, ignored or "
                          "pending, instead of the evidence (the ignored complaints)")
    db_option(cmd)
    cmd.add_argument("--out", required=True, metavar="FILE",
                     help="report.html, report.pdf, or evidence.csv")
    cmd.set_defaults(run=run)


def run(args) -> int:
    out = Path(args.out)
    kind = out.suffix.lower()
    if kind not in OUTPUT_KINDS:
        raise UsageError(f"--out {args.out}: the file name must end in .html, .pdf or .csv")
    if args.requests and kind != ".csv":
        raise UsageError(f"--requests lists the requests as CSV: --out {args.out} must end in .csv")
    resolve_numbers(args)
    _check_assumptions(args)
    _require_folder(out)  # before the database is read, not after the report is built (a review)
    try:
        from app import audit, report  # the read side; no Streamlit runtime involved
    except ImportError as err:
        raise ValueError(f"audit needs the project's app package ({err}); run it from the "
                         "project folder") from None

    print(f"etl: audit: reading {args.db}", file=sys.stderr)
    current_models(args.db)
    with warehouse.connect_readonly(args.db) as con:
        _require_data_since(con, args)
        as_of = within_data(con, args.as_of)  # at most the newest mention, as on the dashboard
        result = audit.build_audit(con, args.brand, args.page, as_of=as_of, since=args.since,
                                   horizon_hours=args.horizon, sla_minutes=args.sla)
        result = dataclasses.replace(result, wom_multiplier=args.wom_multiplier, customer_value=args.customer_value)
        requests = audit.requests_csv(con, result) if args.requests else None
    if result.data_end_note:
        print(f"etl: audit: {result.data_end_note}", file=sys.stderr)
    if kind == ".csv":
        payload = requests or audit.evidence_csv(result)
    else:
        document = report.build_html(result)
        if kind == ".pdf":
            print("etl: audit: printing the PDF with Chromium", file=sys.stderr)
            try:
                payload = report.html_to_pdf(document)
            except report.ReportError as err:
                raise ValueError(str(err)) from None
        else:
            payload = document.encode("utf-8")
    _write_atomically(out, payload)
    print(f"etl: audit: {result.scope}: grade {result.grade}, {_written(result, args.requests)} -> {out}",
          file=sys.stderr)
    return 0


def _written(result, requests: bool) -> str:
    """What the file holds, in the summary line: with --requests its requests by state (the
    line named the evidence's ignored complaints over a file of every request)."""
    from app.formatting import counted
    s = result.summary
    if requests:
        return (f"{counted(int(s.get('requests', 0)), 'request')} ({s.get('answered', 0):,} answered, "
                f"{s.get('ignored', 0):,} ignored, {s.get('pending', 0):,} pending)")
    return f"{counted(len(result.evidence), 'ignored complaint')}, {counted(len(result.gaps), 'coverage gap')}"


def _check_assumptions(args) -> None:
    """--wom-multiplier and --customer-value: finite and not negative, the multiplier at most the
    sidebar's most, as the sidebar bounds them ('nan' and 'inf' parse as floats and would print as
    figures)."""
    for option, value in (("--wom-multiplier", args.wom_multiplier), ("--customer-value", args.customer_value)):
        if value is not None and not (math.isfinite(value) and value >= 0):
            raise UsageError(f"{option} {value}: must be a number of at least 0 (an assumption)")
    if args.wom_multiplier > word_of_mouth.MAX_MULTIPLIER:
        raise UsageError(f"--wom-multiplier {word_of_mouth.as_typed(args.wom_multiplier)}: at most "
                         f"{word_of_mouth.MAX_MULTIPLIER:g}, as on the dashboard (customers turned away per "
                         "ignored complaint, an assumption)")


def _require_data_since(con, args) -> None:
    """A --since after the audited brand's (or page's) newest mention, or after --as-of,
    leaves no request to audit: an error naming the data's span rather than an empty report
    graded n/a, which reads as a page with nothing wrong (as `snapshot --week` outside the
    data). An unknown brand or page is left to the audit, which lists what there is."""
    if args.since is None:
        return
    from app.audit import data_span
    since = metrics.resolve_as_of(con, args.since, "--since")
    first, newest = data_span(con, args.brand, args.page or None)
    if newest is None:
        return
    scope = " ".join(part for part in (args.brand, args.page) if part)
    span = f"its data runs from {first:%Y-%m-%d} to {newest:%Y-%m-%d %H:%M} UTC"
    if since > newest:
        raise ValueError(f"--since {args.since} is after the newest mention of {scope} ({span}); "
                         "nothing to audit")
    if args.as_of is not None and since >= metrics.resolve_as_of(con, args.as_of):
        raise UsageError(f"--since {args.since} is not before --as-of {args.as_of}; nothing to audit")


def _require_folder(out: Path) -> None:
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise ValueError(f"--out {out}: no such directory {folder}")


def _write_atomically(out: Path, payload: bytes) -> None:
    """Write the file whole or not at all (a half-written report is worse than none)."""
    _require_folder(out)  # gone since the start?
    with replacing(out, "wb") as stream:
        stream.write(payload)
