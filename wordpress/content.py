"""
WordPress's post HTML turned into the Markdown our editors write.

WordPress stores a post's content half-made: paragraphs as bare blank lines (its
``wpautop()`` adds the ``<p>`` when the page is shown), shortcodes such as ``[caption]``
and ``[gallery]`` expanded on display, video addresses alone on a line embedded on
display, and, since the block editor, HTML between ``<!-- wp:… -->`` comments. The steps
below do what WordPress's display does, but towards our syntax: library images as
figures (``![alt](image:N "Légende")``), videos as trailers (``@[Label](URL)``), the rest
through markdownify. Whatever cannot be carried over stays visible (an unknown
shortcode as its text) and is named in ``problems``, one short French sentence each,
for the import's report.

French typography is left as written: the article pipeline (markup/rendering.py) sets
its own spaces and quotes when it renders, so nothing here adds any.
"""

import html
import json
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

from bs4 import BeautifulSoup, NavigableString
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext
from markdownify import MarkdownConverter

from markup import trailers


@dataclass
class Converted:
    markdown: str
    # The library images the text refers to, in order, each once.
    image_ids: list[int] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def to_markdown(html_text, *, image_for):
    """Convert one post's content.

    ``image_for(url=None, attachment_id=None)`` returns the ``images.Image`` id for a
    WordPress upload (its original address, size suffixes removed) or attachment id, or
    None when the library has none; both are given when both are known.
    """
    return _Conversion(image_for).run(html_text or "")


# --------------------------------------------------------------------------- placeholders

# What a step has already written in our syntax travels through the later ones as an
# opaque token: STX, a number, ETX. Those characters are removed from the content first
# (XML forbids them anyway), so nothing in a post can pass for a token.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_TOKEN_RE = re.compile(r"\x02(\d+)\x03")

# --------------------------------------------------------------------------- blocks

# WordPress's own pattern for a block delimiter (wp-includes/class-wp-block-parser.php).
_BLOCK_RE = re.compile(
    r"<!--\s+(?P<closer>/)?wp:(?P<namespace>[a-z][a-z0-9_-]*/)?(?P<name>[a-z][a-z0-9_-]*)\s+"
    r"(?P<attrs>\{(?:[^}]+|\}+(?=\})|(?!\}\s+/?-->).)*?\}\s+)?(?P<void>/)?-->",
    re.DOTALL,
)
_EMBED_BLOCK_RE = re.compile(
    r"<!--\s+wp:(?P<name>embed|core-embed/[a-z0-9-]+)\s+(?P<attrs>\{.*?\}\s+)?-->"
    r"(?P<inner>.*?)<!--\s+/wp:(?P=name)\s+-->",
    re.DOTALL,
)
# Core blocks whose saved HTML is all there is to them: kept as that HTML.
_HTML_BLOCKS = {
    "paragraph", "heading", "list", "list-item", "quote", "pullquote", "image", "gallery",
    "table", "code", "preformatted", "verse", "separator", "spacer", "more", "nextpage",
    "columns", "column", "group", "buttons", "button", "media-text", "freeform", "classic",
    "details", "footnotes", "shortcode", "missing",
}  # fmt: skip

# --------------------------------------------------------------------------- shortcodes

# Core's shortcodes with a meaning here; any other is a plugin's or a theme's.
_CAPTION = {"caption", "wp_caption"}
_MEDIA = {"gallery", "embed", "video", "audio", "playlist"}
_ATTRIBUTES_RE = re.compile(
    r"""([\w-]+)\s*=\s*"([^"]*)"(?:\s|$)|([\w-]+)\s*=\s*'([^']*)'(?:\s|$)"""
    r"""|([\w-]+)\s*=\s*([^\s'"]+)(?:\s|$)|"([^"]*)"(?:\s|$)|'([^']*)'(?:\s|$)|(\S+)(?:\s|$)"""
)
# Addresses WordPress embeds from a line of their own, beyond the video hosts we play:
# kept as links, and said.
_OEMBED_HOSTS = {
    "twitter.com", "x.com", "instagram.com", "facebook.com", "tiktok.com", "soundcloud.com",
    "open.spotify.com", "flickr.com", "imgur.com", "reddit.com", "tumblr.com", "ted.com",
    "wordpress.tv", "mixcloud.com", "bsky.app", "threads.net", "pinterest.com",
}  # fmt: skip
_BARE_URL_LINE_RE = re.compile(r"^[ \t]*(https?://[^\s<>\"]+)[ \t]*$", re.MULTILINE)


def _shortcode_re(names):
    """WordPress's ``get_shortcode_regex()`` for the names ``names`` matches: [name attrs],
    [name/], or [name attrs]content[/name]; doubled brackets ([[name]]) escape it."""
    return re.compile(
        rf"\[(?P<open>\[?)(?P<name>{names})(?![\w-])(?P<attrs>[^\]/]*(?:/(?!\])[^\]/]*)*?)"
        rf"(?:(?P<void>/)\]|\](?:(?P<content>[^\[]*(?:\[(?!/(?P=name)\])[^\[]*)*)\[/(?P=name)\])?)"
        rf"(?P<close>\]?)"
    )


_KNOWN_SHORTCODE_RE = _shortcode_re("|".join(sorted(_CAPTION | _MEDIA)))
_ANY_SHORTCODE_RE = _shortcode_re(r"[A-Za-z][\w-]*")

# --------------------------------------------------------------------------- wpautop

# wpautop()'s list of block elements, which never go inside a paragraph.
_BLOCK_TAGS = (
    r"(?:table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|"
    r"form|map|area|blockquote|address|math|style|p|h[1-6]|hr|fieldset|legend|section|"
    r"article|aside|hgroup|header|footer|nav|figure|figcaption|details|menu|summary|iframe)"
)
_PRESERVED_RE = re.compile(r"<(pre|script|style)[\s>].*?</\1>", re.DOTALL | re.IGNORECASE)

# --------------------------------------------------------------------------- images

_SIZE_SUFFIX_RE = re.compile(r"-\d{1,5}x\d{1,5}(?=\.[A-Za-z0-9]{2,5}$)")
_ATTACHMENT_CLASS_RE = re.compile(r"(?:^|\s)wp-image-(\d+)(?:\s|$)")
_PHOTON_HOST_RE = re.compile(r"i[0-3]\.wp\.com")


def original_upload_url(url):
    """The address of the file WordPress uploaded, from that of one of its sizes:
    ``photo-300x200.jpg`` → ``photo.jpg``; WordPress.com's ``?w=300`` and its image CDN
    (``i0.wp.com/site/…``) removed."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url
    host = (parts.hostname or "").lower()
    path = parts.path
    query = parts.query
    if _PHOTON_HOST_RE.fullmatch(host) and path.count("/") >= 2:
        host, _, path = path.lstrip("/").partition("/")
        path = "/" + path
        query = ""
    if host.endswith(".files.wordpress.com") or host.endswith(".wp.com"):
        query = ""
    if "/wp-content/uploads/" in path or host.endswith(".files.wordpress.com"):
        path = _SIZE_SUFFIX_RE.sub("", path)
    netloc = host if _PHOTON_HOST_RE.fullmatch((parts.hostname or "").lower()) else parts.netloc
    return urlunsplit((parts.scheme, netloc, path, query, ""))


# --------------------------------------------------------------------------- conversion


class _Conversion:
    def __init__(self, image_for):
        self.image_for = image_for
        self.tokens = []
        # Token → the library image it shows, for the list of images in text order.
        self.token_images = {}
        self.image_ids = []
        self.problems = []

    def run(self, text):
        text = _CONTROL_RE.sub("", text).replace("\r\n", "\n").replace("\r", "\n")
        has_blocks = "<!-- wp:" in text
        if has_blocks:
            text = self.blocks(text)
        text = self.shortcodes(text)
        text = self.bare_urls(text)
        text = re.sub(r"<!--.*?-->", "", text, flags=re.DOTALL)
        if not has_blocks:
            # WordPress leaves block content as saved, and makes paragraphs of the rest.
            text = autop(text)
        soup = BeautifulSoup(text, "html.parser")
        self.media(soup)
        markdown = _Converter(
            heading_style="atx",
            bullets="-",
            table_infer_header=True,
            escape_underscores=True,
            escape_asterisks=True,
        ).convert_soup(soup)
        self.image_ids = []
        for match in _TOKEN_RE.finditer(markdown):
            image_id = self.token_images.get(int(match[1]))
            if image_id is not None and image_id not in self.image_ids:
                self.image_ids.append(image_id)
        markdown = _TOKEN_RE.sub(lambda match: self.tokens[int(match[1])], markdown)
        markdown = re.sub(
            r"[ \t]+$", lambda m: "  " if len(m[0]) == 2 else "", markdown, flags=re.M
        )
        markdown = re.sub(r"\n{3,}", "\n\n", markdown).strip("\n")
        return Converted(markdown=markdown, image_ids=self.image_ids, problems=self.problems)

    # Tokens and problems.

    def token(self, markdown, image_id=None):
        self.tokens.append(markdown)
        if image_id is not None:
            self.token_images[len(self.tokens) - 1] = image_id
        return f"\x02{len(self.tokens) - 1}\x03"

    def block_token(self, markdown, image_id=None):
        """A paragraph of its own: figures and trailers must stand alone."""
        return f"\n\n<p>{self.token(markdown, image_id)}</p>\n\n"

    def report(self, problem):
        if problem not in self.problems:
            self.problems.append(problem)

    # Gutenberg blocks.

    def blocks(self, text):
        text = _EMBED_BLOCK_RE.sub(self.embed_block, text)

        def delimiter(match):
            if match["closer"]:
                return ""
            namespace = (match["namespace"] or "core/").rstrip("/")
            name = match["name"] if namespace == "core" else f"{namespace}/{match['name']}"
            if match["void"] and name not in {"more", "nextpage", "separator", "spacer"}:
                self.report(
                    gettext(
                        "Block wp:%(name)s holds nothing in the export (WordPress builds it "
                        "when the page is shown): not imported."
                    )
                    % {"name": name}
                )
            elif name == "html":
                self.report(
                    gettext("Custom HTML block (wp:html) converted as well as possible: check it.")
                )
            elif name not in _HTML_BLOCKS:
                self.report(
                    gettext(
                        "Unsupported block wp:%(name)s: its HTML converted as well as possible."
                    )
                    % {"name": name}
                )
            return "\n\n"

        return _BLOCK_RE.sub(delimiter, text)

    def embed_block(self, match):
        attributes = {}
        if match["attrs"]:
            try:
                attributes = json.loads(match["attrs"])
            except ValueError:
                attributes = {}
        inner = BeautifulSoup(match["inner"], "html.parser")
        url = attributes.get("url") if isinstance(attributes.get("url"), str) else ""
        if not url:
            wrapper = inner.find(class_="wp-block-embed__wrapper") or inner
            url = wrapper.get_text(" ", strip=True).split(" ")[0]
        caption = inner.find("figcaption")
        label = caption.get_text(" ", strip=True) if caption else ""
        return self.embed(url, label)

    def embed(self, url, label=""):
        """A video address as a trailer; any other as a link, said in the report."""
        url = html.unescape(url.strip())
        try:
            video = trailers.parse_video_url(url)
        except trailers.UnacceptedAddress:
            host = (urlsplit(url).hostname or url) if url else "?"
            self.report(
                gettext("Embedded content from %(host)s is not supported: kept as a link.")
                % {"host": host}
            )
            return f'\n\n<p><a href="{html.escape(url)}">{html.escape(label or url)}</a></p>\n\n'
        return self.block_token(f"@[{_escape_label(label or _video_label())}]({video.page_url})")

    # Shortcodes.

    def shortcodes(self, text):
        text = _KNOWN_SHORTCODE_RE.sub(self.known_shortcode, text)

        def unknown(match):
            if match["open"] and match["close"]:
                # [[name]]: WordPress shows [name] as written.
                return match[0][1:-1]
            name = match["name"]
            if name in _CAPTION | _MEDIA:
                return match[0]  # said by known_shortcode()
            looks_like_one = (
                match["attrs"].strip()
                or match["void"]
                or match["content"] is not None
                or re.search(r"[_-]", name)
                or f"[/{name}]" in text
            )
            if looks_like_one:
                self.report(gettext("Unknown shortcode [%(name)s] kept as text.") % {"name": name})
            return match[0]

        return _ANY_SHORTCODE_RE.sub(unknown, text)

    def known_shortcode(self, match):
        if match["open"] and match["close"]:
            return match[0][1:-1]
        name = match["name"]
        attributes = _shortcode_attributes(match["attrs"])
        content = match["content"] or ""
        if name in _CAPTION:
            # The caption is what follows the image, or, before WordPress 3.4, an attribute.
            caption = attributes.get("caption", "")
            fragment = BeautifulSoup(content, "html.parser")
            image = fragment.find("img")
            if image is None:
                return content
            outer = image.parent if image.parent.name == "a" else image
            rest = "".join(str(node) for node in outer.next_siblings)
            caption = caption or rest.strip()
            return f"\n\n<figure>{outer}<figcaption>{caption}</figcaption></figure>\n\n"
        if name == "gallery":
            ids = [
                int(number)
                for number in re.split(
                    r"[\s,]+", attributes.get("ids") or attributes.get("include") or ""
                )
                if number.isdigit()
            ]
            if not ids:
                self.report(
                    gettext(
                        "A [gallery] without its list of images was not imported: redo it by hand."
                    )
                )
                return ""
            figures = []
            for attachment_id in ids:
                image_id = self.image_for(attachment_id=attachment_id)
                if image_id is None:
                    self.report(
                        gettext("Image not found: attachment no. %(id)s.") % {"id": attachment_id}
                    )
                    continue
                figures.append(self.block_token(self.image_markdown(image_id), image_id))
            return "".join(figures)
        if name == "embed":
            url = content.strip() or attributes.get("src", "")
            return self.embed(url)
        if name == "video":
            url = attributes.get("src") or attributes.get("youtube") or attributes.get("mp4") or ""
            if url and _is_video_host(url):
                return self.embed(url)
        self.report(gettext("Unsupported shortcode [%(name)s] kept as text.") % {"name": name})
        return match[0]

    def bare_urls(self, text):
        """A video address alone on its line, which WordPress shows as the player."""

        def line(match):
            url = match[1]
            if _is_video_host(url):
                return self.embed(url)
            host = (urlsplit(url).hostname or "").removeprefix("www.")
            if host in _OEMBED_HOSTS:
                return self.embed(url)
            return match[0]

        # Not inside <pre>: code may hold an address alone on its line.
        pieces = []
        position = 0
        for preserved in _PRESERVED_RE.finditer(text):
            pieces.append(_BARE_URL_LINE_RE.sub(line, text[position : preserved.start()]))
            pieces.append(preserved[0])
            position = preserved.end()
        pieces.append(_BARE_URL_LINE_RE.sub(line, text[position:]))
        return "".join(pieces)

    # Images, figures, frames.

    def media(self, soup):
        for tag in soup.find_all(["script", "style", "object", "embed", "form", "noscript"]):
            if tag.name in {"script", "object", "embed", "form"}:
                self.report(gettext("<%(tag)s> element removed.") % {"tag": tag.name})
            tag.decompose()
        for frame in soup.find_all("iframe"):
            source = frame.get("src", "")
            if _is_video_host(source):
                self.replace_block(frame, self.token(self.trailer_markdown(source)))
            else:
                host = urlsplit(source).hostname or source or "?"
                self.report(
                    gettext("Embedded content from %(host)s is not supported: removed.")
                    % {"host": host}
                )
                frame.decompose()
        for tag in soup.find_all(["video", "audio"]):
            source = tag.get("src") or (tag.find("source") or {}).get("src", "")
            self.report(
                gettext("Video or sound file not imported: %(url)s") % {"url": _short(source)}
            )
            tag.decompose()
        # Innermost figures first: a gallery is a figure of figures.
        for figure in reversed(soup.find_all("figure")):
            if figure.find("figure") is None and figure.find("img") is not None:
                self.figure(figure)
        for image in soup.find_all("img"):
            self.image(image)
        # Galleries as lists (WordPress 5.x): a list of figures is a run of figures.
        for listing in soup.find_all(["ul", "ol"]):
            items = listing.find_all("li", recursive=False)
            if items and all(_only_tokens(item) for item in items):
                for item in items:
                    item.unwrap()
                listing.unwrap()
        for figure in soup.find_all("figure"):
            if _only_tokens(figure):
                figure.unwrap()

    def figure(self, figure):
        caption_tag = figure.find("figcaption")
        caption = caption_tag.get_text(" ", strip=True) if caption_tag else ""
        tokens = []
        for image in figure.find_all("img"):
            image_id = self.library_image(image)
            if image_id is not None:
                markdown = self.image_markdown(image_id, image.get("alt", ""), caption)
                tokens.append(self.token(markdown, image_id))
                caption = ""
        self.replace_block(figure, *tokens)

    def image(self, image):
        image_id = self.library_image(image)
        link = image.parent if image.parent is not None and image.parent.name == "a" else None
        outer = link if link is not None and _only_child(link, image) else image
        if image_id is None:
            outer.decompose()
            return
        markdown = self.image_markdown(image_id, image.get("alt", ""))
        paragraph = outer.parent
        if (
            paragraph is not None
            and paragraph.name in {"p", "[document]", "div"}
            and _only_child(paragraph, outer)
        ):
            self.replace_block(outer, self.token(markdown, image_id))
        else:
            outer.replace_with(NavigableString(self.token(markdown, image_id)))

    def library_image(self, image):
        """The library's id for an <img>, or None, said in the report."""
        source = image.get("src", "").strip()
        url = original_upload_url(source) if source else None
        attachment = _ATTACHMENT_CLASS_RE.search(" ".join(image.get("class", [])))
        attachment_id = int(attachment[1]) if attachment else None
        if attachment_id is None and str(image.get("data-id", "")).isdigit():
            attachment_id = int(image["data-id"])
        image_id = self.image_for(url=url, attachment_id=attachment_id)
        if image_id is None:
            self.report(
                gettext("Image not found: %(url)s") % {"url": _short(source or f"#{attachment_id}")}
            )
        return image_id

    def image_markdown(self, image_id, alt="", caption=""):
        alt = " ".join(alt.split()).replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")
        caption = " ".join(caption.split()).replace("\\", "\\\\").replace('"', '\\"')
        title = f' "{caption}"' if caption else ""
        return f"![{alt}](image:{image_id}{title})"

    def trailer_markdown(self, url, label=""):
        video = trailers.parse_video_url(_embed_page_url(url))
        return f"@[{_escape_label(label or _video_label())}]({video.page_url})"

    def replace_block(self, tag, *tokens):
        """Put ``tokens`` where ``tag`` was, each a paragraph of its own, taking the
        paragraph ``tag`` stood alone in with it."""
        while (
            tag.parent is not None
            and tag.parent.name in {"p", "a"}
            and _only_child(tag.parent, tag)
        ):
            tag = tag.parent
        soup = BeautifulSoup("", "html.parser")
        paragraphs = []
        for token in tokens:
            paragraph = soup.new_tag("p")
            paragraph.string = token
            paragraphs.append(paragraph)
        if not paragraphs:
            tag.decompose()
            return
        tag.replace_with(*paragraphs)


class _Converter(MarkdownConverter):
    """markdownify, escaping what Python-Markdown and our own syntaxes would read as markup."""

    def escape(self, text, parent_tags):
        if not text:
            return ""
        text = text.replace("\\", "\\\\").replace("`", "\\`")
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        text = text.replace("[", "\\[").replace("]", "\\]").replace("|", "\\|")
        text = text.replace("*", "\\*").replace("_", "\\_")
        return _LINE_START_RE.sub(_escape_line_start, text)


# What would start a heading, a list or a spoiler block at a line's start.
_LINE_START_RE = re.compile(r"(^|\n)([ \t]*)(#|[-+](?=\s)|\d+(?=[.)]\s)|:(?=::))")


def _escape_line_start(match):
    start, indent, marker = match.groups()
    if marker == ":":
        # No backslash escape for a colon in Python-Markdown: its character reference.
        return f"{start}{indent}&#58;"
    if marker.isdigit():
        return f"{start}{indent}{marker}\\"
    return f"{start}{indent}\\{marker}"


# --------------------------------------------------------------------------- helpers


def autop(text):
    """WordPress's ``wpautop()``, in short: paragraphs from blank lines, line breaks from
    single newlines, and neither inside or around block elements nor inside <pre>."""
    if not text.strip():
        return ""
    preserved = []

    def keep(match):
        preserved.append(match[0])
        return f"<wp-preserved-{len(preserved) - 1}>"

    text = _PRESERVED_RE.sub(keep, text)
    text = re.sub(r"<br\s*/?>\s*<br\s*/?>", "\n\n", text)
    text = re.sub(rf"(<{_BLOCK_TAGS}[\s/>])", r"\n\n\1", text, flags=re.IGNORECASE)
    text = re.sub(rf"(</{_BLOCK_TAGS}>)", r"\1\n\n", text, flags=re.IGNORECASE)
    text = re.sub(r"(<wp-preserved-\d+>)", r"\n\n\1\n\n", text)
    # Newlines inside a tag (<img\nsrc=…>) are not line breaks.
    text = re.sub(r"<[^>]*>", lambda match: match[0].replace("\n", " "), text)
    paragraphs = [part.strip() for part in re.split(r"\n\s*\n", text) if part.strip()]
    text = "".join(f"<p>{paragraph}</p>\n" for paragraph in paragraphs)
    text = re.sub(rf"<p>\s*(</?{_BLOCK_TAGS}[^>]*>)", r"\1", text, flags=re.IGNORECASE)
    text = re.sub(rf"(</?{_BLOCK_TAGS}[^>]*>)\s*</p>", r"\1", text, flags=re.IGNORECASE)
    text = re.sub(r"<p>\s*(<wp-preserved-\d+>)\s*</p>", r"\1", text)
    text = re.sub(r"<p>([^<]+)</(div|address|form)>", r"<p>\1</p></\2>", text, flags=re.IGNORECASE)
    text = re.sub(r"(?<!<br />)(?<!>)\n(?!<)", "<br />\n", text)
    text = re.sub(rf"(</?{_BLOCK_TAGS}[^>]*>)\s*<br />", r"\1", text, flags=re.IGNORECASE)
    text = re.sub(r"<wp-preserved-(\d+)>", lambda match: preserved[int(match[1])], text)
    return text


def _shortcode_attributes(text):
    attributes = {}
    for match in _ATTRIBUTES_RE.finditer(html.unescape(text or "").replace("\u00a0", " ")):
        if match[1]:
            attributes[match[1].lower()] = match[2]
        elif match[3]:
            attributes[match[3].lower()] = match[4]
        elif match[5]:
            attributes[match[5].lower()] = match[6]
    return attributes


def _is_video_host(url):
    try:
        trailers.parse_video_url(_embed_page_url(html.unescape(url.strip())))
    except trailers.UnacceptedAddress:
        return False
    return True


def _embed_page_url(url):
    """The video's page for a player's address, which the trailer parser does not take
    (Vimeo's public player, Dailymotion's embed), and protocol-relative addresses."""
    url = url.strip()
    if url.startswith("//"):
        url = "https:" + url
    if match := _VIMEO_PLAYER_RE.fullmatch(url):
        return f"https://vimeo.com/{match[1]}"
    if match := _DAILYMOTION_EMBED_RE.fullmatch(url):
        return f"https://www.dailymotion.com/video/{match[1]}"
    return url


_VIMEO_PLAYER_RE = re.compile(r"https?://player\.vimeo\.com/video/(\d+)/?(?:\?(?![^#]*\bh=)[^#]*)?")
_DAILYMOTION_EMBED_RE = re.compile(
    r"https?://(?:www\.)?dailymotion\.com/embed/video/(\w+)(?:\?.*)?"
)


def _video_label():
    # Part of the body, so in the body's language whatever language the import runs in.
    with translation.override(settings.CONTENT_LANGUAGE):
        return gettext("Video")


def _escape_label(label):
    return " ".join(label.split()).replace("[", "(").replace("]", ")")


def _only_child(parent, child):
    """Whether ``child`` is all ``parent`` holds, but for blank text."""
    for node in parent.children:
        if node is child:
            continue
        if isinstance(node, NavigableString) and not node.strip():
            continue
        if getattr(node, "name", None) == "br":
            continue
        return False
    return True


def _only_tokens(tag):
    return bool(tag.get_text(strip=True)) and not _TOKEN_RE.sub("", tag.get_text()).strip()


def _short(url, length=120):
    return url if len(url) <= length else url[: length - 1] + "…"
