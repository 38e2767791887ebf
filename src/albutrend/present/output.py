"""Choosing and writing an output format. No typer here; Rich is imported only when
a terminal table is asked for, so a pipe never pays for it."""

from __future__ import annotations

import io
import os
import stat
import sys
from collections.abc import Mapping, Sequence
from contextlib import suppress
from typing import IO, TYPE_CHECKING, Any

from albutrend.clinical.analysis import Report, Settings, Timeline
from albutrend.notices import Notice
from albutrend.problems import AlbutrendError, UsageError, printable

if TYPE_CHECKING:
    from albutrend.present.chart import ChartLine
    from albutrend.present.views import Block

FORMATS = ("auto", "table", "tsv", "csv", "json", "jsonl", "markdown")
# Formats written row by row from the records: a registry file's report is never
# held whole (the others need every result at once, and serve smaller inputs).
STREAMED = ("tsv", "csv", "json", "jsonl")


def stdout_is_terminal(
    stream: IO[str] | None = None, environ: Mapping[str, str] | None = None
) -> bool:
    """Whether Rich would treat `stream` as a terminal: TTY_COMPATIBLE and
    FORCE_COLOR first, as Rich documents them, then isatty()."""
    env = os.environ if environ is None else environ
    stream = stream or sys.stdout
    tty_compatible = env.get("TTY_COMPATIBLE", "")
    if tty_compatible in ("0", "1"):
        return tty_compatible == "1"
    force_color = env.get("FORCE_COLOR")
    if force_color is not None:
        return force_color != ""
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def resolve_format(fmt: str, stream: IO[str] | None = None) -> str:
    """`auto` is a table on a terminal and TSV anywhere else."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown format '{fmt}' (choose from {', '.join(FORMATS)})")
    if fmt == "auto":
        return "table" if stdout_is_terminal(stream) else "tsv"
    return fmt


def write_report(report: Report, fmt: str, out: IO[str], *, raw: bool = False) -> None:
    """Write `report` to `out` in a resolved format (not `auto`)."""
    if fmt == "table":  # the consult's path: no export module to load
        from albutrend.present.terminal import make_console, render
        from albutrend.present.views import report_blocks

        render(report_blocks(report), make_console(out))
        return
    from albutrend.present import export

    if fmt == "tsv":
        export.write_delimited(report, out, "\t", raw=raw)
    elif fmt == "csv":
        export.write_delimited(report, out, ",", raw=raw)
    elif fmt in ("json", "jsonl"):
        from albutrend.present import export_json

        (export_json.write_json if fmt == "json" else export_json.write_jsonl)(report, out)
    elif fmt == "markdown":
        from albutrend.present.views import report_blocks

        export.write_markdown(report_blocks(report), out)
    else:
        raise UsageError(f"unknown format '{fmt}'")


# ---- `report --save` -------------------------------------------------------------

# The file's extension says what to write (any case).
SAVE_EXTENSIONS = {".html": "html", ".htm": "html", ".svg": "svg", ".txt": "text"}
# A saved report is as wide as this whatever the terminal: the same input gives
# the same file.
SAVE_WIDTH = 100


def save_kind(path: str, inputs: list[str]) -> str:
    """What `--save PATH` writes (html, svg or text), refusing a path that cannot or
    must not be written: checked before anything is read, so a mistake costs nothing."""
    shown = printable(path)
    extension = os.path.splitext(path)[1].lower()
    if os.path.isdir(path) and not os.path.islink(path):
        raise UsageError(f"--save: '{shown}' is a directory; name a file, e.g. report.html")
    if extension not in SAVE_EXTENSIONS:
        raise UsageError(
            f"--save: '{shown}' has {f'the extension {extension}' if extension else 'no extension'}"
            "; use .html, .svg or .txt"
        )
    check_save_path(path, inputs)
    return SAVE_EXTENSIONS[extension]


def check_save_path(path: str, inputs: list[str], option: str = "--save") -> None:
    """Refuse a path a saved file must not replace (UsageError, exit 2): a directory,
    a symbolic link (in a shared folder it could point at any file the user can
    write), anything but a regular file (a FIFO would block, a device is not a
    report), a folder that does not exist, an input file, or the file standard input
    reads (`report - --save notes.txt < notes.txt`). Any save path is checked so
    before anything is read, and again by `write_private` when it writes."""
    shown = printable(path)
    _refuse_unsafe_target(path, option)
    parent = os.path.dirname(path) or "."
    if not os.path.isdir(parent):
        raise UsageError(f"{option}: '{shown}': no directory '{printable(parent)}'")
    try:
        target = os.stat(path)
    except OSError:
        return  # absent: nothing there to protect
    # Standard input first, whether `-` is read or not: a file redirected into
    # albutrend (`< notes.txt`) is never replaced, even through `/dev/stdin`.
    if _is_standard_input(target):
        raise UsageError(f"{option}: '{shown}' is standard input; save the report elsewhere")
    for source in inputs:
        try:
            same = source != "-" and os.path.samefile(source, path)
        except OSError:
            same = False
        if same:
            raise UsageError(f"{option}: '{shown}' is an input file; save the report elsewhere")
        if source != "-" and not same and _is_pipe(source):
            # `report <(cat notes.txt) --save notes.txt`: a pipe cannot be traced to the
            # file it comes from, which may be this one. Never replaced on a guess.
            raise UsageError(
                f"{option}: '{shown}' exists and the input '{printable(source)}' is a pipe "
                "albutrend cannot trace to its file (it may be this one): save the report "
                "to a new path, or name the input file itself"
            )


def _is_pipe(path: str) -> bool:
    """An input that is a pipe or a device (`<(…)`, `/dev/stdin`), not a file."""
    try:
        return not stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


class StandardInputSeen(io.RawIOBase):
    """Standard input as read, fingerprinted on the way (size and SHA-256): a pipe
    cannot be traced to its file (`cat notes.txt | albutrend report - --save
    notes.txt`), but the save path can be compared with what came through it."""

    def __init__(self, raw: IO[bytes]) -> None:
        import hashlib

        super().__init__()
        self._raw = raw
        self._hash = hashlib.sha256()
        self.size = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        read = getattr(self._raw, "read1", self._raw.read)
        data = read(len(buffer))
        n = len(data)
        buffer[:n] = data
        self._hash.update(data)
        self.size += n
        return n

    def isatty(self) -> bool:
        return self._raw.isatty()

    def fileno(self) -> int:
        return self._raw.fileno()

    def digest(self) -> bytes:
        return self._hash.digest()


def watch_standard_input(inputs: list[str]) -> StandardInputSeen | None:
    """When `-` is read from a pipe (or anything but a regular file, which
    `check_save_path` compares by inode), read it through a `StandardInputSeen`."""
    if "-" not in inputs or sys.stdin is None:
        return None
    try:
        if stat.S_ISREG(os.fstat(sys.stdin.fileno()).st_mode):
            return None
    except (OSError, ValueError):
        return None
    seen = StandardInputSeen(sys.stdin.buffer)
    sys.stdin = io.TextIOWrapper(io.BufferedReader(seen), encoding=sys.stdin.encoding)
    return seen


def refuse_saving_over_what_was_read(path: str, seen: StandardInputSeen | None) -> None:
    """Refuse (exit 2) a save path that holds exactly what standard input read: the
    notes piped in would be replaced by their own report."""
    if seen is None:
        return
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode) or st.st_size != seen.size:
            return
        import hashlib

        with open(path, "rb") as file:
            same = hashlib.file_digest(file, "sha256").digest() == seen.digest()
    except OSError:
        return
    if same:
        raise UsageError(
            f"--save: '{printable(path)}' holds what standard input read (piped from it?); "
            "save the report elsewhere"
        )


def _is_standard_input(target: os.stat_result) -> bool:
    """Whether the file standard input reads is `target` (same device and inode)."""
    if sys.stdin is None:  # closed: the next file opened may have taken its place
        return False
    try:
        stdin = os.fstat(sys.stdin.fileno())
    except (OSError, ValueError, AttributeError):
        return False
    return (stdin.st_dev, stdin.st_ino) == (target.st_dev, target.st_ino)


def _refuse_unsafe_target(path: str, option: str) -> None:
    try:
        st = os.lstat(path)
    except OSError:
        return  # absent (or unreachable: the write says why)
    shown = printable(path)
    if stat.S_ISLNK(st.st_mode):
        raise UsageError(
            f"{option}: '{shown}' is a symbolic link; albutrend never writes through one "
            "(remove it, or name the file itself)"
        )
    if stat.S_ISDIR(st.st_mode):
        raise UsageError(f"{option}: '{shown}' is a directory; name a file, e.g. report.html")
    if not stat.S_ISREG(st.st_mode):
        raise UsageError(
            f"{option}: '{shown}' is not a regular file (a FIFO, socket or device); "
            "name a file, e.g. report.html"
        )


def write_private(path: str, content: str | bytes, option: str = "--save") -> None:
    """Write a file that holds patient data, safely; every saved file goes through here.

    - Readable by its owner only: created 0600 whatever the umask.
    - All or nothing: written to a temporary file in the same folder (created with
      O_EXCL, never an existing file), flushed and synced to disk, then renamed onto
      `path` in one step. A failure (a full disk, Ctrl-C) leaves the file that was
      there as it was, and no partial or temporary file.
    - Never through a symbolic link, never onto anything but a regular file: such a
      path is refused (UsageError, exit 2), as `check_save_path` refuses it.

    Another failure is an AlbutrendError (exit 1) naming the path and the reason.
    """
    import tempfile

    _refuse_unsafe_target(path, option)
    shown = printable(path)
    if os.path.exists(path) and not os.access(path, os.W_OK):
        # A file made read-only stays as it is: a rename could replace it.
        raise AlbutrendError(f"{option}: cannot write '{shown}': Permission denied")
    data = content.encode("utf-8") if isinstance(content, str) else content
    folder = os.path.dirname(path) or "."
    temp = None
    try:
        fd, temp = tempfile.mkstemp(dir=folder, prefix=f".{os.path.basename(path)}.", suffix=".tmp")
        try:
            os.fchmod(fd, 0o600)
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temp, path)
        temp = None
    except IsADirectoryError:
        raise UsageError(f"{option}: '{shown}' is a directory") from None
    except OSError as e:
        reason = e.strerror or type(e).__name__
        raise AlbutrendError(f"{option}: cannot write '{shown}': {reason}") from None
    finally:
        if temp is not None:  # anything failed, Ctrl-C included: no temporary file left
            with suppress(OSError):
                os.unlink(temp)
    _sync_folder(folder)


def _sync_folder(folder: str) -> None:
    """Make the rename itself durable (POSIX: the folder's entry is synced)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems cannot sync a folder: the file itself is synced
    finally:
        os.close(fd)


def save_report(report: Report, path: str, kind: str) -> None:
    """Write the terminal's view of `report` to `path` (replacing a file there) and
    nowhere else, by `write_private`."""
    from albutrend import __version__

    if kind == "html":  # a clinical document: headings, notes, charts, tables
        from albutrend.present.report_html import page

        write_private(path, page(report))
        return
    from albutrend.present.views import Line, report_blocks

    # A saved report stands on its own: it says what it was made from and what was
    # left out while reading.
    source = ", ".join(report.sources) or "standard input"
    blocks: list[Block] = [Line(f"albutrend {__version__} report of {source}", "dim")]
    blocks += report_blocks(report)
    blocks += [Line(f"Note: {warning}", "dim") for warning in report.warnings[:20]]
    save_blocks(blocks, path, kind)


def save_blocks(blocks: list[Block], path: str, kind: str) -> None:
    """Write `blocks` as a terminal shows them, SAVE_WIDTH columns wide, to `path`
    by `write_private` (replacing a file there) and nowhere else: `report --save`
    and `cohort --save`."""
    from albutrend.present.terminal import export

    write_private(path, export(blocks, kind, SAVE_WIDTH))


def save_chart(report: Report, lines: list[ChartLine], path: str, kind: str) -> None:
    """`chart --save`: the charts alone, as a vector picture (no window frame), a page
    or the text chart."""
    from albutrend.present import report_html
    from albutrend.problems import printable

    if kind == "svg":
        content = report_html.chart_svg(report)
    elif kind == "html":
        content = report_html.chart_page(report)
    else:
        content = "".join(printable(line.text) + "\n" for line in lines)
    write_private(path, content)


def write_rows(
    timelines: list[Timeline],
    settings: Settings,
    fmt: str,
    out: IO[str],
    *,
    raw: bool = False,
    warnings: Sequence[Notice] = (),
) -> None:
    """Write a STREAMED format straight from the timelines (`analysis.timelines`), a
    patient at a time: the same text as `write_report` on `analysis.analyse`'s report
    (`warnings` are those of the report, for JSON)."""
    if fmt in ("json", "jsonl"):
        from albutrend.present import export_json

        if fmt == "json":
            export_json.write_timelines_json(timelines, settings, warnings, out)
        else:
            export_json.write_timelines_jsonl(timelines, settings, out)
    elif fmt in ("tsv", "csv"):
        from albutrend.present import export

        export.write_timelines(timelines, settings, out, "\t" if fmt == "tsv" else ",", raw)
    else:
        raise UsageError(f"format '{fmt}' is not written row by row")
