"""
The image library in the admin: upload, describe, find and reuse images.

The library is a grid of thumbnails (the admin's table stays one click away), files
are dropped by the dozen on its upload page, and every chooser of an image shows its
thumbnail and title. Thumbnails come from the renditions drawn at upload, never from
the original, which may weigh several megabytes. An image shown anywhere cannot be
deleted (its relations are PROTECT): the library counts and lists those places, so
the editor knows what to change first.
"""

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import widgets
from django.contrib.admin.utils import quote
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.forms import Media, modelformset_factory
from django.forms.utils import flatatt
from django.http import HttpResponseNotAllowed, HttpResponseRedirect, JsonResponse
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.text import capfirst
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from images import renditions
from images.forms import DescribedLaterForm, ImageForm, KeptUploadForm
from images.models import Image, ImageQuerySet
from images.validators import ImageFileField, over_the_limit_message
from markup.references import LARGEST_ID, SCHEME
from newsroom.admin.labels import NamedAutocompleteSelect
from newsroom.admin.wording import WordingMixin, titled

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
ARTICLE_UPLOAD_FIELDS = ["file", *DESCRIPTION_FIELDS]
GRID_THUMBNAIL = (240, 180)
CHOOSER_THUMBNAIL = (64, 48)
# The box each crop is shown in, side by side under the preview.
CROP_PREVIEW_SIZE = (192, 108)
CROP_LABELS = {
    "wide": _("16:9, for cards"),
    "square": _("Square, for portraits"),
    renditions.SOCIAL_CARD: _("Social card, 1200 × 630"),
}
# ``?vue=liste`` shows the library as the admin's table, sortable by column.
LAYOUT_VAR = "vue"
LIST_LAYOUT = "liste"
# What the upload page asks once for every file it is given.
UPLOAD_FIELDS = ["file", "licence", "credit"]
# What the describing page asks of each image.
DESCRIBE_FIELDS = ["alt_text", "is_decorative", "title", "caption"]
# What the file picker offers; the checks are images/validators.py's.
ACCEPTED_TYPES = ["image/jpeg", "image/png", "image/gif", "image/webp", "image/avif"]


def fitted(image, max_width, max_height):
    """
    What an <img> of ``image`` needs to fit the box: the renditions of its own
    proportions as a ``srcset`` (the browser takes the smallest one sharp at that
    size and screen density) and the size it is shown at.
    """
    picture = image.picture("full")
    size = fitted_size(
        picture.width or max_width, picture.height or max_height, max_width, max_height
    )
    return {
        "url": picture.src,
        "srcset": picture.srcset,
        "sizes": f"{size['width']}px" if picture.srcset else "",
        **size,
    }


def fitted_size(width, height, max_width, max_height):
    """``width`` × ``height`` scaled down, proportions kept, to fit the box."""
    scale = min(max_width / width, max_height / height, 1)
    return {"width": max(round(width * scale), 1), "height": max(round(height * scale), 1)}


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


def asked_numbers(text):
    """
    The library numbers in ``text`` (``12,14``), or None unless it is up to
    LIBRARY_LIMIT numbers a library image could have.
    """
    parts = text.split(",")
    if len(parts) > LIBRARY_LIMIT or not all(map(is_number, parts)):
        return None
    numbers = [int(part) for part in parts]
    # A larger number, typed by mistake, must not reach a query (SQLite raises OverflowError).
    return None if any(number > LARGEST_ID for number in numbers) else numbers


def is_number(text):
    # Bounded before int() reads it: Python refuses to read over 4,300 digits, slowly.
    return text.isascii() and text.isdigit() and len(text) <= len(str(LARGEST_ID))


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


class OptionsFilter(admin.SimpleListFilter):
    """A filter whose ``options`` map each value to its label and what it keeps."""

    options = {}

    def lookups(self, request, model_admin):
        # Capitalised as Django's own choices beside them (« Tout », « Oui »).
        return [(value, capfirst(label)) for value, (label, _keep) in self.options.items()]

    def queryset(self, request, queryset):
        if self.value() in self.options:
            _label, keep = self.options[self.value()]
            return keep(queryset)
        return queryset


class OrientationFilter(OptionsFilter):
    title = _("orientation")
    parameter_name = "orientation"
    options = {
        "paysage": (_("landscape"), ImageQuerySet.landscape),
        "portrait": (_("portrait"), ImageQuerySet.portrait),
        "carre": (_("square"), ImageQuerySet.square),
    }


class DescriptionFilter(OptionsFilter):
    title = _("alternative text")
    parameter_name = "description"
    options = {"manquante": (_("to write"), ImageQuerySet.needing_description)}


class UsageFilter(OptionsFilter):
    title = _("use")
    parameter_name = "usage"
    # usage_total is the admin queryset's count of places (with_usage_total()).
    options = {
        "oui": (_("used"), lambda images: images.filter(usage_total__gt=0)),
        "non": (_("used nowhere"), lambda images: images.filter(usage_total=0)),
    }


class LibraryChangeList(ChangeList):
    """
    The library's list: a grid of cards, each thumbnail at its own proportions, or
    the admin's table with ``?vue=liste``; filters, search and pages are the same.
    """

    def __init__(self, request, *args, **kwargs):
        self.layout = "list" if request.GET.get(LAYOUT_VAR) == LIST_LAYOUT else "grid"
        super().__init__(request, *args, **kwargs)
        self.grid_url = self.get_query_string(remove=[LAYOUT_VAR])
        self.list_url = self.get_query_string({LAYOUT_VAR: LIST_LAYOUT})

    def get_filters_params(self, params=None):
        # The layout is no filter: kept in every link, never looked up.
        lookup_params = super().get_filters_params(params)
        lookup_params.pop(LAYOUT_VAR, None)
        return lookup_params

    @cached_property
    def cards(self):
        return [
            {
                "image": image,
                "thumbnail": fitted(image, *GRID_THUMBNAIL),
                "url": self.url_for_result(image),
            }
            for image in self.result_list
        ]


class ImageChooser(NamedAutocompleteSelect):
    """The admin's autocomplete for an image, whose choices show their thumbnail."""

    def build_attrs(self, base_attrs, extra_attrs=None):
        return {**super().build_attrs(base_attrs, extra_attrs), "data-image-chooser": ""}

    @property
    def media(self):
        # Listed with autocomplete.js, whose set-up it wraps: Media orders files only
        # within each list, and a list of one could land before it. The naming of the
        # combobox wraps it in turn, to name the images' too.
        return super().media + Media(
            js=[
                "admin/js/autocomplete.js",
                "admin-extra/image-chooser.js",
                "admin-extra/autocomplete-names.js",
            ],
            css={"all": ["admin-extra/library.css"]},
        )


class ImageFileWidget(widgets.AdminFileWidget):
    # The admin's template glues a colon to these words (« Actuellement: »): the
    # catalogue gives each the space its language puts before it.
    initial_text = pgettext_lazy("file input, before its colon", "Currently")
    input_text = pgettext_lazy("file input, before its colon", "Change")


class ImageChooserMixin:
    """For ModelAdmins whose autocomplete fields choose images: thumbnails in the choices."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Image and db_field.name in self.get_autocomplete_fields(
            request
        ):
            kwargs["widget"] = ImageChooser(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Image)
class ImageAdmin(WordingMixin, admin.ModelAdmin):
    add_title = _("New image")
    change_title = _("Edit the image")
    view_title = _("Read the image")
    add_another_title = _("Save and add another image")
    form = KeptUploadForm
    list_display = [
        "list_thumbnail",
        "name",
        "dimensions",
        "usage_count",
        "is_ai_generated",
        "credit",
    ]
    list_display_links = ["list_thumbnail", "name"]
    list_filter = [
        DescriptionFilter,
        OrientationFilter,
        UsageFilter,
        "is_ai_generated",
        "is_decorative",
        ("uploaded_by", admin.RelatedOnlyFieldListFilter),
        ("created_at", titled(admin.DateFieldListFilter, _("date added"))),
    ]
    search_fields = ["title", "alt_text", "caption", "credit", "licence"]
    readonly_fields = ["preview", "dimensions", "used_in"]
    fieldsets = [
        (None, {"fields": ["file", "preview", ("focal_x", "focal_y"), "dimensions"]}),
        (_("Description"), {"fields": DESCRIPTION_FIELDS}),
        (_("Where the image is used"), {"fields": ["used_in"]}),
    ]
    formfield_overrides = {
        models.ImageField: {"form_class": ImageFileField, "widget": ImageFileWidget}
    }
    list_per_page = 50

    class Media:
        css = {"all": ["admin-extra/library.css"]}
        js = ["admin-extra/focal-point.js", "admin-extra/crop-previews.js"]

    def get_queryset(self, request):
        return with_usage_total(super().get_queryset(request))

    def get_changelist(self, request, **kwargs):
        return LibraryChangeList

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        # A kept upload is signed for the account that sent it.
        return type(form.__name__, (form,), {"uploader": request.user})

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)
        if hasattr(form, "forget_kept_upload"):
            form.forget_kept_upload()

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        form = context["adminform"].form
        if getattr(form, "kept", None):
            context["kept_upload"] = {
                **form.kept,
                **fitted_size(form.kept["width"], form.kept["height"], *PREVIEW_SIZE),
                "url": form.kept_url,
            }
        return super().render_change_form(request, context, add, change, form_url, obj)

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
            self.admin_site.admin_view(self.upload_view),
            name="images_image_upload",
        )
        describe = path(
            "describe/",
            self.admin_site.admin_view(self.describe_view),
            name="images_image_describe",
        )
        from_article = path(
            "from-article/",
            # Exempt here, checked in the view once the size is known: the CSRF check
            # reads the whole body, which must not happen for an oversized one.
            self.admin_site.admin_view(csrf_exempt(self.upload_from_article_view)),
            name="images_image_from_article",
        )
        return [library, upload, describe, from_article, *super().get_urls()]

    def describable(self, request):
        """
        The images ``request.user`` may describe: any with the right to change images,
        else those they uploaded themselves (a contributor adds images but changes none,
        and would otherwise leave their own uploads without alt text).
        """
        if self.has_change_permission(request):
            return Image.objects.all()
        if self.has_add_permission(request):
            return Image.objects.filter(uploaded_by=request.user)
        raise PermissionDenied

    def describe_view(self, request):
        """
        The alt text (and title and caption) of several images in one form: those
        ``?id=`` names, as the upload page links to them, else those still lacking it.
        """
        images = self.describable(request).order_by("-created_at", "-pk")
        chosen = [value for value in request.GET.getlist("id") if value.isdigit()]
        images = images.filter(pk__in=chosen) if chosen else images.needing_description()
        DescribeFormSet = modelformset_factory(
            Image, form=ImageForm, fields=DESCRIBE_FIELDS, extra=0
        )
        formset = DescribeFormSet(request.POST or None, queryset=images[:LIBRARY_LIMIT])
        if request.method == "POST" and formset.is_valid():
            for form in formset.forms:
                if form.has_changed():
                    image = form.save()
                    self.log_change(request, image, [{"changed": {"fields": form.changed_data}}])
            self.message_user(request, gettext("The images are described."), messages.SUCCESS)
            return HttpResponseRedirect(reverse("admin:images_image_changelist"))
        rows = [
            {"form": form, "thumbnail": fitted(form.instance, *GRID_THUMBNAIL)}
            for form in formset.forms
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Describe the images"),
            "formset": formset,
            "rows": rows,
            "media": self.media + formset.media,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/images/image/describe.html", context)

    def upload_form(self, request):
        return self.get_form(request, fields=UPLOAD_FIELDS, form=DescribedLaterForm)

    def upload_view(self, request):
        """
        Several files at once, each through the image form's checks and cleaning.
        library-upload.js sends them one per request, asking for JSON, to show each one's
        progress; without JavaScript the form posts them all and the page lists
        what became of each.
        """
        if not self.has_add_permission(request):
            raise PermissionDenied
        UploadForm = self.upload_form(request)
        shared = UploadForm(request.POST or None)
        results = []
        if request.method == "POST":
            uploads = request.FILES.getlist("file")
            # The licence and credit hold for every file: their errors are said once.
            shared.is_valid()
            shared_errors = {name for name in shared.errors if name != "file"}
            if not shared_errors:
                results = [self.upload_one(request, UploadForm, upload) for upload in uploads]
            if self.wants_json(request):
                return self.upload_json(shared, shared_errors, results)
            # The page shows each file's own errors; the shared form has no file of its own.
            shared.errors.pop("file", None)
            if not uploads:
                shared.add_error("file", gettext("Choose or drop at least one image."))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Add several images"),
            "form": shared,
            "results": results,
            "described": urlencode([("id", result["id"]) for result in results if "id" in result]),
            "accept": ",".join(ACCEPTED_TYPES),
            "max_size": settings.IMAGE_MAX_UPLOAD_BYTES,
            "media": self.media + shared.media + Media(js=["admin-extra/library-upload.js"]),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/images/image/upload.html", context)

    def upload_one(self, request, UploadForm, upload):
        form = UploadForm(request.POST, {"file": upload})
        if not form.is_valid():
            return {"name": upload.name, "errors": self.error_lines(form)}
        image = form.save(commit=False)
        image.uploaded_by = request.user
        image.save()
        self.log_addition(request, image, [{"added": {}}])
        return {
            "name": upload.name,
            "id": image.pk,
            "title": str(image),
            "url": f"{reverse('admin:images_image_describe')}?id={image.pk}",
            "thumbnail": fitted(image, *LIBRARY_THUMBNAIL),
        }

    @staticmethod
    def error_lines(form, leave_out=()):
        """The form's errors as sentences, each but the file's after its field's name."""
        lines = []
        for name, errors in form.errors.items():
            if name in leave_out:
                continue
            for error in errors:
                if name in form.fields and name != "file":
                    # Translators: a field's name, then what is wrong with it.
                    error = gettext("{field}: {error}").format(
                        field=capfirst(form.fields[name].label), error=error
                    )
                lines.append(error)
        return lines

    @staticmethod
    def wants_json(request):
        return request.headers.get("Accept", "").startswith("application/json")

    def upload_json(self, shared, shared_errors, results):
        if shared_errors:
            errors = self.error_lines(shared, leave_out=["file"])
            return JsonResponse({"errors": errors}, status=400)
        if len(results) != 1:
            return JsonResponse({"errors": [gettext("Send one image per request.")]}, status=400)
        (result,) = results
        if "errors" in result:
            return JsonResponse({"errors": result["errors"]}, status=400)
        return JsonResponse(result, status=201)

    def chooser_result(self, image):
        """What an autocomplete choice of an image adds to its title: its thumbnail."""
        return {"thumbnail": fitted(image, *CHOOSER_THUMBNAIL)}

    def library_view(self, request):
        """
        The latest images matching ``?q=``, as JSON, for the Image button of the article
        form; or, with ``?ids=12,14``, those of these numbers the library holds, for the
        body's formatted view to show the images the text names.
        """
        if not self.has_view_permission(request):
            raise PermissionDenied
        if "ids" in request.GET:
            numbers = asked_numbers(request.GET["ids"])
            if numbers is None:
                message = gettext("Ask for up to %(limit)s image numbers, separated by commas.")
                return JsonResponse({"error": message % {"limit": LIBRARY_LIMIT}}, status=400)
            images = Image.objects.filter(pk__in=numbers).order_by("pk")
            return JsonResponse({"results": [library_entry(image) for image in images]})
        query = request.GET.get("q", "").strip()[:100]
        images, _duplicates = self.get_search_results(
            request, Image.objects.order_by("-created_at", "-pk"), query
        )
        return JsonResponse({"results": [library_entry(image) for image in images[:LIBRARY_LIMIT]]})

    def upload_from_article_view(self, request):
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
        UploadForm = self.get_form(request, fields=ARTICLE_UPLOAD_FIELDS, form=ImageForm)
        form = UploadForm(request.POST, request.FILES)
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
            {"image": fitted(image, *PREVIEW_SIZE), "crops": self.crops(image), "original": image},
        )

    def crops(self, image):
        """
        The crops pages cut from ``image``, each as its rendition: what the server drew
        for the saved focal point. crop-previews.js redraws them as the point moves.
        """
        shapes = [
            (shape, spec["ratio"])
            for shape, spec in settings.IMAGE_RENDITIONS.items()
            if spec.get("ratio")
        ]
        shapes.append((renditions.SOCIAL_CARD, renditions.SOCIAL_CARD_SIZE))
        crops = []
        max_width, max_height = CROP_PREVIEW_SIZE
        for shape, (ratio_width, ratio_height) in shapes:
            picture = image.picture(shape)
            scale = min(max_width / ratio_width, max_height / ratio_height)
            crops.append(
                {
                    "label": CROP_LABELS.get(shape, f"{ratio_width}:{ratio_height}"),
                    "ratio": f"{ratio_width}:{ratio_height}",
                    "src": picture.src,
                    "width": round(ratio_width * scale),
                    "height": round(ratio_height * scale),
                }
            )
        return crops

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
