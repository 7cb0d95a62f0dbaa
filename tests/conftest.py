"""Fixtures every test module can use without importing them.

- ``book_build``: the book, built once per test run (tests/book_build.py);
- ``book_site``: that build served over http on this machine; ``browser``: one headless
  Chromium per test module, offline (tests/browser.py, which also has the helpers to read
  console errors and requests and to run a widget's JavaScript: ``js_call``).
"""

from book_build import book_build  # noqa: F401
from browser import book_site, browser  # noqa: F401
