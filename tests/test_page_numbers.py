"""A list's pages have one address each: any other page number is a 404, never an error."""

import pytest
from django.test import Client, override_settings

from tests.conftest import made_once
from tests.pages import public_pages

pytestmark = pytest.mark.django_db

LISTS = ["home", "section", "tag", "author", "work", "search", "home (English)", "search (English)"]

NOT_PAGE_NUMBERS = [
    "768614336404564652",  # past what a database skips rows by
    "99999999999999999999999999",
    "1000000000",
    "0",
    "-1",
    "02",
    "+2",
    "2.0",
    "1e9",
    "2_0",
    " 2",
    "２",  # full-width digits
    "٢",  # Arabic-Indic digits
    "last",
    "",
    "%00",
]


@pytest.fixture(scope="module")
def pages(django_db_setup, django_db_blocker, tmp_path_factory):
    """
    The site of every public page, made once for the module's tests, which only read it;
    its images' files in a folder of the module's.
    """
    with (
        override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")),
        made_once(django_db_blocker, public_pages) as pages,
    ):
        yield pages


@pytest.fixture
def client():
    return Client(raise_request_exception=False)


def with_page(path, number):
    return f"{path}{'&' if '?' in path else '?'}page={number}"


@pytest.mark.parametrize("name", LISTS)
def test_a_list_answers_its_pages(client, pages, name):
    # Page 1 has one address, the list's own: ?page=1 moves there for good.
    first = client.get(with_page(pages[name], 1))
    assert (first.status_code, first["Location"]) == (301, pages[name])
    assert client.get(pages[name]).status_code == 200
    assert client.get(with_page(pages[name], 2)).status_code == 200
    assert client.get(with_page(pages[name], 3)).status_code == 404


def statuses(client, address):
    """The status of the page at ``address(number)`` for each of NOT_PAGE_NUMBERS."""
    return {number: client.get(address(number)).status_code for number in NOT_PAGE_NUMBERS}


@pytest.mark.parametrize("name", LISTS)
def test_anything_else_is_not_found(client, pages, name):
    answered = statuses(client, lambda number: with_page(pages[name], number))
    assert answered == dict.fromkeys(NOT_PAGE_NUMBERS, 404)


@pytest.mark.parametrize("name", ["articles sitemap", "news sitemap"])
def test_sitemaps_take_the_same_page_numbers(client, pages, name):
    assert client.get(f"{pages[name]}?p=1").status_code == 200
    answered = statuses(client, lambda number: f"{pages[name]}?p={number}")
    assert answered == dict.fromkeys(NOT_PAGE_NUMBERS, 404)
