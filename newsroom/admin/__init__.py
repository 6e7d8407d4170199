# Django's admin autodiscovery imports ``newsroom.admin``: every ModelAdmin of the
# newsroom registers itself from here, whatever app its model belongs to.
from newsroom.admin import (  # noqa: F401
    accounts,
    articles,
    authors,
    frontpage,
    images,
    newsletter,
    redirects,
    sitepages,
    tags,
    works,
)
