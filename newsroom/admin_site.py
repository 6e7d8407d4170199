"""
The newsroom's admin site: Django's, whose « view on site » shortcut
(``admin/r/<content type>/<id>/``) redirects to an object's public address only
for someone who may change the object, or when readers may open that address.
Django's own shortcut redirects any staff account to any object's address, and
an article's address is its slug: a draft's, an embargoed review's.

What readers may open is what a ModelAdmin's ``view_on_site`` says: a callable
returns None for an object they cannot see (an article not yet live); True means
every object of the model has a public page.

Its home is the newsroom's desk, per role (newsroom/desk.py).
"""

from functools import wraps

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.contenttypes.models import ContentType
from django.http import Http404, HttpResponseRedirect
from django.urls import path
from django.utils.translation import gettext_lazy as _

from newsroom.calendar import NewsroomCalendar
from newsroom.desk import desk_for


class ChooserJsonView(AutocompleteJsonView):
    """Django's autocomplete answers, with what the model's admin adds to each choice."""

    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        # An image's admin adds its thumbnail (newsroom/admin/images.py).
        describe = getattr(self.model_admin, "chooser_result", None)
        return {**result, **describe(obj)} if describe else result


class NewsroomAdminSite(admin.AdminSite):
    # The home is the desk (newsroom/desk.py); the list of models is its sidebar.
    index_template = "admin/desk.html"
    index_title = _("Desk")

    def index(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "desk": desk_for(request.user)}
        return super().index(request, extra_context)

    def autocomplete_view(self, request):
        return ChooserJsonView.as_view(admin_site=self)(request)

    def admin_view(self, view, cacheable=False):
        """
        Every admin view, its query string's NUL characters taken out: PostgreSQL refuses
        them in a query, so a search or an autocomplete term holding one answered 500.
        No text in the newsroom can hold one, so a search with one finds the same.
        """
        guarded = super().admin_view(view, cacheable)

        @wraps(view)
        def without_nul(request, *args, **kwargs):
            if "%00" in request.META.get("QUERY_STRING", ""):
                cleaned = request.GET.copy()
                for name, values in request.GET.lists():
                    cleaned.setlist(name, [value.replace("\x00", "") for value in values])
                request.GET = cleaned
            return guarded(request, *args, **kwargs)

        return without_nul

    def get_urls(self):
        site_urls = [
            path(
                "r/<path:content_type_id>/<path:object_id>/",
                self.admin_view(self.view_on_site),
                name="view_on_site",
            )
            if getattr(url, "name", None) == "view_on_site"
            else url
            for url in super().get_urls()
        ]
        return [*NewsroomCalendar(self).get_urls(), *site_urls]

    def view_on_site(self, request, content_type_id, object_id):
        address = self.public_address(request, content_type_id, object_id)
        if address is None:
            # The same answer whether the object exists or not.
            raise Http404
        return HttpResponseRedirect(address)

    def public_address(self, request, content_type_id, object_id):
        """The address of the object for ``request.user``, or None when it is not theirs to know."""
        try:
            model = ContentType.objects.get_for_id(int(content_type_id)).model_class()
        except (ContentType.DoesNotExist, ValueError):
            return None
        if model is None or not self.is_registered(model):
            return None
        model_admin = self.get_model_admin(model)
        obj = model_admin.get_object(request, unquote(object_id))
        if obj is None or not hasattr(obj, "get_absolute_url"):
            return None
        if model_admin.has_change_permission(request, obj):
            return obj.get_absolute_url()
        if callable(model_admin.view_on_site):
            return model_admin.view_on_site(obj)
        return obj.get_absolute_url() if model_admin.view_on_site else None

    def get_app_list(self, request, app_label=None):
        """
        The apps and their models, tags among the articles' models: editors set tags
        on articles, and would not look for them in an app of their own.
        """
        apps = super().get_app_list(request, app_label)
        if app_label is not None:
            return apps
        articles = next((app for app in apps if app["app_label"] == "articles"), None)
        tags = next((app for app in apps if app["app_label"] == "taggit"), None)
        if articles is None or tags is None:
            return apps
        articles["models"] = sorted(
            [*articles["models"], *tags["models"]], key=lambda model: model["name"].lower()
        )
        return [app for app in apps if app is not tags]
