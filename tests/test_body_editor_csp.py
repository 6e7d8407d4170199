"""
The body editor's one exception to the strict CSP: CodeMirror writes its rules in a
<style> element, let in by a nonce that only the article form asks for.
"""

from django.urls import reverse

from tests.factories import make_article
from tests.pages import soup
from tests.test_security_headers import csp_directives


def test_the_article_form_lets_in_the_editors_style_element_by_nonce(admin_client):
    article = make_article()

    response = admin_client.get(reverse("admin:articles_article_change", args=[article.pk]))

    csp = csp_directives(response["Content-Security-Policy"])
    nonce = soup(response).find(id="writing-tools")["data-style-nonce"]
    assert len(nonce) >= 16
    assert csp["style-src"] == ["'self'", f"'nonce-{nonce}'"]
    # Scripts stay our own files: no nonce, no inline script, no eval.
    assert csp["script-src"] == ["'self'"]


def test_other_pages_keep_style_src_self_alone(admin_client, client):
    article = make_article()

    for response in (
        admin_client.get(reverse("admin:articles_article_changelist")),
        client.get(article.get_absolute_url()),
    ):
        assert response.status_code == 200
        assert csp_directives(response["Content-Security-Policy"])["style-src"] == ["'self'"]


def test_each_page_gets_its_own_nonce(admin_client):
    url = reverse("admin:articles_article_change", args=[make_article().pk])

    first, second = (
        csp_directives(admin_client.get(url)["Content-Security-Policy"])["style-src"]
        for _ in range(2)
    )

    assert first != second
