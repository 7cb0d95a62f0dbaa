"""Optional system packages the tests need, and one way to skip without them.

``make test`` passes with only Python, make and Node. A test that needs a package that is not
installed is skipped with :func:`skip_without`, whose message names the package and the command
that installs it; tests/conftest.py sums those skips up in one line at the end of the run.
"""

import shutil

import pytest

APT = "sudo apt-get install"  # Debian / Ubuntu; .ci/run installs them the same way

# name -> (programs that must be on PATH, Debian packages, what needs it)
PACKAGES = {
    "chromium": (("chromium|chromium-browser", "chromedriver"), ("chromium", "chromium-driver"),
                 "the browser tests of the book and of JupyterLab"),
    "bubblewrap": (("bwrap",), ("bubblewrap",), "the sandboxed grading tests"),
}
PREFIX = "missing system package"


def missing(name):
    """True when a program of package ``name`` is not on PATH."""
    programs = PACKAGES[name][0]
    return any(not any(shutil.which(alt) for alt in program.split("|")) for program in programs)


def message(name):
    _, debs, what = PACKAGES[name]
    return f"{PREFIX} {name} (for {what}): {APT} {' '.join(debs)}"


def skip_without(name):
    """Skip the calling test (or fixture) when package ``name`` is missing."""
    if missing(name):
        pytest.skip(message(name))


def needs(name):
    """A ``skipif`` mark for tests that need package ``name``."""
    return pytest.mark.skipif(missing(name), reason=message(name))
