from django import template

from newsletter.forms import SubscribeForm

register = template.Library()


@register.inclusion_tag("includes/newsletter_signup.html")
def newsletter_signup():
    """The subscription form, blank: it is part of pages every reader is served alike."""
    return {"form": SubscribeForm()}
