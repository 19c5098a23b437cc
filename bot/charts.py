"""Charts for /stats and digests: message volume and sentiment per day, as a PNG (Agg).

matplotlib is imported on the first chart, not at start (about 30 MB a process would carry
for a command run a few times a day), and without pyplot: a Figure of its own per chart, no
global state shared between threads.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence


def activity_chart(days: Sequence[str], series: Mapping[str, Mapping[str, int]],
                   title: str) -> bytes:
    """Bars: messages per day; lines: positive and negative messages. Returns PNG bytes."""
    from matplotlib.figure import Figure

    labels = [d[5:] for d in days]
    messages = [series.get(d, {}).get("messages", 0) for d in days]
    positive = [series.get(d, {}).get("sent_pos", 0) for d in days]
    negative = [series.get(d, {}).get("sent_neg", 0) for d in days]
    figure = Figure(figsize=(8, 3.6), dpi=100)
    axis = figure.subplots()
    axis.bar(labels, messages, color="#c9b79c", label="messages")
    axis.plot(labels, positive, color="#2e7d32", marker="o", label="positive")
    axis.plot(labels, negative, color="#c62828", marker="o", label="negative")
    axis.set_title(title)
    axis.legend(loc="upper left", fontsize=8)
    axis.tick_params(axis="x", labelrotation=45, labelsize=7)
    axis.grid(axis="y", alpha=0.3)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
