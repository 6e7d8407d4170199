"""A NUL byte in an admin search or autocomplete term is taken out, never a 500 (PostgreSQL)."""

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.factories import logged_in, make_work

pytestmark = pytest.mark.django_db


def test_every_admin_search_with_a_nul_byte_answers(administrator):
    client = logged_in(administrator, raise_request_exception=False)
    searchable = [
        model for model, model_admin in admin.site._registry.items() if model_admin.search_fields
    ]
    assert searchable
    for model in searchable:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert client.get(url, {"q": "a\x00b"}).status_code == 200, url


def test_an_autocomplete_term_with_a_nul_byte_finds_what_it_would_without(editor):
    make_work(title="Marée basse")
    query = {
        "term": "Mar\x00ée",
        "app_label": "articles",
        "model_name": "article",
        "field_name": "works",
    }

    response = logged_in(editor).get(reverse("admin:autocomplete"), query)

    assert response.status_code == 200
    (found,) = response.json()["results"]
    assert found["text"].startswith("Marée basse")
