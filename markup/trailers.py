"""
Trailers in an article's body, without tracking.

Editors write a paragraph holding only ``@[Bande-annonce de « Marée basse »](URL)``, or
``@[Label](URL image:42)`` for a poster from the library. Readers see the poster (or a
frame drawn in CSS) with a play button, and nothing is loaded from the video host until
they click it: then, and only then, the host's privacy-enhanced player. Without
JavaScript the button is a plain link to the video's page on its host.

Only YouTube, Vimeo and Dailymotion addresses are accepted, and only when the video's id
has the host's own shape: the player's address is rebuilt from that id, never copied from
what the editor typed. The Content-Security-Policy allows frames from these three players'
origins and nothing else (``TRAILER_PLAYER_ORIGINS`` in the settings).

The markup is drawn after sanitising, from validated parts only, as library images are
(images/embedding.py): see ``markup/rendering.py`` for the order of the steps. The
posters are the library's, found by the layer that has it and handed to ``draw()``.
"""

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode, urlsplit

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext, gettext_lazy

from markup.references import LARGEST_ID


@dataclass(frozen=True)
class Host:
    name: str
    slug: str
    player_origin: str


YOUTUBE = Host("YouTube", "youtube", "https://www.youtube-nocookie.com")
VIMEO = Host("Vimeo", "vimeo", "https://player.vimeo.com")
DAILYMOTION = Host("Dailymotion", "dailymotion", "https://geo.dailymotion.com")
HOSTS = (YOUTUBE, VIMEO, DAILYMOTION)

# Each host's own id shapes: eleven characters of base64url for YouTube, a number for
# Vimeo (with the hash of an unlisted video), a public id (x…) or a private one (k…) for
# Dailymotion.
_YOUTUBE_ID_RE = re.compile(r"[A-Za-z0-9_-]{11}")
_VIMEO_ID_RE = re.compile(r"[1-9][0-9]{0,11}")
_VIMEO_HASH_RE = re.compile(r"[0-9a-f]{6,20}")
_DAILYMOTION_ID_RE = re.compile(r"[xk][0-9A-Za-z]{3,19}")
_PLAYER_ID_RE = re.compile(r"[0-9A-Za-z]{1,32}")

_YOUTUBE_DOMAINS = {"youtube.com", "www.youtube.com", "m.youtube.com"}
_YOUTUBE_NOCOOKIE_DOMAINS = {"youtube-nocookie.com", "www.youtube-nocookie.com"}
_VIMEO_DOMAINS = {"vimeo.com", "www.vimeo.com"}
_DAILYMOTION_DOMAINS = {"dailymotion.com", "www.dailymotion.com"}
# Every address an editor may paste, for the message saying which one it did not match.
_DOMAINS = {
    **dict.fromkeys(_YOUTUBE_DOMAINS | _YOUTUBE_NOCOOKIE_DOMAINS | {"youtu.be"}, YOUTUBE),
    **dict.fromkeys(_VIMEO_DOMAINS | {"player.vimeo.com"}, VIMEO),
    **dict.fromkeys(_DAILYMOTION_DOMAINS | {"dai.ly"}, DAILYMOTION),
}

ACCEPTED = gettext_lazy(
    "Accepted: the address of a YouTube, Vimeo or Dailymotion video, such as "
    "https://www.youtube.com/watch?v=…, https://youtu.be/…, https://vimeo.com/… or "
    "https://www.dailymotion.com/video/…"
)


class UnacceptedAddress(ValueError):
    """A trailer address that is not one of an accepted host's videos; says why, in words."""


@dataclass(frozen=True)
class Video:
    host: Host
    id: str
    # An unlisted Vimeo video's key, without which its player refuses to play it.
    vimeo_hash: str = ""

    @property
    def page_url(self):
        """The video's page on its host: where the link goes without JavaScript."""
        if self.host is YOUTUBE:
            return f"https://www.youtube.com/watch?v={self.id}"
        if self.host is VIMEO:
            suffix = f"/{self.vimeo_hash}" if self.vimeo_hash else ""
            return f"https://vimeo.com/{self.id}{suffix}"
        return f"https://www.dailymotion.com/video/{self.id}"

    @property
    def player_url(self):
        """
        The privacy-enhanced player, loaded only once the reader has clicked, so that it
        may start at once: youtube-nocookie.com sets no cookie before playing, Vimeo's
        ``dnt=1`` turns its tracking off. Dailymotion has no such mode, and requires the
        player of an account of the site's (``DAILYMOTION_PLAYER_ID``) for new embeds.
        """
        if self.host is YOUTUBE:
            return f"{YOUTUBE.player_origin}/embed/{self.id}?autoplay=1"
        if self.host is VIMEO:
            query = {"h": self.vimeo_hash} if self.vimeo_hash else {}
            query.update(dnt=1, autoplay=1)
            return f"{VIMEO.player_origin}/video/{self.id}?{urlencode(query)}"
        player = getattr(settings, "DAILYMOTION_PLAYER_ID", "")
        path = f"/player/{player}.html" if _PLAYER_ID_RE.fullmatch(player) else "/player.html"
        return f"{DAILYMOTION.player_origin}{path}?video={self.id}"


def parse_video_url(address):
    """The ``Video`` at ``address``, or ``UnacceptedAddress`` saying what is wrong with it."""
    parts = _split(address)
    domain = parts.hostname
    host = _DOMAINS.get(domain)
    if host is None:
        raise UnacceptedAddress(
            gettext("%(domain)s is not one of the video hosts accepted here.") % {"domain": domain}
        )
    segments = [segment for segment in parts.path.split("/") if segment]
    if domain in _YOUTUBE_DOMAINS:
        video = _youtube(segments, parse_qs(parts.query))
    elif domain in _YOUTUBE_NOCOOKIE_DOMAINS:
        video = _youtube(segments, {}, watch=False)
    elif domain == "youtu.be":
        video = _video(YOUTUBE, _YOUTUBE_ID_RE, segments[0] if len(segments) == 1 else "")
    elif domain in _VIMEO_DOMAINS:
        video = _vimeo(*segments) if len(segments) in {1, 2} else None
    elif domain == "player.vimeo.com":
        hashes = parse_qs(parts.query).get("h", [""])
        video = None
        if len(segments) == 2 and segments[0] == "video" and len(hashes) == 1:
            video = _vimeo(segments[1], hashes[0])
    elif domain == "dai.ly":
        video = _video(DAILYMOTION, _DAILYMOTION_ID_RE, segments[0] if len(segments) == 1 else "")
    else:
        video = None
        if len(segments) == 2 and segments[0] == "video":
            # Older pages carry the title after the id: /video/x7tgad0_la-bande-annonce.
            video = _video(DAILYMOTION, _DAILYMOTION_ID_RE, segments[1].partition("_")[0])
    if video is None:
        raise UnacceptedAddress(
            gettext("This %(host)s address does not lead to a video.") % {"host": host.name}
        )
    return video


def _split(address):
    """The parts of an http(s) address, or ``UnacceptedAddress`` when it is not one."""
    not_an_address = UnacceptedAddress(gettext("This is not a web address."))
    # Printable ASCII only: a pasted address with a space, a control character or a
    # look-alike letter is not what it seems.
    if not address or not all("!" <= char <= "~" for char in address):
        raise not_an_address
    try:
        parts = urlsplit(address)
        port = parts.port
    except ValueError:
        raise not_an_address from None
    if parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
        raise not_an_address
    if port is not None or parts.username is not None or parts.password is not None:
        raise UnacceptedAddress(
            gettext("A video address has no port, user name or password in it.")
        )
    return parts


def _video(host, pattern, identifier, **extra):
    return Video(host, identifier, **extra) if pattern.fullmatch(identifier) else None


def _youtube(segments, query, watch=True):
    if watch and segments == ["watch"]:
        ids = query.get("v", [])
        return _video(YOUTUBE, _YOUTUBE_ID_RE, ids[0] if len(ids) == 1 else "")
    kinds = {"embed", "shorts"} if watch else {"embed"}
    if len(segments) == 2 and segments[0] in kinds:
        return _video(YOUTUBE, _YOUTUBE_ID_RE, segments[1])
    return None


def _vimeo(identifier, vimeo_hash=""):
    if vimeo_hash and not _VIMEO_HASH_RE.fullmatch(vimeo_hash):
        return None
    return _video(VIMEO, _VIMEO_ID_RE, identifier, vimeo_hash=vimeo_hash)


# What the parentheses hold after the address: the poster's library number.
_POSTER_RE = re.compile(r"image:(\d+)", re.IGNORECASE)


@dataclass
class Trailer:
    """One ``@[Label](URL image:N)`` of a body, as typed and as understood."""

    # The text as typed, to find the line it is on.
    source: str
    label: str
    video: Video | None = None
    poster_id: int | None = None
    # Why it cannot be shown, in words for the editor; empty when it can.
    problem: str = ""
    line: int | None = None

    @classmethod
    def from_markdown(cls, source, label, inside):
        """The trailer ``@[label](inside)``, with its problem if the address or poster is wrong."""
        trailer = cls(source=source, label=label.strip())
        address, *extra = inside.split() or [""]
        try:
            trailer.video = parse_video_url(address.removeprefix("<").removesuffix(">"))
        except UnacceptedAddress as error:
            trailer.problem = f"{error} {ACCEPTED}"
            return trailer
        poster = _POSTER_RE.fullmatch(extra[0]) if len(extra) == 1 else None
        if extra and poster is None:
            trailer.problem = gettext(
                "After the address, only image:42 may follow: the number of a library "
                "image, shown as the poster."
            )
        elif poster is not None:
            trailer.poster_id = int(poster.group(1))
        return trailer

    @property
    def library_poster_id(self):
        """The poster's number if the library could hold it: a longer one, typed by
        mistake, must not reach a query (SQLite raises OverflowError)."""
        if self.poster_id is not None and self.poster_id <= LARGEST_ID:
            return self.poster_id
        return None

    def poster_missing(self, images):
        return self.poster_id is not None and self.poster_id not in images

    def poster_problem(self):
        return gettext(
            "Image no. %(number)s, chosen as the poster, is not in the media library: check "
            "the number, or leave image:%(number)s out to show a frame drawn with the label."
        ) % {"number": self.poster_id}


def draw(trailer, images, for_editor=False):
    """
    The facade of a trailer: a link to the video's page that screenmania.js turns into
    the player when clicked.

    A trailer whose address was not understood is left out of the page: it is not an
    address readers may be sent to, nor one to show them as text. A poster missing from
    the library gives way to the drawn frame. The editor's preview says why instead.
    """
    problem = trailer.problem
    if for_editor and not problem and trailer.poster_missing(images):
        problem = trailer.poster_problem()
    if problem:
        if not for_editor:
            return ""
        heading = gettext("Trailer not shown:")
        if trailer.line is not None:
            heading = gettext("Trailer not shown (line %(line)s):") % {"line": trailer.line}
        return format_html(
            '<p class="trailer-problem" role="note"><strong>{}</strong> {}</p>', heading, problem
        )
    # Part of the body, so in the body's language whatever the editor's admin speaks.
    with translation.override(settings.CONTENT_LANGUAGE):
        context = {
            "video": trailer.video,
            "label": trailer.label or gettext("Trailer"),
            "poster": images.get(trailer.poster_id),
        }
        return render_to_string("includes/body_trailer.html", context)
