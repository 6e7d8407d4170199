"""The redirect table: old addresses kept in one form, chains collapsed, loops refused."""

import pytest
from django.core.exceptions import ValidationError

from redirects.models import Redirect

pytestmark = pytest.mark.django_db


def test_old_addresses_are_kept_as_decoded_paths_with_only_wordpress_queries():
    assert (
        Redirect.objects.point("https://ancien.example/2023/07/28/%C3%A9t%C3%A9/#x", "/a/").old_path
        == "/2023/07/28/été/"
    )
    assert Redirect.objects.point("/?p=123&utm_source=x", "/b/").old_path == "/?p=123"
    assert Redirect.objects.point("/ancien/?utm_source=x", "/c/").old_path == "/ancien/"


def test_a_chain_is_collapsed_both_ways():
    Redirect.objects.point("/a/", "/b/")
    Redirect.objects.point("/b/", "/c/")
    assert dict(Redirect.objects.values_list("old_path", "target")) == {"/a/": "/c/", "/b/": "/c/"}
    Redirect.objects.point("/z/", "/a/")
    assert Redirect.objects.get(old_path="/z/").target == "/c/"


def test_a_loop_is_refused_in_french():
    Redirect.objects.point("/a/", "/b/")
    with pytest.raises(ValidationError) as refused:
        Redirect.objects.point("/b/", "/a/")
    assert "tourner en rond" in refused.value.messages[0]
    with pytest.raises(ValidationError):
        Redirect.objects.point("/a/", "/a/")
    assert dict(Redirect.objects.values_list("old_path", "target")) == {"/a/": "/b/"}
