"""
The newsroom speaks French as a French newsroom writes it: every admin page an
editor or a contributor can open, read for English words, field names and
Django's stock French (« objet », « Ajout de », « TAGGIT », « Par par »).

The pages are those of the admin site's registry (each ModelAdmin's URLs, for a
sample object), the site's own pages, the two-step pages and the confirmation
pages of the actions: a model or a view added later is read without being listed.
"""

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup
from django.contrib import admin
from django.contrib.auth.models import User
from django.db import transaction
from django.urls import URLResolver, reverse
from django.utils import timezone, translation
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from articles.models import Article, Correction, EditorialAction, PreviewLink
from frontpage.models import Block, FrontPage
from images.models import Image
from newsletter.models import Edition, Letter, Subscriber
from newsroom import notes, workflow
from newsroom.models import Note
from tests.admin_forms import EMPTY_INLINES, article_fields
from tests.factories import (
    ADMINISTRATOR,
    CONTRIBUTOR,
    EDITOR,
    logged_in,
    make_article,
    make_author,
    make_image,
    make_section,
    make_work,
)

pytestmark = [pytest.mark.django_db, pytest.mark.same_on_every_database]

PARIS = ZoneInfo("Europe/Paris")

# Django's stock French, and what its templates build from a model's name.
STOCK_PHRASES = [
    r"\bobjets?\b",
    r"\bAjout d",
    r"\btaggit\b",
    r"\bpar par\b",
    # An add page's last crumb pasting the model's name (« Ajouter article »).
    r"› Ajouter (?!(un|une|des|plusieurs)\b)",
    # A library's name for its app or models (« AXES », « OTP_TOTP », « TOTP devices »).
    r"\b(otp_\w+|totp|devices?)\b",
    r"(?-i:\bAxes\b)",
    r"\(e\)",
    r"\bà (changer|afficher)\b",
    r"\bModification de\b",
    # Django's « Cannot delete %(name)s », pasting the name without its article.
    r"\bImpossible de supprimer\b",
    r"\bavec succès\b",
    r"\bavec ce champ\b",
    # An ISO date or a clock with seconds, where a person reads « 12 décembre 2026 à 6 h 00 ».
    r"\b\d{4}-\d{2}-\d{2}\b",
    r"\b\d{1,2}:\d{2}\b",
    # A date in figures, where a list writes « 9 décembre 2026 ».
    r"\b\d{2}/\d{2}/\d{4}\b",
    # A colon, semicolon, question or exclamation mark glued to its word, where French
    # puts a space before it (« Bloc: Critiques », « Actuellement: »).
    r"(?<=[^\W\d_])[:;?!](?=\s|$)",
]
# English a stock admin shows; French words that look the same are left out.
ENGLISH_WORDS = [
    "add",
    "added",
    "changed",
    "delete",
    "deleted",
    "history",
    "save",
    "search",
    "filter",
    "home",
    "select",
    "show",
    "hide",
    "today",
    "now",
    "choose",
    "clear",
    "remove",
    "password",
    "username",
    "title",
    "status",
    "slug",
    "author",
    "authors",
    "tag",
    "tags",
    "tagged",
    "yes",
    "no",
    "the",
    "and",
    "of",
    "with",
    "for",
    "to",
    "all",
    "none",
    "unknown",
    "entries",
    "entry",
    "object",
    "objects",
    "user",
    "users",
    "group",
    "groups",
    "staff",
    "active",
    "view",
    "log",
    "out",
    "first",
    "last",
    "name",
    "email",
    "address",
    "joined",
    "login",
    "count",
    "item",
    "items",
    "run",
    "go",
    "back",
    "preview",
    "revisions",
    "revision",
    "caption",
    "credit",
    "width",
    "height",
    "file",
    "alt",
    "text",
]


def visible_text(html):
    """What a person reads on the page, or hears: text, and the labels held by attributes."""
    page = BeautifulSoup(html, "html.parser")
    for hidden in page(["script", "style", "template", "textarea", "noscript"]):
        hidden.decompose()
    pieces = [page.get_text(" ")]
    for element in page.find_all(True):
        for attribute in ("title", "alt", "placeholder", "aria-label"):
            if element.get(attribute):
                pieces.append(element[attribute])
        if element.name == "input" and element.get("type") in ("submit", "button"):
            pieces.append(element.get("value", ""))
    return " ".join(" ".join(pieces).split())


def english_field_names():
    """Each field's English name where French names it otherwise, and its Python name."""
    names = set()
    for model in admin.site._registry:
        for field in model._meta.get_fields():
            if not hasattr(field, "verbose_name"):
                continue
            if "_" in field.name:  # Others may be French words too: « article », « position ».
                names.add(field.name)
            with translation.override("en"):
                english = str(field.verbose_name)
            if english.lower() != str(field.verbose_name).lower():
                names.add(english)
    return names


def faults(html):
    text = visible_text(html)
    found = []
    for pattern in STOCK_PHRASES:
        found += [match.group() for match in re.finditer(pattern, text, re.IGNORECASE)]
    for word in ENGLISH_WORDS:
        found += re.findall(rf"(?<![\w’'-]){re.escape(word)}(?![\w’'-])", text, re.IGNORECASE)
    # As the admin shows a field's name: as written, or capitalised (« CC BY » is no « by »).
    for name in english_field_names():
        for word in {name, name[:1].upper() + name[1:]}:
            found += re.findall(rf"(?<![\w’'-]){re.escape(word)}(?![\w’'-])", text)
    return found


@pytest.fixture
def newsroom(editor, contributor):
    """One object of each model an editor works with, each with a history to show."""
    colleague = make_author(name="Zoé Arnaud", role="Critique cinéma")
    article = make_article(
        title="Le festival de Cannes s’ouvre",
        authors=[colleague, contributor.author_profile],
        status=Article.Status.REVIEW,
        published_at=datetime(2026, 12, 12, 6, 0, tzinfo=PARIS),
        tags=["Cannes"],
        section=make_section(name="Festivals", slug="festivals"),
        featured_image=make_image(alt_text="La Croisette", caption="Le tapis rouge"),
        reviewed_work=make_work(
            title="La Nuit du festival",
            slug="la-nuit-du-festival",
            release_date=date(2026, 12, 9),
            platform="Lumio",
            platform_date=date(2027, 3, 3),
        ),
        embargo_until=timezone.now() + timedelta(days=2),
    )
    article.save()  # A second revision, to compare and restore.
    EditorialAction.record(article, editor, EditorialAction.Kind.SUBMITTED)
    # As the workflow logs a date it sets.
    EditorialAction.record(
        article, editor, EditorialAction.Kind.SCHEDULED, workflow.paris_time(article.published_at)
    )
    # Rows of Django's stacked inlines, each titled by its kind.
    Correction.objects.create(article=article, text="Le film ouvre le festival, non le clôt.")
    front_page = FrontPage.objects.first() or FrontPage.objects.create()
    Block.objects.create(front_page=front_page, kind=Block.Kind.REVIEWS, heading="Critiques")
    PreviewLink.objects.create(
        article=article, created_by=editor, expires_at=timezone.now() + timedelta(days=1)
    )
    # An edition of the daily letter, with an article in it, to a reader.
    letter = Letter.objects.get(slug="la-quotidienne")
    edition = Edition.objects.create(letter=letter, subject="Ce matin", intro="Bonjour.")
    edition.items.create(article=article)
    reader = Subscriber.objects.create(email="lectrice@example.org", confirmed_at=timezone.now())
    reader.subscriptions.create(letter=letter, consented_at=timezone.now(), consent_text="Oui.")
    # Changes made through the admin's forms, stored as Django stores them (field names).
    client = logged_in(editor)
    section = article.section
    client.post(
        reverse("admin:articles_section_change", args=[section.pk]),
        {"name": "Festivals de cinéma", "slug": "festivals", "description": "", "position": 3},
    )
    samples = {
        model: model._default_manager.order_by("pk").first() for model in admin.site._registry
    }
    samples[Article] = article
    samples[Note] = notes.leave_note(article, editor, "Le deuxième intertitre est à revoir.")
    return samples


def model_admin_pages(samples):
    """The address of every GET page of every ModelAdmin, for its sample object."""
    for model, model_admin in admin.site._registry.items():
        sample = samples[model]
        if sample is None:
            continue
        for pattern in model_admin.get_urls():
            if pattern.name is None:
                continue
            arguments = {
                "object_id": sample.pk,
                "id": sample.pk,
                "pk": sample.pk,
                "link_id": getattr(samples[Article].preview_links.first(), "pk", None),
                "revision_id": samples[Article].history.first().history_id,
                "note_id": samples[Note].pk,
            }
            kwargs = {name: arguments[name] for name in pattern.pattern.converters}
            yield reverse(f"admin:{pattern.name}", kwargs=kwargs)


def site_pages():
    for pattern in admin.site.get_urls():
        if isinstance(pattern, URLResolver) or pattern.name in ("logout", "autocomplete"):
            continue
        if pattern.name == "app_list":
            for app_label in {model._meta.app_label for model in admin.site._registry}:
                yield reverse("admin:app_list", kwargs={"app_label": app_label})
        elif pattern.name in ("index", "calendar", "password_change", "password_change_done"):
            yield reverse(f"admin:{pattern.name}")
    yield reverse("security:two_factor")


def action_confirmations(client, samples):
    """The page each action asks its confirmation on, for the sample object."""
    request_user = User.objects.get(pk=client.session["_auth_user_id"])
    for model, model_admin in admin.site._registry.items():
        if samples[model] is None:
            continue
        changelist = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        request = type("Request", (), {"user": request_user, "GET": {}, "POST": {}})()
        for name in model_admin.get_actions(request):
            data = {"action": name, "_selected_action": [samples[model].pk], "index": 0}
            yield f"{changelist} ({name})", client.post(changelist, data, follow=True)


def readable_pages(user, samples):
    client = logged_in(user)
    for url in [*model_admin_pages(samples), *site_pages()]:
        with transaction.atomic():
            response = client.get(url, follow=True)
            transaction.set_rollback(True)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            yield url, response
    for label, response in action_confirmations(client, samples):
        if response.status_code == 200:
            yield label, response


@pytest.mark.parametrize("role", [EDITOR, CONTRIBUTOR])
def test_every_admin_page_speaks_a_newsroom_s_french(role, newsroom, editor, contributor):
    user = editor if role == EDITOR else contributor
    problems = {}
    read = 0
    for url, response in readable_pages(user, newsroom):
        read += 1
        found = faults(response.content.decode())
        if found:
            problems[url] = sorted(set(found))
    assert read > 20
    assert problems == {}, "\n".join(f"{url}: {words}" for url, words in problems.items())


def test_the_scan_catches_what_it_looks_for():
    assert faults("<p>Sélectionnez l’objet article à changer</p>")
    assert faults("<h1>Ajout de article</h1>")
    assert faults("<h2>TAGGIT</h2>")
    assert faults("<a title='Add another'>+</a>")
    assert faults("<td>2026-12-12 06:00</td>")
    assert faults("<td>published_at</td>")
    assert faults("<div class='breadcrumbs'>Articles › Ajouter article</div>")
    assert faults("<caption>OTP_TOTP</caption><a>TOTP devices</a>")
    assert faults("<h3><b>Bloc:</b> Critiques</h3>")
    assert faults("<p>Actuellement: <a>photo.jpg</a></p>")
    assert faults("<td>en salles le 09/12/2026</td>")
    assert not faults("<p>Bloc\u00a0: Critiques ; 16:9, pour les cartes</p>")
    assert not faults("<div class='breadcrumbs'>Images › Ajouter plusieurs images</div>")
    assert not faults("<td>12 décembre 2026 à 6 h 00</td>")
    assert not faults("<script>var add = 1;</script><p>Nouvel article</p>")


def test_history_names_the_fields_in_french(newsroom, editor):
    section = newsroom[Article].section

    page = logged_in(editor).get(reverse("admin:articles_section_history", args=[section.pk]))

    assert "Modifié : Nom et Position." in visible_text(page.content.decode())


def test_a_save_says_what_was_saved_without_django_s_stock_phrase(newsroom, editor):
    section = newsroom[Article].section

    response = logged_in(editor).post(
        reverse("admin:articles_section_change", args=[section.pk]),
        {"name": "Palmarès", "slug": "festivals", "description": "", "position": 3},
        follow=True,
    )

    [message] = [str(message) for message in response.context["messages"]]
    assert visible_text(message) == "Modifications enregistrées : rubrique « Palmarès »."


def test_lists_and_titles_read_as_a_newsroom_writes(newsroom, editor):
    client = logged_in(editor)

    articles = visible_text(client.get(reverse("admin:articles_article_changelist")).content)
    new_article = visible_text(client.get(reverse("admin:articles_article_add")).content)
    index = visible_text(client.get(reverse("admin:index")).content)

    assert "12 décembre 2026 à 6 h 00" in articles
    assert "Nouvel article" in articles
    assert "Nouvel article | Rédaction de Screenmania" in new_article
    assert "Étiquettes" in index


def test_the_author_box_and_page_show_the_role(client, newsroom):
    article = newsroom[Article]
    article.status = Article.Status.PUBLISHED
    article.published_at = timezone.now() - timedelta(hours=1)
    article.embargo_until = None
    article.save()
    author = article.authors.get(name="Zoé Arnaud")

    article_page = visible_text(client.get(article.get_absolute_url()).content)
    author_page = visible_text(client.get(author.get_absolute_url()).content)

    assert "Zoé Arnaud Critique cinéma" in article_page
    # On the author page, the role is the label above the name.
    assert "Critique cinéma Zoé Arnaud" in author_page


def test_a_taken_slug_names_the_article_that_holds_it(editor):
    make_article(title="Le palmarès de Cannes", slug="palmares")
    article = make_article(title="Cannes, le bilan", slug="bilan")
    data = article_fields(article, slug="palmares", **EMPTY_INLINES)

    response = logged_in(editor).post(
        reverse("admin:articles_article_change", args=[article.pk]), data
    )

    assert response.context["adminform"].form.errors["slug"] == [
        "Cet identifiant d’URL est déjà pris par « Le palmarès de Cannes »."
    ]


def test_tags_are_listed_among_the_articles(editor):
    page = BeautifulSoup(logged_in(editor).get(reverse("admin:index")).content, "html.parser")

    articles = page.select_one(".app-articles")
    assert "Étiquettes" in visible_text(str(articles))
    assert page.select_one(".app-taggit") is None


def test_the_login_page_speaks_a_newsroom_s_french(client):
    page = client.get(reverse("admin:login"))

    assert page.status_code == 200
    assert faults(page.content.decode()) == []


def test_the_deletion_summary_puts_a_space_before_its_colons(editor):
    article = make_article(title="À supprimer")
    client = logged_in(editor)

    page = client.get(reverse("admin:articles_article_delete", args=[article.pk]))

    content = BeautifulSoup(page.content, "html.parser")
    lines = [li.get_text() for li in content.select("#content li")]
    assert "Articles\u00a0: 1" in lines
    assert "Auteur\u00a0: Autrice" in " ".join(lines)
    assert any(line.startswith("Article\u00a0: À supprimer") for line in lines)
    assert not [line for line in lines if re.search(r"\w: ", line)]


def test_a_refused_deletion_says_why_in_french(editor):
    article = make_article(title="Cannes, jour 1", section=make_section(name="Festivals"))

    page = logged_in(editor).get(
        reverse("admin:articles_section_delete", args=[article.section_id])
    )

    content = BeautifulSoup(page.content, "html.parser")
    assert visible_text(str(content.select_one("#content h1"))) == (
        "Suppression impossible (rubrique)"
    )
    assert [li.get_text() for li in content.select("#content li")] == [
        "Article\u00a0: Cannes, jour 1"
    ]


def test_a_page_refused_to_a_contributor_says_so_in_french(contributor, editor):
    colleague_s = make_article(authors=[editor.author_profile], status=Article.Status.DRAFT)

    page = logged_in(contributor).get(
        reverse("admin:articles_article_change", args=[colleague_s.pk])
    )

    assert page.status_code == 403
    assert "Vous n’avez pas accès à cette page." in visible_text(page.content.decode())
    assert faults(page.content.decode()) == []


def test_the_front_page_is_one_crumb_and_its_blocks_titled_in_french(editor):
    front_page = FrontPage.objects.first() or FrontPage.objects.create()
    Block.objects.create(front_page=front_page, kind=Block.Kind.REVIEWS, heading="Critiques")
    client = logged_in(editor)

    page = BeautifulSoup(
        client.get(reverse("admin:frontpage_frontpage_change", args=[front_page.pk])).content,
        "html.parser",
    )
    history = BeautifulSoup(
        client.get(reverse("admin:frontpage_frontpage_history", args=[front_page.pk])).content,
        "html.parser",
    )

    # Its app, its list and itself all bear the name « Page d’accueil ».
    assert visible_text(str(page.select_one(".breadcrumbs"))) == "Accueil › Page d’accueil"
    assert visible_text(str(history.select_one(".breadcrumbs"))) == (
        "Accueil › Page d’accueil › Historique"
    )
    assert page.select_one("#blocks-0 h3 b").get_text() == "Bloc\u00a0:"


def test_the_history_names_each_member_by_their_byline(editor, contributor):
    article = make_article(authors=[contributor.author_profile])
    url = reverse("admin:articles_article_change", args=[article.pk])
    logged_in(editor).post(url, article_fields(article, title="Un autre titre", **EMPTY_INLINES))

    page = logged_in(contributor).get(reverse("admin:articles_article_history", args=[article.pk]))

    cells = BeautifulSoup(page.content, "html.parser").select("#change-history td")
    assert [visible_text(str(cell)) for cell in cells] == ["Ines", "Modifié : Titre."]


def test_the_library_s_filter_choices_are_capitalised_as_django_s_own(editor):
    page = BeautifulSoup(
        logged_in(editor).get(reverse("admin:images_image_changelist")).content, "html.parser"
    )

    choices = [visible_text(str(a)) for a in page.select("#changelist-filter li a")]
    assert {"Tout", "À écrire", "Paysage", "Carrée", "Utilisée nulle part"} <= set(choices)
    assert [choice for choice in choices if not choice[:1].isupper()] == []


@pytest.mark.parametrize(
    ("model", "label"),
    [
        ("images_image", "Enregistrer et ajouter une autre image"),
        ("articles_section", "Enregistrer et ajouter une autre rubrique"),
        ("taggit_tag", "Enregistrer et ajouter une autre étiquette"),
        ("works_work", "Enregistrer et ajouter une autre œuvre"),
    ],
)
def test_add_another_agrees_with_what_it_adds(admin_client, model, label):
    page = admin_client.get(reverse(f"admin:{model}_add"))

    content = BeautifulSoup(page.content, "html.parser")
    assert content.select_one("input[name=_addanother]")["value"] == label


def test_the_security_apps_are_named_in_french_for_administrators(administrator):
    client = logged_in(administrator)
    index = client.get(reverse("admin:index")).content.decode()
    apps = [
        client.get(reverse("admin:app_list", args=[app_label])).content.decode()
        for app_label in ("axes", "otp_totp")
    ]

    assert [faults(page) for page in (index, *apps)] == [[], [], []]
    captions = BeautifulSoup(index, "html.parser").select("caption a")
    assert {"Sécurité des connexions", "Vérification en deux étapes"} <= {
        caption.get_text(strip=True) for caption in captions
    }
    assert "Applications d’authentification" in visible_text(index)


def test_roles_and_accounts_name_their_permissions_in_french(administrator, editor):
    client = logged_in(administrator)
    role = editor.groups.get()
    pages = [
        client.get(reverse("admin:auth_group_change", args=[role.pk])),
        client.get(reverse("admin:auth_user_change", args=[editor.pk])),
    ]

    for page in pages:
        content = BeautifulSoup(page.content, "html.parser")
        labels = [option.get_text() for option in content.select("select[multiple] option")]
        assert "Articles | article | Ajouter" in labels
        assert "Articles | article | Peut publier, programmer et dépublier des articles" in labels
        assert [label for label in labels if "Can " in label] == []


def test_what_a_deleted_account_takes_is_named_in_french(administrator, editor):
    TOTPDevice.objects.create(user=editor, name="Téléphone")
    StaticDevice.objects.create(user=editor, name="Codes de secours")

    page = logged_in(administrator).get(reverse("admin:auth_user_delete", args=[editor.pk]))

    lines = [
        li.get_text(" ", strip=True)
        for li in BeautifulSoup(page.content, "html.parser").select("#content li")
    ]
    assert "Applications d’authentification\u00a0: 1" in lines
    assert "Jeux de codes de secours\u00a0: 1" in lines
    assert faults(page.content.decode()) == []


def each_model_s_page(client, view):
    """(model name, parsed page) of each registered model's ``view`` that ``client`` may open."""
    for model in admin.site._registry:
        opts = model._meta
        page = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}"))
        if page.status_code == 200:
            yield opts.model_name, BeautifulSoup(page.content, "html.parser")


@pytest.mark.parametrize("role", [EDITOR, CONTRIBUTOR, ADMINISTRATOR])
def test_filters_are_headed_by_a_name_that_reads_as_a_heading(
    role, newsroom, editor, contributor, administrator
):
    user = {EDITOR: editor, CONTRIBUTOR: contributor, ADMINISTRATOR: administrator}[role]
    TOTPDevice.objects.create(user=administrator, name="Téléphone", confirmed=True)
    Image.objects.update(uploaded_by=editor)
    headings = {
        model_name: [
            visible_text(str(summary))
            for summary in page.select("#changelist-filter details[data-filter-title] summary")
        ]
        for model_name, page in each_model_s_page(logged_in(user), "changelist")
    }

    assert headings["image"] == [
        "Texte alternatif",
        "Orientation",
        "Utilisation",
        "Générée par IA",
        "Décorative",
        "Envoyée par",
        "Date d’ajout",
    ]
    # The sections' filter shows from two sections on.
    assert headings["article"] == ["Statut", "Embargo", "Étiquettes", "Auteurs"]
    if role == ADMINISTRATOR:
        assert headings["totpdevice"] == [
            "Date d’ajout",
            "Dernière utilisation",
            "Configurée sur le téléphone",
        ]
    for model_name, titles in headings.items():
        for title in titles:
            # « Par » before a field's name read « Par ajoutée le », « Par générée par IA ».
            assert not title.startswith("Par "), (model_name, title)
            assert title[:1].isupper() and not faults(f"<p>{title}</p>"), (model_name, title)


def test_every_add_page_is_named_as_its_title_says(administrator):
    named = {
        model_name: (
            visible_text(str(page.select_one(".breadcrumbs"))).split(" › ")[-1],
            visible_text(str(page.select_one("#content h1"))),
        )
        for model_name, page in each_model_s_page(logged_in(administrator), "add")
    }

    assert named["article"] == ("Nouvel article", "Nouvel article")
    assert named["image"] == ("Nouvelle image", "Nouvelle image")
    assert named["user"] == ("Nouvel utilisateur", "Nouvel utilisateur")
    assert named["totpdevice"][0] == "Nouvelle application d’authentification"
    assert [model for model, (crumb, title) in named.items() if crumb != title] == []
