"""
The Markdown pipeline, run once when an article (or an author's bio) is saved.

Order matters:

1. Python-Markdown parses the editor's text into an element tree (tables, footnotes, fenced
   code, sane lists; no ``attr_list``, so editors cannot set classes, ids or styles), with
   two block syntaxes of the magazine's own: spoiler blocks (``:::spoiler`` … ``:::``)
   become a closed ``details`` with a French label (pymdown-extensions' details block,
   taught the magazine's fence), and trailers (``@[Label](URL)``, a paragraph of their
   own) a placeholder that only this rendering can name.
2. On that tree, French typography rewrites the text of elements and their tails, skipping
   code and URLs. Working on the tree rather than on the HTML string is what keeps quotes,
   colons and apostrophes inside attributes (``href``, ``src``, ``title``) and markup intact.
3. Headings are demoted so the body never holds an ``h1`` (the page has its own) and get ids
   derived from their text, accents folded, numbered ``-1``, ``-2`` when repeated.
4. The serialised HTML goes through nh3 with an explicit allow-list, so that nothing an
   earlier step did, nor raw HTML an editor typed, escapes it.
5. Library images (``![alt](image:42)``) become responsive pictures and trailers'
   placeholders their facades (markup/trailers.py): after sanitising, because that markup
   is ours, built from the library's fields and validated video ids. The library is the
   caller's (images/embedding.py passes it in): this package imports nothing of the project.
6. The words are counted on the result, for the reading time.

``render()`` runs them all once and returns a ``Rendered``: the HTML, the images and
trailers the text names, its problems for the form, its words and reading time.
``french_typography`` applies step 2 to plain text (titles, standfirsts).
"""

import gc
import html
import re
import secrets
import threading
import time
import unicodedata
import xml.etree.ElementTree as etree
from dataclasses import dataclass
from html.parser import HTMLParser

import markdown
import nh3
from django.conf import settings
from django.utils import translation
from django.utils.formats import number_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext
from markdown.blockprocessors import BlockProcessor
from markdown.extensions import Extension
from markdown.extensions.footnotes import FootnoteInlineProcessor
from markdown.extensions.toc import remove_fnrefs, render_inner_html, strip_tags
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString
from pymdownx.blocks import BlocksExtension
from pymdownx.blocks.details import Details

from markup import references, trailers

# Brysbaert's 2019 meta-analysis of reading rates puts adults' silent reading of non-fiction
# at about 238 words a minute, measured mostly in English. French words run a little longer,
# so 230 rounds down, towards a reader who takes their time; elided forms (« l’histoire »)
# count as one word, as a reader's eye takes them.
WORDS_PER_MINUTE = 230

NBSP = "\u00a0"
NARROW_NBSP = "\u202f"

# --------------------------------------------------------------------------- limits

# Python-Markdown is not linear on every input: runs of unclosed openers (``[``, ``![](``,
# ``[^``, ``<http``) cost it time in the square of their number, and nesting (lists,
# quotes, emphasis, spoiler blocks) costs it Python's stack. Whoever can save an article
# could otherwise stall a worker for minutes with a few kilobytes. So every rendering is
# bounded three ways, each refusing the text with a message that says where and what.
#
# The longest article a contributor can save: a long-read of 10,000 words, with a fifth
# to spare. French prose runs to some 6.5 characters a word, spaces and punctuation
# included, so such a long-read is about 65,000 characters (tests/long_read.py) and
# renders in about 0.1 s of processor time on this project's 2-core machine; a dense text
# of the full length, a link and emphasis in every sentence, in 0.3 s.
BODY_MAX_CHARS = 80_000
# Processor time one rendering may take, counted on its own thread (time.thread_time) so
# that a busy server does not refuse a text it would accept when idle, and without the
# garbage collector's passes (see _CollectorTime). Half as much again
# as the longest text a contributor can save needs, and well under a second with what a
# save does besides: a save renders the body once (see render()).
RENDER_CPU_SECONDS = 0.5
# The longest block (the text between two blank lines: a paragraph, a list, a table): a
# block processor's run over it is one step the budget cannot interrupt, linear in its
# length. About 1,600 words, or a table of a few hundred rows.
BLOCK_MAX_CHARS = 10_000
# And its lines: a table's rows cost more than their characters say.
BLOCK_MAX_LINES = 500
# Code blocks between ``` fences: Python-Markdown looks for each from the start of the
# text again, taking time in their number times the length of the text.
MAX_CODE_BLOCKS = 100
# The longest footnote label, ``[^…]``: a word or two, as editors write them.
FOOTNOTE_LABEL_MAX = 60
# Python's HTML parser, which Python-Markdown runs over the whole text for raw HTML,
# scans from each ``<`` that opens a tag to the ``>`` that closes it, and nh3 takes time
# in the square of how deep block elements nest: both are bounded by counting the tags an
# editor typed, and the characters between each opening ``<`` and its ``>``.
RAW_HTML_MAX_TAGS = 1_000
RAW_HTML_MAX_SCAN = 200_000
# Elements in the rendered text (paragraphs, headings, links, emphasis…): the reading
# time and the search index read each of them again with Python's HTML parser. A long
# feature holds a few hundred.
MAX_ELEMENTS = 3_000
# Library images and trailers one text may show: each becomes a few kilobytes of
# <picture> or facade markup, stored and served with every page.
MAX_EMBEDS = 100


class TextTooComplex(ValueError):
    """A text refused before it could cost the server too much; ``str()`` says why."""

    def __init__(self, message, line=None):
        super().__init__(message)
        self.line = line

    @classmethod
    def too_long(cls, length):
        return cls(
            gettext(
                "The text is too long: %(length)s characters, for at most %(limit)s. "
                "Shorten it, or split it into several articles."
            )
            % {
                "length": number_format(length, force_grouping=True),
                "limit": number_format(BODY_MAX_CHARS, force_grouping=True),
            }
        )

    @classmethod
    def too_deep(cls, line):
        return cls(
            gettext(
                "lists, quotes, spoiler blocks or emphasis are nested too deeply here to be "
                "shown: flatten this passage."
            ),
            line,
        )

    @classmethod
    def too_slow(cls, line):
        return cls(
            gettext(
                "this passage would take too long to lay out: a long run of [, *, _, < or "
                "other Markdown signs, or many brackets never closed. Put a \\ before the "
                "signs meant as text, or simplify the passage."
            ),
            line,
        )

    @classmethod
    def block_too_long(cls, line):
        return cls(
            gettext(
                "this paragraph, list or table is longer than %(characters)s characters or "
                "%(lines)s lines: split it with a blank line."
            )
            % {
                "characters": number_format(BLOCK_MAX_CHARS, force_grouping=True),
                "lines": BLOCK_MAX_LINES,
            },
            line,
        )

    @classmethod
    def too_many_code_blocks(cls, line):
        return cls(
            gettext("more than %(limit)s code blocks between ``` fences.")
            % {"limit": MAX_CODE_BLOCKS},
            line,
        )

    @classmethod
    def too_much_html(cls, line):
        return cls(
            gettext(
                "too many HTML tags, or a < never closed by its >: write this passage in "
                "Markdown, or put a \\ before a < meant as text."
            ),
            line,
        )

    @classmethod
    def too_many_elements(cls, count):
        return cls(
            gettext(
                "The text holds %(count)s paragraphs, headings, links and other elements, "
                "for at most %(limit)s: split it into several articles."
            )
            % {
                "count": number_format(count, force_grouping=True),
                "limit": number_format(MAX_ELEMENTS, force_grouping=True),
            }
        )

    @classmethod
    def too_many_embeds(cls, count):
        return cls(
            ngettext(
                "The text shows %(count)s image or trailer, for at most %(limit)s.",
                "The text shows %(count)s images and trailers, for at most %(limit)s: "
                "move some into another article.",
                count,
            )
            % {"count": count, "limit": MAX_EMBEDS}
        )

    @property
    def message(self):
        if self.line is None:
            problem = str(self)
            return problem[:1].upper() + problem[1:]
        return gettext("Line %(line)s: %(problem)s") % {"line": self.line, "problem": self}


class _OutOfTime(Exception):
    """Raised inside the parser when its budget is spent."""


class _BlockTooLong(Exception):
    """Raised inside the parser when it is handed a block longer than BLOCK_MAX_CHARS."""


class _CollectorTime(threading.local):
    """
    Processor time this thread spent collecting garbage. A full collection walks every
    object of the process (a second and more in a long-lived one) and runs in whichever
    thread happens to allocate: it is the process's cost, not the text's, and must not
    make a plain paragraph look too complex to render.
    """

    spent = 0.0
    started = None

    def __call__(self, phase, info):
        if phase == "start":
            self.started = time.thread_time()
        elif self.started is not None:
            self.spent += time.thread_time() - self.started
            self.started = None


_collector_time = _CollectorTime()
gc.callbacks.append(_collector_time)


def _own_thread_time():
    """This thread's processor time, less what it spent collecting garbage."""
    return time.thread_time() - _collector_time.spent


class _Budget:
    """
    Processor time left for one rendering, checked at each step of the parser, and the
    piece of text that step was given, to tell the editor where a refused text went wrong.
    """

    def __init__(self, seconds):
        self.deadline = _own_thread_time() + seconds
        self.text = None
        self.steps = 0

    def check(self):
        if _own_thread_time() > self.deadline:
            raise _OutOfTime

    def tick(self):
        """check(), for steps so small and many that the clock is read at every 64th."""
        self.steps += 1
        if not self.steps % 64:
            self.check()

    def guard(self, method, text_argument=None, block=False):
        """
        ``method``, refusing to start once the budget is spent, or, for a ``block``
        processor, when the block (its argument number ``text_argument``) is longer than
        a block may be. An inline processor's text is not measured: placeholders for
        what was already parsed make it longer than what the editor typed.
        """

        def guarded(*args):
            text = None
            if text_argument is not None and len(args) > text_argument:
                text = args[text_argument]
            if isinstance(text, list):
                # A block processor's run() takes the blocks left, its own first.
                text = text[0] if text else None
            if isinstance(text, str):
                self.text = text
                if block and (len(text) > BLOCK_MAX_CHARS or text.count("\n") >= BLOCK_MAX_LINES):
                    raise _BlockTooLong
            self.check()
            return method(*args)

        return guarded

    def ticking(self, method):
        def ticked():
            self.tick()
            return method()

        return ticked

    def bound(self, md):
        """
        Every block and inline processor of ``md`` checks the budget before it runs.

        Python-Markdown's superlinear cases are many calls of these, each at most linear
        in the text (a link pattern scanning ahead for its bracket), so a check at each
        call stops any of them within a few milliseconds of the deadline. pymdownx's
        blocks processor (spoilers) is one of them; the blocks it takes in, it hands back
        to the parser one by one, so the checks reach inside a spoiler too.
        """
        for processor in md.parser.blockprocessors:
            processor.test = self.guard(processor.test, 1, block=True)
            processor.run = self.guard(processor.run, 1, block=True)
        for pattern in md.inlinePatterns:
            pattern.handleMatch = self.guard(pattern.handleMatch, 1)
            # Asked for by the inline processor before each pattern is tried on each
            # piece of text, a match or not: thousands of headings that no pattern
            # matches are still thousands of steps.
            pattern.getCompiledRegExp = self.ticking(pattern.getCompiledRegExp)
        # Each of these runs once, over the whole text; the magazine's own check the
        # budget as they go.
        for processor in [*md.treeprocessors, *md.postprocessors]:
            processor.run = self.guard(processor.run)
        md.budget = self


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

    def __init__(self, stash=None, budget=None):
        self.entries = []
        self.stash = stash or []
        self.budget = budget

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
            # Brackets are counted once, then kept up to date: counting them again for
            # each character taken off made an address ending in a long run of ``)``
            # cost the square of its length.
            url = flat[start:end]
            counts = {char: url.count(char) for char in "()[]"}
            while end > start and flat[end - 1] in _URL_TRAILING + ")]":
                closing = flat[end - 1]
                opening = {")": "(", "]": "["}.get(closing)
                if opening and counts[opening] >= counts[closing]:
                    break
                if opening:
                    counts[closing] -= 1
                end -= 1
            for entry in self.entries[start:end]:
                entry.frozen = True

    def run(self):
        self._freeze_urls()
        quote_depth = 0
        entries = self.entries
        for index, entry in enumerate(entries):
            if self.budget and index % 4096 == 0:
                self.budget.check()
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
        typesetter = _Typesetter(self.md.htmlStash.rawHtmlBlocks, self.md.budget)
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
        # The last number given to each base, so that the thousandth « Titre » does not
        # try the 999 numbers taken before it.
        numbers = {}
        for element in root.iter():
            self.md.budget.check()
            if element.tag == "h1":
                element.tag = "h2"
            if element.tag in {"h2", "h3", "h4", "h5", "h6"} and "id" not in element.attrib:
                name = strip_tags(render_inner_html(remove_fnrefs(element), self.md))
                base = slugify(html.unescape(name)) or "section"
                element.set("id", self._unique(base, used, numbers))

    @staticmethod
    def _unique(base, used, numbers):
        candidate, number = base, numbers.get(base, 0)
        if number:
            candidate = f"{base}-{number}"
        while candidate in used:
            number += 1
            candidate = f"{base}-{number}"
        numbers[base] = number
        used.add(candidate)
        return candidate


# --------------------------------------------------------------------------- spoilers and trailers

# pymdownx.blocks fences its blocks with ``///`` (RE_START and RE_END in pymdownx/blocks),
# while the magazine's bodies, saved ones included, say ``:::spoiler La fin`` … ``:::``.
# Its processor is handed these two patterns in place of its own: the same groups (the
# fence, the block's name, its argument), read where it reads its fence, at the start of
# a block once quote markers and list indentation are off, so a ``:::spoiler`` in code
# stays code and the text needs no rewriting, stored or on its way in. Three colons,
# three spaces of indentation at most (four make code), as before.
_SPOILER_START_RE = re.compile(r"(?:^|\n) {0,3}(:{3}) *(spoiler)(?: +(.*?))? *(?:\n|$)", re.I)
_SPOILER_END_RE = re.compile(r"(?m)(?:^|\n) {0,3}(:{3}) *(?:\n|$)")
# Where the blocks processor looks for a block's options (indented YAML under the
# fence): never, so the label is all an editor sets, and an indented first line stays
# the code block it always was.
_NO_OPTIONS_RE = re.compile(r"(?!)")
# An opener in the source, after any quote marker or list bullet, for the form to point
# at the line of one never closed.
_SPOILER_OPENER_RE = re.compile(r":::[ \t]*spoiler(?:[ \t]+([^\n]*?))?[ \t]*$", re.I | re.M)
# Whatever the parentheses hold is the trailer's, for the editor to be told what is wrong.
_TRAILER_RE = re.compile(r" {0,3}@\[(?P<label>[^\[\]\n]*)\]\((?P<inside>[^\n]*)\)[ \t]*")


class Spoiler(Details):
    """
    ``:::spoiler La fin du film``, Markdown, then ``:::``: pymdownx's ``details``, closed,
    so that the text stays hidden until the reader asks for it, with or without script,
    under « Spoiler : La fin du film », or a warning when there is no label.

    Blocks nest, each ``:::spoiler`` waiting for its own ``:::``. One never closed runs
    to the end of the text: hiding too much spoils nothing (the form refuses it anyway).
    """

    NAME = "spoiler"

    def on_validate(self, parent):
        # The class the style sheets, the feeds and the search index know a spoiler by.
        self.options["type"] = "spoiler"
        self.label = self.argument
        # Part of the body, so in the body's language whatever the editor's admin speaks.
        with translation.override(settings.CONTENT_LANGUAGE):
            if self.label:
                self.argument = gettext("Spoiler: %(label)s") % {"label": self.label}
            else:
                self.argument = gettext("Spoiler warning (click to show)")
        self.md.magazine.spoilers.append(self)
        return True


class SpoilerExtension(BlocksExtension):
    def extendMarkdownBlocks(self, md, block_mgr):
        block_mgr.register(Spoiler, {})
        block_mgr.start, block_mgr.end = _SPOILER_START_RE, _SPOILER_END_RE
        block_mgr.yaml_line = _NO_OPTIONS_RE
        # Added for the ``///`` fence, which is not read here: ``\/`` stays as typed.
        md.ESCAPED_CHARS.remove("/")


class TrailerBlockProcessor(BlockProcessor):
    """
    A paragraph holding only ``@[Label](URL)`` or ``@[Label](URL image:42)``: a placeholder
    paragraph, replaced after sanitising by the trailer's facade (markup/trailers.py).

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
        # Every spoiler block, in the order of the text, and those never closed.
        self.spoilers = []
        self.unclosed_spoilers = set()

    def placeholder(self, index):
        return f"trailer-{self.key}-{index}"

    @property
    def placeholder_re(self):
        return re.compile(rf"<p>trailer-{self.key}-(\d+)</p>")


class MagazineExtension(Extension):
    def extendMarkdown(self, md):
        md.magazine = _Magazine()
        # Before every block processor of Python-Markdown's that could take it for a
        # paragraph, but after pymdownx's blocks (89.99), so that a trailer inside an
        # open spoiler is laid out in it rather than beside it.
        md.parser.blockprocessors.register(TrailerBlockProcessor(md.parser), "trailer", 89)
        # After "inline" (20), which produces the final text nodes; before "prettify" (10),
        # which only adds layout newlines.
        md.treeprocessors.register(FrenchTypographyTreeprocessor(md), "french_typography", 17)
        # Before "toc" (5), so that it finds the ids set and keeps them.
        md.treeprocessors.register(HeadingTreeprocessor(md), "magazine_headings", 7)
        # The footnotes extension looks for a note's call with ``\[\^([^\]]*)\]``, which
        # scans to the end of the paragraph from every ``[^`` that is never closed, inside
        # one regular-expression search the budget cannot interrupt. A label is a word
        # or two: bounded, the search is linear.
        footnotes = md.inlinePatterns["footnote"].footnotes
        md.inlinePatterns.register(
            FootnoteInlineProcessor(rf"\[\^([^\]\n]{{1,{FOOTNOTE_LABEL_MAX}}})\]", footnotes),
            "footnote",
            175,
        )


def _markdown():
    return markdown.Markdown(
        extensions=[
            "fenced_code",
            "sane_lists",
            "tables",
            "footnotes",
            SpoilerExtension(),
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
        if normalised.startswith(f"{references.SCHEME}:") and (tag, attribute) != ("img", "src"):
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
    url_schemes={"http", "https", "mailto", references.SCHEME},
    link_rel="noopener noreferrer",
    strip_comments=True,
)


@dataclass(frozen=True)
class Problem:
    """Something in the text that keeps it from showing as written, and the line it is on."""

    line: int | None
    # What it is about, in a word: « bande-annonce », « spoiler ».
    subject: str
    message: str


@dataclass(frozen=True)
class Outline:
    """What the checks before publishing read in a body's HTML: headings, links, images."""

    # (level, text) of each heading, 2 to 6, in the text's order.
    headings: tuple = ()
    # (text, address) of each link written in the text; footnote calls and returns left out.
    links: tuple = ()
    # The address of each image shown without alt text. Library images are left out:
    # the library holds their alt text, required there unless the image is decorative.
    images_without_alt: tuple = ()


@dataclass(frozen=True)
class Rendered:
    """Everything derived from one body, worked out from a single parse by ``render()``."""

    # The Markdown it was rendered from: a render is kept only as long as the text is the same.
    source: str
    # Sanitised, library images and trailers drawn: ready to be stored and printed as is.
    html: str = ""
    # The library numbers the text shows, images then trailers' posters, in order.
    image_ids: tuple = ()
    # Those the library does not hold (trailers' posters aside: each is a problem already).
    missing_image_ids: tuple = ()
    trailers: tuple = ()
    # Trailers that cannot be shown and spoiler blocks never closed, in the text's order.
    problems: tuple = ()
    words: int = 0
    reading_time: int = 1
    outline: Outline = Outline()

    @property
    def shown_image_ids(self):
        """The library images the page shows: those referenced that the library holds."""
        missing = set(self.missing_image_ids)
        return [number for number in self.image_ids if number not in missing]


def render(source, *, library=None, for_editor=False):
    """
    Everything derived from an editor's Markdown, from one parse, as a ``Rendered``; a text
    that would cost the server too much raises ``TextTooComplex``.

    The media library is the layer above's (images/embedding.py passes it in):
    ``library.find(numbers)`` gives the images it holds by number, in one lookup for the
    images and the trailers' posters; ``library.draw(html, images)`` draws each ``image:N``.
    Without one, references are left as the sanitiser let them through.

    ``for_editor`` is the writing preview's: a trailer that cannot be shown is replaced
    by the reason, where readers see nothing.
    """
    source = source or ""
    if not source:
        return Rendered(source)
    sanitised, magazine = _parse(source)
    _find_lines(source, magazine.trailers)
    referenced = references.referenced_ids(sanitised)
    posters = [trailer.library_poster_id for trailer in magazine.trailers]
    image_ids = tuple(dict.fromkeys([*referenced, *filter(None, posters)]))
    images, html_text, missing = {}, sanitised, ()
    if library is not None:
        images = library.find(image_ids)
        # A poster missing from the library is a trailer's problem, said once, there.
        posters_said = {t.poster_id for t in magazine.trailers if not t.problem}
        missing = tuple(n for n in referenced if n not in images and n not in posters_said)
        if f"{references.SCHEME}:" in sanitised.lower():
            html_text = library.draw(sanitised, images)
    if magazine.trailers:

        def facade(match):
            trailer = magazine.trailers[int(match.group(1))]
            return trailers.draw(trailer, images, for_editor=for_editor)

        html_text = magazine.placeholder_re.sub(facade, html_text)
    # One reading of the HTML for its words and its outline.
    reader = _read(html_text)
    words = reader.words
    return Rendered(
        source,
        html=html_text,
        image_ids=image_ids,
        missing_image_ids=missing,
        trailers=tuple(magazine.trailers),
        problems=_problems(source, magazine, images if library is not None else None),
        words=words,
        reading_time=minutes_to_read(words),
        outline=reader.outline,
    )


def _problems(source, magazine, images):
    """Spoiler blocks never closed, trailers that cannot be shown, in the text's order."""
    problems = []
    for line, opener in _unclosed_spoilers(source, magazine):
        message = gettext(
            "the block opened by « %(opener)s » is never closed: end it with a line holding "
            "only :::"
        ) % {"opener": opener}
        problems.append(Problem(line, gettext("spoiler"), message))
    for trailer in magazine.trailers:
        subject = gettext("trailer")
        if trailer.problem:
            problems.append(Problem(trailer.line, subject, trailer.problem))
        elif images is not None and trailer.poster_missing(images):
            problems.append(Problem(trailer.line, subject, trailer.poster_problem()))
    return tuple(sorted(problems, key=lambda problem: problem.line or 0))


def _parse(source):
    """Sanitised HTML and what the magazine's syntaxes found, or TextTooComplex."""
    if len(source) > BODY_MAX_CHARS:
        raise TextTooComplex.too_long(len(source))
    _check_raw_html(source)
    _check_code_blocks(source)
    md = _markdown()
    budget = _Budget(RENDER_CPU_SECONDS)
    budget.bound(md)
    try:
        converted = md.convert(source)
    except _OutOfTime:
        raise TextTooComplex.too_slow(_line_of(source, budget.text)) from None
    except _BlockTooLong:
        raise TextTooComplex.block_too_long(_line_of(source, budget.text)) from None
    except RecursionError:
        raise TextTooComplex.too_deep(_line_of(source, budget.text)) from None
    # Those pymdownx's blocks processor still holds open when the text ends. (Its
    # on_end() hook is not to be trusted for this: a ``:::`` in the same paragraph as a
    # nested opener ends the outer block twice and the inner one never.)
    md.magazine.unclosed_spoilers = {
        entry.block for entry in md.parser.blockprocessors["blocks"].stack
    }
    sanitised = _CLEANER.clean(converted)
    embeds = len(md.magazine.trailers) + sanitised.count("<img")
    if embeds > MAX_EMBEDS:
        raise TextTooComplex.too_many_embeds(embeds)
    # nh3 escapes every < in text: each one left opens or closes an element.
    elements = sanitised.count("<") - sanitised.count("</")
    if elements > MAX_ELEMENTS:
        raise TextTooComplex.too_many_elements(elements)
    return sanitised, md.magazine


_TAG_OPENING_RE = re.compile(r"<[A-Za-z/!?]")


def _check_raw_html(source):
    """Refuses more raw HTML than the parsers can take in a bounded time (see the limits)."""
    scanned = 0
    for count, opening in enumerate(_TAG_OPENING_RE.finditer(source), start=1):
        end = source.find(">", opening.end())
        scanned += (len(source) if end < 0 else end) - opening.start()
        if count > RAW_HTML_MAX_TAGS or scanned > RAW_HTML_MAX_SCAN:
            raise TextTooComplex.too_much_html(source.count("\n", 0, opening.start()) + 1)


_FENCE_RE = re.compile(r"^ {0,3}(?:`{3,}|~{3,})", re.MULTILINE)


def _check_code_blocks(source):
    for count, fence in enumerate(_FENCE_RE.finditer(source), start=1):
        # Two fences a block.
        if count > 2 * MAX_CODE_BLOCKS:
            raise TextTooComplex.too_many_code_blocks(source.count("\n", 0, fence.start()) + 1)


def _line_of(source, text):
    """The line of ``source`` where ``text``, a piece the parser was working on, begins."""
    if not text:
        return None
    # Its first line that holds no placeholder of Python-Markdown's (\x02…\x03), which
    # the source does not have.
    for line in text.split("\n"):
        piece = _TOKEN_RE.split(line)[0].strip()[:80]
        found = _lines(source, [piece])[0] if piece else None
        if found is not None:
            return found
    return None


def _unclosed_spoilers(source, magazine):
    """
    The line and the opener, as typed, of each spoiler block never closed. The parser
    keeps no line numbers: each block is paired with the next opener of the source that
    has its label, walking both in order.
    """
    prepared = source.replace("\r\n", "\n").replace("\r", "\n").expandtabs(4)
    openers = _SPOILER_OPENER_RE.finditer(prepared)
    unclosed, line, counted_to = [], 1, 0
    for spoiler in magazine.spoilers:
        label = spoiler.label or ""
        opener = next((found for found in openers if (found.group(1) or "") == label), None)
        if spoiler not in magazine.unclosed_spoilers:
            continue
        if opener is None:
            unclosed.append((None, f":::spoiler {label}".strip()))
            continue
        line += prepared.count("\n", counted_to, opener.start())
        counted_to = opener.start()
        unclosed.append((line, opener.group().strip()))
    return unclosed


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
    # Line ends are counted from the last place found, not from the start each time:
    # a text with thousands of problems must not cost their number times its length.
    counted_to, line = 0, 1
    for text in texts:
        found = prepared.find(text, position)
        if found < 0:
            found = prepared.find(text)
        if found < 0:
            lines.append(None)
            continue
        if found < counted_to:
            counted_to, line = 0, 1
        line += prepared.count("\n", counted_to, found)
        counted_to = found
        lines.append(line)
        position = found + len(text)
    return lines


# --------------------------------------------------------------------------- reading time

_BREAKING_TAGS = _ALLOWED_TAGS - _INLINE_TAGS | {"br"}


_HEADING_TAGS = {f"h{level}": level for level in range(2, 7)}
_FOOTNOTE_LINKS = {"footnote-ref", "footnote-backref"}


class _BodyReader(HTMLParser):
    """
    Reads rendered HTML once for the words a reader reads (text only, without code
    listings or note calls) and for the outline the checks before publishing look at.
    """

    _SKIPPED = frozenset({"code", "pre", "kbd", "samp", "script", "style"})

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []
        self.skipping = 0
        self.headings, self.links, self.images_without_alt = [], [], []
        # The heading and the link being read, as [level or address, text parts].
        self.heading = self.link = None
        self.pictures = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in _HEADING_TAGS:
            self.heading = [_HEADING_TAGS[tag], []]
        elif tag == "a" and attributes.get("class") not in _FOOTNOTE_LINKS:
            self.link = [attributes.get("href") or "", []]
        elif tag == "picture":
            self.pictures += 1
        elif tag == "img" and not self.pictures and not (attributes.get("alt") or "").strip():
            self.images_without_alt.append(attributes.get("src") or "")
        if tag in self._SKIPPED:
            self.skipping += 1
        elif tag in _BREAKING_TAGS:
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in _HEADING_TAGS and self.heading is not None:
            level, parts = self.heading
            self.headings.append((level, " ".join("".join(parts).split())))
            self.heading = None
        elif tag == "a" and self.link is not None:
            address, parts = self.link
            self.links.append((" ".join("".join(parts).split()), address))
            self.link = None
        elif tag == "picture":
            self.pictures = max(0, self.pictures - 1)
        if tag in self._SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BREAKING_TAGS:
            self.parts.append(" ")

    def handle_data(self, data):
        for reading in (self.heading, self.link):
            if reading is not None:
                reading[1].append(data)
        if not self.skipping:
            self.parts.append(data)

    @property
    def words(self):
        # A word is a run between spaces holding a letter or digit: « ? » and — stand alone
        # in French typography and are not words; l’histoire is one.
        return sum(
            1 for token in "".join(self.parts).split() if any(char.isalnum() for char in token)
        )

    @property
    def outline(self):
        return Outline(tuple(self.headings), tuple(self.links), tuple(self.images_without_alt))


def _read(html_text):
    reader = _BodyReader()
    reader.feed(html_text or "")
    reader.close()
    return reader


def count_words(html_text):
    return _read(html_text).words


def outline(html_text):
    """The outline of HTML already rendered and stored, as ``render()`` gives it."""
    return _read(html_text).outline


def reading_time(html_text):
    """Minutes to read rendered HTML, rounded to the nearest minute, at least one."""
    return minutes_to_read(count_words(html_text))


def minutes_to_read(words):
    minutes = words / WORDS_PER_MINUTE
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
