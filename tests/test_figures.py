"""The figures quoted in README.md and docs/ are current: regenerating them changes nothing."""

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("figures", ROOT / "tools" / "figures.py")
figures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(figures)


@pytest.mark.parametrize("rel", figures.FILES)
def test_figures_blocks_are_current(rel):
    text = (ROOT / rel).read_text(encoding="utf-8")
    assert figures.blocks(text), f"{rel} has no figures block"
    assert figures.regenerate(text) == text, f"{rel} is stale: run python tools/figures.py"


def test_a_stale_block_is_detected():
    text = "x\n<!-- figures:headline -->\n| stale |\n<!-- /figures:headline -->\ny"
    new = figures.regenerate(text)
    assert new != text and new.startswith("x\n<!-- figures:headline -->\n| scenario |") and new.endswith("y")
