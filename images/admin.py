from django.contrib import admin
from django.db import models
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import Image
from .validators import ImageFileField

ADMIN_CSS = {"all": ["admin-extra/admin.css"]}


def thumbnail(image, max_width=80, max_height=60):
    """A lazy <img> of ``image`` scaled to fit the box, with its size known before it loads."""
    if image is None or not image.file:
        return None
    width, height = image.width or max_width, image.height or max_height
    scale = min(max_width / width, max_height / height, 1)
    return format_html(
        '<img src="{}" width="{}" height="{}" alt="" loading="lazy" class="admin-thumbnail">',
        image.file.url,
        max(round(width * scale), 1),
        max(round(height * scale), 1),
    )


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    list_display = ["list_thumbnail", "__str__", "dimensions", "is_decorative", "credit"]
    list_display_links = ["list_thumbnail", "__str__"]
    list_filter = ["is_decorative", "created_at"]
    search_fields = ["title", "alt_text", "caption", "credit"]
    readonly_fields = ["preview", "dimensions"]
    fieldsets = [
        (None, {"fields": ["file", "preview", "dimensions"]}),
        (
            _("Description"),
            {"fields": ["alt_text", "is_decorative", "caption", "credit", "title"]},
        ),
    ]
    formfield_overrides = {models.ImageField: {"form_class": ImageFileField}}
    list_per_page = 50

    class Media:
        css = ADMIN_CSS

    @admin.display(description=_("image"))
    def list_thumbnail(self, image):
        return thumbnail(image)

    @admin.display(description=_("preview"))
    def preview(self, image):
        return thumbnail(image, max_width=480, max_height=320) or self.get_empty_value_display()

    @admin.display(description=_("size in pixels"))
    def dimensions(self, image):
        if not image.width or not image.height:
            return self.get_empty_value_display()
        return f"{image.width} × {image.height}"
