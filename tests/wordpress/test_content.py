"""WordPress post HTML to our Markdown: wordpress/content.py."""

import pytest

from wordpress.content import original_upload_url, to_markdown

UPLOADS = "https://cinerevue.example/wp-content/uploads/2023/07"


class Library:
    """What the importer answers: attachment ids and original files it holds, as library ids."""

    def __init__(self, by_attachment=None, by_url=None):
        self.by_attachment = by_attachment or {}
        self.by_url = by_url or {}
        self.asked = []

    def __call__(self, url=None, attachment_id=None):
        self.asked.append((url, attachment_id))
        if attachment_id in self.by_attachment:
            return self.by_attachment[attachment_id]
        return self.by_url.get(url)


def convert(html, library=None):
    return to_markdown(html, image_for=library or Library())


class TestClassicEditor:
    def test_blank_lines_make_paragraphs_and_single_newlines_line_breaks(self):
        converted = convert("Premier paragraphe,\nsur deux lignes.\n\nSecond paragraphe.\n")

        assert converted.markdown == "Premier paragraphe,  \nsur deux lignes.\n\nSecond paragraphe."
        assert converted.problems == []

    def test_block_elements_are_not_wrapped_in_paragraphs(self):
        converted = convert(
            "Intro.\n<h2>Le contexte</h2>\nSuite du texte.\n"
            "<ul>\n<li>Un</li>\n<li>Deux</li>\n</ul>\n"
            "<blockquote>Une réplique culte.</blockquote>\nFin."
        )

        assert converted.markdown == (
            "Intro.\n\n## Le contexte\n\nSuite du texte.\n\n- Un\n- Deux\n\n"
            "> Une réplique culte.\n\nFin."
        )

    def test_emphasis_links_lists_tables_and_code(self):
        converted = convert(
            "<p>Un <strong>grand</strong> film, <em>vraiment</em>"
            ' : <a href="https://cine.example/a">sa fiche</a>.</p>\n'
            "<ol><li>Premier</li><li>Second</li></ol>\n"
            "<table><tbody><tr><td>Film</td><td>Note</td></tr><tr><td>Marée basse</td><td>4/5</td>"
            "</tr></tbody></table>\n"
            "<pre><code>make run\n  make test</code></pre>\n"
            "<p>Tapez <code>make</code>.</p>"
        )

        assert converted.markdown == (
            "Un **grand** film, *vraiment* : [sa fiche](https://cine.example/a).\n\n"
            "1. Premier\n2. Second\n\n"
            "| Film | Note |\n| --- | --- |\n| Marée basse | 4/5 |\n\n"
            "```\nmake run\n  make test\n```\n\n"
            "Tapez `make`."
        )

    def test_code_keeps_its_blank_lines_and_addresses(self):
        converted = convert("<pre>un\n\nhttps://www.youtube.com/watch?v=dQw4w9WgXcQ\n</pre>")

        assert converted.markdown == "```\nun\n\nhttps://www.youtube.com/watch?v=dQw4w9WgXcQ\n```"

    def test_empty_content(self):
        assert convert("").markdown == ""
        assert convert("\n  \n").markdown == ""


class TestTypography:
    def test_french_typography_is_kept_as_written(self):
        html = "«\u00a0Bonjour\u00a0», dit-elle\u202f; l’œuvre… C’est « ça »\u00a0!"

        assert convert(html).markdown == html

    def test_no_typography_is_added(self):
        # The article pipeline sets French spaces and quotes when it renders.
        html = 'Il dit "oui": c\'est tout!'

        assert convert(html).markdown == 'Il dit "oui": c\'est tout!'

    def test_unicode_comes_through(self):
        assert (
            convert("<p>Ça tourne à 東京 🎬 — enfin.</p>").markdown
            == "Ça tourne à 東京 🎬 — enfin."
        )


class TestEscaping:
    def test_text_that_markdown_would_read_as_markup_stays_text(self):
        converted = convert(
            "<p># Pas un titre</p><p>1. Pas une liste</p><p>- Ni une puce</p>"
            "<p>Un *astérisque*, un_tiret_bas et [des crochets](x).</p>"
            "<p>Des &lt;b&gt;balises&lt;/b&gt; &amp; un `accent`.</p>"
            "<p>:::spoiler La fin</p><p>@[Label](https://www.youtube.com/watch?v=dQw4w9WgXcQ)</p>"
        )

        assert converted.markdown == (
            "\\# Pas un titre\n\n1\\. Pas une liste\n\n\\- Ni une puce\n\n"
            "Un \\*astérisque\\*, un\\_tiret\\_bas et \\[des crochets\\](x).\n\n"
            "Des &lt;b&gt;balises&lt;/b&gt; &amp; un \\`accent\\`.\n\n"
            "&#58;::spoiler La fin\n\n"
            "@\\[Label\\](https://www.youtube.com/watch?v=dQw4w9WgXcQ)"
        )


class TestGutenberg:
    def test_block_comments_are_removed_and_blocks_kept_as_their_html(self):
        converted = convert(
            '<!-- wp:heading -->\n<h2 class="wp-block-heading">Le casting</h2>\n'
            "<!-- /wp:heading -->\n\n"
            "<!-- wp:paragraph -->\n<p>Anna joue\nle rôle principal.</p>\n<!-- /wp:paragraph -->\n"
            "\n"
            '<!-- wp:list -->\n<ul class="wp-block-list"><!-- wp:list-item -->\n<li>Anna</li>\n'
            "<!-- /wp:list-item --><!-- wp:list-item -->\n<li>Bob</li>\n<!-- /wp:list-item -->"
            "</ul>\n"
            "<!-- /wp:list -->\n\n"
            '<!-- wp:separator -->\n<hr class="wp-block-separator"/>\n<!-- /wp:separator -->\n\n'
            '<!-- wp:quote -->\n<blockquote class="wp-block-quote"><!-- wp:paragraph -->\n'
            "<p>Une réplique.</p>\n<!-- /wp:paragraph --></blockquote>\n<!-- /wp:quote -->"
        )

        # Block content is not run through wpautop: the newline inside a paragraph
        # is a space, as WordPress shows it.
        assert converted.markdown == (
            "## Le casting\n\nAnna joue\nle rôle principal.\n\n- Anna\n- Bob\n\n---\n\n>"
            " Une réplique."
        )
        assert converted.problems == []

    def test_unsupported_blocks_are_reported(self):
        converted = convert(
            '<!-- wp:html -->\n<div class="pub">Encart</div>\n<!-- /wp:html -->\n\n'
            '<!-- wp:latest-posts {"postsToShow":3} /-->\n\n'
            '<!-- wp:jetpack/slideshow {"ids":[1,2]} -->\n<div class="wp-block-jetpack-slideshow">'
            "Diaporama</div>\n"
            "<!-- /wp:jetpack/slideshow -->\n\n"
            '<!-- wp:video -->\n<figure class="wp-block-video">'
            '<video controls src="https://cinerevue.example/f.mp4"></video></figure>\n'
            "<!-- /wp:video -->"
        )

        assert converted.markdown == "Encart\n\nDiaporama"
        assert converted.problems == [
            "Bloc HTML personnalisé (wp:html) converti au mieux\u00a0: à vérifier.",
            "Le bloc wp:latest-posts est vide dans l’export (WordPress le construit à l’affichage)"
            "\u00a0: non importé.",
            "Bloc wp:jetpack/slideshow non pris en charge\u00a0: son HTML est converti au mieux.",
            "Bloc wp:video non pris en charge\u00a0: son HTML est converti au mieux.",
            "Fichier vidéo ou son non importé\u00a0: https://cinerevue.example/f.mp4",
        ]

    def test_image_block_is_a_figure(self):
        library = Library(by_attachment={13: 102})
        converted = convert(
            '<!-- wp:image {"id":13,"sizeSlug":"large"} -->\n'
            '<figure class="wp-block-image size-large">'
            f'<img src="{UPLOADS}/bob-1024x683.jpg" alt="Bob sur le tapis rouge" '
            'class="wp-image-13"/>'
            '<figcaption class="wp-element-caption">Bob à <em>Cannes</em></figcaption></figure>\n'
            "<!-- /wp:image -->",
            library,
        )

        assert converted.markdown == '![Bob sur le tapis rouge](image:102 "Bob à Cannes")'
        assert converted.image_ids == [102]
        assert library.asked == [(f"{UPLOADS}/bob.jpg", 13)]

    def test_gallery_block_is_a_figure_per_image(self):
        library = Library(by_attachment={21: 201, 22: 202})
        converted = convert(
            '<!-- wp:gallery {"linkTo":"none"} -->\n'
            '<figure class="wp-block-gallery has-nested-images columns-default">'
            '<!-- wp:image {"id":21} -->\n<figure class="wp-block-image">'
            f'<img src="{UPLOADS}/a.jpg" alt="A" class="wp-image-21"/></figure>\n'
            "<!-- /wp:image -->\n\n"
            '<!-- wp:image {"id":22} -->\n<figure class="wp-block-image">'
            f'<img src="{UPLOADS}/b.jpg" alt="B" class="wp-image-22"/><figcaption>'
            "Deux</figcaption></figure>\n<!-- /wp:image -->"
            "</figure>\n<!-- /wp:gallery -->",
            library,
        )

        assert converted.markdown == '![A](image:201)\n\n![B](image:202 "Deux")'
        assert converted.image_ids == [201, 202]

    def test_older_gallery_block_as_a_list(self):
        library = Library(by_attachment={21: 201, 22: 202})
        converted = convert(
            '<!-- wp:gallery {"ids":[21,22]} -->\n<figure class="wp-block-gallery">'
            '<ul class="blocks-gallery-grid">'
            '<li class="blocks-gallery-item"><figure>'
            f'<img src="{UPLOADS}/a-150x150.jpg" alt="A" data-id="21" class="wp-image-21"/>'
            "</figure></li>"
            '<li class="blocks-gallery-item"><figure>'
            f'<img src="{UPLOADS}/b-150x150.jpg" alt="B" data-id="22"/></figure></li>'
            "</ul></figure>\n<!-- /wp:gallery -->",
            library,
        )

        assert converted.markdown == "![A](image:201)\n\n![B](image:202)"

    def test_video_embed_block_is_a_trailer_labelled_by_its_caption(self):
        converted = convert(
            "<!-- wp:embed "
            '{"url":"https://www.youtube.com/watch?v=dQw4w9WgXcQ","type":"video",'
            '"providerNameSlug":"youtube"} '
            "-->\n"
            '<figure class="wp-block-embed is-type-video is-provider-youtube">'
            '<div class="wp-block-embed__wrapper">\n'
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ\n</div><figcaption>"
            "La bande-annonce de « Marée basse »</figcaption></figure>\n"
            "<!-- /wp:embed -->"
        )

        assert (
            converted.markdown
            == "@[La bande-annonce de « Marée basse »](https://www.youtube.com/watch?v=dQw4w9WgXcQ)"
        )
        assert converted.problems == []

    def test_legacy_embed_block_without_caption(self):
        converted = convert(
            '<!-- wp:core-embed/vimeo {"url":"https://vimeo.com/76979871","type":"video"} -->\n'
            '<figure class="wp-block-embed-vimeo"><div class="wp-block-embed__wrapper">\n'
            "https://vimeo.com/76979871\n</div></figure>\n"
            "<!-- /wp:core-embed/vimeo -->"
        )

        assert converted.markdown == "@[Vidéo](https://vimeo.com/76979871)"

    def test_embed_block_of_another_host_is_a_link_and_reported(self):
        converted = convert(
            '<!-- wp:embed {"url":"https://twitter.com/cinerevue/status/1","type":"rich"} -->\n'
            '<figure class="wp-block-embed"><div class="wp-block-embed__wrapper">\n'
            "https://twitter.com/cinerevue/status/1\n</div></figure>\n"
            "<!-- /wp:embed -->"
        )

        assert converted.markdown == "<https://twitter.com/cinerevue/status/1>"
        assert converted.problems == [
            "Contenu intégré de twitter.com non pris en charge\u00a0: conservé comme lien."
        ]


class TestShortcodes:
    def test_caption_is_a_figure_alone_on_its_line(self):
        library = Library(by_attachment={12: 101})
        converted = convert(
            "Avant.\n\n"
            '[caption id="attachment_12" align="aligncenter" width="300"]'
            f'<a href="{UPLOADS}/anna.jpg">'
            f'<img class="size-medium wp-image-12" src="{UPLOADS}/anna-300x200.jpg" '
            'alt="Anna, de dos" width="300" height="200" /></a> Anna sur la "plage"[/caption]\n\n'
            "Après.",
            library,
        )

        assert (
            converted.markdown
            == 'Avant.\n\n![Anna, de dos](image:101 "Anna sur la \\"plage\\"")\n\nAprès.'
        )
        assert converted.image_ids == [101]
        assert library.asked == [(f"{UPLOADS}/anna.jpg", 12)]

    def test_caption_in_an_attribute_as_before_wordpress_3_4(self):
        library = Library(by_url={f"{UPLOADS}/anna.jpg": 101})
        converted = convert(
            '[caption id="" align="alignnone" width="300" caption="Anna"]<img '
            f'src="{UPLOADS}/anna.jpg" alt="" />[/caption]',
            library,
        )

        assert converted.markdown == '![](image:101 "Anna")'

    def test_gallery_is_one_figure_per_image(self):
        library = Library(by_attachment={31: 301, 32: 302})
        converted = convert(
            'Les photos :\n\n[gallery columns="2" link="file" ids="31,32,33"]\n\nFin.', library
        )

        assert converted.markdown == "Les photos :\n\n![](image:301)\n\n![](image:302)\n\nFin."
        assert converted.image_ids == [301, 302]
        assert converted.problems == ["Image introuvable\u00a0: pièce jointe n° 33."]

    def test_gallery_without_ids_is_reported(self):
        converted = convert("[gallery]")

        assert converted.markdown == ""
        assert converted.problems == [
            "Une galerie [gallery] sans sa liste d’images n’a pas été importée\u00a0: refaites-la "
            "à la main."
        ]

    @pytest.mark.parametrize(
        ("url", "page"),
        [
            (
                "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
                "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            ),
            ("https://youtu.be/dQw4w9WgXcQ", "https://www.youtube.com/watch?v=dQw4w9WgXcQ"),
            ("https://vimeo.com/76979871", "https://vimeo.com/76979871"),
            (
                "https://www.dailymotion.com/video/x7tgad0",
                "https://www.dailymotion.com/video/x7tgad0",
            ),
        ],
    )
    def test_embed_of_a_video_is_a_trailer(self, url, page):
        converted = convert(f"Regardez :\n\n[embed]{url}[/embed]\n\nFin.")

        assert converted.markdown == f"Regardez :\n\n@[Vidéo]({page})\n\nFin."

    def test_embed_of_another_address_is_a_link_and_reported(self):
        converted = convert("[embed]https://soundcloud.com/cinerevue/episode-1[/embed]")

        assert converted.markdown == "<https://soundcloud.com/cinerevue/episode-1>"
        assert converted.problems == [
            "Contenu intégré de soundcloud.com non pris en charge\u00a0: conservé comme lien."
        ]

    def test_other_shortcodes_stay_visible_and_are_reported(self):
        converted = convert(
            'Écrivez-nous :\n\n[contact-form-7 id="5" title="Contact"]\n\n'
            '[su_box title="À retenir"]Sortie le 12 juillet.[/su_box]\n\n'
            '[audio src="https://cinerevue.example/a.mp3"]'
        )

        assert converted.markdown == (
            "Écrivez-nous :\n\n"
            '\\[contact-form-7 id="5" title="Contact"\\]\n\n'
            '\\[su\\_box title="À retenir"\\]Sortie le 12 juillet.\\[/su\\_box\\]\n\n'
            '\\[audio src="https://cinerevue.example/a.mp3"\\]'
        )
        assert converted.problems == [
            "Shortcode [audio] non pris en charge, conservé comme texte.",
            "Shortcode inconnu [contact-form-7] conservé comme texte.",
            "Shortcode inconnu [su_box] conservé comme texte.",
        ]

    def test_brackets_in_prose_are_not_shortcodes(self):
        converted = convert("Il « adore [sic] » le film […] et [[gallery]] s’écrit ainsi.")

        assert (
            converted.markdown
            == "Il « adore \\[sic\\] » le film \\[…\\] et \\[gallery\\] s’écrit ainsi."
        )
        assert converted.problems == []


class TestBareVideoLines:
    def test_video_addresses_alone_on_a_line_are_trailers(self):
        converted = convert(
            "La bande-annonce :\n\nhttps://www.youtube.com/watch?v=dQw4w9WgXcQ\n\n"
            "Et l’extrait :\nhttps://vimeo.com/76979871\n"
            "https://www.dailymotion.com/video/x7tgad0\n\nFin."
        )

        assert converted.markdown == (
            "La bande-annonce :\n\n@[Vidéo](https://www.youtube.com/watch?v=dQw4w9WgXcQ)\n\n"
            "Et l’extrait :\n\n@[Vidéo](https://vimeo.com/76979871)\n\n"
            "@[Vidéo](https://www.dailymotion.com/video/x7tgad0)\n\nFin."
        )

    def test_an_address_inside_a_sentence_stays_text(self):
        converted = convert("Voir https://www.youtube.com/watch?v=dQw4w9WgXcQ pour la suite.")

        assert (
            converted.markdown == "Voir https://www.youtube.com/watch?v=dQw4w9WgXcQ pour la suite."
        )

    def test_any_other_address_alone_on_a_line_stays_as_written(self):
        converted = convert("Le site :\n\nhttps://cine.example/programme\n")

        assert converted.markdown == "Le site :\n\nhttps://cine.example/programme"
        assert converted.problems == []

    def test_player_frames_are_trailers_and_other_frames_reported(self):
        converted = convert(
            '<iframe width="560" height="315" '
            'src="https://www.youtube.com/embed/dQw4w9WgXcQ?rel=0" frameborder="0"></iframe>\n\n'
            '<p><iframe src="https://player.vimeo.com/video/76979871?title=0"></iframe></p>\n\n'
            '<iframe src="https://www.dailymotion.com/embed/video/x7tgad0"></iframe>\n\n'
            '<iframe src="https://maps.example/embed?q=cinema"></iframe>'
        )

        assert converted.markdown == (
            "@[Vidéo](https://www.youtube.com/watch?v=dQw4w9WgXcQ)\n\n"
            "@[Vidéo](https://vimeo.com/76979871)\n\n"
            "@[Vidéo](https://www.dailymotion.com/video/x7tgad0)"
        )
        assert converted.problems == [
            "Contenu intégré de maps.example non pris en charge\u00a0: retiré."
        ]


class TestImages:
    def test_an_image_alone_in_its_paragraph_is_a_figure(self):
        library = Library(by_attachment={12: 101})
        converted = convert(
            f'Avant.\n\n<a href="{UPLOADS}/anna.jpg">'
            '<img class="alignnone size-medium wp-image-12" '
            f'src="{UPLOADS}/anna-300x200.jpg" alt="Anna" /></a>\n\nAprès.',
            library,
        )

        assert converted.markdown == "Avant.\n\n![Anna](image:101)\n\nAprès."

    def test_an_image_inside_a_sentence_stays_inline(self):
        library = Library(by_url={f"{UPLOADS}/logo.png": 55})
        converted = convert(
            f'<p>Le logo <img src="{UPLOADS}/logo-32x32.png" alt="Ciné"> du festival.</p>', library
        )

        assert converted.markdown == "Le logo ![Ciné](image:55) du festival."
        assert converted.image_ids == [55]

    def test_missing_images_are_reported_and_left_out(self):
        converted = convert(
            f'<p>Texte.</p>\n<p><img src="{UPLOADS}/perdue-640x480.jpg" alt="Perdue"></p>'
        )

        assert converted.markdown == "Texte."
        assert converted.problems == [f"Image introuvable\u00a0: {UPLOADS}/perdue-640x480.jpg"]

    def test_image_ids_are_listed_once_in_the_order_of_the_text(self):
        library = Library(by_attachment={1: 11, 2: 12})
        converted = convert(
            '<p><img class="wp-image-2" src="x.jpg" alt=""></p>\n\n[gallery ids="1,2"]\n\n'
            '<p><img class="wp-image-1" src="y.jpg" alt=""></p>',
            library,
        )

        assert converted.image_ids == [12, 11]

    def test_scripts_are_removed_and_reported(self):
        converted = convert('<p>Texte.</p><script>alert("x")</script>')

        assert converted.markdown == "Texte."
        assert converted.problems == ["Élément <script> retiré."]


@pytest.mark.parametrize(
    ("url", "original"),
    [
        (f"{UPLOADS}/anna-300x200.jpg", f"{UPLOADS}/anna.jpg"),
        (f"{UPLOADS}/anna-1024x683.jpeg", f"{UPLOADS}/anna.jpeg"),
        (f"{UPLOADS}/anna-scaled.jpg", f"{UPLOADS}/anna-scaled.jpg"),
        (f"{UPLOADS}/affiche-2023-120x80.png", f"{UPLOADS}/affiche-2023.png"),
        (
            "https://cine.example/photos/plan-300x200.jpg",
            "https://cine.example/photos/plan-300x200.jpg",
        ),
        (
            "https://cinerevue.files.wordpress.com/2023/07/anna.jpg?w=300&h=200",
            "https://cinerevue.files.wordpress.com/2023/07/anna.jpg",
        ),
        (
            "https://i0.wp.com/cinerevue.example/wp-content/uploads/2023/07/anna-300x200.jpg"
            "?resize=300%2C200&ssl=1",
            "https://cinerevue.example/wp-content/uploads/2023/07/anna.jpg",
        ),
    ],
)
def test_original_upload_url(url, original):
    assert original_upload_url(url) == original
