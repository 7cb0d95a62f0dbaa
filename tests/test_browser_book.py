"""Every chapter page of the built book in headless Chromium, offline, over http and file://.

Each page: no console error, no request leaving the machine, math typeset, every widget drawn,
a cold load under 2 MB, nothing cut off at 1366 px wide. The widgets' controls are operated in
test_browser_<widget>.py.
"""

from browser import console_errors, outside_requests, requests, wait_until_shown

MAX_PAGE_BYTES = 2_000_000

# Elements of the article whose right edge passes the article's, outside any box that scrolls
# sideways (such a box keeps its content reachable): what a reader at this width cannot see.
CLIPPED = """
const article = document.querySelector("article.bd-article") || document.body;
const edge = article.getBoundingClientRect().right + 1;
const scrolls = (node) => ["auto", "scroll"].includes(getComputedStyle(node).overflowX);
const cut = [];
for (const node of article.querySelectorAll("*")) {
  const box = node.getBoundingClientRect();
  if (box.width === 0 || box.right <= edge) continue;
  let inside = false;
  for (let up = node.parentElement; up && up !== article; up = up.parentElement) if (scrolls(up)) inside = true;
  if (!inside) cut.push(`${node.tagName.toLowerCase()}.${node.className && node.className.baseVal !== undefined ? node.className.baseVal : node.className} right=${Math.round(box.right)} > ${Math.round(edge)}`);
}
return {cut: cut.slice(0, 5), pageWidth: document.documentElement.scrollWidth, viewport: innerWidth};
"""

def chapter_pages(html):
    return sorted(p.relative_to(html).as_posix() for p in (html / "chapters").glob("*.html"))


def test_every_chapter_page_is_light_complete_and_quiet_over_http(browser, book_site):
    base, html = book_site
    port = int(base.rsplit(":", 1)[1].strip("/"))
    pages = chapter_pages(html)
    assert len(pages) >= 6, pages
    problems = []
    for name in pages:
        browser.get(base + name)
        shown = wait_until_shown(browser)
        received = requests(browser)
        weight = sum(received.values())
        layout = browser.execute_script(CLIPPED)
        errors = console_errors(browser)
        if errors:
            problems.append(f"{name}: console errors {errors}")
        if outside_requests(received, port):
            problems.append(f"{name}: requests leaving the machine {outside_requests(received, port)}")
        if weight > MAX_PAGE_BYTES:
            heaviest = sorted(received.items(), key=lambda item: -item[1])[:4]
            problems.append(f"{name}: {weight / 1e6:.2f} MB cold, heaviest {heaviest}")
        if shown["mathErrors"] or shown["math"] == 0:
            problems.append(f"{name}: math not typeset {shown}")
        if layout["cut"] or layout["pageWidth"] > layout["viewport"]:
            problems.append(f"{name}: cut off at 1366 px {layout}")
    assert not problems, "\n".join(problems)


def test_every_chapter_page_works_from_the_file_system(browser, book_site):
    _, html = book_site
    for name in chapter_pages(html):
        browser.get((html / name).as_uri())
        shown = wait_until_shown(browser)
        assert shown["drawn"] == shown["views"] and shown["math"] > 0, f"{name}: {shown}"
        assert not console_errors(browser), name
        assert not outside_requests(requests(browser)), name
