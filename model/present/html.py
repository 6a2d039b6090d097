"""The one-file HTML briefing (``briefing.html``) written beside ``report.md``.

Everything is inside the file: the figures as base64 PNG ``data:`` URIs, the style sheet in a
``<style>`` element, no script, no web font and no link to a CDN, so it opens offline on an isolated
government network, can be mailed as one attachment, and prints to A4 (``@page { size: A4 }``).
The page is a jinja2 template (``templates/briefing.html.j2``) filled with sections of
paragraphs, tables and figures; the labels and units come from :mod:`model.present.labels`.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from model.present.labels import (
    DEFAULT_LANG,
    header,
    label,
    lever_name,
    percent,
    text,
    unit_of,
    unit_text,
)

if TYPE_CHECKING:
    from model.analysis.comparison import Comparison
    from model.analysis.results import Results
    from model.analysis.uncertainty import Draws

__all__ = ["comparison_briefing", "figure_item", "font_subset", "render", "run_briefing", "table"]

DIGITS = {"亿元": 1, "亿元, 2019 prices": 1, "%": 2, "pp": 2, "% of trend": 2, "2019 = 1": 4, "share": 2}


def _fmt(v: Any, unit_key: str = "") -> dict[str, str]:
    if isinstance(v, float | np.floating):
        if not np.isfinite(v):
            return {"text": "", "cls": "num"}
        d = DIGITS.get(unit_key, 2)
        s = f"{v:+,.{d}f}" if unit_key == "pp" else f"{v:,.{d}f}"
        return {"text": s, "cls": "num neg" if v < 0 else "num"}
    if isinstance(v, int | np.integer):
        return {"text": str(v), "cls": "num"}
    return {"text": str(v), "cls": ""}


def table(frame: pd.DataFrame, caption: str, *, lang: str = DEFAULT_LANG, unit_column: str | None = None,
          key_columns: Sequence[str] = ("variable", "lever", "indicator")) -> dict[str, Any]:
    """A table for the template: labelled headers with units, numbers formatted by unit (亿元 to
    one decimal, % and pp to two), code keys in ``key_columns`` written as labels."""
    f = frame.reset_index() if frame.index.name else frame
    headers = [header(str(c), lang) for c in f.columns]
    units = [unit_of(str(c)) for c in f.columns]
    rows = []
    for r in f.itertuples(index=False):
        row_unit = getattr(r, unit_column) if unit_column else None
        cells = []
        for c, u, v in zip(f.columns, units, r, strict=True):
            if c in key_columns and isinstance(v, str):
                v = lever_name(v, lang) if c == "lever" else label(v, lang)
            elif c == unit_column and isinstance(v, str):
                v = unit_text(v, lang)
            cells.append(_fmt(v, row_unit or u))
        rows.append(cells)
    return {"caption": caption, "headers": headers, "rows": rows}


def figure_item(path: Path, caption: str) -> dict[str, str]:
    """A PNG embedded as a ``data:`` URI (no side file)."""
    data = base64.b64encode(Path(path).read_bytes()).decode("ascii")
    return {"src": f"data:image/png;base64,{data}", "caption": caption, "file": Path(path).name}


def font_subset(chars: str) -> str:
    """The Noto Sans CJK SC font cut down to ``chars``, as an OpenType ``data:`` URI.

    Embedding the font makes the page show its Chinese on any machine, with no font installed and
    no network; cutting it to the characters the page uses keeps the file small (about 1 KB a
    character instead of 16 MB).  ``fontTools`` comes with matplotlib.  The subset is cached by
    the hash of its characters (:func:`model.present.fonts.cached_subset`).
    """
    from model.present.fonts import cached_subset

    return "data:font/otf;base64," + base64.b64encode(
        cached_subset(chars, "layout_features=*;name_IDs=*;hinting=False", lambda: _subset(chars))).decode("ascii")


def _subset(chars: str) -> bytes:
    """The font cut down to ``chars`` (fontTools' subsetter), as OpenType bytes."""
    import io

    from fontTools import subset

    from model.present.fonts import cjk_font_path

    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.hinting = False
    font = subset.load_font(str(cjk_font_path()), options)
    try:
        sub = subset.Subsetter(options)
        sub.populate(text=chars)
        sub.subset(font)
        buf = io.BytesIO()
        font.save(buf)
    finally:
        font.close()  # the font file stays open until closed (fontTools reads it lazily)
    return buf.getvalue()


def render(title: str, meta: str, sections: Sequence[dict[str, Any]], *, lang: str = DEFAULT_LANG,
           embed_font: bool = True) -> str:
    """Fill the briefing template (autoescaped); with ``embed_font``, embed the CJK font cut down to
    the page's characters (:func:`font_subset`)."""
    import jinja2

    from model.core.version import __version__

    env = jinja2.Environment(loader=jinja2.PackageLoader("model.present", "templates"),
                             autoescape=True, keep_trailing_newline=True)
    template = env.get_template("briefing.html.j2")
    fields = {"title": title, "meta": meta, "sections": sections, "version": __version__,
              "html_lang": {"zh": "zh-CN", "en": "en", "bilingual": "zh-CN"}[lang]}
    page = template.render(font_src="", **fields)
    if not embed_font:
        return page
    chars = "".join(sorted({ch for ch in page if not ch.isspace()}))
    return template.render(font_src=font_subset(chars), **fields)


def _section(heading: str, *, paragraphs: Sequence[str] = (), points: Sequence[str] = (),
             tables: Sequence[dict[str, Any]] = (), figures: Sequence[dict[str, str]] = ()) -> dict[str, Any]:
    return {"heading": heading, "paragraphs": list(paragraphs), "points": list(points), "tables": list(tables),
            "figures": list(figures)}


def _headline_sentence(results: Results, lang: str) -> str:
    a = results.annual
    if 2020 not in a.index:
        return ""
    r = a.loc[2020]
    if lang == "en":
        return (f"In 2020 GDP is {r.gdp:,.1f} 亿元, real growth {r.gdp_real_yoy:.2f}%; general public budget "
                f"revenue {r.revenue:,.1f} 亿元, growth {r.revenue_yoy:.2f}%. H2 2020 real growth: "
                f"{results.h2_growth():.2f}%.")
    return (f"2020年全市地区生产总值{r.gdp:,.1f}亿元，按可比价计算同比增长{r.gdp_real_yoy:.2f}%；"
            f"一般公共预算收入{r.revenue:,.1f}亿元，同比增长{r.revenue_yoy:.2f}%。"
            f"下半年地区生产总值同比增长{results.h2_growth():.2f}%（可比价）。")


def run_briefing(results: Results, directory: Path, figure_names: Sequence[str] = (), *,
                 draws: Draws | None = None, fan_figures: Sequence[str] = (), lang: str = DEFAULT_LANG) -> str:
    """``briefing.html`` of one run: headline, year-to-date path, measures, uncertainty, figures,
    calibration.  ``figure_names`` are PNG files already in ``directory``, embedded in the page."""
    from model.analysis.results import HEADLINE
    from model.core.levers import REGISTRY as LEVERS
    from model.core.version import __version__

    sc = results.scenario
    a, q = results.annual, results.quarterly
    sections = [
        _section(text("headline", lang), paragraphs=[p for p in (_headline_sentence(results, lang),) if p],
                 tables=[table(a.loc[2020:, list(HEADLINE)], text("annual", lang), lang=lang)]),
        _section(text("quarterly", lang), tables=[table(
            q.loc["2020Q1":, ["gdp_ytd", "gdp_real_yoy_ytd", "gdp_real_yoy", "digital_core_real_yoy_ytd",
                             "revenue_ytd", "revenue_yoy_ytd"]].rename_axis("period"), text("quarterly", lang),
            lang=lang)]),
    ]
    levers = [n for n in LEVERS if f"{n}_injection" in a]
    if levers:
        cols = [c for n in levers for c in (f"{n}_injection", f"{n}_gdp_real_yoy_pp", f"{n}_cost")]
        t = a.loc[2020:, cols].T.rename(columns=str)
        t.insert(0, "unit", [unit_of(c) for c in cols])
        sections.append(_section(text("contributions", lang), tables=[
            table(t.rename_axis("variable"), text("contributions", lang), lang=lang, unit_column="unit")]))
    if draws is not None:
        probs = draws.probabilities()
        sections.append(_section(text("probabilities", lang), points=[
            f"P({r.event}) = {percent(r.probability)}" for r in probs.itertuples()]))
    figs = [figure_item(Path(directory) / n, n) for n in (*figure_names, *fan_figures)]
    sections.append(_section(text("figures", lang), figures=figs))
    fit = results.calibration.fit[["target", "period", "observed", "model"]]
    sections.append(_section(text("calibration", lang), tables=[
        table(fit.rename(columns={"target": "variable"}), text("calibration", lang), lang=lang)]))
    title = f"{text('briefing_title', lang)}：{sc.name}" if lang != "en" else f"{text('briefing_title', lang)}: {sc.name}"
    meta = f"{sc.description} · {text('model_version', lang)} {__version__} · {sc.horizon}"
    return render(title, meta, sections, lang=lang)


_WIDE = (("gdp_real_yoy_ytd", "difference"), ("gdp_real_yoy", "difference"), ("gdp_real_qoq", "difference"),
         ("gdp_ytd", "difference"), ("gdp_ytd", "difference_pct"), ("revenue_ytd", "difference"),
         ("revenue_ytd", "difference_pct"), ("revenue_yoy_ytd", "difference"), ("revenue_qoq", "difference"))
"""The differences the comparison briefing shows, one column each, quarter by quarter."""


def _differences_by_quarter(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """One row a quarter from 2020Q3, one column a difference of :data:`_WIDE`: 累计 and 同比 and
    环比 growth side by side in pp, levels in 亿元 and in %."""
    q = frame[frame.period.str.contains("Q") & (frame.period >= "2020Q3")]
    cols = {}
    for var, kind in _WIDE:
        rows = q[q.variable == var].set_index("period")
        if rows.empty:
            continue
        rate = rows.unit.iloc[0] == "%"
        shown = "%" if kind == "difference_pct" else ("pp" if rate else rows.unit.iloc[0])
        name = f"{label(var, lang)}（{unit_text(shown, lang)}）" if lang != "en" else f"{label(var, lang)} ({unit_text(shown, lang)})"
        cols[name] = rows[kind]
    return pd.DataFrame(cols).rename_axis("period")


def comparison_briefing(comparisons: Sequence[Comparison], directory: Path, figure_names: Sequence[str] = (), *,
                        lang: str = DEFAULT_LANG) -> str:
    """``briefing.html`` of a comparison: the headline against the baseline, and for each scenario
    the differences quarter by quarter (亿元, %, and 环比 beside 同比), each measure's contribution
    and cost-effectiveness, and the figures (embedded)."""
    from model.core.version import __version__
    from model.present.briefing import headline_table
    from model.present.comparison_tables import comparison_table

    base = comparisons[0].baseline
    head = headline_table(comparisons)
    head = head[[c for c in head.columns if not c.endswith(("p05", "p95"))]]
    sections = [_section(text("headline", lang), tables=[table(head, text("headline", lang), lang=lang,
                                                                 unit_column="unit")])]
    for c in comparisons:
        wide = _differences_by_quarter(comparison_table([c]), lang)
        contrib = c.contributions()
        by_year = contrib[~contrib.period.str.contains("Q")][["period", "lever", "gdp_real_yoy_ytd_pp", "revenue_ytd"]]
        ce = c.cost_effectiveness()
        tables = [table(wide, text("comparison", lang) + (" (scenario - baseline)" if lang == "en" else "（情景减基准）"),
                        lang=lang),
                  table(by_year.rename(columns={"gdp_real_yoy_ytd_pp": "gdp_real_yoy_pp"}), text("contributions", lang),
                        lang=lang)]
        if not ce.empty:
            tables.append(table(ce[["lever", "period", "amount", "fiscal_cost", "growth_pp", "cost_per_pp",
                                    "revenue_from_growth"]], text("cost_effectiveness", lang), lang=lang))
        own = [n for n in figure_names if n.endswith(f"_{c.name}.png")]
        heading = f"{c.name}（{text('comparison', lang)}：{base.name}）" if lang != "en" else f"{c.name} against {base.name}"
        sections.append(_section(heading, paragraphs=[c.scenario.scenario.description], tables=tables,
                                 figures=[figure_item(Path(directory) / n, n) for n in own]))
    overlays = [n for n in figure_names if n.startswith("overlay")]
    sections.append(_section(text("figures", lang), figures=[figure_item(Path(directory) / n, n) for n in overlays]))
    title = f"{text('briefing_title', lang)}：{text('comparison', lang)} {base.name}"
    meta = f"{base.scenario.description} · {text('model_version', lang)} {__version__}"
    return render(title, meta, sections, lang=lang)
