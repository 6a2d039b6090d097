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


def _recording_bars(monkeypatch):
    """Record every ``update`` of the Monte Carlo's bars, the real helper underneath."""
    import model.analysis.draw_store as draw_store
    import model.analysis.montecarlo as mc

    real, updates = mc.progress_bar, []

    def recording(total, desc, enabled=None, **kw):
        bar = real(total, desc, enabled, **kw)
        update = bar.update

        def counted(k=1):
            updates.append((desc, k))
            return update(k)

        bar.update = counted
        return bar

    monkeypatch.setattr(mc, "progress_bar", recording)
    monkeypatch.setattr(draw_store, "progress_bar", recording)  # the paths' bar
    return updates


def test_a_monte_carlo_of_several_chunks_advances_its_bars_a_chunk_at_a_time(monkeypatch):
    import model.analysis.sampling as sampling
    from model.analysis.montecarlo import simulate_draws

    monkeypatch.setattr(sampling, "CHUNK", 100)  # 300 draws: three chunks, as 1,000,000 are a hundred
    updates = _recording_bars(monkeypatch)
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    d = simulate_draws("scenarios/h2_plan.toml", draws=300, progress=True)  # the helper forced on
    assert d.paths["gdp_real"].shape[0] == 300
    assert updates == [("h2_plan: draws", 100)] * 3 + [("h2_plan: paths", 100)] * 3


def test_the_monte_carlo_prints_nothing_when_stderr_is_not_a_terminal(monkeypatch):
    import model.analysis.sampling as sampling
    import model.core.progress
    from model.analysis.montecarlo import simulate_draws

    monkeypatch.setattr(sampling, "CHUNK", 100)
    monkeypatch.setattr(model.core.progress, "DELAY", 0.0)  # a bar would show at once
    updates = _recording_bars(monkeypatch)
    monkeypatch.setattr(sys, "stderr", io.StringIO())  # a pipe or a log file
    simulate_draws("scenarios/h2_plan.toml", draws=300)
    assert len(updates) == 6 and sys.stderr.getvalue() == ""
    monkeypatch.setattr(sys, "stderr", _Terminal())  # the same run on a terminal shows its bars
    simulate_draws("scenarios/h2_plan.toml", draws=300)
    assert "h2_plan: draws" in sys.stderr.getvalue() and "h2_plan: paths" in sys.stderr.getvalue()
