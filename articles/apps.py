from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("Articles")

    def ready(self):
        import pagecache

        from . import signals  # noqa: F401
        from .models import Article

        # Time is the one change that sends no signal: the page cache asks what is due
        # when; any change to a scheduled article stamps the list of articles.
        pagecache.register_schedule(Article.objects.scheduled_changes, pagecache.list_key(Article))
