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
    assert "tourneraient en rond" in refused.value.messages[0]
    with pytest.raises(ValidationError):
        Redirect.objects.point("/a/", "/a/")
    assert dict(Redirect.objects.values_list("old_path", "target")) == {"/a/": "/b/"}


def test_a_target_on_the_site_s_own_host_is_kept_as_its_path(settings):
    settings.SITE_URL = "https://www.screenmania.example"
    Redirect.objects.point("/b/", "/c/")
    redirect = Redirect.objects.point("/a/", "https://www.screenmania.example/b/")
    # As a path, the chain through /b/ is seen and collapsed.
    assert redirect.target == "/c/"
    elsewhere = Redirect.objects.point("/d/", "https://ailleurs.example/b/")
    assert elsewhere.target == "https://ailleurs.example/b/"


@pytest.mark.parametrize(
    "target", ["articles/x/", "//ailleurs.example/", "javascript:alert(1)", ""]
)
def test_what_is_no_address_is_refused_as_a_target(target):
    with pytest.raises(ValidationError):
        Redirect.objects.point("/a/", target)
    assert not Redirect.objects.exists()


def test_gone_replaces_a_redirect_and_a_redirect_replaces_gone():
    Redirect.objects.point("/a/", "/b/")
    assert Redirect.objects.gone("/a/").target == ""
    redirect = Redirect.objects.point("/a/", "/c/", status=302)
    assert (redirect.status, redirect.target, Redirect.objects.count()) == (302, "/c/", 1)


def test_an_old_address_too_long_to_keep_is_refused_in_french():
    with pytest.raises(ValidationError) as refused:
        Redirect.objects.gone("/" + "a" * 600 + "/")
    assert refused.value.messages == [
        "Une ancienne adresse compte 500 caractères au plus\u00a0: celle-ci en a 602."
    ]
