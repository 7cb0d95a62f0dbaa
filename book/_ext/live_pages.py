"""Light pages whose widgets live without a kernel.

- A page whose widgets are all anywidgets (their view is JavaScript carried in the saved
  widget state) or display-only ones (boxes, HTML, progress bars) loads ``live_widgets.js`` (a
  few KB) to render them, instead of require.js and the 3.6 MB ipywidgets embed script. A page
  with any other widget keeps the embed script.
- Thebe is off, yet sphinx-thebe adds its script and an inline ``const THEBE_JS_URL`` to every
  page (twice, which is a SyntaxError): both are left out.
- The theme's icon script (fontawesome.js, 1.5 MB) replaces every ``<i class="fa-...">`` with an
  ``<svg>``, widget icons included, which breaks the widgets that keep a handle on their ``<i>``.
  The few icons the theme's pages use are written into the pages as inline SVG instead, taken
  from that same script, and the script is neither loaded nor shipped (nor the theme
  stylesheet's rules that map icon classes to font glyphs).
- The notebooks' figures are PNG files; the pages show lossless WebP copies where those are
  smaller (about half the bytes for plots and photos).
- Math is typeset once, at build time, by MathJax under Node.js (tools/book_assets/typeset.js):
  pages carry the typeset HTML and one small stylesheet, and load no MathJax script (0.8 MB).
  The TeX stays in each element's ``data-tex``, so a later incremental build can typeset again.
  Only pages that keep the ipywidgets embed script still load MathJax, for widget labels.
"""

import html as html_text
import json
import re
import shutil
import subprocess
from pathlib import Path

from PIL import Image
from sphinx.errors import ExtensionError

HERE = Path(__file__).resolve().parent
LIVE_SCRIPT = "vendor/cnncourse/live-widgets.js"  # under _static/; offline_assets copies both
STYLESHEET = "vendor/cnncourse/book.css"
MATH_STYLESHEET = "vendor/cnncourse/math.css"  # written by typeset_math
TYPESET = HERE.parents[1] / "tools" / "book_assets" / "typeset.js"
# the math elements myst writes (TeX between \( \) or \[ \]), or that a build typeset already
MATH = re.compile(r'<(span|div) class="math notranslate nohighlight"(?: data-tex="([^"]*)")?>(.*?)</\1>', re.S)
STATE_TYPE = "application/vnd.jupyter.widget-state+json"
# models that need no embed script: anywidgets, display-only controls (a tqdm progress bar is a
# box of HTML and FloatProgress), and the layout and style models that go with them
LIVE_MODULES = {"anywidget"}
CONTROLS = "@jupyter-widgets/controls"
STATIC_MODELS = {(CONTROLS, name) for name in ("HBoxModel", "VBoxModel", "BoxModel", "HTMLModel", "HTMLMathModel",
                                               "LabelModel", "FloatProgressModel", "IntProgressModel")}
BASE_MODELS = {("@jupyter-widgets/base", "LayoutModel"), ("@jupyter-widgets/base", "StyleModel")}

ICON_SCRIPT = re.compile(r'<(?:script[^>]*src|link[^>]*href)="[^"]*_static/scripts/fontawesome\.js[^"]*"[^>]*>'
                         r'(?:</script>)?\s*')
ICON = re.compile(r'<(i|span) class="([^"]*\bfa-[^"]*)"([^>]*)>\s*</\1>')
STYLES = {"fa-solid": "fas", "fas": "fas", "fa-regular": "far", "far": "far", "fa-brands": "fab", "fab": "fab"}
# icon name -> [width, height, aliases, unicode, path] in fontawesome.js; a pack ends with d("fas",p)
ICON_ENTRY = re.compile(r'(?:"([a-z0-9-]+)"|([a-z0-9]+)):\[(\d+),(\d+),\[([^\]]*)\],"[0-9a-f]*","([^"]+)"\]')
PACK = re.compile(r'var p=\{(.*?)\};.*?d\("(fa[srb])",p\)', re.S)


def all_live(models):
    """True when live_widgets.js can draw every saved widget model (see LIVE_MODULES, STATIC_MODELS)."""
    def drawn(m):
        kind = (m["model_module"], m["model_name"])
        return (m["model_module"] in LIVE_MODULES or kind in STATIC_MODELS or kind in BASE_MODELS
                or (m["model_module"] == CONTROLS and m["model_name"].endswith("StyleModel")))
    return all(drawn(m) for m in models.values())


def page_scripts(app, pagename, templatename, context, doctree):
    """Leave Thebe out of every page; swap the embed script for the live one where it can."""
    scripts = context.get("script_files")
    if scripts is None:
        return
    # the theme's mode when the reader has chosen none (an empty one is logged as an error)
    context["default_mode"] = context.get("default_mode") or "auto"
    scripts[:] = [s for s in scripts if not (str(s.filename or "").endswith("sphinx-thebe.js")
                                             or "THEBE_JS_URL" in s.attributes.get("body", ""))]
    # myst-nb adds the page's saved widget state as an inline script
    states = [s.attributes["body"] for s in scripts if s.attributes.get("type") == STATE_TYPE]
    embed = tuple(app.config.nb_ipywidgets_js)
    if states and all_live(json.loads(states[0])["state"]):
        scripts[:] = [s for s in scripts if not str(s.filename or "").endswith(embed)]
        app.add_js_file(LIVE_SCRIPT)
    if not any(str(s.filename or "").endswith(embed) for s in scripts):  # math typeset at build time
        scripts[:] = [s for s in scripts if not (str(s.filename or "").endswith(app.config.mathjax_path)
                                                 or "window.MathJax" in s.attributes.get("body", ""))]
    context["css_files"][:] = [c for c in context["css_files"] if not str(c.filename).endswith("sphinx-thebe.css")]


def icon_paths(script):
    """{(style, name): svg} for every icon in the theme's fontawesome.js (names and aliases)."""
    icons = {}
    for body, style in PACK.findall(script):
        for quoted, bare, width, height, aliases, path in ICON_ENTRY.findall(body):
            svg = (f'<svg class="svg-inline--fa" aria-hidden="true" viewBox="0 0 {width} {height}">'
                   f'<path fill="currentColor" d="{path}"/></svg>')
            for name in [quoted or bare, *re.findall(r'"([a-z0-9-]+)"', aliases)]:
                icons.setdefault((style, name), svg)
    return icons


FIGURE = re.compile(r'(_images/[^"/]+)\.png"')
# the theme stylesheet's rules that give each icon class its glyph (.fa-bars:before{content:"..."}):
# icons are inline SVG now, so these 1,900 rules (86 KB) serve nothing
ICON_RULES = re.compile(r'(?:\.fa-[a-z0-9-]+:(?:before|after),?)+\{content:"[^"]*"\}')
THEME_CSS = Path("_static") / "styles" / "pydata-sphinx-theme.css"


def webp_figures(images):
    """{png name: webp name} for the figures in ``images`` whose lossless WebP copy is smaller."""
    smaller = {}
    for png in images.glob("*.png"):
        webp = png.with_suffix(".webp")
        if not webp.exists() or webp.stat().st_mtime < png.stat().st_mtime:
            with Image.open(png) as image:
                image.save(webp, "webp", lossless=True, method=2)
        if webp.stat().st_size < 0.9 * png.stat().st_size:
            smaller[png.name] = webp.name
    return smaller


def tex_of(match):
    """(TeX, display) of a math element, from its data-tex or its \\( \\) / \\[ \\] text."""
    tex = html_text.unescape(match.group(2) if match.group(2) is not None else match.group(3)).strip()
    if match.group(2) is None:
        tex = tex[2:-2]  # the delimiters
    return tex, match.group(1) == "div"


def typeset_math(pages, stylesheet):
    """{(TeX, display): the element typeset} for the math of ``pages``; writes their stylesheet."""
    items = sorted({tex_of(match) for html in pages for match in MATH.finditer(html)})
    node = shutil.which("node")
    if node is None:
        raise ExtensionError("live_pages: Node.js is needed to typeset the book's math (tools/book_assets/typeset.js)")
    fonts = "../mathjax/output/chtml/fonts/woff-v2"  # from the stylesheet's folder
    result = subprocess.run([node, str(TYPESET)], input=json.dumps({"fontURL": fonts, "items": items}),
                            capture_output=True, text=True, cwd=TYPESET.parent)
    if result.returncode != 0:
        raise ExtensionError(f"live_pages: typesetting the math failed:\n{result.stderr[-3000:]}")
    answer = json.loads(result.stdout)
    stylesheet.parent.mkdir(parents=True, exist_ok=True)
    stylesheet.write_text(answer["css"], encoding="utf-8")
    return {(tex, display): f'<{"div" if display else "span"} class="math notranslate nohighlight" '
            f'data-tex="{html_text.escape(tex)}">{typeset}</{"div" if display else "span"}>'
            for (tex, display), typeset in zip(items, answer["html"])}


def light_pages(app, exception):
    """Write the pages' icons as inline SVG, drop fontawesome.js, and show figures as WebP."""
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.builder.outdir)
    script = outdir / "_static" / "scripts" / "fontawesome.js"
    icons = icon_paths(script.read_text(encoding="utf-8")) if script.exists() else {}
    if script.exists() and not icons:
        raise ExtensionError(f"live_pages: found no icons in {script}: has the theme's icon script changed?")

    def replace(match):
        classes = match.group(2).split()
        style = next((STYLES[c] for c in classes if c in STYLES), "fas")
        names = [c[3:] for c in classes if c.startswith("fa-") and c not in STYLES]
        svg = next((icons[style, name] for name in names if (style, name) in icons), None)
        if svg is None:
            raise ExtensionError(f"live_pages: no icon for <{match.group(1)} class='{match.group(2)}'>")
        kept = " ".join(c for c in classes if c not in STYLES)
        return svg.replace('class="svg-inline--fa"', f'class="svg-inline--fa {kept}"{match.group(3)}')

    smaller = webp_figures(outdir / "_images")

    def figure(match):
        name = match.group(1).rsplit("/", 1)[1] + ".png"
        return f'{match.group(1)}.webp"' if name in smaller else match.group(0)

    pages = {page: page.read_text(encoding="utf-8") for page in outdir.rglob("*.html")}
    typeset = typeset_math(pages.values(), outdir / "_static" / MATH_STYLESHEET)
    for page, html in pages.items():
        new = FIGURE.sub(figure, ICON.sub(replace, ICON_SCRIPT.sub("", html)))
        new = MATH.sub(lambda match: typeset[tex_of(match)], new)
        if new != html:
            page.write_text(new, encoding="utf-8")
    theme_css = outdir / THEME_CSS
    if theme_css.exists():
        theme_css.write_text(ICON_RULES.sub("", theme_css.read_text(encoding="utf-8")), encoding="utf-8")
    for leftover in (script, script.with_name("fontawesome.js.map"), script.with_name("fontawesome.js.LICENSE.txt")):
        leftover.unlink(missing_ok=True)


def setup(app):
    # after myst-nb has added a page's widget scripts (priority 500)
    app.connect("html-page-context", page_scripts, priority=900)
    app.connect("build-finished", light_pages)
    app.add_css_file(STYLESHEET)
    app.add_css_file(MATH_STYLESHEET)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
