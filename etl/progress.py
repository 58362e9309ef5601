"""Progress on stderr, so stdout carries only the output a user asked for.

On a terminal it redraws one line; elsewhere (CI logs, pipes) it prints a line every few
seconds so a long job is visibly alive without flooding the log."""

from __future__ import annotations

import sys
import time


class Progress:
    def __init__(self, label: str, total: int | None = None, unit: str = "records",
                 enabled: bool = True, stream=None):
        self.label, self.total, self.unit = label, total, unit
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.done = 0
        self._start = self._last = time.monotonic()
        self._tty = hasattr(self.stream, "isatty") and self.stream.isatty()

    def advance(self, count: int = 1) -> None:
        self.done += count
        now = time.monotonic()
        if self.enabled and now - self._last >= (0.2 if self._tty else 5.0):
            self._last = now
            self._draw(end="\r" if self._tty else "\n")

    def close(self, note: str = "") -> None:
        if self.enabled and self._tty:
            self._draw(end="\n", note=note)

    def _draw(self, end: str, note: str = "") -> None:
        elapsed = max(time.monotonic() - self._start, 1e-9)
        rate = f"{self.done / elapsed:,.0f}/s"
        if self.total:
            share = min(self.done / self.total, 1.0)
            bar = "#" * int(share * 30)
            text = f"{self.label} [{bar:<30}] {share:4.0%} {self.done:,}/{self.total:,} {self.unit} {rate}"
        else:
            text = f"{self.label}: {self.done:,} {self.unit} {rate}"
        print(f"{text} {note}".rstrip().ljust(79), end=end, file=self.stream, flush=True)
