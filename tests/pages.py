"""
Reading a response the way a browser would (parsed HTML, CSS selectors), and the map
of every public page.
"""

from datetime import date, timedelta
from urllib.parse import urlencode, urlsplit

from bs4 import BeautifulSoup
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, PreviewLink
from newsletter import links
from newsletter.models import Letter, Subscriber, Subscription
from newsroom.preview import link_url
from tests.factories import (
    ensure_starting_data,
    make_article,
    make_author,
    make_image,
    make_section,
    make_work,
)


def soup(response):
    assert response.status_code == 200, f"expected a page, got {response.status_code}"
    return BeautifulSoup(response.content, "html.parser")


def text(element):
    """The text a reader sees, with every kind of space folded to one."""
    return " ".join(element.get_text().split())


def count_queries(client, url):
    """The queries a page costs once warm: content types are cached after the first request."""
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


# The pages that list an article, by their names in pages_showing() and public_pages().
LISTS = ("home", "section", "tag", "author")


def pages_showing(article, search):
    """
    The reader pages that show ``article``, by kind (``{name: path}``): its own, the
    lists it is on (its first tag's, its first author's) and the search for ``search``.
    """
    return {
        "home": reverse("articles:home"),
        "article": article.get_absolute_url(),
        "section": article.section.get_absolute_url(),
        "tag": reverse("articles:tag", kwargs={"slug": article.tags.all()[0].slug}),
        "author": article.authors.all()[0].get_absolute_url(),
        "search": reverse("articles:search") + "?" + urlencode({"q": search}),
    }


def newsletter_pages():
    """The subscription page, and the pages a subscriber's signed links open."""
    subscriber = Subscriber.objects.create(email="lectrice@exemple.fr")
    letter = Letter.objects.first()
    Subscription.objects.create(
        subscriber=subscriber, letter=letter, consented_at=timezone.now(), consent_text="Oui."
    )
    confirm, preferences, unsubscribe = (
        urlsplit(url).path
        for url in (
            links.confirmation_url(subscriber),
            links.preferences_url(subscriber),
            links.one_click_unsubscribe_url(subscriber, letter),
        )
    )
    return {
        "newsletter": reverse("newsletter:subscribe"),
        "newsletter thanks": reverse("newsletter:subscribed"),
        "newsletter confirmation": confirm,
        "newsletter preferences": preferences,
        "newsletter download": preferences + "donnees.json",
        "newsletter unsubscribe": unsubscribe,
    }


def public_pages():
    """
    Every kind of page a stranger can ask for, on a small site made for the purpose:
    ``{name: path}``. Each list has a second page (the home page's headline is not on its
    list), so that its pagination shows.
    """
    ensure_starting_data()
    section = make_section(name="Cinéma", slug="cinema")
    author = make_author(name="Marie Curieuse", slug="marie", avatar=make_image())
    film = make_work(title="Marée basse", slug="maree-basse", release_date=date(2026, 12, 2))
    now = timezone.now()
    articles = [
        make_article(
            title=f"Le tournage secret {n}",
            slug=f"tournage-{n}",
            section=section,
            authors=[author],
            tags=["Cannes"],
            works=[film],
            featured_image=make_image() if n == 0 else None,
            published_at=now - timedelta(hours=n + 1),
        )
        for n in range(14)
    ]
    draft = make_article(slug="brouillon", status=Article.Status.DRAFT, section=section)
    preview = PreviewLink.objects.create(article=draft, expires_at=now + timedelta(hours=1))
    showing = pages_showing(articles[0], search="tournage")
    french = {
        **showing,
        **{f"{name} page 2": showing[name] + "?page=2" for name in LISTS},
        "work": film.get_absolute_url(),
        "work page 2": film.get_absolute_url() + "?page=2",
        "search page 2": showing["search"] + "&page=2",
        "team": reverse("authors:index"),
        "works index": reverse("works:index"),
        "works index filtered": reverse("works:index") + f"?annee={film.year}&type=film",
        "tag index": reverse("articles:tags"),
        "release week": reverse("works:current_release_week"),
        "release week of a day": reverse("works:release_week", kwargs={"day": date(2026, 12, 2)}),
        "preview link": link_url(preview).removeprefix(settings.SITE_URL),
        "feed": reverse("articles:feed"),
        "atom feed": reverse("articles:atom_feed"),
        "section feed": reverse("articles:section_feed", kwargs={"slug": "cinema"}),
        "section atom feed": reverse("articles:section_atom_feed", kwargs={"slug": "cinema"}),
        "tag feed": reverse("articles:tag_feed", kwargs={"slug": "cannes"}),
        "tag atom feed": reverse("articles:tag_atom_feed", kwargs={"slug": "cannes"}),
        "author feed": reverse("authors:feed", kwargs={"slug": "marie"}),
        "author atom feed": reverse("authors:atom_feed", kwargs={"slug": "marie"}),
        "work feed": reverse("works:feed", kwargs={"slug": "maree-basse"}),
        "work atom feed": reverse("works:atom_feed", kwargs={"slug": "maree-basse"}),
        # Made by a migration, as on every new site: the footer links to it.
        "site page": reverse("sitepages:page", kwargs={"slug": "mentions-legales"}),
    }
    pages = {**french, **{f"{name} (English)": f"/en{path}" for name, path in french.items()}}
    pages.update(
        {
            "robots.txt": reverse("robots"),
            "sitemap index": reverse("sitemap_index"),
            **{
                f"{name} sitemap": reverse("sitemap", kwargs={"section": name})
                for name in ("articles", "sections", "tags", "authors", "works", "pages")
            },
            "news sitemap": reverse("news_sitemap"),
            "image": articles[0].featured_image.file.url,
            # The newsletter's pages, in French only: their links come from French messages.
            **newsletter_pages(),
            "404": "/cette-page-n-existe-pas/",
        }
    )
    return pages
