"""One colour per brand on every chart: Vega-Lite's category colours (tableau10), given by
the brand's place in the sorted list of every brand (filters.brand_names()), so a brand keeps
its colour whichever page shows it and whichever brands a filter shows beside it."""

from __future__ import annotations

import altair as alt

# Legends sit under the charts in rows of this many: one row of six brands ran past the right
# edge at 1280 px ("Zephyrine Airw"), and Vega-Lite does not wrap a legend by itself; rows of
# four, about 620 px, still lost two brands on a phone and cut one at 1024 px (a review at
# 390, 820 and 1024 px), so an executive could not tell whose line spiked.
LEGEND_COLUMNS = 2

PALETTE = ("#4c78a8", "#f58518", "#e45756", "#72b7b2", "#54a24b", "#eeca3b", "#b279a2",
           "#ff9da6", "#9d755d", "#bab0ac")


def colours(names, every) -> list[str | None]:
    """The colour of each name: that of its place among `every` (names not in it follow);
    with no `every`, None for each (the chart's own colours)."""
    if every is None:
        return [None] * len(names)
    place = {name: i for i, name in enumerate(dict.fromkeys([*every, *names]))}
    return [PALETTE[place[name] % len(PALETTE)] for name in names]


def legend() -> alt.Legend:
    """The legend of every Vega-Lite chart with series: under it, in rows of LEGEND_COLUMNS."""
    return alt.Legend(orient="bottom", columns=LEGEND_COLUMNS)
