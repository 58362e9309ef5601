"""`python -m etl`: the command line of SPEC section 5.

stdout carries only the output asked for (so it can be piped); progress and problems go to
stderr, a problem as one line. Exit codes: 0 success, 1 failure (a missing file, a broken
database, a value the data does not have such as an unknown --brand), 2 usage error (what the
parser refuses: an unknown command, option or choice, a missing argument; and a UsageError: a
value an option cannot take, such as --by foo or --as-of yesterday, or options that contradict
each other), 3 loaded but some records were quarantined.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import duckdb

from . import atomic_file, warehouse
from .audit_cli import add_command as add_audit_command
from .cli_output import CSV_TEXT_HELP, db_option, format_option, write_frame
from .demo import add_command as add_demo_command
from .metrics_cli import add_commands as add_metrics_commands
from .usage import UsageError

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_PARTIAL = 0, 1, 2, 3
# what --help says (the module's docstring points developers at the spec; a user was sent there)
DESCRIPTION = ("Load mention histories into a DuckDB warehouse, and read care metrics, cascades, audits and "
               "weekly snapshots from it. Output goes to stdout; progress and problems to stderr.")
EXIT_CODES = ("exit codes: 0 success; 1 failure (one line on stderr says why); 2 usage error (an unknown option, "
              "or a value an option cannot take); 3 loaded, but some records were quarantined (`python -m etl "
              "quarantine` lists them), or classified, but some records were set aside (stderr names them)")
# SPEC 5's fixed columns, then what else a reader needs to account for a file: blank lines
# skipped (not records), stored mentions it changed (counters a newer export refreshed, or the
# brand it gave them), the first problem.
LOADS_COLUMNS = ("load_id", "format", "file", "status", "rows_read", "rows_loaded",
                 "rows_duplicate", "rows_quarantined", "started_at", "finished_at",
                 "rows_blank", "rows_updated", "message")


def main(argv: list[str] | None = None) -> int:
    return run_command(build_parser().parse_args(argv))


def run_command(args: argparse.Namespace) -> int:
    """args.run(args), its failure said in one line on stderr, and the exit code."""
    try:
        return args.run(args)
    except BrokenPipeError:  # the reader of stdout (e.g. `head`) has had enough
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except UsageError as err:  # said as every failure is, in one line, but exiting as argparse does
        print(f"etl: {err}", file=sys.stderr)
        return EXIT_USAGE
    except (warehouse.WarehouseError, ValueError, OSError) as err:
        print(f"etl: {_failure_said(err)}", file=sys.stderr)
        return EXIT_FAILED
    except (KeyboardInterrupt, duckdb.InterruptException):
        return _interrupted(args)
    except duckdb.Error as err:  # e.g. the disk filled up; the published state is untouched
        if isinstance(err, duckdb.CatalogException) and (other := _not_a_warehouse(getattr(args, "db", None))):
            print(f"etl: {other}", file=sys.stderr)
            return EXIT_FAILED
        reason = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        print(f"etl: {getattr(args, 'db', '')}: database error, nothing was published: {reason}",
              file=sys.stderr)
        return EXIT_FAILED
    except RuntimeError as err:
        if not _is_query_interrupted(err):
            raise
        return _interrupted(args)


def _failure_said(err: Exception) -> str:
    """The failure as every other line says one, its file first: Python's OSError read
    "[Errno 21] Is a directory: 'exports'" (classify given a folder)."""
    if isinstance(err, OSError) and err.filename is not None and err.strerror:
        return f"{err.filename}: {err.strerror}"
    return str(err)


WAREHOUSE_TABLES = ("loads", "mentions")  # what every warehouse has from its first load on


def _not_a_warehouse(db) -> str | None:
    """What to say of a --db that is a DuckDB database but no warehouse of ours (another
    project's file): its first query's 'Catalog Error: Table with name loads does not exist!'
    read as a database error after which 'nothing was published'. None where it is one."""
    if db is None:
        return None
    try:
        with warehouse.connect_readonly(db) as con:
            found = {row[0] for row in con.execute("SELECT table_name FROM information_schema.tables "
                                                    "WHERE table_catalog = 'warehouse'").fetchall()}
    except (warehouse.WarehouseError, duckdb.Error):
        return None
    if missing := [table for table in WAREHOUSE_TABLES if table not in found]:
        return (f"{db}: a DuckDB database, but not a warehouse of this tool (it has no {' or '.join(missing)} "
                "table): is --db the right file?")
    return None


EXIT_INTERRUPTED = 130  # as a shell reports a command Ctrl-C stopped (128 + SIGINT)


def _interrupted(args: argparse.Namespace) -> int:
    """One line for Ctrl-C, saying what is left as it was: the database, or (classify reads none)
    its output file, which is replaced only once complete; rows sent to stdout are not whole."""
    if getattr(args, "reads_database", True):
        left = "the published database is unchanged"
    elif args.out == STDOUT or atomic_file.descriptor_named(args.out) is not None:
        left = "the rows written so far are not the whole result"
    else:
        left = f"{args.out} was not replaced"
    print(f"etl: interrupted; {left}", file=sys.stderr)
    return EXIT_INTERRUPTED


def _is_query_interrupted(err: RuntimeError) -> bool:
    """Whether DuckDB stopped a query for Ctrl-C: it then raises a plain RuntimeError of this
    text, not KeyboardInterrupt (a load stopped while it scored or updated the models printed
    a traceback and exited 1, where one stopped while it read the file said 'interrupted')."""
    return type(err) is RuntimeError and str(err) == "Query interrupted"


class OneLineErrorParser(argparse.ArgumentParser):
    """A usage error is one line on stderr (SPEC 5), not argparse's usage block then the error;
    `--help` still prints the full usage. Subparsers are made with this class too."""

    def error(self, message: str):
        reason = " ".join(message.split())  # a long choice list may have been wrapped
        self.exit(EXIT_USAGE, f"{self.prog}: error: {reason} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineErrorParser(prog="python -m etl", description=DESCRIPTION, epilog=EXIT_CODES)
    commands = parser.add_subparsers(dest="command", required=True)
    _add_load(commands)
    _add_loads(commands)
    _add_quarantine(commands)
    _add_classify(commands)
    add_metrics_commands(commands)
    add_demo_command(commands)
    add_audit_command(commands)
    return parser


def _add_load(commands) -> None:
    from .sources import FORMATS
    from .sources.canonical_csv import REQUIRED
    cmd = commands.add_parser("load", help="load mention files", epilog=EXIT_CODES)
    cmd.add_argument("format", choices=sorted(FORMATS),
                     help=f"the files' format; csv needs the columns {', '.join(REQUIRED)} (others' "
                          "names can be mapped with --map)")
    cmd.add_argument("files", nargs="+", metavar="FILE",
                     help="one or more files of that format, each an entry of its own in the load log")
    db_option(cmd)
    cmd.add_argument("--brand", help="the brand every mention in the files concerns (a csv row's own brand "
                                     "cell, where it has one, wins)")
    # one id a flag: with several (SPEC 5's 'ID...'), a file named after them was taken for an id
    cmd.add_argument("--brand-account", action="append", default=[], metavar="ID",
                     help="an account id or handle that speaks for the brand (repeat the flag for several)")
    cmd.add_argument("--map", action="append", default=[], metavar="SOURCE=FIELD",
                     help="csv only: read column SOURCE as canonical FIELD (repeatable)")
    cmd.add_argument("--assume-tz", metavar="ZONE",
                     help="read times without a UTC offset in this zone, e.g. Europe/London; a "
                          "time the clocks skipped (spring forward) is quarantined, one they "
                          "passed twice (fall back) is read as its first occurrence")
    # --no-complete-export: a facebook-json file of the page's own posts only (a pull of /posts,
    # not /feed) made every visitor's post on the page in its period look deleted, and no flag
    # could say it was not a complete export
    cmd.add_argument("--complete-export", action=argparse.BooleanOptionalAction, default=None,
                     help="the files are complete exports of their pages (enables deleted-"
                          "comment detection; implied for facebook-json, unless --no-complete-export)")
    cmd.add_argument("--brand-timezone", metavar="ZONE",
                     help="with --brand: the brand's time zone for coverage by hour of week")
    cmd.add_argument("--industry", help="with --brand: the brand's industry (competitor sets)")
    cmd.add_argument("--quiet", action="store_true", help="no progress output")
    cmd.set_defaults(run=_run_load)


def _run_load(args) -> int:
    from .load import load_files
    from .load_notes import read_as_said
    from .sources.canonical_csv import check_column_map
    if args.assume_tz:
        _check_zone("--assume-tz", args.assume_tz)
    if args.map and args.format != "csv":
        raise UsageError(f"--map {args.map[0]}: only the csv format reads mapped columns; "
                         f"{args.format} files have fixed fields")
    column_map = dict(_split_mapping(m) for m in args.map)
    check_column_map(column_map)
    reports = load_files(args.db, args.format, args.files, brand=args.brand,
                         brand_accounts=tuple(args.brand_account), column_map=column_map,
                         assume_tz=args.assume_tz, complete_export=args.complete_export,
                         brand_settings=_brand_settings(args), show_progress=not args.quiet)
    for report in reports:
        if report.read_as:  # the text stored is as read: only this and the load log's message show it
            print(f"etl: {report.file}: {read_as_said(report.read_as)}", file=sys.stderr)
        if args.format == "csv" and report.status != "failed":  # a failed file's message says what is wrong
            _say_columns_not_read(report.file, column_map)
        print(f"etl: {_summary(report)}", file=sys.stderr)
        for note in report.notes:
            print(f"etl: {report.file}: {note}", file=sys.stderr)
    if any(r.status == "failed" for r in reports):
        return EXIT_FAILED
    return EXIT_PARTIAL if any(r.status == "partial" for r in reports) else EXIT_OK


def _say_columns_not_read(file: str, column_map: dict[str, str]) -> None:
    """A note on stderr where a csv file has columns the load does not read, or no column --map
    names: their values are not loaded (a misspelt 'parentid' lost every link, with exit 0)."""
    from .sources.canonical_csv import FIELDS, columns_not_read
    unread, unmapped = columns_not_read(Path(file), column_map)
    if unread:
        print(f"etl: {file}: column(s) {', '.join(unread)} not read (fields are {', '.join(FIELDS)}; "
              "--map COLUMN=FIELD reads a column as a field)", file=sys.stderr)
    if unmapped:
        print(f"etl: {file}: no column {', '.join(unmapped)}, which --map names", file=sys.stderr)


def _brand_settings(args) -> dict[str, dict] | None:
    if not (args.brand_timezone or args.industry):
        return None
    if not args.brand:
        raise UsageError("--brand-timezone and --industry need --brand NAME")
    if args.brand_timezone:
        _check_zone("--brand-timezone", args.brand_timezone)
    return {args.brand: {"timezone": args.brand_timezone, "industry": args.industry}}


def _check_zone(option: str, zone: str) -> None:
    """A zone both zoneinfo and DuckDB know (etl.zones): 'localtime', which zoneinfo opens,
    failed the load later with a database error."""
    from .zones import known_zones
    if zone not in known_zones():
        raise UsageError(f"{option} {zone!r}: not a known time zone "
                         "(use an IANA name such as Europe/London)")


def _summary(report) -> str:
    from .load_notes import duplicates_said, format_in_doubt
    if report.status == "failed":
        return f"{report.message} (load {report.load_id} failed; nothing from this file loaded)"
    counts = (f"{report.file}: {report.rows_read:,} read, {report.rows_loaded:,} loaded, "
              f"{duplicates_said(report)}, {report.rows_quarantined:,} quarantined")
    if report.status == "partial":
        first = report.message.removeprefix(f"{report.file}: ")
        where = " and ".join(f"python -m etl quarantine --load {load}" for load in report.quarantined_in)
        said = f"{counts}; first problem: {first} (all: {where})"
        if format_in_doubt(report):
            # a Twitter JSON file loaded as facebook-json read '359 quarantined' and the first
            # record's problem, with no word that no record at all was of this format
            from .sources import FORMATS  # the command's own choices, as `load --help` lists them
            said += f"; not one record loaded: is the file {report.format}? (formats: {', '.join(sorted(FORMATS))})"
        return said
    if not report.rows_read:  # a header alone, or an export of no rows: the Data page warns of it too
        return f"{counts}; the file holds no records: was it exported empty?"
    return counts


def _split_mapping(text: str) -> tuple[str, str]:
    source, sep, target = text.partition("=")
    if not sep or not source.strip() or not target.strip():
        raise UsageError(f"--map {text!r}: expected SOURCE_COLUMN=FIELD")
    return source.strip(), target.strip()


def _add_loads(commands) -> None:
    cmd = commands.add_parser("loads", help="the load log")
    db_option(cmd)
    format_option(cmd)
    cmd.set_defaults(run=_run_loads)


def _run_loads(args) -> int:
    with warehouse.connect_readonly(args.db) as con:
        frame = con.execute(f"SELECT {', '.join(LOADS_COLUMNS)} FROM loads ORDER BY load_id").df()
    write_frame(frame, args.output_format)
    return EXIT_OK


def _add_quarantine(commands) -> None:
    cmd = commands.add_parser("quarantine", help="records a load could not accept, with reasons")
    db_option(cmd)
    format_option(cmd)
    cmd.add_argument("--load", type=int, metavar="LOAD_ID", help="only this load")
    cmd.set_defaults(run=_run_quarantine)


def _run_quarantine(args) -> int:
    with warehouse.connect_readonly(args.db) as con:
        if args.load is not None and not con.execute(
                "SELECT count(*) FROM loads WHERE load_id = ?", [args.load]).fetchall()[0][0]:
            last = con.execute("SELECT max(load_id) FROM loads").fetchall()[0][0]
            raise ValueError(f"--load {args.load}: no such load; "
                             + (f"loads are numbered 1 to {last}" if last else "nothing is loaded yet"))
        from app.queries import quarantine_listing  # the Data page's loaded_in: one rule for both
        frame = quarantine_listing(con, args.load)
    write_frame(frame, args.output_format)
    return EXIT_OK


def _add_classify(commands) -> None:
    cmd = commands.add_parser("classify", help="text analytics on any CSV")
    cmd.add_argument("input", metavar="IN.csv", help="any CSV with a header row, or - for stdin")
    cmd.add_argument("--text-column", default="text", metavar="NAME",
                     help="the column holding the texts to score (default: text)")
    # every command takes one (SPEC 5); classify reads none, and says so
    cmd.add_argument("--db", default=str(warehouse.DEFAULT_DB),
                     help="accepted as every command's, and not read: classifying a CSV needs no database")
    cmd.add_argument("--out", required=True, metavar="OUT.csv",
                     help=f"the result (not IN.csv; replaced only once complete), or - for stdout; {CSV_TEXT_HELP}")
    cmd.set_defaults(run=_run_classify, reads_database=False)


STDOUT = "-"  # as an output file: stdout, as most command-line tools take it


def _run_classify(args) -> int:
    from .classify import STDIN, brand_column, read_header, readable, run
    out = "/dev/stdout" if args.out == STDOUT else args.out  # atomic_file writes it through the descriptor
    name = "stdin" if args.input == STDIN else args.input
    set_aside = []  # records of the wrong width, each said on stderr: the exit code says some were
    with readable(args.input) as source:  # a pipe copied to a file: the header and the rows are read apart
        header = read_header(source, name)
        rows = run(source, out, args.text_column, name=name, header=header, set_aside=set_aside,
                   warn=lambda message: print(f"etl: {message}", file=sys.stderr))
    by_brand = brand_column(header.columns)
    into = "stdout" if args.out == STDOUT else args.out
    print(f"etl: {name}: {rows:,} row{'' if rows == 1 else 's'} classified into {into}", file=sys.stderr)
    if by_brand is None:
        print("etl: no is_brand (or twcs inbound) column: every row was read as a customer's, "
              "so none is a deflection", file=sys.stderr)
    return EXIT_PARTIAL if set_aside else EXIT_OK
