"""
The newsletter's pages for readers: the subscription form and the pages reached by the
signed links of its messages (newsletter/links.py).

None of them sets a cookie, so none carries a CSRF token: the form is answered with
csrf_exempt, which costs nothing here, since a forged submission can only ask for a
confirmation message to the address typed (throttled by address and by client, and
sent to that address only); and the pages behind signed links are reached by a token
an attacker would need to hold, which is what CSRF protection would check.
"""

import json

from axes.helpers import get_client_ip_address
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from django.views.generic import TemplateView

from newsletter import links, subscribing
from newsletter.confirmation import queue_confirmation
from newsletter.forms import PreferencesForm, SubscribeForm
from newsletter.models import Letter
from reader.views.articles import PublicPageMixin


def personal(response):
    """A page for one reader: no shared cache keeps it, and no crawler lists it."""
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def form_data(request):
    """The submitted fields, or None for a body past Django's limits (read no further)."""
    try:
        return request.POST
    except (RequestDataTooBig, TooManyFieldsSent):
        return None


@method_decorator(csrf_exempt, name="dispatch")
class SubscribeView(PublicPageMixin, TemplateView):
    """The form on a page of its own; the article pages' form is answered here too."""

    template_name = "newsletter/subscribe.html"
    http_method_names = ["get", "head", "post"]

    def shown(self, context):
        return [Letter]

    def get_context_data(self, **kwargs):
        return super().get_context_data(form=SubscribeForm(), **kwargs)

    def post(self, request):
        data = form_data(request)
        if data is None:
            return self.refused(SubscribeForm(), _("The form sent was too long."), status=400)
        form = SubscribeForm(data)
        if form.filled_by_a_robot:
            # Answered as a success, so that the robot learns nothing to adapt to.
            return redirect("newsletter:subscribed")
        client = get_client_ip_address(request) or "unknown"
        if not subscribing.within_rate("client", client, subscribing.REQUESTS_PER_CLIENT):
            return self.refused(form, _("Too many requests from your connection."), status=429)
        if not form.is_valid():
            return self.refused(form, status=200)
        address = subscribing.normalize_address(form.cleaned_data["email"]).lower()
        if not subscribing.within_rate("address", address, subscribing.REQUESTS_PER_ADDRESS):
            return self.refused(form, _("Too many requests for this address."), status=429)
        subscriber = subscribing.subscribe(
            form.cleaned_data["email"], form.cleaned_data["letters"], form.consent_texts()
        )
        queue_confirmation(subscriber)
        return redirect("newsletter:subscribed")

    def refused(self, form, reason=None, *, status):
        context = {"form": form, "reason": reason, "retry_later": status == 429}
        return personal(render(self.request, self.template_name, context, status=status))


subscribe = SubscribeView.as_view()


class SubscribedView(PublicPageMixin, TemplateView):
    template_name = "newsletter/subscribed.html"

    def shown(self, context):
        return []

    def get_context_data(self, **kwargs):
        return super().get_context_data(valid_days=links.CONFIRM.max_age.days, **kwargs)


def signed_link(purpose, token):
    """The link's subscriber and letter, or the French page saying why it does not open."""
    try:
        return links.read_token(purpose, token), None
    except links.BrokenLink as problem:
        return None, problem


def broken_link(request, problem):
    if isinstance(problem, links.ExpiredLink):
        kind, status = "expired", 410
    elif isinstance(problem, links.UnknownSubscriber):
        kind, status = "unknown", 404
    else:
        kind, status = "broken", 404
    context = {"problem": kind, "form": SubscribeForm()}
    return personal(render(request, "newsletter/broken_link.html", context, status=status))


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request, token):
    """
    Confirms on a button, not on the link itself: mail filters follow links to check
    them, and would confirm addresses nobody looked at.
    """
    link, problem = signed_link(links.CONFIRM, token)
    if problem:
        return broken_link(request, problem)
    subscriber = link.subscriber
    if request.method == "POST":
        subscribing.confirm(subscriber)
    context = {
        "subscriber": subscriber,
        "letters": Letter.objects.filter(subscriptions__subscriber=subscriber),
        "preferences_url": links.preferences_url(subscriber),
    }
    return personal(render(request, "newsletter/confirm.html", context))


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def preferences(request, token):
    link, problem = signed_link(links.PREFERENCES, token)
    if problem:
        return broken_link(request, problem)
    subscriber = link.subscriber
    form = PreferencesForm(
        initial={"letters": Letter.objects.filter(subscriptions__subscriber=subscriber)}
    )
    saved = erase_unsure = None
    if request.method == "POST":
        data = form_data(request) or {}
        action = data.get("action")
        if action == "erase" and data.get("sure"):
            subscribing.erase(subscriber)
            return personal(render(request, "newsletter/erased.html"))
        if action == "unsubscribe":
            subscribing.unsubscribe(subscriber)
            return unsubscribed(request, subscriber, letter=None)
        if action == "save":
            form = PreferencesForm(data)
            if form.is_valid():
                subscribing.change_letters(
                    subscriber, form.cleaned_data["letters"], form.consent_texts()
                )
                # A reader who chooses letters from a link sent to the address owns it.
                subscribing.confirm(subscriber)
                saved = form.cleaned_data["letters"]
                form = PreferencesForm(initial={"letters": saved})
        elif action == "erase":
            erase_unsure = True
    context = {
        "subscriber": subscriber,
        "form": form,
        "saved": saved,
        "erase_unsure": erase_unsure,
        "download_url": links.absolute_url("newsletter:download", token),
    }
    return personal(render(request, "newsletter/preferences.html", context))


@require_http_methods(["GET", "HEAD"])
def download(request, token):
    link, problem = signed_link(links.PREFERENCES, token)
    if problem:
        return broken_link(request, problem)
    held = subscribing.held_about(link.subscriber)
    response = HttpResponse(
        json.dumps(held, ensure_ascii=False, indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = 'attachment; filename="newsletter.json"'
    return personal(response)


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token):
    """
    The https target of List-Unsubscribe. Mail clients POST List-Unsubscribe=One-Click
    to it (RFC 8058) with no cookie and expect it done: no confirmation asked. A GET,
    from the link opened in a browser (or a mail filter checking it), only shows a button.
    """
    link, problem = signed_link(links.UNSUBSCRIBE, token)
    if problem:
        return broken_link(request, problem)
    if request.method == "POST":
        subscribing.unsubscribe(link.subscriber, link.letter)
        return unsubscribed(request, link.subscriber, link.letter)
    context = {"letter": link.letter, "subscriber": link.subscriber}
    return personal(render(request, "newsletter/unsubscribe.html", context))


def unsubscribed(request, subscriber, letter):
    context = {
        "letter": letter,
        "subscriber": subscriber,
        "preferences_url": links.preferences_url(subscriber),
    }
    return personal(render(request, "newsletter/unsubscribed.html", context))
