"""
The redirect table in the admin: editors list, search, filter, add and change redirects
(chains collapsed, loops refused in French), export the table as CSV and import it back,
all or nothing; contributors are refused, on the server.
"""

import csv
import io

import pytest
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from redirects.csv_files import MAX_ROWS
from redirects.models import Redirect
from tests.factories import logged_in

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:redirects_redirect_changelist")
ADD = reverse("admin:redirects_redirect_add")
IMPORT = reverse("admin:redirects_redirect_import")
EXPORT = reverse("admin:redirects_redirect_export")


def csv_file(text, name="redirections.csv"):
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def problems(response):
    page = BeautifulSoup(response.content, "html.parser")
    return [item.get_text() for item in page.select(".errornote .errorlist li")]


def test_the_list_shows_each_redirect_with_its_visits_and_origin_in_french(editor):
    Redirect.objects.point("/?p=12", "/articles/tournage/", source="wordpress")
    Redirect.objects.gone("/retire/")
    page = BeautifulSoup(logged_in(editor).get(CHANGELIST).content, "html.parser")
    headers = [th.get_text(strip=True) for th in page.select("#result_list thead th")]
    assert headers[1:] == [
        "Ancienne adresse",
        "Nouvelle adresse",
        "Réponse",
        "Visites",
        "Dernière visite",
        "Origine",
    ]
    rows = [
        [td.get_text(strip=True) for td in tr.select("th, td")]
        for tr in page.select("#result_list tbody tr")
    ]
    assert rows[0][1:5] == ["/?p=12", "/articles/tournage/", "Permanente (301)", "0"]
    assert rows[0][6] == "Import WordPress"
    assert rows[1][1:4] == ["/retire/", "-", "Retirée volontairement (410)"]
    assert "Importer un fichier CSV" in page.select_one(".object-tools").get_text()


def test_the_list_searches_and_filters(editor):
    Redirect.objects.point("/2023/07/28/cannes/", "/articles/cannes/", source="wordpress")
    Redirect.objects.point("/festival/", "/articles/venise/")
    visited = Redirect.objects.point("/vieux/", "/articles/cannes/")
    Redirect.objects.count_hit(visited)
    client = logged_in(editor)

    def listed(query):
        page = BeautifulSoup(client.get(CHANGELIST + query).content, "html.parser")
        return [th.get_text(strip=True) for th in page.select("#result_list tbody th")]

    assert listed("?q=cannes") == ["/2023/07/28/cannes/", "/vieux/"]
    assert listed("?source__exact=wordpress") == ["/2023/07/28/cannes/"]
    assert listed("?visited=no") == ["/2023/07/28/cannes/", "/festival/"]
    assert listed("?visited=yes") == ["/vieux/"]


def test_an_editor_adds_a_redirect_whose_chain_is_collapsed(editor):
    Redirect.objects.point("/b/", "/c/")
    response = logged_in(editor).post(ADD, {"old_path": "/a/", "status": "301", "target": "/b/"})
    assert response.status_code == 302
    assert Redirect.objects.get(old_path="/a/").target == "/c/"
    assert Redirect.objects.get(old_path="/a/").source == "manual"


def test_a_loop_is_refused_in_the_form_in_french(editor):
    Redirect.objects.point("/b/", "/a/")
    response = logged_in(editor).post(ADD, {"old_path": "/a/", "status": "301", "target": "/b/"})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["target"] == [
        "«\u00a0/a/\u00a0» ne peut pas mener à «\u00a0/b/\u00a0»\u00a0: cette adresse y ramène, "
        "et les lecteurs tourneraient en rond."
    ]
    assert not Redirect.objects.filter(old_path="/a/").exists()


def test_the_form_refuses_what_is_no_address_in_french(editor):
    client = logged_in(editor)
    response = client.post(ADD, {"old_path": "ancien", "status": "301", "target": "ailleurs"})
    errors = response.context["adminform"].form.errors
    assert errors["old_path"] == [
        "Commencez l’ancienne adresse par «\u00a0/\u00a0», comme dans /2023/07/28/titre/."
    ]
    response = client.post(ADD, {"old_path": "/a/", "status": "302", "target": ""})
    assert response.context["adminform"].form.errors["target"] == [
        "Indiquez où mène l’ancienne adresse, ou choisissez «\u00a0Retirée volontairement "
        "(410)\u00a0»."
    ]
    Redirect.objects.point("/deja/", "/")
    response = client.post(
        ADD, {"old_path": "/deja/?utm_source=x", "status": "301", "target": "/b/"}
    )
    assert response.context["adminform"].form.errors["old_path"] == [
        "Cette ancienne adresse a déjà une redirection\u00a0: cherchez-la dans la liste."
    ]


def test_changing_a_redirect_s_old_address_moves_it(editor):
    redirect = Redirect.objects.point("/avant/", "/articles/a/")
    url = reverse("admin:redirects_redirect_change", args=[redirect.pk])
    response = logged_in(editor).post(
        url, {"old_path": "/apres/", "status": "410", "target": "/x/"}
    )
    assert response.status_code == 302
    assert list(Redirect.objects.values_list("old_path", "status", "target")) == [
        ("/apres/", 410, "")
    ]


def test_the_export_reads_back_into_the_same_table(editor):
    Redirect.objects.point("/?p=12", "/articles/tournage/", source="wordpress")
    Redirect.objects.point("/2023/07/28/été/", "https://ailleurs.example/page", status=302)
    Redirect.objects.gone("/retire/")
    client = logged_in(editor)
    exported = client.get(EXPORT)
    assert exported["Content-Type"] == "text/csv; charset=utf-8"
    assert exported["Content-Disposition"].startswith('attachment; filename="redirections-')
    table = list(csv.DictReader(io.StringIO(exported.content.decode())))
    assert [(row["old_path"], row["target"], row["status"]) for row in table] == [
        ("/2023/07/28/été/", "https://ailleurs.example/page", "302"),
        ("/?p=12", "/articles/tournage/", "301"),
        ("/retire/", "", "410"),
    ]
    before = set(Redirect.objects.values_list("old_path", "target", "status"))
    Redirect.objects.all().delete()

    response = client.post(IMPORT, {"file": csv_file(exported.content.decode())})
    assert response.status_code == 302
    assert set(Redirect.objects.values_list("old_path", "target", "status")) == before
    assert set(Redirect.objects.values_list("source", flat=True)) == {"csv"}
    listed = client.get(response["Location"])
    assert "3 redirections importées." in [str(m) for m in listed.context["messages"]]


def test_a_french_spreadsheet_s_semicolons_are_read(editor):
    text = "\ufeffold_path;target;status\n/ancien/;/articles/nouveau/;301\n"
    response = logged_in(editor).post(IMPORT, {"file": csv_file(text)})
    assert response.status_code == 302
    assert Redirect.objects.get(old_path="/ancien/").target == "/articles/nouveau/"


def test_a_bad_file_is_refused_whole_each_line_said_in_french(editor):
    Redirect.objects.point("/b/", "/a/")
    text = (
        "old_path,target,status\n"
        "/bon/,/articles/bon/,301\n"
        "pas-un-chemin,/articles/x/,301\n"
        "/statut/,/articles/x/,303\n"
        "/vide/,,302\n"
        "/bon/,/articles/autre/,301\n"
        "/cible/,javascript:alert(1),301\n"
    )
    response = logged_in(editor).post(IMPORT, {"file": csv_file(text)})
    assert response.status_code == 200
    assert problems(response) == [
        "Ligne 3\u00a0: l’ancienne adresse «\u00a0pas-un-chemin\u00a0» ne commence pas par "
        "«\u00a0/\u00a0».",
        "Ligne 4\u00a0: la réponse «\u00a0303\u00a0» n’est ni 301, ni 302, ni 410.",
        "Ligne 5\u00a0: une redirection 301 ou 302 a besoin d’une nouvelle adresse.",
        "Ligne 6\u00a0: «\u00a0/bon/\u00a0» figure déjà ligne 2.",
        "Ligne 7\u00a0: «\u00a0javascript:alert(1)\u00a0» n’est ni un chemin du site "
        "(commençant par «\u00a0/\u00a0») ni une adresse commençant par https://.",
    ]
    summary = BeautifulSoup(response.content, "html.parser").select_one(".errornote p")
    assert summary.get_text() == "Le fichier n’a pas été importé\u00a0: 5 problèmes à corriger."
    assert not Redirect.objects.filter(old_path="/bon/").exists()


def test_a_loop_in_the_file_undoes_the_whole_import(editor):
    text = "old_path,target,status\n/un/,/deux/,301\n/deux/,/un/,301\n"
    response = logged_in(editor).post(IMPORT, {"file": csv_file(text)})
    assert problems(response) == [
        "Ligne 3\u00a0: «\u00a0/deux/\u00a0» ne peut pas mener à «\u00a0/un/\u00a0»\u00a0: cette "
        "adresse y ramène, et les lecteurs tourneraient en rond."
    ]
    assert not Redirect.objects.exists()


def test_an_import_is_bounded_in_lines_and_size(editor, settings):
    client = logged_in(editor)
    lines = "".join(f"/{n}/,/articles/a/,301\n" for n in range(MAX_ROWS + 1))
    response = client.post(IMPORT, {"file": csv_file("old_path,target,status\n" + lines)})
    assert problems(response) == [
        "Le fichier compte plus de 2000 lignes de redirections\u00a0: découpez-le en plusieurs."
    ]
    heavy = "old_path,target,status\n" + f"/a/,/{'x' * 1024 * 1024}/,301\n"
    response = client.post(IMPORT, {"file": csv_file(heavy)})
    assert problems(response)[0].startswith(
        "Le fichier pèse 1024\u00a0Ko\u00a0: 1024\u00a0Ko au plus"
    )
    assert not Redirect.objects.exists()


def test_a_file_without_the_columns_or_in_another_encoding_is_refused(editor):
    client = logged_in(editor)
    response = client.post(IMPORT, {"file": csv_file("ancien,nouveau\n/a/,/b/\n")})
    assert problems(response) == [
        "La ligne 1 doit nommer les colonnes, comme le fait un export\u00a0: old_path, target, "
        "status. Manquantes\u00a0: old_path, target, status."
    ]
    latin = SimpleUploadedFile("r.csv", "old_path,target,status\n/été/,/b/,301\n".encode("latin-1"))
    response = client.post(IMPORT, {"file": latin})
    assert problems(response) == [
        "Le fichier n’est pas du texte UTF-8\u00a0: enregistrez-le depuis le tableur au format "
        "«\u00a0CSV UTF-8\u00a0»."
    ]


@pytest.mark.parametrize(
    "url",
    [CHANGELIST, ADD, IMPORT, EXPORT],
)
def test_a_contributor_cannot_open_the_redirects(contributor, url):
    assert logged_in(contributor).get(url).status_code == 403


def test_a_contributor_cannot_post_a_redirect_or_an_import(contributor):
    client = logged_in(contributor)
    assert (
        client.post(ADD, {"old_path": "/a/", "status": "301", "target": "/b/"}).status_code == 403
    )
    text = "old_path,target,status\n/a/,/b/,301\n"
    assert client.post(IMPORT, {"file": csv_file(text)}).status_code == 403
    assert not Redirect.objects.exists()
