"""
Trailers, ``@[Label](URL)`` or ``@[Label](URL image:42)`` alone in a paragraph: a facade
that loads nothing from the video host, the privacy-enhanced player only after a click
(tests/browser/test_trailers_browser.py), and addresses not understood never embedded.
"""

from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.urls import reverse

from articles.models import Article, BodyImage
from images.embedding import render
from markup import trailers
from markup.trailers import UnacceptedAddress, parse_video_url
from tests.admin_forms import EMPTY_INLINES, article_fields
from tests.factories import make_article, make_image
from tests.pages import soup, text
from tests.test_html_valid import html_problems
from tests.test_security_headers import csp_directives, permissions

PLAYERS = {
    "youtube": "https://www.youtube-nocookie.com",
    "vimeo": "https://player.vimeo.com",
    "dailymotion": "https://geo.dailymotion.com",
}
YOUTUBE_ID = "aBcDeFgHi-_"
TRAILER = f"@[Bande-annonce de « Marée basse »](https://www.youtube.com/watch?v={YOUTUBE_ID})"
PREVIEW = reverse("admin:articles_article_writing_preview")

# --------------------------------------------------------------------------- addresses

ACCEPTED_ADDRESSES = [
    # YouTube: the watch page, with other parameters, on phones, short links, shorts, embeds.
    (f"https://www.youtube.com/watch?v={YOUTUBE_ID}", "youtube", YOUTUBE_ID),
    (f"https://youtube.com/watch?feature=share&v={YOUTUBE_ID}&t=42s", "youtube", YOUTUBE_ID),
    (f"http://m.youtube.com/watch?v={YOUTUBE_ID}", "youtube", YOUTUBE_ID),
    (f"https://youtu.be/{YOUTUBE_ID}?si=partage", "youtube", YOUTUBE_ID),
    (f"https://www.youtube.com/shorts/{YOUTUBE_ID}", "youtube", YOUTUBE_ID),
    (f"https://www.youtube.com/embed/{YOUTUBE_ID}/", "youtube", YOUTUBE_ID),
    (f"https://www.youtube-nocookie.com/embed/{YOUTUBE_ID}", "youtube", YOUTUBE_ID),
    (f"HTTPS://WWW.YOUTUBE.COM/watch?v={YOUTUBE_ID}", "youtube", YOUTUBE_ID),
    # Vimeo: the video's page, an unlisted one with its hash, the player.
    ("https://vimeo.com/76979871", "vimeo", "76979871"),
    ("https://www.vimeo.com/76979871/", "vimeo", "76979871"),
    ("https://player.vimeo.com/video/76979871", "vimeo", "76979871"),
    # Dailymotion: the video's page, with the old title suffix, the short link.
    ("https://www.dailymotion.com/video/x8abc12", "dailymotion", "x8abc12"),
    ("https://dailymotion.com/video/x7tgad0_la-bande-annonce", "dailymotion", "x7tgad0"),
    ("https://dai.ly/x8abc12", "dailymotion", "x8abc12"),
]


@pytest.mark.parametrize(("address", "host", "video_id"), ACCEPTED_ADDRESSES)
def test_accepted_address_gives_the_host_and_the_video_id(address, host, video_id):
    video = parse_video_url(address)

    assert (video.host.slug, video.id) == (host, video_id)
    assert video.player_url.startswith(PLAYERS[host] + "/")


@pytest.mark.parametrize(
    ("address", "player", "page"),
    [
        (
            f"https://youtu.be/{YOUTUBE_ID}",
            f"https://www.youtube-nocookie.com/embed/{YOUTUBE_ID}?autoplay=1",
            f"https://www.youtube.com/watch?v={YOUTUBE_ID}",
        ),
        (
            "https://vimeo.com/76979871",
            "https://player.vimeo.com/video/76979871?dnt=1&autoplay=1",
            "https://vimeo.com/76979871",
        ),
        (
            "https://vimeo.com/76979871/0a1b2c3d4e",
            "https://player.vimeo.com/video/76979871?h=0a1b2c3d4e&dnt=1&autoplay=1",
            "https://vimeo.com/76979871/0a1b2c3d4e",
        ),
        (
            "https://player.vimeo.com/video/76979871?h=0a1b2c3d4e&autoplay=0",
            "https://player.vimeo.com/video/76979871?h=0a1b2c3d4e&dnt=1&autoplay=1",
            "https://vimeo.com/76979871/0a1b2c3d4e",
        ),
        (
            "https://dai.ly/x8abc12",
            "https://geo.dailymotion.com/player.html?video=x8abc12",
            "https://www.dailymotion.com/video/x8abc12",
        ),
    ],
)
def test_player_is_the_privacy_enhanced_one_rebuilt_from_the_id(address, player, page):
    video = parse_video_url(address)

    assert video.player_url == player
    assert video.page_url == page


def test_dailymotion_plays_in_the_site_player_when_one_is_set(settings):
    settings.DAILYMOTION_PLAYER_ID = "x9abc"

    video = parse_video_url("https://www.dailymotion.com/video/x8abc12")

    assert video.player_url == "https://geo.dailymotion.com/player/x9abc.html?video=x8abc12"


REFUSED_ADDRESSES = [
    # Another host, or one that only looks like an accepted one.
    ("https://evil.example/watch?v=aBcDeFgHiJk", "evil.example ne fait pas partie"),
    ("https://www.youtube.com.evil.example/watch?v=aBcDeFgHiJk", "youtube.com.evil.example"),
    ("https://youtube.com@evil.example/watch?v=aBcDeFgHiJk", "ni nom d’utilisateur"),
    ("https://www.youtube.com:8443/watch?v=aBcDeFgHiJk", "ni port"),
    ("https://www.youtube-nocookie.com/watch?v=aBcDeFgHiJk", "ne mène pas à une vidéo"),
    ("https://music.youtube.com/watch?v=aBcDeFgHiJk", "music.youtube.com ne fait pas partie"),
    # Not a web address at all.
    ("javascript:alert(1)//youtube.com/watch?v=aBcDeFgHiJk", "Ce n’est pas une adresse web."),
    ("//www.youtube.com/watch?v=aBcDeFgHiJk", "Ce n’est pas une adresse web."),
    ("www.youtube.com/watch?v=aBcDeFgHiJk", "Ce n’est pas une adresse web."),
    ("https://www.youtube.com/watch?v=aBcDeFgHiJk\u200b", "Ce n’est pas une adresse web."),
    ("https://www.yоutube.com/watch?v=aBcDeFgHiJk", "Ce n’est pas une adresse web."),
    ("", "Ce n’est pas une adresse web."),
    # An accepted host, but no video of the right shape.
    ("https://www.youtube.com/watch?v=court", "Cette adresse YouTube ne mène pas à une vidéo."),
    ("https://www.youtube.com/watch?v=aBcDeFgHiJk%22", "Cette adresse YouTube ne mène pas"),
    ("https://www.youtube.com/watch?v=aBcDeFgHiJk&v=xBcDeFgHiJk", "ne mène pas à une vidéo"),
    ("https://www.youtube.com/channel/UCaBcDeFgHiJk", "ne mène pas à une vidéo"),
    ("https://www.youtube.com/embed/aBcDeFgHiJk/extra", "ne mène pas à une vidéo"),
    ("https://youtu.be/", "ne mène pas à une vidéo"),
    ("https://vimeo.com/channels/staffpicks", "Cette adresse Vimeo ne mène pas à une vidéo."),
    ("https://vimeo.com/76979871/pas-un-hash", "ne mène pas à une vidéo"),
    ("https://player.vimeo.com/video/abc", "ne mène pas à une vidéo"),
    ("https://www.dailymotion.com/video/<script>", "ne mène pas à une vidéo"),
    ("https://www.dailymotion.com/user/x8abc12", "Cette adresse Dailymotion ne mène pas"),
    ("https://dai.ly/12", "ne mène pas à une vidéo"),
]


@pytest.mark.parametrize(("address", "reason"), REFUSED_ADDRESSES)
def test_refused_address_says_why(address, reason):
    with pytest.raises(UnacceptedAddress) as error:
        parse_video_url(address)

    assert reason in " ".join(str(error.value).split())


def test_the_players_are_exactly_the_frames_the_settings_allow():
    assert sorted(host.player_origin for host in trailers.HOSTS) == sorted(
        settings.TRAILER_PLAYER_ORIGINS
    )


# --------------------------------------------------------------------------- markup


def fragment(html):
    return BeautifulSoup(html, "html.parser")


def test_trailer_is_a_link_to_the_video_page_carrying_the_player(db):
    page = fragment(render(f"Avant.\n\n{TRAILER}\n\nAprès.").html)

    [figure] = page.select("figure.trailer")
    assert figure.parent is page
    assert figure["class"] == ["trailer", "trailer--youtube", "trailer--drawn"]
    link = figure.select_one("a.trailer__start")
    assert link["href"] == f"https://www.youtube.com/watch?v={YOUTUBE_ID}"
    assert link["data-trailer-player"] == (
        f"https://www.youtube-nocookie.com/embed/{YOUTUBE_ID}?autoplay=1"
    )
    assert link["data-trailer-title"] == "Bande-annonce de «\u00a0Marée basse\u00a0»"
    assert text(link) == "Bande-annonce de « Marée basse » Lire la vidéo (YouTube)"
    assert text(figure.figcaption) == (
        "Vidéo hébergée par YouTube : rien n’est chargé depuis YouTube avant que vous la lanciez."
    )
    assert [text(p) for p in page.find_all("p", recursive=False)] == ["Avant.", "Après."]


def test_trailer_loads_nothing_from_another_origin(db):
    poster = make_image()
    html = render(f"{TRAILER}\n\n@[Teaser](https://vimeo.com/76979871 image:{poster.pk})").html

    page = fragment(html)
    assert page.find_all(["iframe", "script", "object", "embed", "video"]) == []
    loaded = [element["src"] for element in page.find_all(src=True)] + [
        candidate.split()[0]
        for element in page.find_all(srcset=True)
        for candidate in element["srcset"].split(",")
    ]
    assert loaded, "the poster is drawn"
    assert [address for address in loaded if urlsplit(address).netloc] == []


def test_poster_from_the_library_fills_the_frame(db):
    poster = make_image(alt_text="Affiche de Marée basse")
    html = render(f"@[Teaser](https://vimeo.com/76979871 image:{poster.pk})").html

    [figure] = fragment(html).select("figure.trailer")
    assert figure["class"] == ["trailer", "trailer--vimeo"]
    image = figure.select_one("a.trailer__start picture img")
    # The link's text names the trailer: the picture says nothing more.
    assert image["alt"] == ""
    assert image["src"] == poster.picture("wide").src


def test_poster_counts_as_an_image_of_the_text(db):
    poster = make_image()
    article = make_article(body=f"@[Teaser](https://vimeo.com/76979871 image:{poster.pk})")

    assert list(BodyImage.objects.filter(article=article).values_list("image", flat=True)) == [
        poster.pk
    ]


def test_label_is_text_whatever_it_holds(db):
    html = render(f'@[<img src=x onerror=alert(1)> "Culte"](https://youtu.be/{YOUTUBE_ID})').html

    page = fragment(html)
    assert page.find("img") is None
    assert [name for element in page.find_all(True) for name in element.attrs if "on" in name] == []
    link = page.select_one("a.trailer__start")
    assert text(link.select_one(".trailer__label")) == "<img src=x onerror=alert(1)> « Culte »"


def test_trailer_without_label_is_called_a_trailer(db):
    html = render(f"@[](https://youtu.be/{YOUTUBE_ID})").html

    assert text(fragment(html).select_one(".trailer__label")) == "Bande-annonce"


@pytest.mark.parametrize(
    "source",
    [
        "Voir @[la bande-annonce](https://youtu.be/aBcDeFgHi-_) ici.",
        "```\n@[Code](https://youtu.be/aBcDeFgHi-_)\n```",
        "    @[Code](https://youtu.be/aBcDeFgHi-_)",
    ],
)
def test_trailer_syntax_inside_a_sentence_or_code_is_not_a_trailer(db, source):
    assert fragment(render(source).html).select("figure.trailer, [data-trailer-player]") == []


def test_editor_cannot_write_a_facade_by_hand(db):
    html = render(
        '<figure class="trailer"><a class="trailer__start" href="https://evil.example/" '
        'data-trailer-player="https://evil.example/player">Lire</a></figure>\n\n'
        "trailer-0123456789abcdef0123456789abcdef-0"
    ).html

    page = fragment(html)
    assert page.select("[data-trailer-player], .trailer, .trailer__start") == []
    assert "trailer-0123456789abcdef0123456789abcdef-0" in page.get_text()


@pytest.mark.parametrize(
    "source",
    [
        "@[Piège](https://evil.example/watch?v=aBcDeFgHiJk)",
        "@[Piège](javascript:alert(1))",
        "@[Piège](https://www.youtube.com/watch?v=court)",
        "@[Piège](https://youtu.be/aBcDeFgHi-_ affiche)",
    ],
)
def test_address_not_understood_shows_readers_nothing(db, source):
    html = render(f"Avant.\n\n{source}\n\nAprès.").html

    assert [text(p) for p in fragment(html).find_all(True)] == ["Avant.", "Après."]


def test_poster_missing_from_the_library_gives_way_to_the_drawn_frame(db):
    html = render(f"@[Teaser](https://youtu.be/{YOUTUBE_ID} image:987654)").html

    [figure] = fragment(html).select("figure.trailer")
    assert "trailer--drawn" in figure["class"]
    assert figure.find("img") is None


# --------------------------------------------------------------------------- pages and headers


def test_article_page_allows_frames_from_the_three_players_only(client, db):
    article = make_article(body=TRAILER)

    response = client.get(article.get_absolute_url())

    csp = csp_directives(response["Content-Security-Policy"])
    assert csp["frame-src"] == [
        "https://www.youtube-nocookie.com",
        "https://player.vimeo.com",
        "https://geo.dailymotion.com",
    ]
    policy = permissions(response["Permissions-Policy"])
    players = '"https://www.youtube-nocookie.com" "https://player.vimeo.com" '
    players += '"https://geo.dailymotion.com"'
    for feature in ("fullscreen", "autoplay", "picture-in-picture"):
        assert policy[feature] == f"(self {players})", feature
    assert soup(response).select_one(".article-body figure.trailer a[data-trailer-player]")


def test_changing_the_trailer_shows_on_the_next_request(client, db):
    article = make_article(body=TRAILER)
    client.get(article.get_absolute_url())

    article.body = "@[Teaser](https://vimeo.com/76979871)"
    article.save()
    link = soup(client.get(article.get_absolute_url())).select_one("a.trailer__start")

    assert link["href"] == "https://vimeo.com/76979871"


def test_page_with_a_trailer_and_a_spoiler_is_valid_html(client, db, vnu_jar, tmp_path):
    poster = make_image()
    article = make_article(
        body=(
            f"Intro.\n\n{TRAILER}\n\n:::spoiler La fin\nLe héros *meurt*.\n\n"
            f"@[Teaser](https://vimeo.com/76979871 image:{poster.pk})\n:::\n\n"
            "- Un point\n\n    @[Extrait](https://dai.ly/x8abc12)"
        )
    )

    problems = html_problems(client, vnu_jar, tmp_path, {"article": article.get_absolute_url()})

    assert not problems, "invalid HTML:\n" + "\n".join(problems)


# --------------------------------------------------------------------------- the newsroom


def post_body(admin_client, article, body):
    return admin_client.post(
        reverse("admin:articles_article_change", args=[article.pk]),
        {**article_fields(article, body=body), **EMPTY_INLINES},
    )


def body_errors(response):
    return [text(li) for li in soup(response).select(".field-body .errorlist li")]


def test_article_form_refuses_an_unknown_host_naming_the_line(admin_client):
    article = make_article()

    response = post_body(
        admin_client, article, "Avant.\r\n\r\n@[Piège](https://evil.example/v/aBcDeFgHiJk)"
    )

    assert body_errors(response) == [
        "Ligne 3 (bande-annonce) : evil.example ne fait pas partie des hébergeurs de vidéos "
        "acceptés ici. Adresses acceptées : celle d’une vidéo YouTube, Vimeo ou Dailymotion, "
        "par exemple https://www.youtube.com/watch?v=…, https://youtu.be/…, https://vimeo.com/… "
        "ou https://www.dailymotion.com/video/…"
    ]
    assert Article.objects.get(pk=article.pk).body == article.body


def test_article_form_names_every_line_at_fault(admin_client):
    article = make_article()
    body = (
        f"{TRAILER}\n\n> @[Cité](https://www.youtube.com/watch?v=court)\n\n"
        "@[Affiche](https://vimeo.com/76979871 image:987654)\n\n"
        "@[Autre](https://vimeo.com/76979871 affiche)"
    )

    errors = body_errors(post_body(admin_client, article, body))

    assert [error.partition(" : ")[0] for error in errors] == [
        "Ligne 3 (bande-annonce)",
        "Ligne 5 (bande-annonce)",
        "Ligne 7 (bande-annonce)",
    ]
    assert "Cette adresse YouTube ne mène pas à une vidéo." in errors[0]
    assert "L’image n° 987654, choisie comme affiche, n’est pas dans la médiathèque" in errors[1]
    assert "seul image:42 peut suivre" in errors[2]


def test_article_form_accepts_a_trailer_with_its_poster(admin_client):
    article = make_article()
    poster = make_image()
    body = f"{TRAILER}\n\n@[Teaser](https://vimeo.com/76979871 image:{poster.pk})"

    response = post_body(admin_client, article, body)

    assert response.status_code == 302
    assert Article.objects.get(pk=article.pk).body == body


def test_preview_shows_why_a_trailer_is_not_shown_where_it_would_be(admin_client):
    body = "Avant.\n\n@[Piège](https://evil.example/v/aBcDeFgHiJk)\n\nAprès."

    html = admin_client.post(PREVIEW, {"body": body}).json()["html"]

    page = fragment(html)
    assert [element.name for element in page.find_all(recursive=False)] == ["p", "p", "p"]
    note = page.select_one("p.trailer-problem")
    assert note is page.find_all("p")[1]
    assert text(note.strong) == "Bande-annonce non affichée (ligne 3) :"
    assert "evil.example ne fait pas partie des hébergeurs de vidéos acceptés ici." in text(note)
    assert page.find("a") is None


def test_preview_shows_the_facade_of_a_good_trailer(admin_client):
    html = admin_client.post(PREVIEW, {"body": TRAILER}).json()["html"]

    assert fragment(html).select_one("figure.trailer a[data-trailer-player]") is not None


def test_article_form_refuses_a_poster_number_too_long_for_the_library(admin_client):
    article = make_article()
    body = f"@[Teaser](https://youtu.be/{YOUTUBE_ID} image:99999999999999999999)"

    errors = body_errors(post_body(admin_client, article, body))

    assert [error.partition(" : ")[0] for error in errors] == ["Ligne 1 (bande-annonce)"]
    assert "n° 99999999999999999999" in errors[0]
