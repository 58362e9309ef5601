"""A line chart of many brands draws the busiest of them and says which it leaves out.

An agency's warehouse holds dozens of brands (the twcs export's first 5,000 rows: 76). Drawn
all at once, a Vega-Lite chart's legend of 38 rows took the chart's whole height: the plot
shrank to a strip a few pixels high and the legend was cut after 14 names, saying nothing of
the other 62; and ten colours by seven shapes cannot tell 76 lines apart anyway.
"""

from __future__ import annotations

import pandas as pd

from .formatting import listed
from .safe import markdown_text

MOST_LINES = 10  # as many as the palette has colours (app.brand_colours.PALETTE)
NAMED_LEFT_OUT = 3  # brands left out named one by one in the note, the busiest first


def busiest(frame: pd.DataFrame, series: str, weight: str, most: int = MOST_LINES) -> tuple[pd.DataFrame, list[str]]:
    """The rows of the `most` series with the largest total `weight`, and the names of the
    series left out, the busiest first (ranked())."""
    if not len(frame):
        return frame, []
    kept, left_out = ranked(frame.groupby(frame[series].astype(str))[[weight]].sum(), most)
    return (frame, []) if not left_out else (drawn_rows(frame, kept, series), left_out)


def drawn_rows(frame: pd.DataFrame, drawn: list[str], series: str = "brand") -> pd.DataFrame:
    """The rows of frame of the series drawn (busiest, ranked), matched by name as text, as
    ranked names them: a brand column may be categorical."""
    return frame[frame[series].astype(str).isin(drawn)]


def ranked(scores: pd.DataFrame, most: int = MOST_LINES) -> tuple[list[str], list[str]]:
    """The names (the index of scores) of the `most` highest scores, and those of the others:
    by the first column, then the next on a tie, and so on, then by name."""
    order = scores.assign(_name=scores.index.astype(str)).sort_values(
        [*scores.columns, "_name"], ascending=[False] * len(scores.columns) + [True], kind="stable")
    names = order["_name"].tolist()
    return names[:most], names[most:]


def spike_chart_brands(alerts: pd.DataFrame, counts: pd.DataFrame, picked: str | None,
                       most: int = MOST_LINES) -> tuple[list[str], list[str]]:
    """The brands the spikes chart draws and those it leaves out (ranked()): the picked spike's
    brand first (its posts are under the chart), then the brands with the most spikes (alerts'
    rows), then by negative mentions (counts: a column of each brand's per bucket). Ranked by
    spikes alone, the largest spike of a brand with one was left out."""
    scores = pd.DataFrame({"spikes": alerts.groupby("brand").size(), "negative": counts.sum()}).fillna(0)
    picked_first = scores.index.astype(str) == picked
    return ranked(scores.assign(picked=picked_first)[["picked", "spikes", "negative"]], most)


def left_out_note(left_out: list[str], drawn: int, by: str, chosen: bool = False,
                  advice: str | None = None) -> str | None:
    """Say that a chart draws only the `drawn` busiest brands (by: what they are busiest in)
    and which it leaves out, and where to see those; None when it leaves none out. chosen: the
    brands are the sidebar's choice, so each one left out is named (the quietest, maybe the
    client's own, went unnamed in 'and 1 more') and the advice is to choose fewer; advice: what
    draws them where choosing brands does not (a comparison with a whole industry)."""
    if not left_out:
        return None
    shown = len(left_out) if chosen else NAMED_LEFT_OUT
    named = [markdown_text(name) for name in left_out[:shown]]
    if len(left_out) > shown:
        named.append(f"{len(left_out) - shown:,} more")
    advice = advice or (f"choose at most {MOST_LINES} brands in the sidebar to draw them all" if chosen
                        else "choose brands in the sidebar to draw them")
    return (f"The chart draws the {drawn:,} brands with the most {by} of the {drawn + len(left_out):,} in the "
            f"selection, as more lines cannot be told apart; it leaves out {listed(named)}. Their numbers are in "
            f"the table under the chart; {advice}.")
