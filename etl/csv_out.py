"""CSV output that survives any text: the header as is, every text cell quoted.

pandas quotes a cell only for a comma, quote or newline, so a bare carriage return (common in
real exports) went out unquoted and split the row for every reader."""

from __future__ import annotations

import csv
import io

import pandas as pd


def write_csv(frame: pd.DataFrame, stream, header: bool = True) -> None:
    if header:
        frame.head(0).to_csv(stream, index=False)
    frame.to_csv(stream, index=False, header=False, quoting=csv.QUOTE_NONNUMERIC)


def csv_text(frame: pd.DataFrame) -> str:
    out = io.StringIO()
    write_csv(frame, out)
    return out.getvalue()
