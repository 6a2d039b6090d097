"""Every notebook runs top to bottom (kernel started in notebooks/, as Jupyter does)."""

import os
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted(Path("notebooks").glob("*.ipynb"))


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 3


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_committed_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None, f"{path.name}: strip outputs"


@pytest.mark.slow  # a notebook runs end to end in a kernel
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs(path, monkeypatch):
    # the kernel imports the checkout under test (a git worktree), not whichever one the venv installed
    root = str(Path(__file__).resolve().parent.parent)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")])))
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=120, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()  # raises CellExecutionError on any error


def test_results_objects_show_as_html_tables():
    import model
    from model.analysis.uncertainty import simulate_draws

    res = model.run("scenarios/h2_plan.toml")
    objects = [
        res, res.calibration, res.params, res.scenario,
        res.compare(model.run("scenarios/baseline.toml")),
        model.solve("scenarios/h2_plan.toml", "gdp_real_yoy_ytd@2020Q4=4.0", "consumption_events"),
        simulate_draws("scenarios/h2_plan.toml", draws=200, seed=1),
    ]
    for obj in objects:
        html = obj._repr_html_()
        assert "<table" in html, type(obj).__name__
        assert hasattr(obj, "summary") or hasattr(obj, "to_frame"), type(obj).__name__
