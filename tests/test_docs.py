"""The documentation stays true: quick start, CI, column tables, parameter registry."""

import re
from pathlib import Path

import model
from model.cli.app import params_markdown
from model.core.levers import REGISTRY as LEVERS
from model.inputs.registry import default_params

README = Path("README.md").read_text(encoding="utf-8")


def _quick_start() -> list[str]:
    block = README.split("## Quick start", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    return [line for line in block.splitlines() if line and not line.startswith("#")]


def test_quick_start_has_two_commands_and_ci_calls_the_test_one():
    setup_and_run, setup_and_test = _quick_start()
    assert setup_and_run.endswith("python -m model run")
    assert "pytest" in setup_and_test
    assert setup_and_test in Path(".ci/run").read_text(encoding="utf-8")


def _documented(table_heading: str) -> set[str]:
    section = README.split(table_heading, 1)[1].split("\n## ", 1)[0].split("\n### ", 1)[0]
    return set(re.findall(r"^\| `([^`]+)` \|", section, flags=re.MULTILINE))


def _generic(columns, lever_names) -> set[str]:
    out = set()
    for c in columns:
        name = next((n for n in lever_names if c.startswith(n + "_")), None)
        out.add(c.replace(name, "<lever>", 1) if name else c)
    return out


def test_every_output_column_is_documented():
    res = model.run("scenarios/h2_plan.toml")
    assert _generic(res.quarterly.columns, LEVERS) | {"period"} == _documented("### `quarterly.csv`")
    assert _generic(res.annual.columns, LEVERS) | {"year"} == _documented("### `annual.csv`")


def test_parameter_docs_are_current():
    text = Path("docs/parameters.md").read_text(encoding="utf-8")
    assert params_markdown(default_params()) in text
