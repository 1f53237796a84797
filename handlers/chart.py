"""The /underskott chart: figures over time as PNG bytes (matplotlib, Agg: no display needed)."""

from __future__ import annotations

import io
from functools import lru_cache

from knowledge.views import FigureReport

MIN_POINTS = 3
LABELS = {"utfall": "Utfall", "prognos": "Prognos", "budgetavvikelse": "Avvikelse mot budget"}


def chartable(report: FigureReport) -> bool:
    """A chart says something only with three or more dated points of one kind."""
    return any(
        len({f.source.date for f in series if f.source.date}) >= MIN_POINTS
        for kind, series in report.series.items()
        if kind in LABELS
    )


def figure_chart(report: FigureReport) -> bytes | None:
    """PNG of utfall/prognos/avvikelse over protocol dates, or None when there is too little."""
    if not chartable(report):
        return None
    series = tuple(
        (kind, tuple((f.source.date, float(f.value_mnkr)) for f in points if f.source.date))
        for kind, points in sorted(report.series.items())
        if kind in LABELS
    )
    title = report.body.name if report.body else ""
    return _png(title, series)


@lru_cache(maxsize=64)
def _png(title: str, series: tuple) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7, 4), dpi=110)
    ax = fig.subplots()
    for kind, points in series:
        if not points:
            continue
        xs, ys = zip(*sorted(points), strict=True)
        ax.plot(xs, ys, marker="o", label=LABELS[kind])
    ax.axhline(0, color="grey", linewidth=0.8)
    ax.set_ylabel("mnkr")
    ax.set_title(title)
    ax.grid(True, alpha=0.3)
    ax.legend()
    fig.autofmt_xdate()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()
