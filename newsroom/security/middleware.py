from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode

from newsroom.security.two_factor import must_use_two_factor


class TwoFactorRequiredMiddleware:
    """
    Sends a member of a group that must use two-step verification, whose
    session has not given a code, to the two-step page before any admin page:
    it sets up a device or asks for the code of the one they have.

    Only admin URLs are looked at, before ``request.user`` is touched: reader
    pages keep loading no session and varying on no cookie.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self.is_guarded(request.path) and self.must_verify(request.user):
            url = reverse("security:two_factor")
            if request.method in ("GET", "HEAD"):
                url += f"?{urlencode({'next': request.get_full_path()})}"
            return HttpResponseRedirect(url)
        return self.get_response(request)

    @staticmethod
    def is_guarded(path):
        if not path.startswith(reverse("admin:index")):
            return False
        # Logging in (perhaps as someone else), logging out and the two-step
        # pages themselves stay open.
        open_paths = (
            reverse("admin:login"),
            reverse("admin:logout"),
            reverse("security:two_factor"),
        )
        return not path.startswith(open_paths)

    @staticmethod
    def must_verify(user):
        # Cheapest first: the session says whether it is verified; the groups
        # cost a query, and none at all when no group is named.
        return (
            user.is_active
            and user.is_staff
            and not user.is_verified()
            and must_use_two_factor(user)
        )
