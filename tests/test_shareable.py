"""What the users open: the workbook, the one-file HTML briefing, the CJK font, CSVs with a BOM,
Chinese scenario names and result folders."""

import base64
import io
import re
import warnings

import openpyxl
import pytest

from model.analysis.compare import compare
from model.analysis.results import run
from model.cli import main
from model.present.run_files import write_run


@pytest.fixture(scope="module")
def plan():
    return run("scenarios/h2_plan.toml")


@pytest.fixture(scope="module")
def written(plan, tmp_path_factory):
    return write_run(plan, tmp_path_factory.mktemp("run") / "h2_plan", lang="zh")


def test_a_chinese_figure_renders_with_no_missing_glyph():
    from model.present.plotting import figure, plot_paths

    r = run("scenarios/h2_plan.toml")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph ... missing from font(s)" is a UserWarning
        fig, ax = figure()
        plot_paths({r.name: r.quarterly}, ["gdp_real_yoy_ytd"], observed=r.observed(), ax=ax, lang="zh",
                   title="地区生产总值累计同比增速（可比价）、一般公共预算收入（亿元）−")
        fig.savefig(io.BytesIO(), format="png")
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "地区生产总值累计同比增速（可比价）" in texts
    assert ax.get_ylabel() == "%"
    from matplotlib import font_manager

    assert "Noto Sans CJK SC" in font_manager.FontProperties(family=["sans-serif"]).get_family() or \
        font_manager.findfont("Noto Sans CJK SC", fallback_to_default=False).endswith(".otf")


@pytest.mark.slow  # a full write (figures, workbook, briefing)
def test_the_workbook_has_chinese_headers_units_formats_frozen_rows_and_inputs(written):
    wb = openpyxl.load_workbook(written / "results.xlsx")
    assert wb.sheetnames == ["季度", "年度", "情景设定", "数据来源"]
    q = wb["季度"]
    headers = [c.value for c in q[1]]
    assert headers[0] == "时期"
    assert "地区生产总值累计同比增速（可比价）" in headers and "一般公共预算收入累计" in headers
    units = dict(zip(headers, (c.value for c in q[2]), strict=True))
    assert units["一般公共预算收入累计"] == "亿元" and units["地区生产总值累计同比增速（可比价）"] == "%"
    assert q.freeze_panes == "B3"
    col = headers.index("一般公共预算收入累计") + 1
    cell = q.cell(row=8, column=col)  # 2020Q2
    assert q.cell(row=8, column=1).value == "2020Q2"
    assert cell.value == pytest.approx(1276.0, abs=1e-3)  # the calibrated H1 level, to its tolerance
    assert cell.number_format == "#,##0.00"
    assert q.cell(row=8, column=headers.index("地区生产总值累计同比增速（可比价）") + 1).number_format == "0.00"
    assert q.cell(row=1, column=col).comment.text == "revenue_ytd"  # the CSV's column
    inputs = [[c.value for c in row] for row in wb["情景设定"].iter_rows()]
    assert inputs[0] == ["item", "value", "source"]
    assert any(r[0] == "情景" and r[1] == "h2_plan" for r in inputs)
    assert any(str(r[0]).startswith("重大项目投资 2020Q3") and r[2] == "scenarios/h2_plan.toml" for r in inputs)
    src = [[c.value for c in row] for row in wb["数据来源"].iter_rows()]
    col_source = src[0].index("source")
    assert all(r[col_source] for r in src[1:])  # every number carries its source


def test_csvs_have_a_bom_so_excel_reads_them_as_utf8(plan, tmp_path):
    from model.present.output import to_csv

    to_csv(plan.quarterly, tmp_path / "q.csv", index_label="period")
    raw = (tmp_path / "q.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfperiod,")
    assert raw.decode("utf-8-sig").splitlines()[1].startswith("2019Q1,")


@pytest.mark.slow  # a full write (figures, workbook, briefing)
def test_the_briefing_is_one_file_with_embedded_figures_and_font(written):
    html = (written / "briefing.html").read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in html and "@page { size: A4" in html
    imgs = re.findall(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)"', html)
    assert len(imgs) == 3
    assert all(base64.b64decode(i).startswith(b"\x89PNG") for i in imgs)
    assert not re.search(r'(src|href)="(?!data:)', html)  # no side file, no CDN
    assert "http://" not in html and "https://" not in html
    assert 'src: url("data:font/otf;base64,' in html
    assert "地区生产总值累计同比增速（可比价）" in html and "2020年全市地区生产总值" in html


@pytest.mark.slow  # a full write (figures, workbook, briefing)
def test_a_comparison_writes_a_workbook_and_briefing_with_differences_in_yuan_percent_and_qoq(tmp_path):
    c = compare(run("scenarios/h2_plan.toml"), run("scenarios/baseline.toml"))
    from model.present.comparisons import write_comparison

    out = write_comparison(c, tmp_path / "cmp", lang="bilingual")
    wb = openpyxl.load_workbook(out / "comparison.xlsx")
    assert wb.sheetnames[:4] == ["主要指标 - Headline", "与基准比较 - Against the baseline",
                                 "贡献分解 - Contributions", "成本效益 - Cost-effectiveness"]  # "/" is not allowed
    ws = wb["与基准比较 - Against the baseline"]
    head = [x.value for x in ws[1]]
    assert "与基准差值（%） / Difference from baseline (%)" in head
    rows = [[x.value for x in r] for r in ws.iter_rows(min_row=3)]
    var = head.index("指标 / Variable")
    labels = {r[var] for r in rows}
    assert "地区生产总值环比增速（可比价） / Real GDP growth, quarter on quarter" in labels
    import pandas as pd

    csv = pd.read_csv(out / "comparison.csv", dtype={"period": str})
    assert list(csv.columns[:7]) == ["scenario", "period", "variable", "value", "baseline", "difference",
                                     "difference_pct"]
    row = csv[(csv.variable == "revenue") & (csv.period == "2020")].iloc[0]
    assert row.difference_pct == pytest.approx(100 * row.difference / row.baseline, rel=1e-5)
    assert {"gdp_real_qoq", "revenue_qoq"} <= set(csv.variable)
    html = (out / "briefing.html").read_text(encoding="utf-8")
    assert html.count('<img src="data:image/png;base64,') >= 3 and "环比" in html


@pytest.mark.slow  # a full write (figures, workbook, briefing)
def test_a_chinese_scenario_name_runs_into_its_own_folder(tmp_path):
    sc = tmp_path / "二次疫情.toml"
    sc.write_text('description = "第二波疫情"\nhorizon = "2021Q4"\n', encoding="utf-8")
    out = tmp_path / "res"
    assert main(["run", str(sc), "--out", str(out), "--quiet"]) == 0
    assert (out / "二次疫情" / "results.xlsx").is_file()
    assert [p.name for p in out.iterdir()] == ["二次疫情"]


@pytest.mark.parametrize("name", ["../逃逸", "a/b", "二次.疫情", "_x"])
def test_a_name_that_could_leave_the_results_folder_is_refused(tmp_path, name, capsys):
    sc = tmp_path / "s.toml"
    sc.write_text(f'name = "{name}"\n', encoding="utf-8")
    assert main(["run", str(sc), "--out", str(tmp_path / "res"), "--quiet"]) == 2
    assert "name: expected letters, digits" in capsys.readouterr().err
    assert not (tmp_path / "res").exists()
