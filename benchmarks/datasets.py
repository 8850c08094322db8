"""Readers for the labelled boilerplate sets in ``../shared/datasets`` (evaluation only).

Their licences allow research evaluation only: they are read in place and nothing of their
text is ever written into this repository. Two sets are read:

- **L3S-GN1** (``l3s-gn1/``): 621 English news pages. ``input/<id>.html`` is the page as
  crawled; ``GoldStandard/<id>.txt`` is the same page as the annotators' tool saved it, every
  text block wrapped in ``<span class="x-nc-selN">`` (0 boilerplate, 1 headline, 2 full text,
  3 supplemental, 4 related content, 5 user comments; spans nest, the innermost one labels
  a text). The gold main text is the text labelled sel1 or sel2.
- **CleanPortalEval** (``cleanportaleval/``): 71 pages from 4 sites, ``input/<site>_<n>.html``
  and ``GoldStandard/<site>_<n>.txt`` in CleanEval format (a ``URL:`` line, then text blocks
  opened by ``<h>``, ``<p>`` or ``<l>``).

A page becomes text lines the way a naive extractor would (:func:`html_lines`): the body's text,
one line per block-level element, ``script``/``style``/``noscript`` dropped, white space
collapsed, empty lines dropped. For L3S the lines are taken from the gold file (the labels
live in its DOM; its text is the crawled page's, with non-ASCII characters sometimes replaced by
``?``, which the ``\\w+`` scoring splits the same way), so every line keeps its label.

Pages are grouped by site, the unit dedup learns boilerplate templates on (an article's
``source``). CleanPortalEval names the host in the file name. L3S records no URL (32 pages have
a ``<base href>``), so :func:`l3s_sites` infers the site from the page's own links.
"""

from __future__ import annotations

import html as htmllib
import math
import re
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import lxml.html  # type: ignore[import-untyped, unused-ignore]
import lxml.html.defs  # type: ignore[import-untyped, unused-ignore]
from lxml.etree import _Element  # type: ignore[import-untyped, unused-ignore]
from tld import get_fld  # a dependency of trafilatura; ships the public suffix list

#: Elements that start and end a line of text: lxml's HTML 4 block elements (``del`` and
#: ``ins`` are inline in practice), HTML 5 sectioning elements, line breaks and form fields.
BLOCK_TAGS = (lxml.html.defs.block_tags - {"del", "ins"}) | {
    "article", "aside", "body", "br", "details", "dialog", "figcaption", "figure", "footer",
    "header", "html", "iframe", "main", "nav", "noframes", "section", "select", "summary",
    "textarea",
}  # fmt: skip
#: Elements whose text a naive extractor never shows.
DROPPED_TAGS = frozenset({"head", "script", "style", "noscript", "template", "svg"})
#: L3S labels of the gold main text: headline and full text.
L3S_CONTENT_LABELS = frozenset({1, 2})
#: A registered domain linked from more pages than this is a third party (ad server, social
#: network), not a page's own site: L3S holds at most 12 pages per host.
L3S_THIRD_PARTY_PAGES = 24

_SPACE = re.compile(r"\s+")
_L3S_LABEL = re.compile(r"\bx-nc-sel(\d)\b")
_AD_CLIENT = re.compile(r"""google_ad_client\s*=\s*["'](pub-\d+)""")
_CLEANEVAL_COMMENT = re.compile(r"<!--.*?-->", re.S)
_CLEANEVAL_BLOCK = re.compile(r"</?[hpl]>")


@dataclass(frozen=True, slots=True)
class Line:
    """One line of naive page text.

    Attributes:
        text: the line, white space collapsed.
        gold: for L3S, the part of the line inside gold main-text spans (sel1/sel2; the
            nearest enclosing ``x-nc-selN`` span decides), white space collapsed; None when
            the set has no block labels.
        labels: for L3S, ``(label, words)`` pairs: the line's scoring words under each L3S
            label (the nearest enclosing span's N, or -1 outside any span), by label; empty
            when the set has no block labels.
    """

    text: str
    gold: str | None
    labels: tuple[tuple[int, int], ...] = ()

    @property
    def boilerplate(self) -> bool | None:
        """L3S: True when at most half of the line's characters are gold main text."""
        if self.gold is None:
            return None
        return 2 * len(self.gold.replace(" ", "")) <= len(self.text.replace(" ", ""))


@dataclass(frozen=True, slots=True)
class Page:
    """A labelled page.

    Attributes:
        id: the file name without its extension.
        site: the site it belongs to (dedup's ``source``).
        html: the page as crawled, decoded.
        lines: its naive text lines.
        gold: the gold main text.
    """

    id: str
    site: str
    html: str
    lines: tuple[Line, ...]
    gold: str


def decode(data: bytes) -> str:
    """Decode a page: UTF-8 (every L3S file is, whatever its meta tag says), else cp1252."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def parse_html(text: str) -> _Element:
    """Parse decoded HTML (encoded again, so that an XML encoding declaration is harmless)."""
    parser = lxml.html.HTMLParser(encoding="utf-8")
    return lxml.html.document_fromstring(text.encode("utf-8"), parser=parser)


def html_lines(root: _Element, *, labelled: bool = False) -> list[Line]:
    """The text of a parsed page as a naive extractor gives it: one line per block element.

    With ``labelled``, each line keeps its text inside L3S sel1/sel2 spans (``Line.gold``) and
    its words by L3S label (``Line.labels``).
    """
    lines: list[Line] = []
    pieces: list[tuple[str, int]] = []  # (text, L3S label of the nearest span, -1 for none)

    def flush() -> None:
        text = _SPACE.sub(" ", "".join(t for t, _ in pieces)).strip()
        if text and labelled:
            content = "".join(t for t, label in pieces if label in L3S_CONTENT_LABELS)
            words: Counter[int] = Counter()
            for piece, label in pieces:
                words[label] += sum(1 for _ in iter_words(piece))
            labels = tuple(sorted((k, n) for k, n in words.items() if n))
            lines.append(Line(text, _SPACE.sub(" ", content).strip(), labels))
        elif text:
            lines.append(Line(text, None))
        pieces.clear()

    def walk(element: _Element, label: int) -> None:
        if not isinstance(element.tag, str):  # comments, processing instructions
            return
        tag = element.tag.lower()
        if tag in DROPPED_TAGS:
            return
        if labelled and tag == "span":
            found = _L3S_LABEL.search(element.get("class") or "")
            if found:
                label = int(found.group(1))
        block = tag in BLOCK_TAGS
        if block:
            flush()
        if element.text:
            pieces.append((element.text, label))
        for child in element:
            walk(child, label)
            if child.tail:
                pieces.append((child.tail, label))
        if block:
            flush()

    walk(root, -1)
    flush()
    return lines


def link_domains(root: _Element) -> Counter[str]:
    """Registered domains of a page's absolute site links (``a``/``area``/``link`` ``href``,
    ``form action``), each ``<base href>`` counting as many as all other links together.

    Scripts, images and frames are left out: they mostly come from ad servers and CDNs.
    """
    found: Counter[str] = Counter()
    for url in root.xpath("//a/@href | //area/@href | //link/@href | //form/@action"):
        domain = get_fld(str(url).strip(), fail_silently=True)
        if domain:
            found[domain] += 1
    for url in root.xpath("//base/@href"):
        domain = get_fld(str(url).strip(), fail_silently=True)
        if domain:
            found[domain] += 1 + sum(found.values())
    return found


def l3s_sites(domains: Mapping[str, Counter[str]], raw: Mapping[str, str]) -> dict[str, str]:
    """The site of every L3S page, which records no URL.

    A page's site is the registered domain that best characterises its links: the highest
    link count times log(N / pages linking to the domain), among the domains linked from at
    most :data:`L3S_THIRD_PARTY_PAGES` pages when there are any. A page without absolute links
    falls back to its AdSense publisher id (``google_ad_client``: the site owner's account),
    else is a site of its own. This gives 353 sites (the set has 408 hosts; one registered
    domain may hold several, such as Google News's hosted wire stories).

    Args:
        domains: page id -> :func:`link_domains` of the crawled page.
        raw: page id -> the crawled page's HTML.
    """
    frequency: Counter[str] = Counter()
    for found in domains.values():
        frequency.update(found.keys())
    n = len(domains)
    sites = {}
    for page, found in domains.items():
        own = {d: k for d, k in found.items() if frequency[d] <= L3S_THIRD_PARTY_PAGES} or found
        if own:
            sites[page] = max(own, key=lambda d: (own[d] * math.log(n / frequency[d]), d))
        else:
            client = _AD_CLIENT.search(raw[page])
            sites[page] = f"adsense:{client.group(1)}" if client else f"page:{page}"
    return sites


def read_l3s(root: Path) -> list[Page]:
    """Read L3S-GN1 (``root`` holds ``input/`` and ``GoldStandard/``), pages sorted by id."""
    raw: dict[str, str] = {}
    domains: dict[str, Counter[str]] = {}
    labelled: dict[str, tuple[list[Line], str]] = {}
    for path in sorted((root / "input").glob("*.html")):
        page = path.stem
        raw[page] = decode(path.read_bytes())
        domains[page] = link_domains(parse_html(raw[page]))
        gold_root = parse_html(decode((root / "GoldStandard" / f"{page}.txt").read_bytes()))
        lines = html_lines(gold_root, labelled=True)
        labelled[page] = (lines, "\n".join(line.gold for line in lines if line.gold))
    sites = l3s_sites(domains, raw)
    return [
        Page(page, sites[page], raw[page], tuple(lines), gold)
        for page, (lines, gold) in labelled.items()
    ]


def cleaneval_text(text: str) -> str:
    """The text of a CleanEval gold file, one block (``<h>``, ``<p>``, ``<l>``) a line, white
    space collapsed; the ``URL:`` line and comments left out."""
    body = text.lstrip().split("\n", 1)[1] if text.lstrip().startswith("URL:") else text
    blocks = _CLEANEVAL_BLOCK.split(_CLEANEVAL_COMMENT.sub("", body))
    return "\n".join(b for b in (_SPACE.sub(" ", htmllib.unescape(x)).strip() for x in blocks) if b)


def read_cleanportaleval(root: Path) -> list[Page]:
    """Read CleanPortalEval, pages sorted by id; the site is the host the file name starts with
    (``washingtonpost.com_blog1_3`` -> ``washingtonpost.com``)."""
    pages = []
    for path in sorted((root / "input").glob("*.html")):
        raw = decode(path.read_bytes())
        gold = cleaneval_text(decode((root / "GoldStandard" / f"{path.stem}.txt").read_bytes()))
        lines = html_lines(parse_html(raw))
        pages.append(Page(path.stem, path.stem.split("_", 1)[0], raw, tuple(lines), gold))
    return pages


READERS = {"l3s-gn1": read_l3s, "cleanportaleval": read_cleanportaleval}


def read(name: str, datasets: Path) -> list[Page]:
    """Read the set ``name`` (a key of :data:`READERS`) from the ``datasets`` directory."""
    return READERS[name](datasets / name)


def iter_words(text: str) -> Iterator[str]:
    """Scoring tokens: ``\\w+``, lower-cased."""
    return (m.group().lower() for m in re.finditer(r"\w+", text))
