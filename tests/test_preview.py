"""`make preview` in a real browser: the page loads whole, and a saved template shows itself after the reload.

Headless Chromium from Debian's packages (``make browser`` installs them as
root) drives the preview server, started as a user starts it.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from experiments import studies
from experiments.paths import ROOT, TEMPLATES_DIR
from experiments.run import RunPaths, run_experiment
from experiments.specs import expand

CHROMIUM, DRIVER = shutil.which("chromium"), shutil.which("chromedriver")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(CHROMIUM is None or DRIVER is None,
                       reason="needs Debian's chromium and chromium-driver: `make browser` installs them as root"),
]


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """The templates and two finished BBC runs (each with its figures) in a folder of their own."""
    root = tmp_path_factory.mktemp("preview")
    shutil.copytree(TEMPLATES_DIR, root / "templates")
    paths = RunPaths(data_dir=root / "raw", cache_dir=root / "interim", results_dir=root / "results",
                     images_dir=root / "images")
    for spec in studies.find("bbc-majority,bbc-tfidf-logreg"):
        (point,) = expand(spec, profile="quick")
        run_experiment(point, seed=0, profile="quick", source="embedded", key="test", paths=paths, verbose=0)
    return root


@pytest.fixture
def browser(project):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "report", "--root", str(project), "--results-dir", str(project / "results"), "preview",
         "--port", str(port), "--templates", str(project / "templates")],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)  # stderr: "not run yet" warnings
    try:
        first = server.stdout.readline()
        assert f"http://127.0.0.1:{port}/" in first, first
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
            options.add_argument(flag)
        driver = webdriver.Chrome(service=Service(DRIVER), options=options)
        try:
            driver.get(f"http://127.0.0.1:{port}/")
            yield driver
        finally:
            driver.quit()
    finally:
        server.terminate()
        server.wait(timeout=20)


def wait_for(driver, text: str, timeout: float = 30.0) -> float:
    """Seconds until ``text`` is on the page (the page reloads itself)."""
    started = time.perf_counter()
    while text not in driver.page_source:
        if time.perf_counter() - started > timeout:
            raise AssertionError(f"{text!r} did not appear within {timeout} s")
        time.sleep(0.02)
    return time.perf_counter() - started


def test_the_page_loads_with_every_figure_decoded_and_every_internal_link_resolving(browser):
    images = browser.execute_script("return Array.from(document.images).map(i => [i.src, i.complete && i.naturalWidth > 0])")
    assert images and all(decoded for _, decoded in images), [src for src, decoded in images if not decoded]
    dangling = browser.execute_script(
        "return Array.from(document.querySelectorAll('a[href^=\"#\"]')).map(a => a.getAttribute('href').slice(1))"
        ".filter(id => id && !document.getElementById(decodeURIComponent(id)))")
    links = browser.execute_script("return document.querySelectorAll('a[href^=\"#\"]').length")
    assert links > 10 and dangling == []


def test_a_saved_template_shows_its_new_sentence_after_the_reload(browser, project):
    chapter = project / "templates" / "10-bbc.md.j2"
    sentence = f"A sentence saved at {time.time_ns()}."
    chapter.write_text(chapter.read_text(encoding="utf-8") + f"\n{sentence}\n", encoding="utf-8")
    seconds = wait_for(browser, sentence)
    print(f"save to reloaded page: {seconds:.2f} s")


def test_a_template_error_shows_in_the_page_with_its_file_and_line_until_it_is_fixed(browser, project):
    chapter = project / "templates" / "10-bbc.md.j2"
    good = chapter.read_text(encoding="utf-8")
    chapter.write_text(good + "\n{{ no_such_helper() }}\n", encoding="utf-8")
    wait_for(browser, "could not be built")
    assert "10-bbc.md.j2:" in browser.find_element("id", "error").text
    chapter.write_text(good + "\nFixed again.\n", encoding="utf-8")
    wait_for(browser, "Fixed again.")
