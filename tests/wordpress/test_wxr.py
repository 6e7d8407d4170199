"""Reading WordPress exports (WXR) into plain values: wordpress/wxr.py."""

import datetime
import io
import os
import threading
import zoneinfo

import pytest

from tests.wordpress import wxr_files
from tests.wordpress.wxr_files import attachment, export, post, write
from wordpress import wxr
from wordpress.wxr import Author, ItemTerm, Site, Term, WXRError

UTC = datetime.UTC


def items_of(data, **options):
    return list(wxr.parse(io.BytesIO(data), **options).items)


def only_item(data, **options):
    [item] = items_of(data, **options)
    return item


def test_reads_the_site_its_authors_and_terms_before_any_item(tmp_path):
    path = write(
        tmp_path / "export.xml",
        post(1),
        authors=[
            wxr_files.AUTHOR,
            {"id": 7, "login": "ines", "display_name": "Inès d’Aubigné", "email": "ines@x.example"},
        ],
        categories=[
            {"id": 2, "slug": "cinema", "name": "Cinéma", "description": "Les sorties en salle"},
            {"id": 5, "slug": "festivals", "name": "Festivals", "parent": "cinema"},
        ],
        tags=[{"id": 3, "slug": "cannes-2023", "name": "Cannes 2023"}],
        terms=[{"id": 9, "taxonomy": "post_format", "slug": "post-format-video", "name": "Vidéo"}],
    )

    parsed = wxr.parse(path)

    assert parsed.site == Site(
        title="Ciné Revue",
        link="https://cinerevue.example",
        description="Le cinéma, chaque semaine",
        language="fr-FR",
        base_site_url="https://cinerevue.example",
        base_blog_url="https://cinerevue.example",
        wxr_version="1.2",
    )
    assert parsed.authors == [
        Author(
            login="marie",
            display_name="Marie Curieux",
            email="marie@cinerevue.example",
            first_name="Marie",
            last_name="Curieux",
            wordpress_id=1,
        ),
        Author(login="ines", display_name="Inès d’Aubigné", email="ines@x.example", wordpress_id=7),
    ]
    assert parsed.terms == [
        Term("category", "cinema", "Cinéma", "Les sorties en salle", "", 2),
        Term("category", "festivals", "Festivals", "", "cinema", 5),
        Term("post_tag", "cannes-2023", "Cannes 2023", "", "", 3),
        Term("post_format", "post-format-video", "Vidéo", "", "", 9),
    ]
    assert [item.post_id for item in parsed.items] == [1]


def test_reads_every_field_of_an_item():
    item = only_item(
        export(
            post(
                42,
                title="« Marée basse » : la critique",
                post_name="maree-basse-la-critique",
                link="https://cinerevue.example/2023/07/28/maree-basse-la-critique/",
                guid="https://cinerevue.example/?p=42",
                creator="ines",
                excerpt="Un film d’été.",
                content="<p>Texte avec ]]> au milieu.</p>\n\nDeuxième paragraphe.",
                categories=[
                    ("category", "cinema", "Cinéma"),
                    ("category", "critiques", "Critiques"),
                    ("post_tag", "ete", "Été"),
                    ("post_format", "post-format-video", "Vidéo"),
                ],
                is_sticky=1,
                post_parent=0,
                menu_order=3,
                postmeta={"_thumbnail_id": "43", "_edit_last": "1"},
            )
        )
    )

    assert item.post_id == 42
    assert item.post_type == "post"
    assert item.status == "publish"
    assert item.title == "« Marée basse » : la critique"
    assert item.slug == "maree-basse-la-critique"
    assert item.link == "https://cinerevue.example/2023/07/28/maree-basse-la-critique/"
    assert item.guid == "https://cinerevue.example/?p=42"
    assert item.author_login == "ines"
    assert item.excerpt == "Un film d’été."
    assert item.content == "<p>Texte avec ]]> au milieu.</p>\n\nDeuxième paragraphe."
    assert item.categories == [
        ItemTerm("category", "cinema", "Cinéma"),
        ItemTerm("category", "critiques", "Critiques"),
    ]
    assert item.tags == [ItemTerm("post_tag", "ete", "Été")]
    assert ItemTerm("post_format", "post-format-video", "Vidéo") in item.terms
    assert item.is_sticky is True
    assert item.parent_id is None
    assert item.menu_order == 3
    assert item.postmeta == {"_thumbnail_id": "43", "_edit_last": "1"}
    assert item.thumbnail_id == 43
    assert item.post_date == datetime.datetime(2023, 7, 28, 8, 0, tzinfo=UTC)
    assert item.post_modified == datetime.datetime(2023, 7, 29, 10, 30, tzinfo=UTC)


def test_reads_an_attachment_with_its_file_and_alt_text():
    item = only_item(
        export(
            attachment(
                43,
                "2023/07/maree-basse.jpg",
                title="maree-basse",
                excerpt="Légende : Anna sur la plage.",
                post_parent=42,
                postmeta={
                    "_wp_attached_file": "2023/07/maree-basse.jpg",
                    "_wp_attachment_image_alt": "Anna, de dos, face à la mer",
                },
            )
        )
    )

    assert item.post_type == "attachment"
    assert item.status == "inherit"
    assert (
        item.attachment_url
        == "https://cinerevue.example/wp-content/uploads/2023/07/maree-basse.jpg"
    )
    assert item.parent_id == 42
    assert item.excerpt == "Légende : Anna sur la plage."
    assert item.postmeta["_wp_attachment_image_alt"] == "Anna, de dos, face à la mer"
    assert item.postmeta["_wp_attached_file"] == "2023/07/maree-basse.jpg"
    assert item.thumbnail_id is None


def test_reads_every_status_and_post_type():
    kinds = [
        ("publish", "post"),
        ("future", "post"),
        ("draft", "post"),
        ("pending", "post"),
        ("private", "post"),
        ("trash", "post"),
        ("auto-draft", "post"),
        ("publish", "page"),
        ("draft", "page"),
        ("inherit", "attachment"),
        ("publish", "nav_menu_item"),
        ("publish", "film"),
    ]
    data = export(
        *(post(n, status=status, post_type=kind) for n, (status, kind) in enumerate(kinds, 1))
    )

    assert [(item.status, item.post_type) for item in items_of(data)] == kinds


def test_password_protected_post_keeps_its_password():
    item = only_item(export(post(1, post_password="festival2023")))

    assert item.post_password == "festival2023"


def test_post_with_no_title_and_no_slug():
    item = only_item(export(post(1, title="", post_name="", status="draft")))

    assert (item.title, item.slug) == ("", "")


def test_duplicate_slugs_are_all_read_as_written():
    items = items_of(export(post(1, post_name="critique"), post(2, post_name="critique")))

    assert [(item.post_id, item.slug) for item in items] == [(1, "critique"), (2, "critique")]


def test_unicode_and_french_typography_come_through_untouched():
    title = "L’été\u202fdes «\u00a0Amants\u00a0» : 3\u00a0films ! 🎬 — Ça va ? 日本"
    content = "<p>«\u00a0Bonjour\u00a0», dit-elle\u202f; l’œuvre…</p>"

    item = only_item(export(post(1, title=title, content=content, excerpt=title)))

    assert item.title == title
    assert item.excerpt == title
    assert item.content == content


class TestDates:
    def test_gmt_date_is_read_as_utc(self):
        item = only_item(
            export(post(1, post_date="2023-01-15 18:30:00", post_date_gmt="2023-01-15 17:30:00"))
        )

        assert item.post_date == datetime.datetime(2023, 1, 15, 17, 30, tzinfo=UTC)

    def test_without_gmt_date_the_local_date_is_read_in_the_sites_time_zone(self):
        winter = post(1, post_date="2023-01-15 18:30:00", post_date_gmt="0000-00-00 00:00:00")
        summer = post(2, post_date="2023-07-15 18:30:00", post_date_gmt="0000-00-00 00:00:00")

        items = items_of(export(winter, summer))

        assert [item.post_date for item in items] == [
            datetime.datetime(2023, 1, 15, 17, 30, tzinfo=UTC),
            datetime.datetime(2023, 7, 15, 16, 30, tzinfo=UTC),
        ]

    def test_the_sites_time_zone_can_be_given(self):
        item = only_item(
            export(post(1, post_date="2023-01-15 18:30:00", post_date_gmt="0000-00-00 00:00:00")),
            site_timezone=zoneinfo.ZoneInfo("America/Montreal"),
        )

        assert item.post_date == datetime.datetime(2023, 1, 15, 23, 30, tzinfo=UTC)

    def test_no_date_at_all_is_none(self):
        item = only_item(
            export(
                post(
                    1,
                    status="draft",
                    post_date="0000-00-00 00:00:00",
                    post_date_gmt="0000-00-00 00:00:00",
                    post_modified="",
                    post_modified_gmt="",
                )
            )
        )

        assert (item.post_date, item.post_modified) == (None, None)


@pytest.mark.parametrize("version", ["1.0", "1.1", "1.2"])
def test_every_wxr_version_reads_the_same(version):
    parsed = wxr.parse(
        io.BytesIO(
            export(
                post(
                    1,
                    title="Cannes & co",
                    excerpt="Chapô",
                    categories=[("category", "cinema", "Cinéma")],
                ),
                version=version,
                categories=[{"id": 2, "slug": "cinema", "name": "Cinéma"}],
            )
        )
    )

    assert parsed.site.wxr_version == version
    assert parsed.terms == [Term("category", "cinema", "Cinéma", wordpress_id=2)]
    [item] = parsed.items
    assert (item.title, item.excerpt, item.slug) == ("Cannes & co", "Chapô", "article-1")
    assert item.categories == [ItemTerm("category", "cinema", "Cinéma")]


def test_wxr_1_0_terms_without_ids_and_bare_categories():
    item_terms = [("category", "cinema", "Cinéma"), ("tag", "cannes", "Cannes")]
    bare = (
        "\t\t<category><![CDATA[Cinéma]]></category>\n"
        '\t\t<category domain="tag"><![CDATA[Cannes]]></category>'
    )
    parsed = wxr.parse(
        io.BytesIO(
            export(
                post(1, categories=item_terms, extra=bare),
                version="1.0",
                categories=[{"slug": "cinema", "name": "Cinéma"}],
            )
        )
    )

    assert parsed.terms == [Term("category", "cinema", "Cinéma", wordpress_id=None)]
    [item] = parsed.items
    assert item.terms == [
        ItemTerm("category", "cinema", "Cinéma"),
        ItemTerm("post_tag", "cannes", "Cannes"),
    ]


def test_wordpress_com_extra_fields_are_ignored():
    channel_extra = (
        '\t<atom:link rel="search" type="application/opensearchdescription+xml"'
        ' href="https://cinerevue.wordpress.com/osd.xml" title="Ciné Revue" />\n'
        '\t<cloud domain="cinerevue.wordpress.com" port="80" path="/?rsscloud=notify"'
        ' registerProcedure="" protocol="http-post" />\n'
        "\t<image><url>https://s0.wp.com/i/buttonw-com.png</url><title>Autre titre</title>"
        "<link>https://autre.example</link></image>\n"
    )
    item_extra = (
        '\t\t<media:content url="https://cinerevue.files.wordpress.com/2023/07/a.jpg"'
        ' medium="image">'
        "<media:title>Affiche</media:title></media:content>\n"
        "\t\t<wp:comment><wp:comment_id>5</wp:comment_id>"
        "<wp:comment_content><![CDATA[Super !]]></wp:comment_content></wp:comment>"
    )
    data = export(post(1, title="Le titre", extra=item_extra), channel_extra=channel_extra)
    data = data.replace(
        b'<rss version="2.0"\n',
        b'<rss version="2.0"\n\txmlns:atom="http://www.w3.org/2005/Atom"\n'
        b'\txmlns:media="http://search.yahoo.com/mrss/"\n',
    )

    parsed = wxr.parse(io.BytesIO(data))

    assert (parsed.site.title, parsed.site.link) == ("Ciné Revue", "https://cinerevue.example")
    [item] = parsed.items
    assert (item.title, item.post_id, item.postmeta) == ("Le titre", 1, {})


def test_blank_lines_before_the_declaration_and_forbidden_characters_are_tolerated():
    data = export(post(1, content="<p>Collé depuis Word\x0b : fin.</p>"))

    item = only_item(b"\n\n  \n" + data)

    assert item.content == "<p>Collé depuis Word : fin.</p>"


class TestStreaming:
    def test_items_are_read_from_the_file_one_by_one(self):
        data = export(*(post(n, content="<p>" + "texte " * 200 + "</p>") for n in range(1, 10_001)))
        file = io.BytesIO(data)

        parsed = wxr.parse(file)
        after_head = file.tell()
        first = next(parsed.items)
        after_first_item = file.tell()

        assert first.post_id == 1
        assert after_head < len(data) / 100
        assert after_first_item < len(data) / 100
        assert sum(1 for _ in parsed.items) == 9_999


class TestHostileFiles:
    def test_billion_laughs_is_refused(self):
        entities = '<!ENTITY lol "lol">' + "".join(
            f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10 if n > 1 else "&lol;" * 10}">'
            for n in range(1, 10)
        )
        data = export(post(1, title="&lol9;")).replace(b"<![CDATA[&lol9;]]>", b"&lol9;")
        data = data.replace(b"<rss ", f"<!DOCTYPE rss [{entities}]>\n<rss ".encode(), 1)

        with pytest.raises(WXRError) as error:
            list(wxr.parse(io.BytesIO(data)).items)

        assert str(error.value) == (
            "Ce fichier déclare un DOCTYPE\u00a0: un export WordPress n’en contient jamais, "
            "et il pourrait faire gonfler la lecture ou lire d’autres fichiers. "
            "Le fichier n’a pas été lu."
        )

    @pytest.mark.parametrize(
        "doctype",
        [
            '<!DOCTYPE rss [<!ENTITY secret SYSTEM "file://{fifo}">]>',
            '<!DOCTYPE rss [<!ENTITY % secret SYSTEM "file://{fifo}"> %secret;]>',
            '<!DOCTYPE rss SYSTEM "file://{fifo}">',
        ],
        ids=["external entity", "external parameter entity", "external DTD"],
    )
    def test_external_entities_and_dtds_are_refused_without_reading_them(self, tmp_path, doctype):
        # Reading a named pipe blocks until someone writes to it: a parser that tried to
        # read it would hang instead of answering.
        fifo = tmp_path / "secret"
        os.mkfifo(fifo)
        data = export(post(1, title="&secret;")).replace(b"<![CDATA[&secret;]]>", b"&secret;")
        data = data.replace(b"<rss ", doctype.format(fifo=fifo).encode() + b"\n<rss ", 1)
        outcome = []

        def read():
            try:
                list(wxr.parse(io.BytesIO(data)).items)
            except WXRError as error:
                outcome.append(str(error))

        reader = threading.Thread(target=read)
        reader.start()
        reader.join(timeout=20)
        if reader.is_alive():
            with open(fifo, "w"):  # lets the stuck parser go before failing
                pass
            reader.join()
            pytest.fail("the parser opened the file named by the DOCTYPE")

        assert len(outcome) == 1
        assert outcome[0].startswith("Ce fichier déclare un DOCTYPE\u00a0: ")


class TestBrokenFiles:
    def test_a_truncated_file_says_so_with_the_line(self):
        data = export(post(1), post(2))
        cut = data[: data.index(b"<wp:post_id>2")]

        with pytest.raises(WXRError) as error:
            list(wxr.parse(io.BytesIO(cut)).items)

        line = cut.count(b"\n") + 1
        assert str(error.value) == (
            f"Le fichier s’arrête avant sa fin (ligne {line})\u00a0: l’export est incomplet, "
            "téléchargez-le à nouveau."
        )

    def test_a_damaged_file_names_the_line_and_column(self):
        data = export(post(1)).replace(b"<wp:post_id>1</wp:post_id>", b"<wp:post_id>1</wp:post_ID>")

        with pytest.raises(WXRError) as error:
            list(wxr.parse(io.BytesIO(data)).items)

        line = data[: data.index(b"</wp:post_ID>")].count(b"\n") + 1
        assert str(error.value).startswith(f"Le fichier est abîmé ligne {line}, colonne ")
        assert str(error.value).endswith("\u00a0: ce n’est pas du XML valide.")

    def test_an_rss_feed_is_not_an_export(self):
        feed = (
            b'<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0">\n<channel>'
            b"<title>Flux</title><item><title>Un</title></item></channel></rss>"
        )

        with pytest.raises(WXRError) as error:
            wxr.parse(io.BytesIO(feed))

        assert str(error.value) == (
            "Ce fichier n’est pas un export WordPress (ligne 2)\u00a0: exportez-le à nouveau "
            "depuis Outils → Exporter dans WordPress."
        )

    def test_an_empty_file(self):
        with pytest.raises(WXRError) as error:
            wxr.parse(io.BytesIO(b""))

        assert str(error.value) == "Le fichier est vide."

    def test_an_item_without_id(self):
        data = export(post(1)).replace(b"<wp:post_id>1</wp:post_id>", b"")

        with pytest.raises(WXRError) as error:
            list(wxr.parse(io.BytesIO(data)).items)

        line = data[: data.index(b"<item>")].count(b"\n") + 1
        assert str(error.value) == (
            f"L’élément de la ligne {line} n’a pas d’identifiant WordPress (wp:post_id)."
        )
