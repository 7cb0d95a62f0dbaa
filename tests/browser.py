"""Headless Chromium for the tests: the built book, offline, with its console and network watched.

Fixtures (tests/conftest.py makes them available everywhere): ``browser`` (one Chromium per
test module; skipped with a message saying how to install it when Debian's chromium or
chromium-driver is missing), ``book_site`` (the shared book build served at
http://127.0.0.1:PORT/, see book_build.py).

- :func:`start_browser` starts Chromium with every outside host unresolvable;
- :func:`console_errors` and :func:`requests` read what a page logged and fetched since the last
  call (Chromium's browser and performance logs);
- :func:`outside_requests` keeps the URLs that would leave the machine;
- :func:`js_call` and :func:`js_calls` run an exported function of a widget's ES module in the
  browser (once, or on many inputs): the JS-versus-Python comparison of a widget's numbers.
"""

import functools
import http.server
import json
import shutil
import threading
from urllib.parse import urlsplit

import pytest

from system_packages import skip_without

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-first-run", "--disable-default-apps", "--disable-extensions", "--mute-audio",
         "--window-size=1366,900",
         # no name resolves but this machine's: nothing can leave it
         "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1"]
LOCAL_SCHEMES = {"file", "data", "blob", "about", "chrome", "devtools"}


def chromium_paths():
    """(chromium, chromedriver) paths, or None when either is not installed."""
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    return (binary, driver) if binary and driver else None


def start_browser(width=1366, height=900):
    """A headless Chromium (selenium WebDriver) logging console and network; skips without one."""
    skip_without("chromium")
    paths = chromium_paths()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = paths[0]
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--window-size={width},{height}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(executable_path=paths[1]))
    driver.set_script_timeout(30)
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})  # every load is cold
    return driver


def console_errors(driver):
    """Console messages at error level since the last call (page errors included)."""
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def requests(driver):
    """{url: bytes received} for every request since the last call (performance log)."""
    urls, sizes = {}, {}
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        params = message.get("params", {})
        if message["method"] == "Network.requestWillBeSent":
            urls[params["requestId"]] = params["request"]["url"]
        elif message["method"] == "Network.loadingFinished":
            sizes[params["requestId"]] = params.get("encodedDataLength", 0)
    received = {}
    for request, url in urls.items():
        received[url] = received.get(url, 0) + sizes.get(request, 0)
    return received


def outside_requests(urls, port=None):
    """The URLs that would leave this machine: any but file:, data:, blob: and this server's."""
    def local(url):
        parts = urlsplit(url)
        if parts.scheme in LOCAL_SCHEMES:
            return True
        return parts.hostname in ("127.0.0.1", "localhost") and (port is None or parts.port == port)
    return sorted(url for url in urls if not local(url))


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def book_site(book_build):
    """The built book served over http on this machine: (base URL, html folder)."""
    handler = functools.partial(QuietHandler, directory=str(book_build.html))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/", book_build.html
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def _chromium():
    """One headless Chromium per test process (starting one takes about a second)."""
    driver = start_browser()
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def browser(_chromium):
    """The process's Chromium, handed to each test module on a blank page, its logs read: nothing a
    page of an earlier module did can show up in this module's console errors or requests."""
    _chromium.get("about:blank")
    for log in ("browser", "performance"):
        _chromium.get_log(log)
    return _chromium


# Imports module source from a blob URL, calls one export on each argument list, and returns the
# results as JSON (typed arrays as plain lists), or {"error": message}.
CALL = """
const [source, name, calls, done] = arguments;
const plain = (value) => ArrayBuffer.isView(value) ? Array.from(value)
  : Array.isArray(value) ? value.map(plain)
  : value && typeof value === "object" ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]))
  : value;
const url = URL.createObjectURL(new Blob([source], {type: "text/javascript"}));
import(url).then(async (module) => {
  if (typeof module[name] !== "function") throw new Error(`the module exports no function ${name}`);
  const results = [];
  for (const args of calls) results.push(plain(await module[name](...args)));
  return results;
}).then((results) => done({result: JSON.stringify(results)}),
        (error) => done({error: String(error && error.stack || error)}));
"""


def js_calls(driver, source, name, calls):
    """``[name(*args) for args in calls]``, ``name`` exported by ES module ``source``, run in the browser.

    One import for all the calls. Arguments and results travel as JSON: numbers, strings, lists,
    dicts (typed arrays become lists). Raises AssertionError with the browser's message on a throw.
    """
    if not driver.current_url.startswith(("http", "file")):
        driver.get("data:text/html,<title>js_call</title>")
    answer = driver.execute_async_script(CALL, source, name, [list(args) for args in calls])
    if "error" in answer:
        raise AssertionError(f"{name} threw in the browser: {answer['error']}")
    return json.loads(answer["result"])


def js_call(driver, source, name, *args):
    """``name(*args)``, exported by ES module ``source``, run in the browser (see :func:`js_calls`)."""
    return js_calls(driver, source, name, [args])[0]


# What the page shows once its scripts have run: math typeset, widgets drawn.
SHOWN = """
const views = document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]');
const drawn = [...views].filter((view) => {
  const shown = view.parentElement.querySelector(".cnn-live, .widget-subarea");  // live or embed script's
  return shown && shown.getBoundingClientRect().height > 10;
}).length;
return {views: views.length, drawn, math: document.querySelectorAll("mjx-container").length,
        mathErrors: document.querySelectorAll("mjx-merror").length,
        texLeft: document.querySelectorAll(".math:not(:has(mjx-container))").length};
"""


def wait_until_shown(driver, timeout=20):
    """Wait until every widget of the page is drawn and its math typeset; return what it shows."""
    from selenium.webdriver.support.ui import WebDriverWait
    WebDriverWait(driver, timeout).until(lambda d: (lambda s: s["drawn"] == s["views"] and s["texLeft"] == 0)(
        d.execute_script(SHOWN)))
    return driver.execute_script(SHOWN)


def open_page(driver, url, timeout=20):
    """Load ``url`` and wait until its widgets are drawn (a widget looked for earlier may not exist yet)."""
    driver.get(url)
    return wait_until_shown(driver, timeout)
