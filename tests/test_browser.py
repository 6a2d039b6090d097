"""The HTML briefing in a real headless browser (Debian's chromium, driven by Playwright): it loads
with no console error and no failed request, and every figure is decoded and shown.

In CI (``CI=true``, where ``.ci/run`` installs chromium) a missing browser fails the test; on a
developer's machine without one it is skipped.
"""

import os
import shutil
from pathlib import Path

import pytest

from model.analysis.results import run
from model.present.run_files import write_run

pytestmark = pytest.mark.slow

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


def _chromium() -> str:
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if path:
        return path
    if os.environ.get("CI"):
        pytest.fail("chromium is not installed: .ci/run must apt-get install chromium")
    pytest.skip("no chromium on this machine (apt-get install -y chromium)")


def test_the_briefing_renders_in_a_headless_browser_with_its_figures(tmp_path):
    browser_path = _chromium()
    sync_api = pytest.importorskip("playwright.sync_api") if not os.environ.get("CI") else __import__(
        "playwright.sync_api", fromlist=["sync_playwright"])
    out = write_run(run("scenarios/h2_plan.toml"), tmp_path / "h2_plan", lang="zh")
    page_file = out / "briefing.html"
    errors: list[str] = []
    requests: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=browser_path, headless=True, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 900, "height": 1200}, offline=True)
            page = context.new_page()
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("requestfailed", lambda r: errors.append(f"failed: {r.url}"))
            page.on("request", lambda r: requests.append(r.url))
            page.goto(page_file.as_uri(), wait_until="load")
            figures = page.evaluate(
                "() => [...document.images].map(i => [i.complete, i.naturalWidth, i.getBoundingClientRect().width])")
            fonts_ok = page.evaluate("() => document.fonts.check('12px \"HZ Noto Sans CJK SC\"', '地区生产总值')")
            title = page.title()
            page.pdf(path=str(tmp_path / "briefing.pdf"), format="A4")  # printable to A4
            page.screenshot(path=str(tmp_path / "briefing.png"), full_page=False)
        finally:
            browser.close()
    assert errors == []
    assert [u for u in requests if not u.startswith(("file:", "data:"))] == []  # nothing from a network
    assert len(figures) == 3
    assert all(done and natural > 500 and shown > 300 for done, natural, shown in figures)
    assert fonts_ok
    assert title.startswith("杭州经济政策情景分析")
    assert Path(tmp_path / "briefing.pdf").read_bytes().startswith(b"%PDF")
