"""What every command's output shares: the --db and --format options, and write_frame, which
writes a result table to stdout. A module of its own so that cli.py and the modules whose
commands it registers (metrics_cli, demo, audit_cli) all import it at the top, where
metrics_cli once imported cli's private helpers inside functions (the two import each other)."""

from __future__ import annotations

import argparse
import datetime
import decimal
import json
import math
import sys

import numpy as np
import pandas as pd

from . import warehouse
from .csv_out import plain_values, write_csv

CSV_TEXT_HELP = ("in CSV output a text cell starting with =, +, -, @, tab or a line break gets a "
                 "leading apostrophe, so a spreadsheet shows it as text instead of running it")


def db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", default=str(warehouse.DEFAULT_DB),
                        help="database file (default: %(default)s)")


def format_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=("csv", "json"), default="csv", dest="output_format",
                        help=f"output format (default: csv); {CSV_TEXT_HELP}")


def write_frame(frame, output_format: str, stream=None) -> None:
    """Write a result table to stdout as CSV or JSON records (times in ISO 8601)."""
    stream = stream or sys.stdout
    if stream is None:  # Python's stdout where the shell closed it (`>&-`): to_csv returned the text, exit 0
        raise ValueError("stdout is closed, so the output has nowhere to go: redirect it to a file or a pipe")
    try:
        if output_format == "json":
            json.dump(_json_records(frame), stream, ensure_ascii=False, indent=1, default=_json_scalar)
            stream.write("\n")
        else:
            write_csv(plain_values(frame), stream)
        stream.flush()  # here, not at exit, so a full disk is said as below
    except BrokenPipeError:
        raise
    except OSError as err:  # `> /dev/full` said '[Errno 28] No space left on device', naming no output
        raise OSError(err.errno, err.strerror, "stdout") from None


def _json_records(frame) -> list[dict]:
    """The rows as the CSV has them: floats to the last digit (pandas' to_json rounds to
    10), times to the microsecond in ISO 8601 with their offset; missing values, and
    infinities (which JSON cannot hold), null."""
    plain = frame.astype(object)
    missing = frame.isna() | plain.isin([math.inf, -math.inf])
    return plain.where(~missing, None).to_dict(orient="records")


def _json_scalar(value):
    """What json cannot write itself: times, durations, decimals, and numbers numpy kept."""
    if isinstance(value, (datetime.datetime, datetime.date)):  # pandas' Timestamp too
        return value.isoformat()
    if isinstance(value, datetime.timedelta):  # pandas' Timedelta too: ISO 8601, 'P0DT0H1M0S'
        return pd.Timedelta(value).isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, (np.integer, np.floating, np.bool_)):
        return value.item()
    return str(value)
