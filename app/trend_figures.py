"""Pure figure builders for the Trends page (and reports): frames in, plotly figures out.

Every label and hover text from the data goes through safe.plot_text. Each point carries
customdata [bucket ISO string, series position] so a click can be mapped back to its bucket
and brand (or reason) without putting any raw name into the figure.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from . import safe

_LAYOUT = dict(margin=dict(l=10, r=10, t=40, b=10), hovermode="closest",
               legend=dict(orientation="h", yanchor="top", y=-0.12, x=0))


def bucket_key(value) -> str:
    """The ISO text that identifies a bucket in customdata and selectboxes."""
    return pd.Timestamp(value).isoformat()


def _keys(buckets) -> np.ndarray:
    """bucket_key of each bucket, as an object array (computed once per figure)."""
    return np.array([bucket_key(b) for b in buckets], dtype=object)


def _custom(keys: np.ndarray, position: int) -> np.ndarray:
    """customdata rows [bucket key, series position] as one 2-D array: plotly validates an
    array at once, where a list of lists is checked point by point (seconds for an hourly
    chart of a 1M-mention database)."""
    custom = np.empty((len(keys), 2), dtype=object)
    custom[:, 0] = keys
    custom[:, 1] = position
    return custom


def _series_figure(frame: pd.DataFrame, series: str, value: str, title: str, y_title: str,
                   kind: str = "line", hover_format: str = "%{y:,}") -> go.Figure:
    fig = go.Figure()
    names = list(dict.fromkeys(frame[series])) if len(frame) else []
    for position, name in enumerate(names):
        rows = frame[frame[series] == name]
        label = safe.plot_text(name)
        custom = _custom(_keys(rows["bucket"]), position)
        common = dict(x=rows["bucket"], y=rows[value], name=label, customdata=custom,
                      hovertemplate=f"{label}<br>%{{x|%Y-%m-%d}}: {hover_format}<extra></extra>")
        if kind == "bar":
            fig.add_trace(go.Bar(**common))
        else:
            fig.add_trace(go.Scatter(mode="lines+markers", marker=dict(size=5), **common))
    fig.update_layout(title=title, yaxis_title=y_title, **_LAYOUT)
    if kind == "bar":
        fig.update_layout(barmode="stack")
    return fig


def series_names(frame: pd.DataFrame, series: str) -> list[str]:
    """The series in the order the figure builders number them (customdata position)."""
    return list(dict.fromkeys(frame[series])) if len(frame) else []


def volume_figure(frame: pd.DataFrame) -> go.Figure:
    return _series_figure(frame, "brand", "mentions", "Customer mentions", "mentions")


def sentiment_figure(frame: pd.DataFrame) -> go.Figure:
    fig = _series_figure(frame, "brand", "net_sentiment", "Net sentiment", "net sentiment",
                         hover_format="%{y:+.2f}")
    fig.update_yaxes(range=[-1.05, 1.05], zeroline=True)
    return fig


def reasons_figure(frame: pd.DataFrame) -> go.Figure:
    return _series_figure(frame, "reason", "complaints", "Complaints by reason", "complaints",
                          kind="bar")


def share_figure(frame: pd.DataFrame) -> go.Figure:
    fig = _series_figure(frame, "brand", "share", "Share of voice", "share of the comparison set",
                         hover_format="%{y:.1%}")
    fig.update_yaxes(tickformat=".0%", range=[0, 1.02])
    return fig


def spikes_figure(counts: pd.DataFrame, alerts: pd.DataFrame) -> go.Figure:
    """Negative customer mentions per bucket and brand (lines), spikes as red markers."""
    fig = go.Figure()
    brands = list(counts.columns)
    keys = _keys(counts.index)
    for position, brand in enumerate(brands):
        label = safe.plot_text(brand)
        fig.add_trace(go.Scatter(
            x=counts.index, y=counts[brand].to_numpy(), mode="lines", name=label,
            customdata=_custom(keys, position),
            hovertemplate=f"{label}<br>%{{x}}: %{{y}} negative<extra></extra>"))
    if len(alerts):
        labels = [safe.plot_text(b) for b in alerts["brand"]]
        fig.add_trace(go.Scatter(
            x=alerts["window_start"], y=alerts["count"], mode="markers", name="spike",
            marker=dict(color="crimson", size=11, symbol="diamond"),
            customdata=[[bucket_key(w), brands.index(b) if b in brands else -1]
                        for w, b in zip(alerts["window_start"], alerts["brand"])],
            text=labels,
            hovertemplate="spike: %{text}<br>%{x}: %{y} negative<extra></extra>"))
    fig.update_layout(title="Negative volume and spikes", yaxis_title="negative mentions", **_LAYOUT)
    return fig
