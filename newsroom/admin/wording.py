"""
The titles Django's admin builds by pasting a model's name into a sentence read,
in French, « Ajout de article », « Sélectionnez l’objet rubrique à changer »:
French puts an article and a gender before the name, which no pasting gets
right. Each newsroom admin says its own titles; the list is titled with the
plural name, as a newsroom calls it (« Articles », « Rubriques »).

Django's other pasted sentences (messages, deletion pages) are reworded in
locale/fr, where a wording that needs no gender can be found.
"""

from django.contrib.admin.models import LogEntry
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import pgettext

from authors.models import Author
from newsroom.history import describe_change


class WordingMixin:
    # « Nouvel article »; « Modifier l’article »; « Consulter l’article »
    add_title = None
    change_title = None
    view_title = None
    # « Enregistrer et ajouter une autre image »: Django's « … un nouveau » has no noun
    # to agree with, and reads as masculine.
    add_another_title = None

    def changelist_view(self, request, extra_context=None):
        title = {"title": capfirst(self.opts.verbose_name_plural)}
        return super().changelist_view(request, {**title, **(extra_context or {})})

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        response = super().render_change_form(request, context, add, change, form_url, obj)
        if add:
            title = self.add_title
        elif response.context_data["has_change_permission"]:
            title = self.change_title
        else:
            title = self.view_title
        if title:
            response.context_data["title"] = title
        if self.add_another_title:
            response.context_data["add_another_title"] = self.add_another_title
        return response

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        # The rows Django makes to link two models (« Relation article-work :
        # Article_works object (1) ») are no thing of their own to an editor: they
        # go with what they link, as the page says already.
        links = [
            field.remote_field.through._meta
            for field in self.opts.many_to_many
            if field.remote_field.through._meta.auto_created
        ]
        for opts in links:
            counts.pop(opts.verbose_name_plural, None)
        prefixes = tuple(f"{capfirst(opts.verbose_name)}: " for opts in links)
        deleted = punctuated(without_links(deleted, prefixes))
        return deleted, counts, perms_needed, punctuated(protected)

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        entries = [
            entry
            for entry in getattr(response, "context_data", {}).get("action_list", [])
            if isinstance(entry, LogEntry)
        ]
        # Each member by their byline, as the desk names them: one query for the page.
        bylines = dict(
            Author.objects.filter(user__in={entry.user_id for entry in entries}).values_list(
                "user_id", "name"
            )
        )
        for entry in entries:
            entry.description = describe_change(entry)
            entry.member = bylines.get(entry.user_id) or entry.user.get_full_name()
        return response


def titled(list_filter, title):
    """
    ``list_filter`` headed by ``title`` rather than by its field's name, where that
    name is no heading (« ajoutée le », « par »).
    """

    class Titled(list_filter):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.title = title

    return Titled


def punctuated(nested):
    """
    Django writes each line « Auteur: Inès Marchand », its colon pasted in code; the
    line is rebuilt with the active language's own punctuation (« Auteur : … »).
    """
    kept = []
    for item in nested:
        if isinstance(item, list):
            kept.append(punctuated(item))
            continue
        label, colon, rest = str(item).partition(": ")
        if colon:
            # The pieces come from an escaped line: rebuilt, they stay as safe as it was.
            line = pgettext("a label and what it names", "%(label)s: %(value)s") % {
                "label": label,
                "value": rest,
            }
            item = mark_safe(line) if isinstance(item, SafeString) else line  # noqa: S308
        kept.append(item)
    return kept


def without_links(nested, prefixes):
    """The nested list of what a deletion takes, less the lines that start with ``prefixes``."""
    kept = []
    for item in nested:
        if isinstance(item, list):
            kept.append(without_links(item, prefixes))
        elif not str(item).startswith(prefixes):
            kept.append(item)
    return [item for item in kept if item != []]
