"""
Pages of article lists that never count the whole list.

On a large magazine the count is what a list page costs: behind « page 3 of 8,081 », a
COUNT(*) reads every published article of the home page, a tag or an author, on every
request, where the page itself reads thirteen rows down an index. Readers of a news list
go to newer or older articles, not to page 4,000, so these pages read one article more than
they show to know whether an older page follows, and never say how many there are.
"""

import re

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.http import Http404

# How every list, sitemaps included, writes a page number: ASCII digits without a leading
# zero. int() also takes « ２ », « +2 », « 0_2 » and spaces around the digits: as many
# addresses for one page, each a copy in the page cache. Nine digits number far more pages
# than a magazine fills, and keep the rows skipped to reach one within the 64-bit integers
# databases count them in: past that, SQLite and PostgreSQL fail rather than return an
# empty page.
PAGE_NUMBER = re.compile(r"[1-9][0-9]{0,8}")


def page_number(query, name="page"):
    """
    The page number in ``query`` (request.GET), 1 when absent; a 404 for anything but a
    page number as the site writes it.
    """
    value = query.get(name)
    if value is None:
        return 1
    if not PAGE_NUMBER.fullmatch(value):
        raise Http404(f"?{name}= is not a page number")
    return int(value)


class SequentialPaginator(Paginator):
    # Unknown without counting. ListView reads it only for ``?page=last``, which then
    # asks for page None: refused like any malformed page number, with a 404.
    num_pages = None

    def validate_number(self, number):
        """A whole number from 1: whether that page has articles is known once it is read."""
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if not rows and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        return SequentialPage(rows[: self.per_page], number, self, rows[self.per_page :])


class SequentialPage(Page):
    def __init__(self, object_list, number, paginator, following):
        super().__init__(object_list, number, paginator)
        self._has_next = bool(following)

    def has_next(self):
        return self._has_next

    def start_index(self):
        return (self.number - 1) * self.paginator.per_page + 1 if self.object_list else 0

    def end_index(self):
        return self.start_index() + len(self.object_list) - 1 if self.object_list else 0
