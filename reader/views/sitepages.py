from django.views.generic import DetailView

from reader.views.articles import PublicPageMixin
from sitepages.models import SitePage


class SitePageView(PublicPageMixin, DetailView):
    model = SitePage
    template_name = "sitepages/page.html"
    context_object_name = "page"

    def shown(self, context):
        return [self.object]
