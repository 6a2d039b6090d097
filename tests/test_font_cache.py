"""The briefing's CJK font subset is cached by the hash of its characters (issue 13: start-up), and
the cache never changes a byte of the page nor fails a run."""

from __future__ import annotations

from pathlib import Path

import pytest

from model.present import fonts
from model.present.html import _subset, font_subset

CHARS = "杭州国内生产总值GDP0123456789%"


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(fonts.CACHE_ENV, str(tmp_path / "cache"))
    return tmp_path / "cache" / "font-subsets"


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    import model.present.html as html

    calls: list[str] = []
    real = html._subset
    monkeypatch.setattr(html, "_subset", lambda chars: calls.append(chars) or real(chars))
    return calls


@pytest.mark.slow  # cuts the 16 MB font: about 0.5-0.9 s
def test_a_second_page_with_the_same_characters_reads_the_cache(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _counting(monkeypatch)
    first = font_subset(CHARS)
    assert calls == [CHARS] and len(list(folder.glob("*.otf"))) == 1
    assert font_subset(CHARS) == first and calls == [CHARS]  # no second subsetting
    assert first == "data:font/otf;base64," + __import__("base64").b64encode(_subset(CHARS)).decode()
    font_subset(CHARS + "市")  # other characters: another entry
    assert len(calls) == 2 and len(list(folder.glob("*.otf"))) == 2


@pytest.mark.slow  # cuts the 16 MB font: about 0.5-0.9 s
def test_a_damaged_entry_is_made_again(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = font_subset(CHARS)
    (entry,) = folder.glob("*.otf")
    entry.write_bytes(b"half a fi")
    calls = _counting(monkeypatch)
    assert font_subset(CHARS) == first and calls == [CHARS]
    assert entry.read_bytes()[:4] == b"OTTO"


@pytest.mark.slow  # cuts the 16 MB font: about 0.5-0.9 s
def test_an_unwritable_cache_or_none_still_gives_the_subset(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(fonts.CACHE_ENV, str(blocker / "cache"))  # mkdir fails: OSError, ignored
    fresh = font_subset(CHARS)
    monkeypatch.setenv(fonts.CACHE_ENV, "")  # no cache at all
    assert fonts.cache_dir() is None
    assert font_subset(CHARS) == fresh


def test_the_default_folder_is_the_users_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(fonts.CACHE_ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert fonts.cache_dir() == tmp_path / "hangzhou-scenario-model"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert fonts.cache_dir() == Path.home() / ".cache" / "hangzhou-scenario-model"
