"""One colour per brand on every chart: Vega-Lite's category colours (tableau10), given by
the brand's place in the sorted list of every brand (filters.brand_names()), so a brand keeps
its colour whichever page shows it and whichever brands a filter shows beside it."""

from __future__ import annotations

import math

import altair as alt

# Legends sit under the charts in rows of this many: one row of six brands ran past the right
# edge at 1280 px ("Zephyrine Airw"), and Vega-Lite does not wrap a legend by itself; rows of
# four, about 620 px, still lost two brands on a phone and cut one at 1024 px (a review at
# 390, 820 and 1024 px), so an executive could not tell whose line spiked.
LEGEND_COLUMNS = 2
# A legend row as Chromium draws it under a chart (30 px at 1280). Streamlit fits a Vega-Lite
# chart to its height (autosize "fit"), legend included: ten brands' five rows left the plot of a
# 320 px chart a strip 30 px high, its lines flat.
LEGEND_ROW_PX = 30

PALETTE = ("#4c78a8", "#f58518", "#e45756", "#72b7b2", "#54a24b", "#eeca3b", "#b279a2",
           "#ff9da6", "#9d755d", "#bab0ac")


# A point's shape per brand, beside its colour: under deuteranopia the palette's red (the
# demo's third brand) and green (its fifth) are the same colour (CIE76 distance 1.7), orange
# and yellow nearly (13), so a line told from another by hue alone was lost (accessibility
# review, WCAG 1.4.1). No diamond: it marks spikes and shrunk estimates. Seven shapes against
# ten colours: no two of the first 70 places share both.
SHAPES = ("circle", "square", "triangle-up", "cross", "triangle-down", "triangle-right", "triangle-left")
POINT_SIZE = 50  # px², a line's points: the shapes told apart at 1024 px (at 30, a triangle read as a dot)


def colours(names, every) -> list[str | None]:
    """The colour of each name: that of its place among `every` (names not in it follow);
    with no `every`, None for each (the chart's own colours)."""
    return _by_place(names, every, PALETTE)


def shapes(names, every) -> list[str | None]:
    """The point shape of each name, by its place among `every` as colours() gives colours."""
    return _by_place(names, every, SHAPES)


def _by_place(names, every, choices) -> list[str | None]:
    if every is None:
        return [None] * len(names)
    place = {name: i for i, name in enumerate(dict.fromkeys([*every, *names]))}
    return [choices[place[name] % len(choices)] for name in names]


def shape(field: str, labels: list[str], names, every) -> alt.Shape:
    """The shape channel of a chart whose `field` shows `labels` (of `names`): each brand's
    shape by its place (shapes()), or with no `every` SHAPES in the labels' order; one legend
    with the colour's (same field, no title)."""
    scale = alt.Scale(domain=labels, range=SHAPES if every is None else shapes(names, every))
    return alt.Shape(field, sort=labels, scale=scale, title=None, legend=legend())


def legend_height(series: int) -> int:
    """The height in px the legend of `series` names takes under a chart (legend()), to add to the
    chart's own, so the plot keeps its height however many brands it names."""
    return math.ceil(series / LEGEND_COLUMNS) * LEGEND_ROW_PX


def legend() -> alt.Legend:
    """The legend of every Vega-Lite chart with series: under it, in rows of LEGEND_COLUMNS,
    its symbols opaque (a chart's half-transparent interval rules made the yellow brand's
    swatch all but invisible on white)."""
    return alt.Legend(orient="bottom", columns=LEGEND_COLUMNS, symbolOpacity=1)
