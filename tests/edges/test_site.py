"""The documentation site works with no internet, served or opened from disk, in a real browser.

The site is built from the checkout into a temporary directory (``mkdocs build --strict``, with
the Mermaid and iframe-worker files that ``make site-assets`` takes from the npm registry) and
served by a real ``python -m http.server`` on 127.0.0.1. Headless Chromium (Debian's ``chromium``)
is driven with Playwright, which uses that binary and downloads nothing. Every request a page
makes to anywhere but that server (or the disk, for ``file://``) is blocked and recorded, so a
page that still needs a CDN fails here even on a machine that has internet.

What is expected is read from the built site, not written down: the Mermaid blocks of a page
(how many, which kind, their labels) and the pages whose text contains the searched word.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

from tests.helpers import REPO

pytestmark = pytest.mark.requires("site-assets")

BROWSER_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WAIT_MS = 60_000
# Mermaid's aria-roledescription for each kind of diagram the docs draw.
DIAGRAM_KINDS = {
    "stateDiagram-v2": "stateDiagram",
    "stateDiagram": "stateDiagram",
    "gantt": "gantt",
    "flowchart": "flowchart-v2",
    "graph": "flowchart-v2",
}
SEARCHED = "延期"
# Every page with a Mermaid block, the cases page, a preset page and pages with timelines.
PAGES_TO_DRAW = sorted(
    {
        p.relative_to(REPO / "docs").with_suffix(".html").as_posix()
        for p in (REPO / "docs").rglob("*.md")
        if "```mermaid" in p.read_text(encoding="utf-8")
    }
    | {"cases.html", "presets/school-tiered.html", "presets/park-message-board.html"}
)


# -- what the built pages hold ---------------------------------------------------------------


class _Page(HTMLParser):
    """The Mermaid sources, the article's text and every linked address of one built page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.mermaid: list[str] = []
        self.article: list[str] = []
        self.links: list[tuple[str, str, str]] = []  # (tag, attribute, address)
        self._in_mermaid = False
        self._article_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        if tag == "pre" and "mermaid" in found.get("class", "").split():
            self._in_mermaid = True
            self.mermaid.append("")
        if tag == "article":
            self._article_depth += 1
        self.links += [(tag, k, found[k]) for k in ("href", "src") if k in found]

    def handle_endtag(self, tag: str) -> None:
        if tag == "pre":
            self._in_mermaid = False
        if tag == "article" and self._article_depth:
            self._article_depth -= 1

    def handle_data(self, data: str) -> None:
        if self._in_mermaid:
            self.mermaid[-1] += data
        if self._article_depth:
            self.article.append(data)


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def _pages(site: Path) -> list[Path]:
    """The built pages a reader opens (404.html only ever comes from a server's root)."""
    return sorted(p for p in site.rglob("*.html") if p.relative_to(site).as_posix() != "404.html")


@dataclass(frozen=True)
class Diagram:
    kind: str  # Mermaid's aria-roledescription for it
    labels: tuple[str, ...]  # text the drawing must show


def _diagram(source: str) -> Diagram:
    body = re.sub(r"\A\s*---\n.*?\n---\n", "", source, flags=re.S)  # front matter
    lines = [
        ln.strip() for ln in body.splitlines() if ln.strip() and not ln.strip().startswith("%%")
    ]
    keyword = lines[0].split()[0]
    assert keyword in DIAGRAM_KINDS, f"add Mermaid's roledescription for {keyword!r}"
    labels = re.findall(r'^state "([^"]+)"', body, flags=re.M)
    labels += re.findall(r"^title (.+)$", body, flags=re.M)
    return Diagram(DIAGRAM_KINDS[keyword], tuple(labels))


def _containing(site: Path, word: str) -> set[str]:
    return {
        p.relative_to(site).as_posix() for p in _pages(site) if word in "".join(_parse(p).article)
    }


# -- the built site, its server and the browser ----------------------------------------------


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)]
    built = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stdout + built.stderr
    return out


@pytest.fixture(scope="module")
def served(site: Path) -> Iterator[str]:
    """The site on a real ``http.server`` on 127.0.0.1 (a free port), stopped afterwards."""
    server = subprocess.Popen(
        [sys.executable, "-u", "-m", "http.server", "0", "--bind", "127.0.0.1"],
        cwd=site,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert server.stdout is not None
        first = server.stdout.readline()  # "Serving HTTP on 127.0.0.1 port N (http://...) ..."
        port = re.search(r" port (\d+) ", first)
        assert port is not None, f"http.server did not start: {first!r}"
        yield f"http://127.0.0.1:{port.group(1)}/"
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture(scope="module")
def browser(chromium: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            user_data_dir=str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=chromium,
            headless=True,
            args=BROWSER_FLAGS,
        )
        try:
            yield context
        finally:
            context.close()


@dataclass
class Tab:
    page: Any  # playwright.sync_api.Page
    offsite: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@pytest.fixture
def tab(browser: Any, served: str) -> Iterator[Tab]:
    """A new page that may load only from the server or the disk; the rest is blocked."""
    page = browser.new_page()
    tab = Tab(page)

    def guard(route: Any) -> None:
        url = route.request.url
        if url.startswith((served, "file:", "data:", "blob:", "about:")):
            route.continue_()
        else:
            tab.offsite.append(url)
            route.abort()

    page.route("**/*", guard)
    page.on("pageerror", lambda exc: tab.errors.append(str(exc)))
    page.on("console", lambda msg: tab.errors.append(msg.text) if msg.type == "error" else None)
    try:
        yield tab
    finally:
        page.close()


def _base(protocol: str, served: str, site: Path) -> str:
    return served if protocol == "http" else site.as_uri() + "/"


# -- Mermaid ---------------------------------------------------------------------------------


def _drawn(page: Any) -> list[tuple[str | None, str]]:
    """Each drawn diagram: (its svg's aria-roledescription, the svg's markup), in page order.

    The theme draws each diagram into a closed shadow root, which only the DevTools protocol
    (``pierce``) can see into.
    """
    cdp = page.context.new_cdp_session(page)
    root = cdp.send("DOM.getDocument", {"depth": -1, "pierce": True})["root"]
    found: list[tuple[str | None, str]] = []

    def walk(node: dict[str, Any], host: bool) -> None:
        attrs = node.get("attributes", [])
        named = dict(zip(attrs[::2], attrs[1::2], strict=True))
        if host and node.get("localName") == "svg":
            markup = cdp.send("DOM.getOuterHTML", {"backendNodeId": node["backendNodeId"]})
            found.append((named.get("aria-roledescription"), markup["outerHTML"]))
            return
        is_host = node.get("localName") == "div" and "mermaid" in named.get("class", "").split()
        for child in node.get("shadowRoots", []) if is_host else []:
            walk(child, True)
        for child in node.get("children", []):
            walk(child, host)

    walk(root, False)
    cdp.detach()
    return found


def _check_drawn(tab: Tab, url: str, expected: list[Diagram]) -> None:
    from playwright.sync_api import TimeoutError as Timeout

    tab.page.goto(url)
    try:
        tab.page.wait_for_function(
            "n => document.querySelectorAll('div.mermaid').length === n",
            arg=len(expected),
            timeout=WAIT_MS,
        )
    except Timeout:
        pytest.fail(
            f"{url}: {len(expected)} diagrams not drawn; blocked {tab.offsite}, {tab.errors}"
        )
    drawn = _drawn(tab.page)
    assert [kind for kind, _ in drawn] == [d.kind for d in expected], tab.errors
    for (_, svg), diagram in zip(drawn, expected, strict=True):
        missing = [label for label in diagram.labels if label not in svg]
        assert not missing, f"{url}: the {diagram.kind} diagram does not show {missing}"
    assert tab.page.locator("pre.mermaid").count() == 0
    assert tab.offsite == []
    assert tab.errors == []


@pytest.mark.requires("site-assets", "chromium")
@pytest.mark.parametrize("path", PAGES_TO_DRAW)
def test_every_mermaid_block_is_drawn_as_a_diagram(
    tab: Tab, served: str, site: Path, path: str
) -> None:
    expected = [_diagram(source) for source in _parse(site / path).mermaid]
    _check_drawn(tab, served + path, expected)


@pytest.mark.requires("site-assets", "chromium")
def test_diagrams_are_drawn_when_the_page_is_opened_from_disk(tab: Tab, site: Path) -> None:
    path = "presets/school-tiered.html"
    expected = [_diagram(source) for source in _parse(site / path).mermaid]
    assert {d.kind for d in expected} == {"stateDiagram", "gantt"}
    _check_drawn(tab, (site / path).as_uri(), expected)


# -- search ----------------------------------------------------------------------------------


def _search(tab: Tab, base: str, word: str) -> tuple[int, set[str]]:
    """Search from the home page as a reader does: (the count the theme shows, pages listed)."""
    page = tab.page
    page.goto(base + "index.html")
    words = json.loads(page.locator("#__config").text_content())["translations"]
    box = page.locator("input.md-search__input")
    box.click()
    page.wait_for_function(  # the index is loaded: the box asks for a query
        "t => document.querySelector('.md-search-result__meta').textContent === t",
        arg=words["search.result.placeholder"],
        timeout=WAIT_MS,
    )
    box.fill(word)
    box.press("End")  # the theme reads the query on keyup, which fill() does not send
    page.wait_for_function(
        "t => document.querySelector('.md-search-result__meta').textContent !== t",
        arg=words["search.result.placeholder"],
        timeout=WAIT_MS,
    )
    meta = page.locator(".md-search-result__meta").text_content()
    many = re.escape(words["search.result.other"]).replace(re.escape("#"), r"(\d+)")
    shown = re.fullmatch(many, meta)
    count = int(shown.group(1)) if shown else {words["search.result.one"]: 1}.get(meta, 0)
    # The theme draws ten results, then four more each time the list comes to its end (its last
    # 16 px): reaching the end, not staying there, so each poll goes to the end or, once there,
    # back to the top.
    page.wait_for_function(
        """n => { const w = document.querySelector('.md-search__scrollwrap');
                  const end = w.scrollHeight - w.clientHeight;
                  w.scrollTop = w.scrollTop < end - 16 ? end : 0;
                  return document.querySelectorAll('.md-search-result__item').length >= n }""",
        arg=count,
        polling=100,
        timeout=WAIT_MS,
    )
    hrefs = page.eval_on_selector_all(".md-search-result__item a", "as => as.map(a => a.href)")
    listed = {unquote(urlsplit(h).path).removeprefix(unquote(urlsplit(base).path)) for h in hrefs}
    return count, listed


@pytest.mark.requires("site-assets", "chromium")
@pytest.mark.parametrize("protocol", ["http", "file"])
def test_search_in_chinese_lists_every_page_containing_the_word(
    tab: Tab, served: str, site: Path, protocol: str
) -> None:
    expected = _containing(site, SEARCHED)
    assert len(expected) > 1  # the docs use the word on many pages
    count, listed = _search(tab, _base(protocol, served, site), SEARCHED)
    assert listed == expected
    assert count == len(expected)
    assert tab.offsite == []


# -- the site without a browser --------------------------------------------------------------


def test_no_page_loads_a_script_style_or_font_from_off_site(site: Path) -> None:
    loaded = [
        (page.relative_to(site).as_posix(), address)
        for page in sorted(site.rglob("*.html"))
        for tag, attr, address in _parse(page).links
        if (tag, attr) in {("script", "src"), ("link", "href"), ("img", "src")}
        and re.match(r"(https?:)?//", address)
    ]
    assert loaded == []


def test_every_link_between_pages_names_a_file_so_it_works_from_disk(site: Path) -> None:
    broken = []
    for page in _pages(site):
        for _, _, address in _parse(page).links:
            parts = urlsplit(address)
            if parts.scheme or parts.netloc or not parts.path:
                continue  # off-site, or within the page
            target = (page.parent / unquote(parts.path)).resolve()
            if not target.is_file():
                broken.append((page.relative_to(site).as_posix(), address))
    assert broken == []


def _index_words(index: dict[str, Any]) -> set[str]:
    """The words the theme's search finds in the index: the text between tags, split as it does."""
    separator = re.compile(index["config"]["separator"])
    return {
        word.lower()
        for doc in index["docs"]
        for field in (doc["title"], doc["text"])
        for part in re.split(r"<[^>]*>", field)
        for word in separator.split(part)
        if word
    }


def test_search_index_is_segmented_so_chinese_words_stand_alone(site: Path) -> None:
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    words = _index_words(index)
    assert SEARCHED in words
    # The same index inlined in a script, for search from disk.
    inlined = (site / "search" / "search_index.js").read_text(encoding="utf-8")
    assert json.loads(inlined.removeprefix("var __index = ")) == index


def test_no_shorter_start_of_the_searched_word_stands_alone_in_the_index(site: Path) -> None:
    """The theme's search cuts a Chinese query into words of the index, trying only words that
    end before the query's last character. Were 延 a word of its own in the index (as jieba
    leaves it in 一次延 5 日), a search for 延期 would be one for every word that starts with 延:
    延长 too, on pages without 延期. So the docs write 延期 in full wherever they mean it.
    """
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    words = _index_words(index)
    assert [SEARCHED[:n] for n in range(1, len(SEARCHED)) if SEARCHED[:n] in words] == []


# -- the rule for a missing component ---------------------------------------------------------


@pytest.mark.parametrize(("ci", "outcome"), [(None, "1 skipped"), ("true", "1 error")])
def test_missing_chromium_skips_with_a_notice_and_fails_under_ci(
    ci: str | None, outcome: str
) -> None:
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["YUQING_CHROMIUM"] = "/nonexistent/chromium"
    if ci is not None:
        env["CI"] = ci
    test = "test_diagrams_are_drawn_when_the_page_is_opened_from_disk"
    target = f"{Path(__file__).relative_to(REPO)}::{test}"
    cmd = [sys.executable, "-m", "pytest", "-q", "-rs", target]
    run = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
    assert outcome in run.stdout, run.stdout
    assert run.returncode == (0 if ci is None else 1), run.stdout
    notice = [ln for ln in run.stdout.splitlines() if "no Chromium at /nonexistent/chromium" in ln]
    assert len(notice) == 1, run.stdout
