"""Interactive sliders for notebooks (optional; needs ``ipywidgets``).

``explore(scenario)`` shows one slider a lever (a scale factor on its amounts) and one a key
parameter, and redraws the paths on every change.  Each redraw is a model run: the calibration is
cached by parameter set, so moving a lever slider costs a millisecond and moving a parameter
slider one re-calibration.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from model.analysis.results import run
from model.core.parameters import ParameterSet
from model.inputs.registry import default_params
from model.inputs.scenario import Scenario

__all__ = ["explore"]

KEY_PARAMETERS = ("shock_rest_persistent", "shock_rest_decay", "relief_multiplier", "projects_multiplier",
                  "voucher_leverage")


def explore(
    scenario: Scenario,
    *,
    params: ParameterSet | None = None,
    columns: Sequence[str] = ("gdp_real_yoy_ytd", "revenue_yoy_ytd"),
    parameters: Sequence[str] = KEY_PARAMETERS,
) -> Any:
    """Sliders for lever sizes and key parameters that redraw ``columns`` of ``scenario``.

    Returns the ``ipywidgets`` container (display it, or leave it last in a cell).
    """
    import ipywidgets as w
    import matplotlib.pyplot as plt
    from IPython.display import display

    base = params or default_params()
    reg = base.registry
    lever_sliders = {
        name: w.FloatSlider(value=1.0, min=0.0, max=3.0, step=0.1, description=name, continuous_update=False,
                            style={"description_width": "160px"})
        for name in scenario.lever_configs()
    }
    param_sliders = {
        name: w.FloatSlider(value=base[name], min=reg[name].bounds[0], max=reg[name].bounds[1],
                            step=(reg[name].bounds[1] - reg[name].bounds[0]) / 100, description=name,
                            continuous_update=False, style={"description_width": "160px"})
        for name in parameters
    }
    out = w.Output()

    def redraw(_: object = None) -> None:
        sc = scenario
        for name, slider in lever_sliders.items():
            if slider.value != 1.0:
                sc = sc.scaled(name, slider.value)
        changed = {n: s.value for n, s in param_sliders.items() if s.value != base[n]}
        res = run(sc, params=base.replace(**changed) if changed else base)
        with out:
            out.clear_output(wait=True)
            fig, axes = plt.subplots(1, len(columns), figsize=(6 * len(columns), 3.2), squeeze=False)
            for ax, col in zip(axes[0], columns, strict=True):
                res.plot(col, ax=ax, title=col)
            a = res.annual
            fig.suptitle(f"2020: real growth {a.loc[2020, 'gdp_real_yoy']:.2f}%, revenue "
                         f"{a.loc[2020, 'revenue_yoy']:+.2f}%", fontsize=10)
            fig.tight_layout()
            display(fig)
            plt.close(fig)

    for slider in (*lever_sliders.values(), *param_sliders.values()):
        slider.observe(redraw, names="value")
    redraw()
    levers_box = w.VBox([w.HTML("<b>Lever scale (1 = as in the scenario)</b>"), *lever_sliders.values()])
    params_box = w.VBox([w.HTML("<b>Parameters</b>"), *param_sliders.values()])
    return w.VBox([w.HBox([levers_box, params_box]), out])
