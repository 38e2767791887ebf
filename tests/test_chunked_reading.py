"""A table is read a chunk of lines at a time (table_format.CHUNK_ROWS). Where the
chunks end must never change what is read: every file gives the same readings,
interventions and problems, with the same line numbers, whatever the chunk size."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from conftest import DATA, TODAY

from albutrend.problems import AlbutrendError
from albutrend.reading import tables as table_format
from albutrend.reading.records import ReadOptions, Records
from albutrend.reading.sources import read_sources


def snapshot(records: Records) -> tuple[object, ...]:
    return (
        [(r.date, r.measurement, r.origin, r.patient) for r in records.readings],
        [(i.date, i.text, i.origin, i.patient) for i in records.interventions],
        [str(p) for p in records.problems],
        records.problem_count,
        records.fatal,
        records.other_tests,
        records.skipped_prose,
    )


def read(path: Path, chunk: int, monkeypatch: pytest.MonkeyPatch) -> tuple[object, ...]:
    monkeypatch.setattr(table_format, "CHUNK_ROWS", chunk)
    try:
        return snapshot(read_sources([str(path)], ReadOptions(today=TODAY)))
    except AlbutrendError as e:  # a file refused whole (empty, not text)
        return (str(e),)


def messy_cohort(path: Path, seed: int) -> Path:
    """A small registry file with one of each mistake at random lines: rows that
    must be named, a row over two lines, blank and commented lines."""
    rng = random.Random(seed)
    rows = [
        f"P{rng.randrange(8)},{rng.randrange(1, 28)}-{rng.randrange(1, 13)}-2{rng.randrange(5)},"
        f"{rng.randrange(5, 3000) / 10},mg/g,"
        for _ in range(60)
    ]
    rows += ["P1,3-3-21,,,Started ramipril", 'P2,4-4-22,,,"Losartan 50 mg, then 100 mg"']
    mistakes = [
        "P3,31-2-21,45,mg/g,",  # no such date
        "P3,5-25-21,45,mg/g,",  # reads only month first: the whole file is refused
        "P4,1-1-21,12x,mg/g,",  # not a value
        "P4,1-1-21,45,mg/g,,extra",  # a cell too many
        "P5,1-1-21,45",  # cells missing
        ",1-1-21,45,mg/g,",  # no patient
        "P5,1-1-21,,,n/a",  # a placeholder, not an event
        "P5,1-1-21,,,",  # neither a value nor an event
        ",,,,",  # blank: skipped
        "",  # blank line
        "# a comment is not a row",
        'P6,2-2-22,,,"Started\nempagliflozin"',  # a quoted cell over two lines
        "P6,2-2-22,45,mg/L,",  # a concentration among ACRs: kept, not comparable
        "P7,2-2-22,<3,mg/g,",  # a bound
    ]
    for mistake in mistakes:
        rows.insert(rng.randrange(len(rows) + 1), mistake)
    path.write_text("patient,date,albumin,unit,event\n" + "\n".join(rows) + "\n")
    return path


CHUNKS = (1, 2, 3, 7, 64)


@pytest.mark.parametrize("seed", range(12))
def test_a_messy_file_reads_the_same_in_chunks_of_any_size(
    tmp_path: Path, seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = messy_cohort(tmp_path / "cohort.csv", seed)
    whole = read(path, 100_000, monkeypatch)
    assert whole[2], "the file has problems to name"
    for chunk in CHUNKS:
        assert read(path, chunk, monkeypatch) == whole, chunk


@pytest.mark.parametrize(
    "name", sorted(p.name for p in DATA.glob("*") if p.suffix in (".csv", ".txt"))
)
def test_every_quirk_file_reads_the_same_in_chunks_of_any_size(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = read(DATA / name, 100_000, monkeypatch)
    for chunk in CHUNKS:
        assert read(DATA / name, chunk, monkeypatch) == whole, chunk


@pytest.mark.parametrize("chunk", (1, 3, 100))
def test_rows_before_an_undecodable_line_are_read_and_it_is_named(
    tmp_path: Path, chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "latin.csv"
    lines = [f"{d}-1-24,{d}0,mg/g\n".encode() for d in range(1, 8)]
    lines.insert(4, b"5-2-24,50,mg/g,caf\xe9\n")
    path.write_bytes(b"date,albumin,unit\n" + b"".join(lines))
    read_back = read(path, chunk, monkeypatch)
    assert [(r[0].day, r[2].line) for r in read_back[0]] == [(1, 2), (2, 3), (3, 4), (4, 5)]  # type: ignore[index]
    assert read_back[2] == [
        f"{path}:6: '5-2-24,50,mg/g,caf\\xe9' is not valid UTF-8 text (byte 0xe9): if the "
        "file was saved by Excel or Windows, read it with --encoding cp1252 (or --encoding "
        "latin-1); the lines after it were not read (--skip-invalid cannot skip this)"
    ]
