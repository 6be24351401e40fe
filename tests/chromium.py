"""The one way conflictmap drives a browser: the system Chromium, offline.

Shared by the browser tests and the maps benchmark, so the rules live in one
place: never a downloaded browser, and every request that is not ``file:``
aborted and recorded.
"""

from __future__ import annotations

import shutil
import time
from typing import Any

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def executable() -> str | None:
    """Return the system Chromium's path, or None when it is not installed."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


def launch(playwright: Any) -> Any:
    """Launch the system Chromium headless through a running playwright."""
    return playwright.chromium.launch(executable_path=executable(), args=ARGS)


def guard(page: Any) -> tuple[list[str], list[str]]:
    """Record a page's console errors and abort (and record) every request off the machine.

    Returns
    -------
    tuple of list
        ``(errors, remote)``, filled in as the page runs.
    """
    errors: list[str] = []
    remote: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))

    def route(r: Any) -> None:
        if r.request.url.startswith("file:"):
            r.continue_()
        else:
            remote.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.wait_for_function = lambda expression, arg=None, **kw: wait_for(page, expression, arg, **kw)
    return errors, remote


def wait_for(page: Any, expression: str, arg: Any = None, *, timeout: float | None = None,
             polling: Any = None) -> Any:
    """Wait until a JavaScript expression (or function of ``arg``) is truthy; return its value.

    Playwright's own ``wait_for_function`` compiles the predicate with
    ``new Function`` inside the page, which the map's Content-Security-Policy
    (no ``'unsafe-eval'``) forbids; ``page.evaluate`` goes through the
    DevTools protocol, which the policy does not govern. :func:`guard` puts
    this in the page's ``wait_for_function``.
    """
    ms = 30000 if timeout is None else timeout
    deadline = time.monotonic() + ms / 1000
    step = polling if isinstance(polling, (int, float)) else 20
    while True:
        value = page.evaluate(expression, arg)
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"waited {ms} ms for {expression[:80]!r}")
        page.wait_for_timeout(step)
