"""The figures quoted in README.md and docs/ are current: regenerating them changes nothing, and no
figure of a model result is typed by hand outside the generated blocks."""

import importlib.util
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
_spec = importlib.util.spec_from_file_location("figures", ROOT / "tools" / "figures.py")
figures = importlib.util.module_from_spec(_spec)
sys.modules["figures"] = figures  # figures_text reaches the module through sys.modules
_spec.loader.exec_module(figures)


def _text(rel: str) -> str:
    return (ROOT / rel).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def regenerated() -> dict[str, str]:
    """Every file regenerated once (the runs are cached across files: about 25 s on 2 cores)."""
    return {rel: figures.regenerate(_text(rel)) for rel in figures.FILES}


@pytest.mark.slow  # runs every generator: the Monte Carlos, the Sobol indices, the backtest
@pytest.mark.parametrize("rel", figures.FILES)
def test_figures_blocks_are_current(rel, regenerated):
    assert regenerated[rel] == _text(rel), f"{rel} is stale: run python tools/figures.py"


@pytest.mark.slow  # the backtest
def test_the_committed_record_is_the_backtest_the_readme_quotes():
    """data/track_record.json (which runs quote) is what `python -m model backtest` computes today,
    so the scorecard generated from a fresh backtest and the record a run quotes agree."""
    fresh = json.loads(json.dumps(figures.backtest().record()))
    assert fresh == json.loads(_text("data/track_record.json")), "run python -m model backtest --update-record"


@pytest.mark.parametrize("rel", figures.FILES)
def test_every_block_has_a_generator(rel):
    names = figures.blocks(_text(rel))
    assert names, f"{rel} has no figures block"
    assert set(names) <= set(figures.GENERATORS)


def test_no_figure_with_a_unit_is_typed_by_hand():
    """Outside the blocks, a number with %, pp or 亿元 matches a generated value (the committed
    blocks, current by the test above), a number of data/ or the scenarios, a parameter, or an
    entry of figures_text.ALLOWED (published figures, history with its commit)."""
    texts = {rel: _text(rel) for rel in figures.CHECKED}
    generated = "\n".join(m.group(4) for t in texts.values() for m in figures._BLOCK.finditer(t))
    stray = {rel: s for rel, t in texts.items() if (s := figures.stray_figures(rel, t, generated))}
    assert not stray, f"figures typed by hand (put them in a block, or in ALLOWED with a reason): {stray}"


def test_a_stale_block_is_detected(monkeypatch):
    monkeypatch.setitem(figures.GENERATORS, "fake", lambda: "| fresh |")
    text = "x\n<!-- figures:fake -->\n| stale |\n<!-- /figures:fake -->\ny"
    assert figures.regenerate(text) == "x\n<!-- figures:fake -->\n| fresh |\n<!-- /figures:fake -->\ny"
    assert figures.regenerate(figures.regenerate(text)) == figures.regenerate(text)


def test_a_block_in_a_list_item_keeps_its_indentation(monkeypatch):
    monkeypatch.setitem(figures.GENERATORS, "fake", lambda: "line one\n\nline two")
    text = "1. item\n   <!-- figures:fake -->\n   old\n   <!-- /figures:fake -->\n2. next"
    assert figures.regenerate(text) == (
        "1. item\n   <!-- figures:fake -->\n   line one\n\n   line two\n   <!-- /figures:fake -->\n2. next")


def test_a_hand_typed_figure_is_found_outside_blocks_and_code_only(monkeypatch):
    monkeypatch.setitem(figures.ALLOWED, "x.md", ("2.72",))
    text = ("Growth is 3.1417% and 12.3456-45.6789 亿元, 2.72 pp is allowed.\n"
            "<!-- figures:fake -->\n9.8765%\n<!-- /figures:fake -->\n```\n8.7654%\n```\n")
    assert figures.stray_figures("x.md", text, generated="") == ["3.1417", "12.3456", "45.6789"]
    assert figures.stray_figures("x.md", text, generated="+3.1417 and 12.3456, 45.6789") == []
