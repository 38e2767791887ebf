"""Warnings are typed records: kind, file, line, text and message in their own fields;
stderr says each on one line, JSON as an object."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from albutrend.cli import app
from albutrend.model import Origin
from albutrend.notices import KINDS, Notice, stderr_lines
from albutrend.problems import Problem


def test_a_skipped_line_keeps_its_file_line_text_and_message_apart():
    notice = Notice.skipped(Problem(Origin("a.txt", 3), "31-2-24", "is not a date"))
    assert notice.as_dict() == {
        "kind": "line_skipped",
        "file": "a.txt",
        "line": 3,
        "text": "31-2-24",
        "message": "is not a date",
    }
    assert str(notice) == "skipped a.txt:3: '31-2-24' is not a date"


def test_a_notice_about_a_whole_file_or_nothing_in_particular():
    assert str(Notice("prose_skipped", "2 line(s) skipped", "a.txt")) == "a.txt: 2 line(s) skipped"
    assert str(Notice("line_skipped", "7 more line(s) with problems")) == (
        "skipped 7 more line(s) with problems"
    )


def test_an_unknown_kind_is_a_bug_not_a_warning():
    with pytest.raises(ValueError, match="unknown kind of warning: 'typo'"):
        Notice("typo", "x")


def test_every_kind_says_what_it_means():
    assert all(kind.isidentifier() and k.about for kind, k in KINDS.items())


def test_stderr_shows_what_was_left_out_then_20_warnings_of_a_kind_and_a_count():
    same = [Notice("same_date", f"second reading {i}", "a.txt", i) for i in range(1, 24)]
    prose = Notice(
        "prose_skipped",
        "1 line(s) that are not 'DATE: TEXT' entries skipped as prose (line 1)",
        "a.txt",
    )
    lines = stderr_lines([*same, prose])
    assert (
        lines[0] == "a.txt: 1 line(s) that are not 'DATE: TEXT' entries skipped as prose (line 1)"
    )
    assert lines[1] == "warning: a.txt:1: second reading 1"
    assert lines[20] == "warning: a.txt:20: second reading 20"
    assert lines[21:] == ["… and 3 more warning(s) (same_date)"]


def test_json_warnings_are_objects_and_stderr_one_line_each(tmp_path):
    f = tmp_path / "same.txt"
    f.write_text("1-1-24: 100 mg/g\n1-1-24: 90 mg/g\n")
    result = CliRunner().invoke(app, ["report", str(f), "-f", "json"])
    assert result.exit_code == 0
    message = (
        "a second reading on 2024-01-01 (also line 1); both are kept; "
        "as a baseline the later line is used"
    )
    assert json.loads(result.stdout)["warnings"] == [
        {"kind": "same_date", "file": str(f), "line": 2, "text": None, "message": message}
    ]
    assert result.stderr == f"albutrend: warning: {f}:2: {message}\n"
