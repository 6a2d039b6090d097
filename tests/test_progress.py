"""Progress bars: on a terminal for long work, silent otherwise (``model.core.progress``)."""

import io
import sys

from model.core.progress import DELAY, progress_bar, wants_progress


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_bar_is_shown_on_a_terminal_and_only_there(monkeypatch):
    monkeypatch.setattr(sys, "stderr", _Terminal())
    assert wants_progress(None) is True
    assert progress_bar(10, "draws").disable is False
    assert wants_progress(False) is False  # --quiet
    monkeypatch.setattr(sys, "stderr", io.StringIO())  # a pipe or a log file
    assert wants_progress(None) is False
    with progress_bar(10, "draws") as bar:
        bar.update(10)
    assert bar.disable is True and sys.stderr.getvalue() == ""


def test_a_bar_waits_two_seconds_before_it_appears(monkeypatch):
    monkeypatch.setattr(sys, "stderr", _Terminal())
    with progress_bar(10, "draws") as bar:
        bar.update(10)  # quick work: nothing printed
    assert DELAY == 2.0 and sys.stderr.getvalue() == ""
