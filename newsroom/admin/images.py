"""
The image library in the admin: upload, describe, find and reuse images.

Thumbnails come from the renditions drawn at upload, never from the original, which
may weigh several megabytes. An image shown anywhere cannot be deleted (its relations
are PROTECT): the library counts and lists those places, so the editor knows what to
change first.
"""

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.forms.utils import flatatt
from django.http import HttpResponseNotAllowed, JsonResponse
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, path, reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from images.forms import ImageForm
from images.models import Image
from images.validators import ImageFileField, over_the_limit_message
from markup.references import SCHEME
from newsroom.admin.wording import WordingMixin

ADMIN_CSS = {"all": ["admin-extra/admin.css"]}

# Enough to recognise the picture one is looking for; a search narrows down the rest.
LIBRARY_LIMIT = 24
LIBRARY_THUMBNAIL = (160, 120)
PREVIEW_SIZE = (480, 360)
# What an upload from the article form may send beside the file: the description
# fields and the multipart framing, a few kilobytes at most.
UPLOAD_FORM_ALLOWANCE = 64 * 1024
DESCRIPTION_FIELDS = [
    "alt_text",
    "is_decorative",
    "caption",
    "credit",
    "licence",
    "is_ai_generated",
    "title",
]
# An upload from the article form: the file and its description, no focal point yet.
UPLOAD_FIELDS = ["file", *DESCRIPTION_FIELDS]


def fitted(image, max_width, max_height):
    """
    What an <img> of ``image`` needs to fit the box: the renditions of its own
    proportions as a ``srcset`` (the browser takes the smallest one sharp at that
    size and screen density) and the size it is shown at.
    """
    picture = image.picture("full")
    width, height = picture.width or max_width, picture.height or max_height
    scale = min(max_width / width, max_height / height, 1)
    shown_width = max(round(width * scale), 1)
    return {
        "url": picture.src,
        "srcset": picture.srcset,
        "sizes": f"{shown_width}px" if picture.srcset else "",
        "width": shown_width,
        "height": max(round(height * scale), 1),
    }


def thumbnail(image, max_width=80, max_height=60):
    """A lazy <img> of ``image`` scaled to fit the box, with its size known before it loads."""
    if image is None or not image.file:
        return None
    size = fitted(image, max_width, max_height)
    attributes = {"src": size["url"], "width": size["width"], "height": size["height"]}
    if size["srcset"]:
        attributes.update(srcset=size["srcset"], sizes=size["sizes"])
    attributes.update({"alt": "", "loading": "lazy", "class": "admin-thumbnail"})
    return format_html("<img{}>", flatatt(attributes))


def library_entry(image):
    """``image`` as the article form's image dialogs show it, with the Markdown that inserts it."""
    return {
        "id": image.pk,
        "title": str(image),
        "alt": image.alt,
        "caption": image.caption,
        "credit": image.credit,
        "thumbnail": fitted(image, *LIBRARY_THUMBNAIL),
        "markdown": f"![]({SCHEME}:{image.pk})",
    }


def declared_length(request):
    """The body's length as the request declares it (Django reads no more than that)."""
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def with_usage_total(images):
    """``images`` with ``usage_total``, the places each is shown, counted in the same query."""
    counts = [
        Coalesce(
            Subquery(
                relation.related_model._base_manager.filter(**{relation.field.name: OuterRef("pk")})
                .order_by()
                .values(relation.field.name)
                .annotate(total=Count("pk"))
                .values("total")
            ),
            0,
        )
        for relation in Image.protecting_relations()
    ]
    return images.annotate(usage_total=sum(counts, Value(0)))


@admin.register(Image)
class ImageAdmin(WordingMixin, admin.ModelAdmin):
    add_title = _("New image")
    change_title = _("Edit the image")
    view_title = _("Read the image")
    add_another_title = _("Save and add another image")
    form = ImageForm
    list_display = [
        "list_thumbnail",
        "name",
        "dimensions",
        "usage_count",
        "is_ai_generated",
        "credit",
    ]
    list_display_links = ["list_thumbnail", "name"]
    list_filter = ["is_ai_generated", "is_decorative", "created_at"]
    search_fields = ["title", "alt_text", "caption", "credit", "licence"]
    readonly_fields = ["preview", "dimensions", "used_in"]
    fieldsets = [
        (None, {"fields": ["file", "preview", ("focal_x", "focal_y"), "dimensions"]}),
        (_("Description"), {"fields": DESCRIPTION_FIELDS}),
        (_("Where the image is used"), {"fields": ["used_in"]}),
    ]
    formfield_overrides = {models.ImageField: {"form_class": ImageFileField}}
    list_per_page = 50

    class Media:
        css = ADMIN_CSS
        js = ["admin-extra/focal-point.js"]

    def get_queryset(self, request):
        return with_usage_total(super().get_queryset(request))

    @method_decorator(csrf_protect)
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # ModelAdmin runs a post in one transaction, and on SQLite a transaction takes
        # the write lock as it begins (transaction_mode IMMEDIATE): decoding, cleaning
        # and drawing a large photo, seconds of it, would keep every other writer
        # waiting, logins included. Here the form does the pixel work outside any
        # transaction, and Image.save() writes the row and what embeds the image in a
        # short one of its own; the history line follows in another.
        return self._changeform_view(request, object_id, form_url, extra_context)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        # A new image is used nowhere yet.
        return fieldsets if obj is not None else fieldsets[:-1]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in {"focal_x", "focal_y"}:
            # Also gives the number inputs their min and max, for the browser to check.
            kwargs.update(min_value=0, max_value=1)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_urls(self):
        library = path(
            "library/",
            self.admin_site.admin_view(self.library_view),
            name="images_image_library",
        )
        upload = path(
            "upload/",
            # Exempt here, checked in the view once the size is known: the CSRF check
            # reads the whole body, which must not happen for an oversized one.
            self.admin_site.admin_view(csrf_exempt(self.upload_view)),
            name="images_image_upload",
        )
        return [library, upload, *super().get_urls()]

    def library_view(self, request):
        """The latest images matching ``?q=``, as JSON, for the Image button of the article form."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        query = request.GET.get("q", "").strip()[:100]
        images, _duplicates = self.get_search_results(
            request, Image.objects.order_by("-created_at", "-pk"), query
        )
        return JsonResponse({"results": [library_entry(image) for image in images[:LIBRARY_LIMIT]]})

    def upload_view(self, request):
        """
        One image dropped, pasted or chosen in the article form (image-upload.js), put in
        the library by the library's own form: the same checks, cleaning and renditions,
        the same history line. Answers the image as the library lists it, or each
        field's errors.
        """
        if not self.has_add_permission(request):
            raise PermissionDenied
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if declared_length(request) > settings.IMAGE_MAX_UPLOAD_BYTES + UPLOAD_FORM_ALLOWANCE:
            # Refused on the declared length, before a byte of the body is read.
            return JsonResponse({"errors": {"file": [over_the_limit_message()]}}, status=413)
        return csrf_protect(self.add_uploaded_image)(request)

    def add_uploaded_image(self, request):
        if len(request.FILES) > 1 or len(request.FILES.getlist("file")) > 1:
            message = gettext("Send one image at a time.")
            return JsonResponse({"errors": {"file": [message]}}, status=400)
        form = self.get_form(request, fields=UPLOAD_FIELDS)(request.POST, request.FILES)
        # Validated outside any transaction, as the library's own form is (see
        # changeform_view): the pixel work must not hold the database's write lock.
        if not form.is_valid():
            errors = {
                field: [str(message) for message in messages]
                for field, messages in form.errors.items()
            }
            return JsonResponse({"errors": errors}, status=400)
        image = form.save(commit=False)
        self.save_model(request, image, form, change=False)
        self.log_addition(request, image, self.construct_change_message(request, form, None, True))
        return JsonResponse(library_entry(image), status=201)

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        places = self.places_of_use(objs) if protected else []
        if places:
            # Refused however broad the account's rights: what helps is where each
            # image is used, not which kinds of object the account may not delete.
            protected, perms_needed = places, set()
        return deleted, counts, perms_needed, protected

    def places_of_use(self, images):
        """Where ``images`` are used: a list for one image, each image with its list for several."""
        images = list(images)
        if len(images) == 1:
            return self.usage_entries(images[0])
        places = []
        for image in images:
            entries = self.usage_entries(image)
            if entries:
                places.extend([str(image), entries])
        return places

    def usage_entries(self, image):
        return [self.usage_entry(image, usage) for usage in image.usages()]

    def usage_entry(self, image, usage):
        """
        One place ``image`` is shown, as "how: where", linked to the admin page where
        it can be replaced: "Avatar: <a>Marie</a>". A row with no page of its own (the
        image in an article's text) is named after its model and links to its owner.
        """
        fields = usage._meta.concrete_fields
        if self.admin_site.is_registered(type(usage)):
            how = next(
                field.verbose_name
                for field in fields
                if field.related_model is Image and field.value_from_object(usage) == image.pk
            )
            owner = usage
        else:
            how = usage._meta.verbose_name
            owner = next(
                (
                    getattr(usage, field.name)
                    for field in fields
                    if field.many_to_one
                    and field.related_model is not Image
                    and self.admin_site.is_registered(field.related_model)
                ),
                None,
            )
        url = owner and self.change_url(owner)
        place = usage if url is None else format_html('<a href="{}">{}</a>', url, usage)
        # Translators: how an image is used, then where, e.g. "Avatar: Marie Lenoir".
        return format_html(gettext("{use}: {place}"), use=capfirst(how), place=place)

    def change_url(self, obj):
        opts = obj._meta
        try:
            return reverse(
                f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_change",
                args=[quote(obj.pk)],
            )
        except NoReverseMatch:
            return None

    @admin.display(description=_("image"))
    def list_thumbnail(self, image):
        return thumbnail(image)

    @admin.display(description=_("title"), ordering="title")
    def name(self, image):
        return str(image)

    @admin.display(description=_("preview"))
    def preview(self, image):
        if not image.pk or not image.file:
            return self.get_empty_value_display()
        return render_to_string(
            "admin/images/image/includes/focal_point.html",
            {"image": fitted(image, *PREVIEW_SIZE)},
        )

    @admin.display(description=_("size in pixels"))
    def dimensions(self, image):
        if not image.width or not image.height:
            return self.get_empty_value_display()
        return f"{image.width} × {image.height}"

    @admin.display(description=_("used in"), ordering="usage_total")
    def usage_count(self, image):
        return image.usage_total

    @admin.display(description=_("used in"))
    def used_in(self, image):
        entries = self.usage_entries(image)
        if not entries:
            return _("Nowhere yet: the image can be deleted.")
        return format_html(
            '<ul class="image-usages">{}</ul>',
            format_html_join("", "<li>{}</li>", ((entry,) for entry in entries)),
        )
