"""Terminal tables in the chosen language: what ``hzmodel run`` and ``hzmodel calibrate`` print.

English is the objects' own ``summary()``; Chinese and bilingual label the same tables from
:mod:`model.present.labels`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from model.present.labels import DEFAULT_LANG, header, label

if TYPE_CHECKING:
    from model.analysis.results import Results
    from model.fitting.calibration import Calibration

__all__ = ["calibration_summary", "run_summary"]


def _fit_table(cal: Calibration, lang: str) -> str:
    fit = cal.fit[["target", "period", "observed", "model", "error"]].copy()
    fit["target"] = [label(t, lang) for t in fit.target]
    fit = fit.rename(columns={"target": label("variable", lang), "period": label("period", lang),
                              "observed": label("observed", lang), "model": label("model", lang),
                              "error": "误差" if lang == "zh" else ("误差 / error" if lang == "bilingual" else "error")})
    return fit.to_string(index=False, float_format=lambda x: f"{x:,.3f}")


def _release_zh(cal: Calibration) -> str:
    """The release calibrated to, as the bureaus name it: 2020年上半年 for 2020Q2, 2020年前三季度 for 2020Q3."""
    q = pd.Period(cal.vintage.as_of, freq="Q")
    return f"{q.year}年" + ("一季度", "上半年", "前三季度", "全年")[q.quarter - 1]


def run_summary(results: Results, lang: str = DEFAULT_LANG) -> str:
    """Headline figures by year and the fit to H1 2020, as text with labelled columns."""
    if lang == "en":
        return results.summary()
    head = results.headline()
    head = head.rename(columns=lambda c: header(c, lang)).T  # one row an indicator: fits a terminal
    head.columns = [str(y) for y in head.columns]
    with pd.option_context("display.width", 200, "display.unicode.east_asian_width", True):
        table = head.to_string(float_format=lambda x: f"{x:,.2f}")
        ok = "全部目标达到" if results.calibration.ok else "目标未达到"
        lines = [
            f"情景 {results.name}：{results.scenario.description}".rstrip("："),
            "",
            "年度主要指标",
            table,
            "",
            f"2020年下半年地区生产总值同比增速（可比价，下半年对2019年下半年）：{results.h2_growth():.2f}%",
            "",
            f"校准（{_release_zh(results.calibration)}公布数）：{ok}",
            _fit_table(results.calibration, lang),
        ]
    return "\n".join(lines)


def calibration_summary(cal: Calibration, lang: str = DEFAULT_LANG) -> str:
    """The fit table with labelled targets, then the rest of :meth:`Calibration.summary` (zh and
    bilingual); the English summary as it is."""
    if lang == "en":
        return cal.summary()
    with pd.option_context("display.unicode.east_asian_width", True):
        fit = _fit_table(cal, lang)
    rest = cal.summary().split("\n\n", 2)[2]  # priors, identification, solver (parameter names stay keys)
    return f"校准：{_release_zh(cal)}公布数（带惩罚项的最小二乘）\n\n" + fit + "\n\n" + rest
