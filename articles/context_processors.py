from django.conf import settings

from .models import Section


def site(request):
    """What base.html needs on every page: the site's name, origin and sections."""
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_URL": settings.SITE_URL,
        # Lazy: evaluated only where a template iterates it (one query), so
        # pages that do not show the navigation, like the admin, pay nothing.
        "nav_sections": Section.objects.all(),
    }
