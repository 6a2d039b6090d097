"""Files of an uncertain run: ``fan.csv``, the fan charts, and the uncertainty sections of
``summary.json`` and ``report.md`` (see :mod:`model.analysis.uncertainty`)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from model.analysis.draws import percentile_columns
from model.analysis.uncertainty import Draws, priors
from model.core.blocks.shock import innovation_sd
from model.present.labels import DEFAULT_LANG

if TYPE_CHECKING:
    pass

__all__ = ["FAN_FIGURES", "report_section", "summary_section", "write_fan_csv", "write_files"]

FAN_FIGURES = {
    "fan_gdp_growth.png": ("gdp_real_yoy_ytd", "gdp_real_yoy"),
    "fan_revenue.png": ("revenue_yoy_ytd", "revenue_ytd"),
}
"""Fan-chart files and the indicators in their panels (titles come from :mod:`model.present.labels`)."""



def write_fan_csv(draws: Draws, path: Path) -> None:
    """``fan.csv``: ``period, variable, p05, p25, p50, p75, p95`` (see :meth:`Draws.fan`)."""
    from model.present.output import to_csv

    to_csv(draws.fan().set_index("period"), path, index_label="period")


def write_files(draws: Draws, directory: Path, *, lang: str = DEFAULT_LANG, figures: bool = True) -> list[str]:
    """Write ``fan.csv`` and (unless ``figures=False``) the fan charts into ``directory``; return
    the figure file names."""

    write_fan_csv(draws, directory / "fan.csv")
    if not figures:
        return []
    from model.present.plotting import fan_chart, file_figure, save_figure

    names = []
    for file, panels in FAN_FIGURES.items():
        fig, axes = file_figure(len(panels))
        for ax, variable in zip(axes, panels, strict=True):
            fan_chart(draws, variable, ax=ax, lang=lang)
        save_figure(fig, directory / file)
        names.append(file)
    return names


def summary_section(draws: Draws) -> dict[str, Any]:
    """What ``summary.json`` holds under ``uncertainty``."""
    s = draws.settings
    head = draws.headline()
    fan_by_year: dict[str, dict[str, dict[str, float]]] = {}
    for r in head.itertuples(index=False):
        fan_by_year.setdefault(str(r.period), {})[r.variable] = {
            c: float(getattr(r, c)) for c in percentile_columns()
        } | {"point": float(r.point)}
    return {
        "draws": draws.n,
        "seed": s.seed,
        "scale": s.scale,
        "draw_parameters": s.draw_parameters,
        "draw_shocks": s.draw_shocks,
        "draws_tried": draws.tried,
        "acceptance_rate": draws.acceptance,
        "parameters_drawn": list(draws.drawn),
        "parameters_solved_per_draw": list(draws.solved),
        "priors_set_in_scenario": {k: v.model_dump(exclude_none=True) for k, v in s.priors.items()},
        "forecast_shock": _forecast_shock(draws),
        "revenue_shock": _forecast_shock(draws, "revenue_"),
        "digital_shock": _forecast_shock(draws, "digital_"),
        "fan": fan_by_year,
        "probabilities": draws.probabilities().to_dict(orient="records"),
    }


def _forecast_shock(draws: Draws, prefix: str = "") -> dict[str, Any]:
    """A forecast-shock process as drawn: AR coefficient, the sd it adds to annual growth (pp)
    and its innovation sd (% of trend, or of revenue for ``revenue_``), both times ``scale`` (zero
    without ``draw_shocks``).  ``prefix``: ``""`` the common output gap, ``revenue_`` or ``digital_``
    the shocks of their own."""
    s = draws.settings
    p = draws.results.params
    k = s.scale * s.draw_shocks
    ar, sd = p[f"{prefix}shock_ar"], p[f"{prefix}shock_annual_sd"]
    return {"start": str(draws.scenario.vintage.calendar.first_scenario), "ar": ar, "annual_growth_sd": sd * k, "innovation_sd": float(innovation_sd(sd, ar)) * k}


def report_section(draws: Draws, figure_names: Sequence[str] = ()) -> list[str]:
    """The ``## Uncertainty`` section of ``report.md``, as lines."""
    from model.present.tables import md_table, number_word

    s = draws.settings
    p = draws.results.params
    head = draws.headline()
    head.columns = [c if c != "variable" else "indicator" for c in head.columns]
    head = head.rename(columns={"period": "year"})
    probs = draws.probabilities()[["description", "event", "probability", "point"]]
    probs["probability"] = [f"{100 * x:.1f}%" for x in probs.probability]
    pri = priors(p, s)
    drawn = [n for n in draws.drawn if n in pri]
    prior_table = pd.DataFrame(
        {"prior (centre, sd before scale)": [pri[n].describe() for n in drawn],
         "source": [pri[n].source.replace("|", "/") for n in drawn]},
        index=pd.Index(drawn, name="parameter"),
    )
    shock, rev, dig = (_forecast_shock(draws, x) for x in ("", "revenue_", "digital_"))
    shocks = (f"forecast shocks from {shock['start']}, each an AR(1) from its own random stream: an output gap common "
              f"to both sectors (coefficient {p['shock_ar']:g}) that adds {shock['annual_growth_sd']:.3g} pp to the sd "
              f"of annual growth, the size the backtest's record gives (innovation sd {shock['innovation_sd']:.3g}% of "
              f"trend); revenue's own multiplicative shock (coefficient {p['revenue_shock_ar']:g}), "
              f"{rev['annual_growth_sd']:.3g} pp of annual revenue growth beyond what output explains, estimated "
              f"from the releases to 2019 (innovation sd {rev['innovation_sd']:.3g}% of revenue); and the digital core's "
              f"own gap against the rest (coefficient {p['digital_shock_ar']:g}), {dig['annual_growth_sd']:.3g} pp, "
              "an assumption (its history is too short), offset in the rest so that total output at trend is unchanged"
              ) if s.draw_shocks and s.scale > 0 else "no forecast shocks"
    params = ("of the uncertain parameters, from their priors centred on this run's values,"
              if draws.drawn else "without parameter uncertainty")
    accepted = ("every draw could" if draws.tried == draws.n else
                f"{100 * draws.acceptance:.1f}% of draws could and the rest were drawn again "
                f"({draws.tried:,} draws in all)")
    lines = [
        "## Uncertainty",
        "",
        f"{draws.n:,} draws (seed {s.seed}, scale {s.scale:g}) {params} and {shocks}. Every draw is "
        f"re-calibrated so that it reproduces the {number_word(len(draws.results.calibration.fit))} "
        f"{draws.results.calibration.release} targets ({', '.join(draws.solved)} solved "
        f"again); {accepted}. Percentiles are across draws; `point` is the deterministic run above. "
        "Quarter-by-quarter and year-to-date ranges are in `fan.csv`.",
        "",
        md_table(head, index=False),
        "",
        md_table(probs, index=False),
        "",
    ]
    if drawn:
        lines += ["Priors of the drawn parameters (the three trend parameters are drawn jointly with their "
                  "estimated correlation):", "", md_table(prior_table, digits=4), ""]
    if figure_names:
        lines += [f"![{n}]({n})" for n in figure_names] + [""]
    return lines
