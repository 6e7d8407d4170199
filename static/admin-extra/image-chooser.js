/*
 * Choosers of an image (the featured image, an author's portrait, a poster):
 * Django's autocomplete, whose choices show the image's thumbnail beside its
 * title, as the library's own answers carry it (ChooserJsonView). Loaded
 * after Django's autocomplete.js, whose set-up it wraps for image fields only.
 * Without JavaScript the field is a plain select of titles.
 */
"use strict";
{
    const $ = django.jQuery;
    const djangoAdminSelect2 = $.fn.djangoAdminSelect2;

    function isImageChooser(element) {
        // Marked by ImageChooser: the data-model-name of the field is its own model's.
        return "imageChooser" in element.dataset;
    }

    function choice(result) {
        if (!result.id || !result.thumbnail) {
            // "Searching…", or the choice the page was drawn with.
            return result.text;
        }
        const line = document.createElement("span");
        line.className = "image-choice";
        const picture = document.createElement("img");
        picture.src = result.thumbnail.url;
        if (result.thumbnail.srcset) {
            picture.srcset = result.thumbnail.srcset;
            picture.sizes = result.thumbnail.sizes;
        }
        picture.width = result.thumbnail.width;
        picture.height = result.thumbnail.height;
        // The title beside it names the choice.
        picture.alt = "";
        picture.className = "image-choice__thumbnail";
        const title = document.createElement("span");
        title.className = "image-choice__title";
        title.textContent = result.text;
        line.append(picture, title);
        return $(line);
    }

    $.fn.djangoAdminSelect2 = function() {
        const images = this.filter((index, element) => isImageChooser(element));
        djangoAdminSelect2.call(this.not(images));
        images.each((index, element) => {
            $(element).select2({
                ajax: {
                    data: (params) => ({
                        term: params.term,
                        page: params.page,
                        app_label: element.dataset.appLabel,
                        model_name: element.dataset.modelName,
                        field_name: element.dataset.fieldName,
                    }),
                },
                templateResult: choice,
                templateSelection: choice,
            });
        });
        return this;
    };
}
