"""Copy the browser files the book needs into the built site, so pages render offline.

MathJax, require.js and the ipywidgets embed script are installed by npm into
tools/book_assets/node_modules (see tools/build_book.py). Only the few files a page
loads are copied, into <html>/_static/vendor/; book/_config.yml points `mathjax_path`
and `nb_ipywidgets_js` at them.

The files are not put in book/_static: Jupyter Book adds every .js and .css found
there to every page, which would load them twice.
"""

import importlib.util
import shutil
from pathlib import Path

from sphinx.errors import ExtensionError

HERE = Path(__file__).resolve().parent
NODE_MODULES = HERE.parents[1] / "tools" / "book_assets" / "node_modules"

# folder under _static/vendor/ -> (source folder, glob patterns of the files to copy)
ASSETS = {
    "mathjax": (
        NODE_MODULES / "mathjax" / "es5",
        [
            # MathJax's loader and the parts it loads (see mathjax3_config in _config.yml): 0.75 MB
            # instead of the 1.2 MB of tex-chtml.js, which adds the menu and accessibility
            "startup.js", "core.js", "input/tex.js", "output/chtml.js", "output/chtml/fonts/tex.js",
            # loaded at run time: fonts, and the TeX packages autoloaded for commands such as
            # \boldsymbol, \color or \cancel
            "output/chtml/fonts/woff-v2/*.woff",
            "input/tex/extensions/*.js",
        ],
    ),
    "requirejs": (NODE_MODULES / "requirejs", ["require.js"]),
    "jupyter-widgets": (
        NODE_MODULES / "@jupyter-widgets" / "html-manager" / "dist",
        # embed-amd.js bundles the widget models and views; the .woff2 files are its
        # icon font (Font Awesome), which modern browsers pick over the other formats
        ["embed-amd.js", "*.woff2"],
    ),
}
ANYWIDGET = Path(importlib.util.find_spec("anywidget").origin).parent
# our own files, and anywidget's AMD module for pages that need the embed script (live_pages.py)
LOCAL = {
    "jupyter-widgets/offline-config.js": HERE / "widgets_offline_config.js",  # before embed-amd.js
    "jupyter-widgets/anywidget.js": ANYWIDGET / "nbextension" / "index.js",
    "cnncourse/live-widgets.js": HERE / "live_widgets.js",
    "cnncourse/book.css": HERE / "book.css",
}


def copy_assets(app):
    if app.builder.format != "html":
        return
    if not NODE_MODULES.is_dir():
        raise ExtensionError(
            f"{NODE_MODULES} is missing: build the book with `python -m tools.build_book`, "
            "which installs it (npm ci --prefix tools/book_assets)."
        )
    vendor = Path(app.builder.outdir) / "_static" / "vendor"
    copies = dict(LOCAL)
    for folder, (source, patterns) in ASSETS.items():
        for pattern in patterns:
            found = sorted(source.glob(pattern))
            if not found:
                raise ExtensionError(f"offline_assets: nothing matches {source / pattern}")
            copies.update({f"{folder}/{p.relative_to(source)}": p for p in found})
    for target, source in copies.items():
        (vendor / target).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, vendor / target)


def setup(app):
    # Copy before pages are written, so Sphinx finds the files and adds its
    # cache-busting ?v=<checksum> to their URLs; copied on every build, so a changed
    # file never goes stale in an incremental build.
    app.connect("builder-inited", copy_assets)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
