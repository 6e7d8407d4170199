"""
Share links: plain URLs that each network's own share page understands.

No script and no pixel from the networks is ever loaded: the reader's click is
the only thing that reaches them.
"""

from dataclasses import dataclass
from urllib.parse import quote, urlencode

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class ShareLink:
    network: str
    label: str
    url: str


def _query(**params):
    # quote_via=quote writes spaces as %20, which every network's share page
    # and every mail client reads; "+" is not understood by mailto: bodies.
    return urlencode(params, quote_via=quote, safe="")


def share_links(url, title):
    title_and_url = f"{title} {url}"
    return [
        ShareLink(
            "facebook", "Facebook", "https://www.facebook.com/sharer/sharer.php?" + _query(u=url)
        ),
        ShareLink("x", "X", "https://x.com/intent/post?" + _query(text=title, url=url)),
        ShareLink(
            "linkedin",
            "LinkedIn",
            "https://www.linkedin.com/sharing/share-offsite/?" + _query(url=url),
        ),
        ShareLink("whatsapp", "WhatsApp", "https://wa.me/?" + _query(text=title_and_url)),
        ShareLink(
            "bluesky", "Bluesky", "https://bsky.app/intent/compose?" + _query(text=title_and_url)
        ),
        ShareLink("email", _("E-mail"), "mailto:?" + _query(subject=title, body=url)),
    ]
