"""A real ``streamlit run app.py`` on a free localhost port, driven by headless Chromium."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlparse

import pytest

from tests.conftest import REPO

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
ARTIFACTS = REPO / "artifacts" / "screenshots"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class AppServer(NamedTuple):
    """A running ``streamlit run app.py``: where to reach it and its process id."""

    url: str
    pid: int


@contextmanager
def running_app(log: Path, env: dict[str, str] | None = None, repo: Path = REPO) -> Iterator[AppServer]:
    """Run ``streamlit run app.py`` of *repo* on a free port with *env* added; yield it, stop it after.

    Also used by ``bench/bench_load.py`` (which passes another checkout as *repo* for "before").
    """
    port = _free_port()
    full_env = {
        **os.environ,
        "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
        "PYTHONUNBUFFERED": "1",
        **(env or {}),
    }
    with log.open("w") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                "app.py",
                "--server.port",
                str(port),
                "--server.address",
                "127.0.0.1",
                "--server.headless",
                "true",
                "--server.fileWatcherType",
                "none",
                "--browser.gatherUsageStats",
                "false",
            ],
            cwd=repo,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=full_env,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"streamlit did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.5)
        yield AppServer(url, proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="session")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Start the app as a user would (embedded data only, an empty user folder) and yield its URL."""
    home = tmp_path_factory.mktemp("home")
    with running_app(tmp_path_factory.mktemp("streamlit") / "server.log", {"SYRIA_MAP_HOME": str(home)}) as app:
        yield app.url


class PageWatch:
    """Console errors and non-local requests seen by a page."""

    def __init__(self) -> None:
        self.console_errors: list[str] = []
        self.external: list[str] = []
        self.dialogs: list[str] = []


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's chromium, headless, driven by Playwright."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `bash scripts/test.sh`, which installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield instance
        instance.close()


@pytest.fixture
def page(browser: object) -> Iterator[tuple[object, PageWatch]]:
    """A fresh page that blocks every request leaving this machine and records it."""
    watch = PageWatch()
    context = browser.new_context(viewport={"width": 1400, "height": 1000})  # type: ignore[attr-defined]

    def route(route: object) -> None:
        host = urlparse(route.request.url).hostname or ""  # type: ignore[attr-defined]
        if host in ("127.0.0.1", "localhost", "") or route.request.url.startswith(("data:", "blob:")):  # type: ignore[attr-defined]
            route.continue_()  # type: ignore[attr-defined]
        else:
            watch.external.append(route.request.url)  # type: ignore[attr-defined]
            route.abort()  # type: ignore[attr-defined]

    context.route("**/*", route)
    pg = context.new_page()
    pg.on("console", lambda msg: watch.console_errors.append(msg.text) if msg.type == "error" else None)
    pg.on("dialog", lambda dialog: (watch.dialogs.append(dialog.message), dialog.dismiss()))
    yield pg, watch
    context.close()


def screenshot(pg: object, name: str) -> Path:
    """Save a screenshot under artifacts/screenshots/ and return its path."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    pg.screenshot(path=str(path), full_page=True)  # type: ignore[attr-defined]
    return path


def upload_data(pg: object, path: Path, expect: str, timeout: int = 60_000) -> None:
    """Open "Add your data", give it the table at *path* and wait for text matching the regex *expect*."""
    import re

    pg.get_by_text("Add your data").click()  # type: ignore[attr-defined]
    pg.locator("input[type=file][accept*='.csv']").set_input_files(str(path))  # type: ignore[attr-defined]
    pg.get_by_text(re.compile(expect)).wait_for(timeout=timeout)  # type: ignore[attr-defined]
