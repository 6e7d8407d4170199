from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("Articles")

    def ready(self):
        import pagecache

        from . import signals  # noqa: F401
        from .models import Article

        # Time is the one change that sends no signal: the page cache asks when it is due.
        pagecache.register_schedule(Article.objects.next_publication_time)
