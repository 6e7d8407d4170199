"""An edition as a subscriber's mail client receives it, through a real SMTP server."""

from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from articles.models import Article
from newsletter.mail import edition_message, render_edition
from tests.factories import make_article, make_author, make_image
from tests.newsletter.editions import make_edition, make_subscriber

pytestmark = pytest.mark.django_db

SITE = "https://www.screenmania.example"


@pytest.fixture
def site(settings):
    settings.SITE_URL = SITE
    settings.DEFAULT_FROM_EMAIL = "Screenmania <lettre@screenmania.example>"
    settings.NEWSLETTER_REPLY_TO = "redaction@screenmania.example"


@pytest.fixture
def received(site, smtp_server):
    """The message a subscriber received for an edition of two articles and an intro."""
    review = make_article(
        title="Une critique",
        standfirst="Le film de l'année ?",
        featured_image=make_image(alt_text="Une actrice sur un toit"),
        authors=[make_author(name="Inès"), make_author(name="Marc")],
    )
    news = make_article(title="Une nouvelle")
    withdrawn = make_article(title="Un brouillon", status=Article.Status.DRAFT)
    edition = make_edition(
        review,
        withdrawn,
        news,
        subject="Ce matin : deux films",
        intro="Bonjour !\n\nVoici « nos » choix : deux films.",
        send_at=timezone.now(),
    )
    subscriber = make_subscriber(email="lectrice@example.org")
    rendered = render_edition(edition)
    edition_message(edition, subscriber, rendered).send()
    (message,) = smtp_server.wait_for(1)
    return message, edition, subscriber


def parts(message):
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    return text, BeautifulSoup(html, "html.parser")


def test_headers(received):
    message, _edition, _subscriber = received
    assert message["From"] == "Screenmania <lettre@screenmania.example>"
    assert message["To"] == "lectrice@example.org"
    assert message["Reply-To"] == "redaction@screenmania.example"
    assert message["Subject"] == "Ce matin\u00a0: deux films"
    assert message["Message-ID"].endswith("@screenmania.example>")
    assert message["Date"].datetime is not None
    assert message["List-Id"] == "La Quotidienne <la-quotidienne.www.screenmania.example>"
    assert message["List-Unsubscribe"].strip().startswith(f"<{SITE}/")
    assert "<mailto:" in message["List-Unsubscribe"]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_both_parts_show_the_published_articles_in_order(received):
    message, _edition, _subscriber = received
    text, html = parts(message)
    titles = [title.get_text() for title in html.select("h2")]
    assert titles == ["Une critique", "Une nouvelle"]
    assert text.index("Une critique") < text.index("Une nouvelle")
    assert "Un brouillon" not in text
    assert "Un brouillon" not in html.get_text()
    assert "Par Inès et Marc" in text
    assert "Par Inès et Marc" in html.get_text()


def test_french_typography_in_subject_and_intro(received):
    message, _edition, _subscriber = received
    text, html = parts(message)
    intro = "Voici «\u00a0nos\u00a0» choix\u00a0: deux films."
    assert intro in text
    assert intro in html.get_text()
    assert "Bonjour\u202f!" in text or "Bonjour\u00a0!" in text


def test_every_link_and_image_is_absolute_and_ours(received):
    message, _edition, _subscriber = received
    _text, html = parts(message)
    links = [a["href"] for a in html.select("a")]
    images = html.select("img")
    assert links and images
    for url in [*links, *(image["src"] for image in images)]:
        assert urlsplit(url).scheme == "https", url
        assert urlsplit(url).netloc == "www.screenmania.example", url
    # The article's own address, not a redirector's: nothing counts the clicks.
    assert links[1] == f"{SITE}{Article.objects.get(title='Une critique').get_absolute_url()}"
    assert all("utm_" not in url and "?" not in url for url in links)
    # Only the articles' pictures: no pixel, no remote image.
    (image,) = images
    assert image.get("alt") == "Une actrice sur un toit"
    assert image.get("src").endswith(".jpg")
    assert html.select("link, script, iframe") == []


def test_css_is_inlined_and_the_layout_narrows_on_phones(received):
    message, _edition, _subscriber = received
    _text, html = parts(message)
    title_link = html.select_one("h2 a")
    assert "text-decoration: none" in title_link.get("style")
    (style,) = html.select("style")
    assert "@media (max-width: 620px)" in style.text


def test_a_visible_link_to_the_subscribers_preferences(received, client):
    message, _edition, _subscriber = received
    text, html = parts(message)
    (link,) = html.find_all("a", string="Changer mes lettres ou me désinscrire")
    assert f"Changer mes lettres ou me désinscrire\u00a0: {link['href']}" in text
    # The reader's own page, without an account.
    page = client.get(urlsplit(link["href"]).path)
    assert "lectrice@example.org" in page.content.decode()
