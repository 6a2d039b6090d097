"""``pip install .`` (not editable) into a fresh virtual environment, then ``hzmodel run`` from
another folder: the data, the scenarios, the labels, the template and the font come with the
package."""

import os
import subprocess
import sys
import venv
from pathlib import Path

import openpyxl
import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


def test_pip_install_then_hzmodel_run_from_another_folder(tmp_path):
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True, system_site_packages=False)
    py = env_dir / "bin" / "python"
    # the dependencies are already in this interpreter's environment: reuse them (only the build
    # backend, setuptools, is fetched by pip for its isolated build)
    site = next(p for p in sys.path if p.endswith("site-packages"))
    env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1", "MPLBACKEND": "Agg",
           "PYTHONPATH": ""}
    build = tmp_path / "src"
    # the working tree as it is (committed or not, ignored files left out), built outside the checkout
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT, check=True,
                           capture_output=True, text=True).stdout.split()
    for f in files:
        src = ROOT / f
        if src.is_file():
            (build / f).parent.mkdir(parents=True, exist_ok=True)
            (build / f).write_bytes(src.read_bytes())
    (env_dir / "lib").joinpath(f"python{sys.version_info.major}.{sys.version_info.minor}", "site-packages",
                               "_deps.pth").write_text(site + "\n")
    subprocess.run([str(py), "-m", "pip", "install", "-q", "--no-deps", str(build)],
                   check=True, env=env, cwd=tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    hzmodel = env_dir / "bin" / "hzmodel"
    done = subprocess.run([str(hzmodel), "run", "--lang", "zh", "--quiet"], cwd=elsewhere, env=env,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    out = elsewhere / "results" / "h2_plan"
    assert {"quarterly.csv", "results.xlsx", "briefing.html", "gdp_growth.png"} <= {p.name for p in out.iterdir()}
    assert "地区生产总值累计同比增速（可比价）" in [c.value for c in openpyxl.load_workbook(out / "results.xlsx")["季度"][1]]
    where = subprocess.run([str(py), "-c", "import model.inputs.data as d; print(d.DATA_DIR)"], cwd=elsewhere,
                           env=env, capture_output=True, text=True, check=True).stdout.strip()
    assert str(env_dir) in where  # the installed copy, not the source checkout
