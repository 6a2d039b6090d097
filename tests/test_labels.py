"""The labels table: every column the model writes has a Chinese and an English name and a unit;
the languages and the option that chooses them."""

import re

import pytest

from model.analysis.compare import compare
from model.analysis.results import run
from model.cli import main
from model.present import labels as L
from model.present.comparison_tables import comparison_table


@pytest.fixture(scope="module")
def plan_and_base():
    return run("scenarios/h2_plan.toml"), run("scenarios/baseline.toml")


def _written_columns(plan, base) -> set[str]:
    """Every column name and every ``variable`` of the tables a run and a comparison write."""
    c = compare(plan, base)
    cols = {*plan.quarterly.columns, *plan.annual.columns}
    for frame in (comparison_table([c]), c.contributions(), c.cost_effectiveness()):
        cols |= set(frame.columns)
    cols |= set(comparison_table([c]).variable) | set(c.headline().indicator)
    return cols - {"scenario", "period", "lever", "variable", "unit", "indicator", "year"} | {"period", "year"}


def test_every_column_the_model_writes_has_a_label(plan_and_base):
    missing = sorted(c for c in _written_columns(*plan_and_base) if not L.has_label(c))
    assert missing == [], f"add these to model/present/labels.toml: {missing}"


def test_labels_are_chinese_english_or_both_and_units_are_named(plan_and_base):
    han = re.compile(r"[\u4e00-\u9fff]")
    for col in _written_columns(*plan_and_base):
        zh, en = L.label(col, "zh"), L.label(col, "en")
        assert han.search(zh), col
        assert not han.search(en) or "亿元" in en, col
        assert L.label(col, "bilingual").startswith(zh), col
    assert L.label("gdp_real_yoy_ytd", "zh") == "地区生产总值累计同比增速（可比价）"
    assert L.label("gdp_real_yoy_ytd", "en") == "Real GDP growth, year to date"
    assert L.unit("gdp_real_yoy_ytd") == "%"
    assert L.unit("revenue_ytd", "zh") == "亿元" and L.label("revenue_ytd", "zh") == "一般公共预算收入累计"
    assert L.unit("revenue_ytd", "en") == "100m yuan"
    assert L.label("gdp_real_qoq", "zh").startswith("地区生产总值环比")
    assert L.header("major_projects_cost", "zh") == "重大项目投资：财政净成本（亿元）"
    assert L.label("difference_p05", "en") == "Difference from baseline, 5th percentile"


def test_a_variable_without_a_row_has_no_label():
    assert not L.has_label("retail_sales_new_variable")
    assert L.label("retail_sales_new_variable") == "retail_sales_new_variable"  # shown, never a crash


def test_probabilities_print_the_same_everywhere():
    assert L.percent(0.995) == "99.5%"
    assert L.percent(1.0) == "100.0%"


def test_the_default_language_is_chinese():
    assert L.DEFAULT_LANG == "zh" and L.check_lang(None) == "zh"


def test_a_bad_lang_is_one_line_exit_2_and_writes_nothing(tmp_path, capsys):
    out = tmp_path / "res"
    assert main(["run", "--lang", "fr", "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err == "error: --lang: expected one of zh, en, bilingual, got 'fr'\n"
    assert not out.exists()
    for argv in (["compare", "--lang", "de"], ["calibrate", "--lang", "x"], ["validate", "scenarios/h2_plan.toml", "--lang", ""]):
        assert main(argv) == 2
        assert capsys.readouterr().err.startswith("error: --lang: expected one of zh, en, bilingual")


def test_every_command_takes_lang():
    from model.cli.app import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for name, p in sub.choices.items():
        assert any("--lang" in a.option_strings for a in p._actions), name
