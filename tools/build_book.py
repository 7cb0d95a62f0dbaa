"""Build the HTML book, offline: ``python -m tools.build_book [--all] [--output DIR]``.

1. Installs the browser assets the pages load (MathJax, require.js, the ipywidgets
   embed script) with ``npm ci --prefix tools/book_assets`` when they are missing or
   older than package-lock.json. book/_ext/offline_assets.py copies them into the site.
2. Runs ``jupyter-book build book/``, which renders the chapter notebooks with their stored
   outputs and widget state (``make notebooks`` makes them; the tests check they are fresh)
   and writes book/_build/html, or DIR/_build/html.
"""

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ASSETS = ROOT / "tools" / "book_assets"


def install_assets():
    """Run `npm ci` unless node_modules is newer than package-lock.json."""
    lock = ASSETS / "package-lock.json"
    # npm writes this file at the end of every install: its age is the install's age
    installed = ASSETS / "node_modules" / ".package-lock.json"
    if installed.exists() and installed.stat().st_mtime >= lock.stat().st_mtime:
        return
    npm = shutil.which("npm")
    if npm is None:
        sys.exit("build_book: npm (Node.js) is needed once, to install MathJax and the widget scripts.")
    print("build_book: installing the book's browser assets (npm ci) ...", flush=True)
    subprocess.run(
        # --ignore-scripts: no package needs its install script for the files we copy
        [npm, "ci", "--prefix", str(ASSETS), "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"],
        check=True,
    )


def build(output=None, all_pages=False):
    """Build the book; return jupyter-book's exit status."""
    install_assets()
    # the jupyter-book beside this interpreter, i.e. the one in the same venv
    command = [str(Path(sys.executable).with_name("jupyter-book")), "build", str(ROOT / "book"),
               # warnings are errors (a broken link or a bad cell fails the build), all reported
               "-W", "--keep-going", "-q"]
    if output is not None:
        command += ["--path-output", str(output)]
    if all_pages:
        command.append("--all")
    print("build_book: building the book ...", flush=True)
    start = time.monotonic()
    status = subprocess.run(command, cwd=ROOT).returncode
    result = "done" if status == 0 else f"FAILED (exit status {status})"
    print(f"build_book: {result} in {time.monotonic() - start:.0f} s", flush=True)
    return status


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--all", action="store_true", dest="all_pages",
                        help="rebuild every page (Sphinx keeps changed static files otherwise)")
    parser.add_argument("--output", type=Path, default=None,
                        help="write the build to OUTPUT/_build/html instead of book/_build/html")
    args = parser.parse_args()
    sys.exit(build(args.output, args.all_pages))


if __name__ == "__main__":
    main()
