"""The Sources page: in the table of contents after the chapters, naming the five lecture texts,
and every link on it landing on a page of the built book and on the section its text names.

Sections are linked by their heading (MyST's heading anchors, which Sphinx checks when it builds):
every link to a chapter names a section, whose id must be on the page, and the link's text must
begin one of the page's headings (its number and first words).
"""

import functools
import re
from pathlib import Path
from urllib.parse import urlsplit

import nbformat
import pytest
import yaml
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[1]
TEXTS = ("Horzyk, AGH", "Papadopoulos, Kaplanoglou and Pitas, AUTh", "The AlexNet slide deck",
         "Platoš and Svoboda, VŠB-TU Ostrava", "García Cortés, Oviedo")
# the chapters whose text this page's author keeps (the others cite the texts by name too)
OWN_CHAPTERS = ("01_convolution", "02_padding_stride", "03_pooling", "04_activations",
                "07_architectures")


def soup(path):
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


@functools.lru_cache(maxsize=None)
def sections(path):
    """A built page's section titles (Sphinx's '#' permalinks left out) and its element ids.

    Chapter pages are large, so only the headings are parsed as HTML."""
    text = path.read_text(encoding="utf-8")
    titles = []
    for heading in re.findall(r"<h[123][^>]*>.*?</h[123]>", text, re.S):
        tag = BeautifulSoup(heading, "html.parser")
        for link in tag.find_all("a", class_="headerlink"):
            link.decompose()
        titles.append(" ".join(tag.get_text().split()))
    return titles, set(re.findall(r'\bid="([^"]+)"', text))


def test_sources_come_after_the_chapters_in_the_table_of_contents():
    toc = yaml.safe_load((ROOT / "book" / "_toc.yml").read_text())
    files = [entry["file"] for part in toc["parts"] for entry in part["chapters"]]
    assert files[-1] == "sources", files
    assert files[:-1] and all(name.startswith("chapters/") for name in files[:-1])


def test_the_page_has_a_section_for_each_lecture_text():
    page = (ROOT / "book" / "sources.md").read_text(encoding="utf-8")
    sections = [line[3:].strip() for line in page.splitlines() if line.startswith("## ")]
    assert sections == list(TEXTS)


@pytest.mark.parametrize("name", OWN_CHAPTERS)
def test_chapters_cite_the_lecture_texts_by_name_not_by_seed_number(name):
    nb = nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4)
    text = "\n".join(cell.source for cell in nb.cells).lower()
    assert "seed 00" not in text and "seeds/" not in text


def test_every_link_resolves_to_a_page_and_a_section_of_the_built_book(book_build):
    html = book_build.html
    page = soup(html / "sources.html")
    article = page.find("article")
    links = [a for a in article.find_all("a", href=True) if "headerlink" not in a.get("class", [])]
    to_chapters = [a for a in links if "chapters/" in a["href"]]
    assert len(to_chapters) >= 40, "the page should point to the chapters' sections"
    for a in links:
        url = urlsplit(a["href"])
        assert not url.scheme and not url.netloc, f"an external link: {a['href']}"
        target = ((html / "sources.html").parent / url.path).resolve()
        assert target.is_file(), f"{a['href']} is not a page of the book"
        titles, ids = sections(target)
        assert url.fragment or "chapters/" not in url.path, f"{a['href']} links a chapter, not a section"
        assert not url.fragment or url.fragment in ids, f"{a['href']}: no such section"
        text = " ".join(a.get_text().split())
        assert any(title.startswith(text) for title in titles), (
            f"'{text}' names no section of {url.path}, whose headings are {titles}")


def test_the_page_is_in_the_books_navigation(book_build):
    nav = soup(book_build.html / "intro.html").find("nav", class_="bd-docs-nav")
    assert nav is not None and nav.find("a", href="sources.html"), "no Sources entry in the sidebar"
