"""
The Markdown pipeline, run once when an article (or an author's bio) is saved.

Order matters:

1. Python-Markdown parses the editor's text into an element tree (tables, footnotes, fenced
   code, sane lists; no ``attr_list``, so editors cannot set classes, ids or styles), with
   two block syntaxes of the magazine's own: spoiler blocks (``:::spoiler`` … ``:::``)
   become a closed ``details`` with a French label, and trailers (``@[Label](URL)``, a
   paragraph of their own) a placeholder that only this rendering can name.
2. On that tree, French typography rewrites the text of elements and their tails, skipping
   code and URLs. Working on the tree rather than on the HTML string is what keeps quotes,
   colons and apostrophes inside attributes (``href``, ``src``, ``title``) and markup intact.
3. Headings are demoted so the body never holds an ``h1`` (the page has its own) and get ids
   derived from their text, accents folded, numbered ``-1``, ``-2`` when repeated.
4. The serialised HTML goes through nh3 with an explicit allow-list, so that nothing an
   earlier step did, nor raw HTML an editor typed, escapes it.
5. Library images (``![alt](image:42)``) become responsive pictures (images/embedding.py)
   and trailers' placeholders their facades (articles/trailers.py): after sanitising,
   because that markup is ours, built from the library's fields and validated video ids.

``french_typography`` applies step 2 to plain text (titles, standfirsts) and
``reading_time`` estimates minutes from the stored HTML.
"""

import html
import re
import secrets
import unicodedata
import xml.etree.ElementTree as etree
from dataclasses import dataclass
from html.parser import HTMLParser

import markdown
import nh3
from django.conf import settings
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from markdown.blockprocessors import BlockProcessor
from markdown.extensions import Extension
from markdown.extensions.toc import TocExtension, remove_fnrefs, render_inner_html, strip_tags
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

from images.embedding import SCHEME as IMAGE_SCHEME
from images.embedding import embed_images, referenced_ids

from . import trailers

# Brysbaert's 2019 meta-analysis of reading rates puts adults' silent reading of non-fiction
# at about 238 words a minute, measured mostly in English. French words run a little longer,
# so 230 rounds down, towards a reader who takes their time; elided forms (« l’histoire »)
# count as one word, as a reader's eye takes them.
WORDS_PER_MINUTE = 230

NBSP = "\u00a0"
NARROW_NBSP = "\u202f"

# --------------------------------------------------------------------------- typography

# Spaces an editor types, plus the no-break ones a word processor pastes: all of them are
# normalised to the one French typography asks for at that place.
_SPACES = frozenset(" \t\r\n\u00a0\u202f\u2009\u2007\u2008\u200a")
_OPENERS = frozenset("([{«“‘—–-/")
_PUNCTUATION_CLUSTER = frozenset("?!;:")
# What may follow ? or ! for them to be punctuation rather than code such as `!important`.
_AFTER_EXCLAMATION = frozenset("?!.…»)]}”’\"',")

_URL_RE = re.compile(r"(?:(?:https?|ftp)://|mailto:|www\.)[^\s<>«»\"\x00]+", re.IGNORECASE)
_URL_TRAILING = ".,;:!?'’…"

# Python-Markdown leaves placeholders between STX and ETX in the tree until its last steps:
# stashed raw HTML and entities, backslash escapes, automail entities, footnote markers.
# They must come out byte for byte, so they are opaque tokens to the typography.
_TOKEN_RE = re.compile(r"\x02amp\x03(?:#\d+|#x[0-9a-fA-F]+|[A-Za-z0-9]+);|\x02[^\x02\x03]*\x03")
_ESCAPE_RE = re.compile(r"\x02(\d+)\x03")
_STASH_RE = re.compile(r"\x02wzxhzdk:(\d+)\x03")
_ENTITY_RE = re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|[A-Za-z0-9]+);")

_CHAR, _TOKEN, _BREAK = range(3)


class _Entry:
    """One character (or opaque token) of the running text, and where it came from."""

    __slots__ = ("context", "frozen", "kind", "slot", "text")

    def __init__(self, kind, text, slot, frozen=False, context=None):
        self.kind = kind
        self.text = text
        self.slot = slot
        self.frozen = frozen
        # For tokens: the character they stand for, or None when they should be invisible
        # to the rules (a raw inline tag, say).
        self.context = context


class _Typesetter:
    """
    French typography over text split across several strings.

    A paragraph such as ``"Un *film* culte"?`` reaches the tree as several strings (the
    paragraph's text, the ``em`` text, its tail); quotes and punctuation depend on their
    neighbours across those boundaries, so the strings are laid out as one sequence of
    entries, rewritten, then handed back to the slots they came from.
    """

    def __init__(self, stash=None):
        self.entries = []
        self.stash = stash or []

    # Building the sequence.

    def add_text(self, text, slot, frozen=False):
        position = 0
        for match in _TOKEN_RE.finditer(text):
            self._add_chars(text[position : match.start()], slot, frozen)
            token = match.group()
            self.entries.append(_Entry(_TOKEN, token, slot, True, self._token_context(token)))
            position = match.end()
        self._add_chars(text[position:], slot, frozen)

    def _add_chars(self, text, slot, frozen):
        self.entries.extend(_Entry(_CHAR, char, slot, frozen) for char in text)

    def add_break(self, reset=True):
        # A block boundary ends any open quotation; a <br> only reads as a new line.
        self.entries.append(_Entry(_BREAK, "", None, True, "\n" if reset else " "))

    def _token_context(self, token):
        if token.startswith("\x02amp\x03"):
            return html.unescape("&" + token[5:])
        if match := _ESCAPE_RE.fullmatch(token):
            return chr(int(match.group(1)))
        if match := _STASH_RE.fullmatch(token):
            index = int(match.group(1))
            raw = self.stash[index] if index < len(self.stash) else ""
            if isinstance(raw, str) and _ENTITY_RE.fullmatch(raw):
                return html.unescape(raw)
        return None

    # Reading around an entry.

    def _visible(self, entry, last):
        if entry.kind == _CHAR:
            return (entry.text[-1] if last else entry.text[0]) if entry.text else None
        if not entry.context:
            return None
        return entry.context[-1] if last else entry.context[0]

    def previous_char(self, index):
        for position in range(index - 1, -1, -1):
            char = self._visible(self.entries[position], last=True)
            if char is not None:
                return char
        return None

    def next_char(self, index):
        for position in range(index + 1, len(self.entries)):
            char = self._visible(self.entries[position], last=False)
            if char is not None:
                return char
        return None

    def _space_run(self, indices):
        """Editable space entries next to an entry, walking ``indices`` outwards."""
        run = []
        for index in indices:
            entry = self.entries[index]
            if entry.kind == _TOKEN and entry.context is None:
                continue
            if entry.kind == _CHAR and not entry.frozen and entry.text == "":
                continue
            if entry.kind == _CHAR and not entry.frozen and entry.text in _SPACES:
                run.append(index)
                continue
            break
        return run

    def _set_space_before(self, index, space):
        run = self._space_run(range(index - 1, -1, -1))
        if run:
            self._replace_run(run, space)
            return
        previous = self.previous_char(index)
        if previous is None or previous == "\n" or previous in _SPACES:
            return
        if previous in _PUNCTUATION_CLUSTER or previous in _OPENERS:
            return
        self.entries[index].text = space + self.entries[index].text

    def _set_space_after(self, index, space):
        run = self._space_run(range(index + 1, len(self.entries)))
        if run:
            self._replace_run(run, space)
            return
        following = self.next_char(index)
        if following is None or following in _SPACES or following == "\n":
            return
        self.entries[index].text += space

    def _replace_run(self, run, space):
        for index in run:
            self.entries[index].text = ""
        self.entries[min(run)].text = space

    # Rewriting.

    def _freeze_urls(self):
        characters = []
        for entry in self.entries:
            if entry.kind == _CHAR:
                characters.append(entry.text or "\x00")
            else:
                characters.append(entry.context if entry.context else "\x00")
        flat = "".join(char[:1] for char in characters)
        for match in _URL_RE.finditer(flat):
            start, end = match.span()
            # Punctuation closing the sentence is not part of the address, but the bracket
            # of https://fr.wikipedia.org/wiki/Dune_(film) is.
            while end > start and flat[end - 1] in _URL_TRAILING + ")]":
                opening = {")": "(", "]": "["}.get(flat[end - 1])
                url = flat[start:end]
                if opening and url.count(opening) >= url.count(flat[end - 1]):
                    break
                end -= 1
            for entry in self.entries[start:end]:
                entry.frozen = True

    def run(self):
        self._freeze_urls()
        quote_depth = 0
        entries = self.entries
        for index, entry in enumerate(entries):
            if entry.kind == _BREAK and entry.context == "\n":
                quote_depth = 0
            if entry.kind != _CHAR or entry.frozen or len(entry.text) != 1:
                continue
            char = entry.text
            if char == "." and self._is_ellipsis(index):
                entry.text = "…"
                entries[index + 1].text = entries[index + 2].text = ""
            elif char == "'":
                previous, following = self.previous_char(index), self.next_char(index)
                if previous and following and previous.isalnum() and following.isalnum():
                    entry.text = "’"
            elif char == '"':
                quote_depth = self._straight_quote(index, quote_depth)
            elif char == "«":
                self._set_space_after(index, NBSP)
            elif char == "»":
                self._set_space_before(index, NBSP)
            elif char in ";:":
                following = self.next_char(index)
                # Only a colon followed by a space is punctuation: 20:30, 16:9, std::move
                # and mailto: are left alone.
                if following is None or following in _SPACES or following == "\n":
                    self._set_space_before(index, NBSP if char == ":" else NARROW_NBSP)
            elif char in "?!":
                following = self.next_char(index)
                if following is None or following in _SPACES or following in _AFTER_EXCLAMATION:
                    self._set_space_before(index, NARROW_NBSP)

    def _is_ellipsis(self, index):
        following = self.entries[index + 1 : index + 3]
        return len(following) == 2 and all(
            entry.kind == _CHAR and not entry.frozen and entry.text == "." for entry in following
        )

    def _straight_quote(self, index, depth):
        previous, following = self.previous_char(index), self.next_char(index)
        after_space = previous is None or previous in _SPACES or previous in _OPENERS
        before_space = following is None or following in _SPACES
        entry = self.entries[index]
        if after_space and not (before_space and depth > 0):
            entry.text = "«"
            self._set_space_after(index, NBSP)
            return depth + 1
        if depth > 0:
            entry.text = "»"
            self._set_space_before(index, NBSP)
            return depth - 1
        # An unmatched closing quote (inches, a typo) is left as typed rather than guessed.
        return depth

    def texts(self):
        """The rewritten string of each slot, in the order slots were added."""
        parts = {}
        for entry in self.entries:
            if entry.slot is not None:
                parts.setdefault(entry.slot, []).append(entry.text)
        return {slot: "".join(texts) for slot, texts in parts.items()}


def french_typography(text):
    """French spacing, quotes, apostrophes and ellipses in plain text; idempotent."""
    if not text:
        return text or ""
    typesetter = _Typesetter()
    typesetter.add_text(text, 0)
    typesetter.run()
    return typesetter.texts()[0]


# Everything not listed here breaks the flow of text: quotes and spacing do not carry over.
_INLINE_TAGS = frozenset({
    "a", "abbr", "b", "bdi", "bdo", "cite", "del", "dfn", "em", "i", "img", "ins", "mark", "q",
    "s", "small", "span", "strong", "sub", "sup", "u",
})  # fmt: skip
_UNTOUCHED_TAGS = frozenset({"code", "kbd", "pre", "samp", "script", "style", "textarea"})


class FrenchTypographyTreeprocessor(Treeprocessor):
    def run(self, root):
        typesetter = _Typesetter(self.md.htmlStash.rawHtmlBlocks)
        slots = {}
        self._walk(root, typesetter, slots)
        typesetter.run()
        for slot, text in typesetter.texts().items():
            element, attribute = slots[slot]
            if getattr(element, attribute) != text:
                setattr(element, attribute, text)

    def _walk(self, element, typesetter, slots):
        if element.tag in _UNTOUCHED_TAGS or self._is_url_link(element):
            # Still added (frozen) so neighbours see a word there, not a gap.
            typesetter.add_text("".join(element.itertext()), None, frozen=True)
            return
        if element.tag == "br":
            typesetter.add_break(reset=False)
            return
        block = element.tag not in _INLINE_TAGS
        if block:
            typesetter.add_break()
        self._add(element, "text", typesetter, slots)
        for child in element:
            self._walk(child, typesetter, slots)
            self._add(child, "tail", typesetter, slots)
        if block:
            typesetter.add_break()

    def _add(self, element, attribute, typesetter, slots):
        text = getattr(element, attribute)
        if not text:
            return
        # AtomicString is Python-Markdown's own "leave this alone" (autolinks, e-mails).
        frozen = isinstance(text, AtomicString)
        slot = None if frozen else len(slots)
        if slot is not None:
            slots[slot] = (element, attribute)
        typesetter.add_text(text, slot, frozen=frozen)

    @staticmethod
    def _is_url_link(element):
        if element.tag != "a":
            return False
        text = "".join(element.itertext()).strip()
        if not text or any(char.isspace() for char in text):
            return False
        if _URL_RE.fullmatch(text):
            return True
        # « example.com/film » shown for its own address, without the scheme.
        return any(char in text for char in "./@") and text in element.get("href", "")


# --------------------------------------------------------------------------- headings

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss", "ø": "o"})


def slugify(value, separator="-"):
    """« Le contexte de la grève à Hollywood » → le-contexte-de-la-greve-a-hollywood.

    Accents are folded so ids survive being typed in a URL, but letters of other scripts
    are kept rather than dropped, so a Japanese title still gets a meaningful id.
    """
    value = unicodedata.normalize("NFKD", value.translate(_LIGATURES))
    value = "".join(char for char in value if not unicodedata.combining(char))
    # Recomposed so that scripts NFKD splits apart (Hangul) keep their usual form.
    value = unicodedata.normalize("NFC", value).lower()
    return re.sub(r"[\W_]+", separator, value).strip(separator)


class HeadingTreeprocessor(Treeprocessor):
    """Demotes h1 to h2 and gives every heading an id, numbered -1, -2 when repeated.

    Runs before the toc extension, which keeps the ids it finds: its own numbering
    appends ``_1``, out of step with the hyphenated slugs.
    """

    def run(self, root):
        used = {element.get("id") for element in root.iter() if element.get("id")}
        for element in root.iter():
            if element.tag == "h1":
                element.tag = "h2"
            if element.tag in {"h2", "h3", "h4", "h5", "h6"} and "id" not in element.attrib:
                name = strip_tags(render_inner_html(remove_fnrefs(element), self.md))
                element.set("id", self._unique(slugify(html.unescape(name)) or "section", used))

    @staticmethod
    def _unique(base, used):
        candidate, number = base, 0
        while candidate in used:
            number += 1
            candidate = f"{base}-{number}"
        used.add(candidate)
        return candidate


# --------------------------------------------------------------------------- spoilers and trailers

# Up to three spaces of indentation, as Markdown allows before a block: four make code.
_SPOILER_OPEN_RE = re.compile(r" {0,3}:::[ \t]*spoiler(?:[ \t]+(?P<label>.*?))?[ \t]*", re.I)
_SPOILER_CLOSE_RE = re.compile(r" {0,3}:::[ \t]*")
# Whatever the parentheses hold is the trailer's, for the editor to be told what is wrong.
_TRAILER_RE = re.compile(r" {0,3}@\[(?P<label>[^\[\]\n]*)\]\((?P<inside>[^\n]*)\)[ \t]*")


class SpoilerBlockProcessor(BlockProcessor):
    """
    ``:::spoiler La fin du film``, Markdown, then ``:::``: a ``details`` element, closed,
    so that the text stays hidden until the reader asks for it, with or without script.

    Blocks nest, each ``:::spoiler`` waiting for its own ``:::``. One never closed runs
    to the end of the text: hiding too much spoils nothing (the form refuses it anyway).
    """

    def test(self, parent, block):
        return any(_SPOILER_OPEN_RE.fullmatch(line) for line in block.split("\n"))

    def run(self, parent, blocks):
        lines = blocks.pop(0).split("\n")
        start = next(n for n, line in enumerate(lines) if _SPOILER_OPEN_RE.fullmatch(line))
        if start:
            self.parser.parseBlocks(parent, ["\n".join(lines[:start])])
        opener = lines[start]
        content, closed = self._content(lines[start + 1 :], blocks)
        if not closed:
            self.parser.md.magazine.unclosed_spoilers.append(opener.strip())
        details = etree.SubElement(parent, "details", {"class": "spoiler"})
        summary = etree.SubElement(details, "summary")
        label = _SPOILER_OPEN_RE.fullmatch(opener).group("label")
        # Part of the body, so in the body's language whatever the editor's admin speaks.
        with translation.override(settings.CONTENT_LANGUAGE):
            if label:
                summary.text = gettext("Spoiler: %(label)s") % {"label": label}
            else:
                summary.text = gettext("Spoiler warning (click to show)")
        self.parser.parseChunk(details, content)

    @staticmethod
    def _content(lines, blocks):
        """The Markdown up to the matching ``:::``, and whether there was one."""
        kept, depth = [], 1
        while True:
            for number, line in enumerate(lines):
                if _SPOILER_OPEN_RE.fullmatch(line):
                    depth += 1
                elif _SPOILER_CLOSE_RE.fullmatch(line):
                    depth -= 1
                    if depth == 0:
                        kept.append("\n".join(lines[:number]))
                        rest = "\n".join(lines[number + 1 :])
                        if rest.strip():
                            blocks.insert(0, rest)
                        return "\n\n".join(kept), True
            kept.append("\n".join(lines))
            if not blocks:
                return "\n\n".join(kept), False
            lines = blocks.pop(0).split("\n")


class TrailerBlockProcessor(BlockProcessor):
    """
    A paragraph holding only ``@[Label](URL)`` or ``@[Label](URL image:42)``: a placeholder
    paragraph, replaced after sanitising by the trailer's facade (articles/trailers.py).

    The placeholder's text carries a key drawn afresh for each rendering, so nothing an
    editor types can pass for one.
    """

    def test(self, parent, block):
        return _TRAILER_RE.fullmatch(block) is not None

    def run(self, parent, blocks):
        match = _TRAILER_RE.fullmatch(blocks.pop(0))
        state = self.parser.md.magazine
        state.trailers.append(
            trailers.Trailer.from_markdown(
                match.group().strip(),
                french_typography(match.group("label")),
                match.group("inside"),
            )
        )
        placeholder = etree.SubElement(parent, "p")
        # Atomic: neither inline Markdown nor typography may touch it.
        placeholder.text = AtomicString(state.placeholder(len(state.trailers) - 1))


class _Magazine:
    """What the magazine's own syntaxes found in one rendering, for the steps after nh3."""

    def __init__(self):
        self.key = secrets.token_hex(16)
        self.trailers = []
        self.unclosed_spoilers = []

    def placeholder(self, index):
        return f"trailer-{self.key}-{index}"

    @property
    def placeholder_re(self):
        return re.compile(rf"<p>trailer-{self.key}-(\d+)</p>")


class MagazineExtension(Extension):
    def extendMarkdown(self, md):
        md.magazine = _Magazine()
        # Before every block processor of Python-Markdown's own (the highest is 100),
        # as the admonition extension does, so that no paragraph swallows them first.
        md.parser.blockprocessors.register(SpoilerBlockProcessor(md.parser), "spoiler", 106)
        md.parser.blockprocessors.register(TrailerBlockProcessor(md.parser), "trailer", 105)
        # After "inline" (20), which produces the final text nodes; before "prettify" (10),
        # which only adds layout newlines.
        md.treeprocessors.register(FrenchTypographyTreeprocessor(md), "french_typography", 17)
        # Before "toc" (5), so that it finds the ids set and keeps them.
        md.treeprocessors.register(HeadingTreeprocessor(md), "magazine_headings", 7)


def _markdown():
    return markdown.Markdown(
        extensions=[
            "fenced_code",
            "sane_lists",
            "tables",
            "footnotes",
            TocExtension(slugify=slugify, marker=""),
            MagazineExtension(),
        ],
        extension_configs={
            # An align attribute survives sanitising; a style attribute would not.
            "tables": {"use_align_attribute": True},
            "footnotes": {
                "BACKLINK_TITLE": gettext("Back to the text of note %d"),
                # U+FE0E asks for the text arrow, not the emoji iOS would draw.
                "BACKLINK_TEXT": "&#8617;&#65038;",
            },
        },
        output_format="html",
    )


# --------------------------------------------------------------------------- sanitising

_ALLOWED_TAGS = {
    "p", "h2", "h3", "h4", "h5", "h6", "a", "em", "strong", "blockquote", "ul", "ol", "li",
    "code", "pre", "table", "thead", "tbody", "tr", "th", "td", "img", "hr", "br", "sup",
    "sub", "del", "abbr", "figure", "figcaption", "div", "details", "summary",
}  # fmt: skip
_ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "abbr": {"title"},
    "ol": {"start"},
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
    "h5": {"id"},
    "h6": {"id"},
    "sup": {"id"},
    "li": {"id"},
}
_ALIGNMENTS = {"align": {"left", "center", "right"}}
# Content that means nothing, or something dangerous, once its element is gone. Other
# stripped elements (font, span…) keep their text. ``details`` is kept without any
# attribute: an editor's ``open`` would show a spoiler to readers who did not ask.
_DROPPED_WITH_CONTENT = {
    "script", "style", "template", "noscript", "noembed", "noframes", "iframe", "object",
    "embed", "svg", "math", "textarea", "select", "title", "xmp", "head",
}  # fmt: skip

_HEADING_ID_RE = re.compile(r"[^\W_]+(?:-[^\W_]+)*")
_FOOTNOTE_ID_RE = re.compile(r"fn(?:ref\d*)?:[\w.-]+")
_DANGEROUS_SCHEME_RE = re.compile(r"(?:javascript|vbscript|data):")
_IGNORED_IN_URL_RE = re.compile(r"[\x00-\x20\x7f-\x9f\u00a0\u1680\u2000-\u200f\u2028-\u202f\ufeff]")


def _filter_attribute(tag, attribute, value):
    if attribute == "id":
        # Ids name elements in the page's global scope (window.<id>): only the shapes the
        # pipeline itself produces, heading slugs and footnote anchors, are kept.
        pattern = _FOOTNOTE_ID_RE if tag in {"sup", "li"} else _HEADING_ID_RE
        return value if pattern.fullmatch(value) else None
    if attribute in {"href", "src"}:
        # nh3 already checks schemes; this repeats the check the way a browser reads the
        # value, with every space and control character removed, in case parsers disagree.
        normalised = _IGNORED_IN_URL_RE.sub("", html.unescape(value)).lower()
        if normalised.startswith(f"{IMAGE_SCHEME}:") and (tag, attribute) != ("img", "src"):
            # A library reference means something only as an image's address.
            return None
        return None if _DANGEROUS_SCHEME_RE.match(normalised) else value
    if attribute in {"width", "height", "start"}:
        return value if value.isascii() and value.isdigit() else None
    return value


_CLEANER = nh3.Cleaner(
    tags=_ALLOWED_TAGS,
    clean_content_tags=_DROPPED_WITH_CONTENT,
    attributes=_ALLOWED_ATTRIBUTES,
    attribute_filter=_filter_attribute,
    tag_attribute_values={"th": _ALIGNMENTS, "td": _ALIGNMENTS},
    allowed_classes={
        "div": {"footnote"},
        "a": {"footnote-ref", "footnote-backref"},
        "details": {"spoiler"},
    },
    url_schemes={"http", "https", "mailto", IMAGE_SCHEME},
    link_rel="noopener noreferrer",
    strip_comments=True,
)


def render_markdown(source, *, for_editor=False):
    """
    Sanitised HTML for an editor's Markdown, ready to be stored and printed as is.

    ``for_editor`` is the writing preview's: a trailer that cannot be shown is replaced
    by the reason, where readers see nothing.
    """
    if not source:
        return ""
    sanitised, magazine = _sanitised(source)
    html_text = embed_images(sanitised)
    if not magazine.trailers:
        return html_text
    if for_editor:
        _find_lines(source, magazine.trailers)
    images = trailers.posters(magazine.trailers)

    def facade(match):
        trailer = magazine.trailers[int(match.group(1))]
        return trailers.draw(trailer, images, for_editor=for_editor)

    return magazine.placeholder_re.sub(facade, html_text)


def image_references(source):
    """The library numbers ``![…](image:N)`` and trailers' posters in an editor's Markdown."""
    if not source:
        return []
    sanitised, magazine = _sanitised(source)
    ids = referenced_ids(sanitised)
    posters = [trailer.library_poster_id for trailer in magazine.trailers]
    return list(dict.fromkeys([*ids, *filter(None, posters)]))


@dataclass(frozen=True)
class Problem:
    """Something in the text that keeps it from showing as written, and the line it is on."""

    line: int | None
    # What it is about, in a word: « bande-annonce », « spoiler ».
    subject: str
    message: str
    # The library number it is about, for the form not to report it twice.
    image_id: int | None = None


def body_problems(source):
    """Trailers that cannot be shown and spoiler blocks never closed, in the text's order."""
    if not source:
        return []
    _, magazine = _sanitised(source)
    problems = []
    for opener, line in zip(
        magazine.unclosed_spoilers, _lines(source, magazine.unclosed_spoilers), strict=True
    ):
        message = gettext(
            "the block opened by « %(opener)s » is never closed: end it with a line holding "
            "only :::"
        ) % {"opener": opener}
        problems.append(Problem(line, gettext("spoiler"), message))
    _find_lines(source, magazine.trailers)
    images = trailers.posters(magazine.trailers)
    for trailer in magazine.trailers:
        subject = gettext("trailer")
        if trailer.problem:
            problems.append(Problem(trailer.line, subject, trailer.problem))
        elif trailer.poster_missing(images):
            problem = trailer.poster_problem()
            problems.append(Problem(trailer.line, subject, problem, trailer.poster_id))
    return sorted(problems, key=lambda problem: problem.line or 0)


def _sanitised(source):
    md = _markdown()
    return _CLEANER.clean(md.convert(source)), md.magazine


def _find_lines(source, found):
    for trailer, line in zip(found, _lines(source, [t.source for t in found]), strict=True):
        trailer.line = line


def _lines(source, texts):
    """
    The line each of ``texts`` starts on in ``source``, searched in order: what the
    block processors saw, as Python-Markdown prepared it (line ends and tabs normalised,
    quote markers and list indentation taken off), is still a piece of one line.
    """
    prepared = source.replace("\r\n", "\n").replace("\r", "\n").expandtabs(4)
    lines, position = [], 0
    for text in texts:
        found = prepared.find(text, position)
        if found < 0:
            found = prepared.find(text)
        lines.append(prepared.count("\n", 0, found) + 1 if found >= 0 else None)
        position = found + len(text) if found >= 0 else position
    return lines


# --------------------------------------------------------------------------- reading time

_BREAKING_TAGS = _ALLOWED_TAGS - _INLINE_TAGS | {"br"}


class _TextCounter(HTMLParser):
    """Collects the words a reader reads: text only, without code listings or note calls."""

    _SKIPPED = frozenset({"code", "pre", "kbd", "samp", "script", "style"})

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self._SKIPPED:
            self.skipping += 1
        elif tag in _BREAKING_TAGS:
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in self._SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BREAKING_TAGS:
            self.parts.append(" ")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def count_words(html_text):
    counter = _TextCounter()
    counter.feed(html_text or "")
    counter.close()
    # A word is a run between spaces holding a letter or digit: « ? » and — stand alone in
    # French typography and are not words; l’histoire is one.
    return sum(
        1 for token in "".join(counter.parts).split() if any(char.isalnum() for char in token)
    )


def reading_time(html_text):
    """Minutes to read rendered HTML, rounded to the nearest minute, at least one."""
    minutes = count_words(html_text) / WORDS_PER_MINUTE
    # int(x + 0.5) rather than round(): banker's rounding would turn 2.5 into 2.
    return max(1, int(minutes + 0.5))


# The pipeline's own markup (nh3's output): lowercase tags, quoted attributes.
_DETAILS_RE = re.compile(r"<(/?)details\b[^>]*>")
_SUMMARY_RE = re.compile(r"<summary>(.*?)</summary>", re.S)


def replace_spoilers(html_text, replacement):
    """
    Stored HTML with each outermost spoiler block (and any ``details`` an editor typed)
    replaced by ``replacement(summary)``, the summary's HTML as safe markup: for the
    places where a closed block cannot be trusted to stay closed.
    """
    parts, position, depth, start = [], 0, 0, None
    for tag in _DETAILS_RE.finditer(html_text):
        if tag.group(1) != "/":
            if depth == 0:
                start = tag.start()
            depth += 1
            continue
        depth = max(depth - 1, 0)
        if depth == 0 and start is not None:
            summary = _SUMMARY_RE.search(html_text, start, tag.end())
            # Sanitised when the body was saved, like the rest of body_html.
            label = mark_safe(summary.group(1)) if summary else ""  # noqa: S308
            parts += [html_text[position:start], str(replacement(label))]
            position, start = tag.end(), None
    parts.append(html_text[position:])
    return "".join(parts)
