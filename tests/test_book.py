"""The HTML book builds and renders offline: math, widgets and folded solutions, no CDN.

The book is built once per test run, into a temporary folder, with ``python -m
tools.build_book`` (tests/book_build.py); the build must leave the repository as it was. What a
browser makes of the pages is tested in test_browser_*.py.
"""

import json
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import nbformat
import pytest
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[1]
CHAPTER = "chapters/01_convolution"
# the AMD modules embed-amd.js carries itself; a widget from any other module would make
# it fetch that module from a CDN (see book/_ext/widgets_offline_config.js)
# (and book/_ext/live_pages.py renders anywidgets without it)
BUNDLED_WIDGET_MODULES = {"@jupyter-widgets/base", "@jupyter-widgets/controls", "@jupyter-widgets/output", "anywidget"}


@pytest.fixture(scope="module")
def build(book_build):
    """The session's one book build (tests/book_build.py): (html folder, snapshots before, after)."""
    return book_build.html, book_build.before, book_build.after


@pytest.fixture(scope="module")
def html(build):
    return build[0]


def page(html, name):
    return BeautifulSoup((html / f"{name}.html").read_text(encoding="utf-8"), "html.parser")


def is_remote(url):
    return url.startswith("//") or urlsplit(url).scheme in ("http", "https")


def local_file(html, page_name, url):
    """The built file a page's relative URL points to (query string dropped)."""
    return (html / page_name).parent.joinpath(urlsplit(url).path).resolve()


def test_build_leaves_the_repository_untouched(build):
    _, before, after = build
    if before is None:
        pytest.skip("CNNCOURSE_BOOK names a build made outside the test run")
    assert after[0] == before[0], "git status of book/ or notebooks/ changed during the build"
    changed = before[1].keys() ^ after[1].keys()
    changed |= {p for p in before[1].keys() & after[1].keys() if before[1][p] != after[1][p]}
    assert not changed, f"the build wrote into the source tree: {sorted(changed)}"


def test_chapter_is_the_notebook():
    link = ROOT / "book" / f"{CHAPTER}.ipynb"
    assert link.is_symlink() and os.readlink(link) == "../../notebooks/01_convolution.ipynb", \
        "book/chapters/01_convolution.ipynb must be a relative link to the notebook"


def test_pages_load_nothing_from_the_network(html):
    pages = sorted(html.rglob("*.html"))
    assert len(pages) >= 3
    remote = []
    for path in pages:
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        for tag, attribute in [("script", "src"), ("link", "href"), ("img", "src"), ("iframe", "src")]:
            remote += [f"{path.relative_to(html)}: <{tag} {attribute}={element[attribute]}>"
                       for element in soup.find_all(tag, attrs={attribute: True}) if is_remote(element[attribute])]
    assert not remote, "\n".join(remote)


def test_stylesheets_load_nothing_from_the_network(html):
    remote_css = re.compile(r"""(url\(\s*|@import\s+)['"]?(https?:)?//""", re.IGNORECASE)
    offenders = [str(p.relative_to(html)) for p in html.rglob("*.css")
                 if remote_css.search(p.read_text(encoding="utf-8", errors="replace"))]
    assert not offenders, f"stylesheets with remote fonts or imports: {offenders}"


def chapters(html):
    return sorted(p.relative_to(html).with_suffix("").as_posix() for p in (html / "chapters").glob("*.html"))


def saved_widgets(soup):
    """{model id: saved model} of a page's widget state, {} when it has none."""
    tag = soup.find("script", type="application/vnd.jupyter.widget-state+json")
    return json.loads(tag.string)["state"] if tag else {}


def script_order(html, name, soup, wanted):
    """{wanted path: position among the page's scripts}, checking each is in the build."""
    found = {}
    for index, script in enumerate(soup.find_all("script", src=True)):
        for path in wanted:
            if urlsplit(script["src"]).path.endswith("_static/" + path):
                found[path] = index
                assert local_file(html, name, script["src"]).is_file(), f"{script['src']} is not in the build"
    return found


# what the small script draws besides anywidgets (a tqdm progress bar is a box of these)
DISPLAY_ONLY = {"LayoutModel", "HBoxModel", "VBoxModel", "BoxModel", "HTMLModel", "HTMLMathModel", "LabelModel",
                "FloatProgressModel", "IntProgressModel"}
EMBED = ["vendor/requirejs/require.js", "vendor/jupyter-widgets/offline-config.js", "vendor/jupyter-widgets/embed-amd.js"]
LIVE = "vendor/cnncourse/live-widgets.js"


def test_chapters_have_typeset_math_and_the_lightest_widget_scripts(html):
    assert CHAPTER in chapters(html)
    for name in chapters(html):
        soup = page(html, name)
        found = script_order(html, name, soup, ["vendor/mathjax/startup.js", LIVE, *EMBED])
        math = soup.select(".math")
        assert math and all(m.find("mjx-container") and m.get("data-tex") for m in math), \
            f"{name}: math left for a script to typeset"
        assert ("vendor/mathjax/startup.js" in found) == bool(set(EMBED) & set(found)), \
            f"{name}: MathJax is loaded although the math is typeset, or missing for the embed script"
        models = saved_widgets(soup)
        all_live = all(m["model_module"] == "anywidget" or m["model_name"] in DISPLAY_ONLY
                       or m["model_name"].endswith("StyleModel") for m in models.values())
        if models and all_live:  # anywidgets only: the small script, not the 3.6 MB embed script
            assert LIVE in found and not set(EMBED) & set(found), f"{name} loads {sorted(found)}"
        elif models:  # require.js, then the configuration of its paths, then the embed script
            assert [found.get(path) for path in EMBED] == sorted(found[path] for path in EMBED), name
            embed = soup.find("script", src=re.compile("embed-amd.js"))
            assert not is_remote(embed.get("data-jupyter-widgets-cdn", "https://")), "it would use a CDN"

    # the fonts they load at run time: the typeset math's, named in its stylesheet, and the icon font
    vendor = html / "_static" / "vendor"
    math_css = (vendor / "cnncourse/math.css").read_text(encoding="utf-8")
    fonts = re.findall(r'url\("?([^")]+\.woff)', math_css)
    assert fonts and all((vendor / "cnncourse" / font).resolve().is_file() for font in fonts), "math fonts missing"
    icon_fonts = set(re.findall(r"[0-9a-f]{20}\.woff2", (vendor / "jupyter-widgets/embed-amd.js").read_text(encoding="utf-8")))
    missing = [name for name in icon_fonts if not (vendor / "jupyter-widgets" / name).is_file()]
    assert icon_fonts and not missing, f"icon fonts embed-amd.js asks for are not in the build: {missing}"


def test_pages_leave_out_thebe_and_the_icon_script(html):
    for path in sorted(html.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        assert "THEBE_JS_URL" not in text and "sphinx-thebe" not in text, f"{path.name} still loads Thebe"
        assert "fontawesome.js" not in text, f"{path.name} loads the theme's icon script"
        assert not re.search(r'<i class="[^"]*\bfa-', text), f"{path.name} has an icon left for a script to draw"
    assert not (html / "_static/scripts/fontawesome.js").exists()
    icons = page(html, CHAPTER).select("svg.svg-inline--fa")
    assert len(icons) >= 8 and all(icon.path["d"] for icon in icons), "the theme's icons are not drawn inline"


def test_chapter_embeds_widget_state_and_views(html):
    soup = page(html, CHAPTER)
    state_tags = soup.find_all("script", type="application/vnd.jupyter.widget-state+json")
    assert len(state_tags) == 1, "no embedded widget state: were the notebook's widgets saved?"
    models = json.loads(state_tags[0].string)["state"]
    views = [json.loads(tag.string) for tag in soup.find_all("script", type="application/vnd.jupyter.widget-view+json")]
    assert views, "no widget is displayed on the page"
    assert all(view["model_id"] in models for view in views), "a displayed widget has no saved state"
    modules = {m["model_module"] for m in models.values()} | {m["state"].get("_view_module") for m in models.values()}
    unbundled = modules - BUNDLED_WIDGET_MODULES - {None}
    assert not unbundled, f"widget modules the offline page cannot load: {unbundled}"


def test_solutions_are_folded(html):
    notebook = nbformat.read(ROOT / "book" / f"{CHAPTER}.ipynb", as_version=4)
    solutions = [c for c in notebook.cells if c.cell_type == "code" and "hide-input" in c.metadata.get("tags", [])]
    assert solutions, "chapter 1 has no solution cell tagged hide-input"
    cells = page(html, CHAPTER).select("div.cell.tag_hide-input")
    assert len(cells) == len(solutions), f"{len(solutions)} hide-input cells, {len(cells)} hidden on the page"
    for cell in cells:
        # myst-nb wraps a hidden input in a closed <details> that the reader can open
        details = cell.find("details", class_="hide")
        assert details is not None and not details.has_attr("open"), "a solution is not folded"
        assert details.find("div", class_="cell_input") is not None, "the folded part is not the cell's code"


def test_hidden_tests_and_check_markers_stay_out_of_the_pages(html):
    page = (html / f"{CHAPTER}.html").read_text()
    assert "check_corr2d" in page  # the visible test is shown...
    assert "HIDDEN TESTS" not in page and "hidden=True" not in page  # ...the hidden one is not
    assert "[[ 7  8  9]" in page and "NBVAL" not in page  # checked cells stay, unmarked
