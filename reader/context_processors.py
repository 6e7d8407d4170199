from django.conf import settings


def site(request):
    """What base.html needs on every page: the site's name and origin."""
    return {"SITE_NAME": settings.SITE_NAME, "SITE_URL": settings.SITE_URL}
