/*
 * Django's autocomplete (select2 4.0) hides the <select> and draws a combobox of its
 * own, named only by the choice it shows: an empty one has no name at all, and a filled
 * one never says which field it is. Each combobox is named here after the select's
 * label (or, in a table row, its aria-label), then its choice. Loaded after Django's
 * autocomplete.js, whose set-up it wraps, so that rows added to an inline are named
 * too; without JavaScript the select itself is labelled.
 */
"use strict";
{
    const $ = django.jQuery;
    const djangoAdminSelect2 = $.fn.djangoAdminSelect2;

    function labelId(select) {
        const label = select.labels[0];
        if (!label) {
            return null;
        }
        if (!label.id) {
            label.id = `${select.id}-label`;
        }
        return label.id;
    }

    function hideClearButtons(selection) {
        // The « × » that empties the field: select2 draws it as a bare span, inside the
        // list of choices of a multiple one and inside the choice of a single one. Like
        // the « × » of each choice, which select2 itself marks as presentation, it is for
        // the mouse; the keyboard empties the field with Backspace.
        for (const button of selection.querySelectorAll(".select2-selection__clear")) {
            button.setAttribute("aria-hidden", "true");
        }
    }

    function nameCombobox(select) {
        const container = select.nextElementSibling;
        if (!container || !container.classList.contains("select2-container")) {
            return;
        }
        const selection = container.querySelector(".select2-selection");
        // Named by the select's label, else by its own aria-label (a box in a table
        // row), pointed at first since aria-labelledby outranks it.
        let label = labelId(select);
        if (!label && select.hasAttribute("aria-label")) {
            selection.id = `${select.id}-combobox`;
            selection.setAttribute("aria-label", select.getAttribute("aria-label"));
            label = selection.id;
        }
        if (!label) {
            return;
        }
        // Then the choice, read from the hidden select, as a select inside a name
        // is read: its chosen options. Not from select2's drawing of it, whose « × »
        // would be read too.
        selection.setAttribute("aria-labelledby", `${label} ${select.id}`);
        // Within the combobox, a single choice is shown in a read-only textbox, and
        // several are typed into a search box.
        for (const box of selection.querySelectorAll(
            ".select2-selection__rendered[role=textbox], .select2-search__field"
        )) {
            box.setAttribute("aria-labelledby", label);
        }
        hideClearButtons(selection);
        // select2 draws the « × » again after each choice.
        new MutationObserver(() => hideClearButtons(selection)).observe(selection, {
            childList: true,
            subtree: true,
        });
    }

    $.fn.djangoAdminSelect2 = function() {
        djangoAdminSelect2.call(this);
        this.each((index, select) => nameCombobox(select));
        return this;
    };
}
