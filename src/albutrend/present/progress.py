"""A status line on stderr while a large input is read and reported.

Only on a terminal (never in a pipe or a log) and only after a delay, so a
consult's few readings never see it; the thread module is imported only then.
"""

from __future__ import annotations

import os
import sys
import time
from typing import IO

DELAY = 1.5  # seconds before the line appears
LARGE = 2_000_000  # bytes of input below which no line is ever shown (well under a second)


class Progress:
    """`with Progress(paths): ... progress.phase("writing the report")`."""

    def __init__(self, paths: list[str], stream: IO[str] | None = None) -> None:
        self.stream = stream or sys.stderr
        sizes = [_size(p) for p in paths]
        self.paths, self.sizes = paths, sizes
        self.size = None if None in sizes else sum(s or 0 for s in sizes)
        self.what = "reading"
        self.started = time.monotonic()
        self._stop: object | None = None
        self.shown = False

    def wanted(self) -> bool:
        try:
            terminal = self.stream.isatty()
        except (AttributeError, ValueError):
            terminal = False
        return terminal and (self.size is None or self.size >= LARGE)

    def __enter__(self) -> Progress:
        if self.wanted():
            import threading

            stop = threading.Event()
            self._stop = stop
            threading.Thread(target=self._run, args=(stop,), daemon=True).start()
        return self

    def phase(self, what: str) -> None:
        """Name the next phase; the line is cleared now (it is redrawn at the next
        tick), since warnings about what was read come on stderr right after."""
        self.what = what
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()

    def _run(self, stop: object) -> None:
        import threading

        assert isinstance(stop, threading.Event)
        if stop.wait(DELAY):
            return
        size = f" {self.size / 1e6:.0f} MB" if self.size else ""
        while not stop.is_set():
            seconds = time.monotonic() - self.started
            done = self.percent_read() if self.what == "reading" else None
            read = f" {done}%" if done is not None else ""
            self.stream.write(f"\ralbutrend: {self.what}{size}…{read} {seconds:.0f} s\x1b[K")
            self.stream.flush()
            self.shown = True
            stop.wait(0.5)

    def percent_read(self) -> int | None:
        """How much of the input has been read, in percent of its bytes (at most 99:
        100 would say it is done before the last line is parsed); None when not
        known (standard input, or no file open yet)."""
        from albutrend.reading.sources import NOW_READING

        if not self.size or not NOW_READING:
            return None
        stream = NOW_READING[-1]
        try:
            k = self.paths.index(stream.name)
            where = os.lseek(stream.fileno(), 0, os.SEEK_CUR)
        except (ValueError, OSError, AttributeError):
            return None
        done = sum(s or 0 for s in self.sizes[:k]) + where
        return min(99, done * 100 // self.size)

    def __exit__(self, *_: object) -> None:
        if self._stop is not None:
            import threading

            assert isinstance(self._stop, threading.Event)
            self._stop.set()
            if self.shown:
                self.stream.write("\r\x1b[K")  # clear the line: the results follow
                self.stream.flush()


def _size(path: str) -> int | None:
    if path == "-":
        return None
    try:
        return os.path.getsize(path)
    except OSError:
        return 0
