/*
 * Writing room of the article form: a Markdown toolbar over the body, a live
 * preview beside it (below it on narrow screens) and length counters.
 *
 * The template renders every piece inside #writing-tools, hidden; this script
 * moves each one next to the field it serves and shows it, so that without
 * JavaScript the form stays the plain admin form. The preview comes from the
 * server, through the pipeline that renders the public page, so what the
 * editor sees is what readers will read.
 */
"use strict";
{
    const PREVIEW_DELAY_MS = 400;
    // Ids in the preview are prefixed so that a heading called "Content" does
    // not take the id of the admin's own #content.
    const PREVIEW_ID_PREFIX = "preview-";

    function interpolate(text, values) {
        return text.replace(/%\((\w+)\)s/g, (match, name) => (name in values ? values[name] : match));
    }

    function characters(text) {
        // Code points, as Django counts max_length, not UTF-16 units.
        return Array.from(text).length;
    }

    // ------------------------------------------------------------------ editing

    function replaceRange(textarea, start, end, text, selectFrom, selectTo) {
        textarea.focus();
        textarea.setSelectionRange(start, end);
        let inserted = false;
        try {
            // Goes through the browser's editing, so Ctrl+Z undoes it.
            inserted = text !== "" && document.execCommand("insertText", false, text);
        } catch (error) {
            inserted = false;
        }
        if (!inserted) {
            textarea.setRangeText(text, start, end, "end");
            textarea.dispatchEvent(new Event("input", {bubbles: true}));
        }
        textarea.setSelectionRange(start + selectFrom, start + selectTo);
    }

    function isWrapped(text, marker) {
        if (!(text.length > 2 * marker.length && text.startsWith(marker) && text.endsWith(marker))) {
            return false;
        }
        // *italic* inside **bold** is not italic: only *** or a lone * counts.
        return marker.length === 2 || !text.startsWith("**") || text.startsWith("***");
    }

    function asterisks(value, position, step) {
        let count = 0;
        for (let index = position; value[index] === "*"; index += step) {
            count++;
        }
        return count;
    }

    function isWrappedAround(value, start, end, marker) {
        // One asterisk is italic and two are bold; three are both.
        const before = asterisks(value, start - 1, -1);
        const after = asterisks(value, end, 1);
        if (marker.length === 2) {
            return before >= 2 && after >= 2;
        }
        return before % 2 === 1 && after % 2 === 1;
    }

    function wrap(textarea, marker, placeholder) {
        const {selectionStart: start, selectionEnd: end, value} = textarea;
        const selected = value.slice(start, end);
        // "**word **" is not bold: spaces selected with the word stay outside.
        const lead = selected.match(/^\s*/)[0];
        const core = selected.slice(lead.length).trimEnd();
        const trail = selected.slice(lead.length + core.length);
        const size = marker.length;
        if (!core) {
            const text = marker + placeholder + marker;
            replaceRange(textarea, start, end, text, size, size + placeholder.length);
        } else if (!lead && !trail && isWrappedAround(value, start, end, marker)) {
            // The selection is what the button just wrapped: a second click undoes it.
            replaceRange(textarea, start - size, end + size, core, 0, core.length);
        } else if (isWrapped(core, marker)) {
            const inner = core.slice(size, core.length - size);
            replaceRange(textarea, start, end, lead + inner + trail, lead.length, lead.length + inner.length);
        } else {
            const text = lead + marker + core + marker + trail;
            replaceRange(textarea, start, end, text, lead.length + size, lead.length + size + core.length);
        }
    }

    const LINE_PREFIXES = {
        heading: {prefix: "## ", pattern: /^#{1,6}\s+/},
        quote: {prefix: "> ", pattern: /^>\s?/},
        list: {prefix: "- ", pattern: /^[-*+]\s+/},
    };

    function prefixLines(textarea, kind, placeholder) {
        const {prefix, pattern} = LINE_PREFIXES[kind];
        const {value} = textarea;
        const start = textarea.selectionStart;
        // A selection ending at the start of a line does not take that line in.
        const end = textarea.selectionEnd > start && value[textarea.selectionEnd - 1] === "\n"
            ? textarea.selectionEnd - 1
            : textarea.selectionEnd;
        const lineStart = value.lastIndexOf("\n", start - 1) + 1;
        let lineEnd = value.indexOf("\n", end);
        if (lineEnd === -1) {
            lineEnd = value.length;
        }
        const lines = value.slice(lineStart, lineEnd).split("\n");
        let block;
        let selectFrom;
        let selectTo;
        if (lines.every((line) => line.trim() === "")) {
            block = prefix + placeholder;
            selectFrom = prefix.length;
            selectTo = block.length;
        } else if (lines.every((line) => line.trim() === "" || pattern.test(line))) {
            block = lines.map((line) => line.replace(pattern, "")).join("\n");
            selectFrom = 0;
            selectTo = block.length;
        } else {
            block = lines
                .map((line) => (line.trim() === "" || pattern.test(line) ? line : prefix + line))
                .join("\n");
            selectFrom = 0;
            selectTo = block.length;
        }
        // A list or a quote glued to the paragraph above is read as part of it:
        // keep an empty line on each side of the block.
        const before = lineStart > 0 && value[lineStart - 2] !== undefined && value[lineStart - 2] !== "\n" ? "\n" : "";
        const after = lineEnd < value.length && value[lineEnd + 1] !== undefined && value[lineEnd + 1] !== "\n" ? "\n" : "";
        replaceRange(
            textarea,
            lineStart,
            lineEnd,
            before + block + after,
            before.length + selectFrom,
            before.length + selectTo
        );
    }

    function link(textarea, placeholder) {
        const {selectionStart: start, selectionEnd: end, value} = textarea;
        const selected = value.slice(start, end).trim();
        if (/^(https?:\/\/|www\.)\S+$/.test(selected)) {
            const address = selected.startsWith("www.") ? "https://" + selected : selected;
            replaceRange(textarea, start, end, `[${placeholder}](${address})`, 1, 1 + placeholder.length);
        } else if (selected) {
            const text = `[${selected}](https://)`;
            const from = selected.length + 3;
            replaceRange(textarea, start, end, text, from, from + "https://".length);
        } else {
            replaceRange(textarea, start, end, `[${placeholder}](https://)`, 1, 1 + placeholder.length);
        }
    }

    function footnote(textarea, placeholder) {
        const numbers = Array.from(textarea.value.matchAll(/\[\^(\d+)\]/g), (match) => Number(match[1]));
        const number = numbers.length ? Math.max(...numbers) + 1 : 1;
        const call = `[^${number}]`;
        const end = textarea.selectionEnd;
        replaceRange(textarea, end, end, call, call.length, call.length);
        // The note itself goes at the end of the text, selected to be typed over.
        const value = textarea.value;
        const trimmed = value.replace(/\s+$/, "");
        const definition = `\n\n[^${number}]: ${placeholder}`;
        const from = trimmed.length + definition.length - placeholder.length;
        replaceRange(textarea, trimmed.length, value.length, definition, 0, 0);
        textarea.setSelectionRange(from, from + placeholder.length);
    }

    function blockAround(textarea, start, end, text, selectFrom, selectTo) {
        // A paragraph of its own in place of start..end, which is what makes a
        // library image a figure with its caption and a trailer a trailer: an
        // empty line on each side, unless one is there.
        const {value} = textarea;
        const before = value.slice(0, start);
        const after = value.slice(end);
        const lead = before === "" || before.endsWith("\n\n") ? "" : before.endsWith("\n") ? "\n" : "\n\n";
        const tail = after === "" || after.startsWith("\n\n") ? "" : after.startsWith("\n") ? "\n" : "\n\n";
        replaceRange(textarea, start, end, lead + text + tail, lead.length + selectFrom, lead.length + selectTo);
    }

    function insertBlock(textarea, block) {
        const end = textarea.selectionEnd;
        blockAround(textarea, end, end, block, block.length, block.length);
    }

    function spoiler(textarea, placeholder) {
        // Around the selected text, or around a placeholder to type over.
        const {selectionStart: start, selectionEnd: end, value} = textarea;
        const selected = value.slice(start, end).replace(/^\n+|\s+$/g, "");
        const inner = selected || placeholder;
        const opening = ":::spoiler\n";
        blockAround(textarea, start, end, `${opening}${inner}\n:::`, opening.length, opening.length + inner.length);
    }

    function trailer(textarea, placeholder) {
        // The address selected, or https:// selected for the editor to paste one over.
        const {selectionStart: start, selectionEnd: end, value} = textarea;
        const selected = value.slice(start, end).trim();
        if (/^https?:\/\/\S+$/.test(selected)) {
            blockAround(textarea, start, end, `@[${placeholder}](${selected})`, 2, 2 + placeholder.length);
        } else {
            // Text selected names the trailer.
            const name = selected || placeholder;
            const text = `@[${name}](https://)`;
            blockAround(textarea, start, end, text, name.length + 4, text.length - 1);
        }
    }

    function apply(textarea, action, placeholder) {
        if (action === "bold") {
            wrap(textarea, "**", placeholder);
        } else if (action === "italic") {
            wrap(textarea, "*", placeholder);
        } else if (action in LINE_PREFIXES) {
            prefixLines(textarea, action, placeholder);
        } else if (action === "link") {
            link(textarea, placeholder);
        } else if (action === "footnote") {
            footnote(textarea, placeholder);
        } else if (action === "spoiler") {
            spoiler(textarea, placeholder);
        } else if (action === "trailer") {
            trailer(textarea, placeholder);
        }
    }

    function setUpToolbar(toolbar, textarea) {
        toolbar.addEventListener("click", (event) => {
            const button = event.target.closest("[data-markdown]");
            if (button) {
                apply(textarea, button.dataset.markdown, button.dataset.placeholder || "");
            }
        });
        // The Image button's dialog (image-picker.js) hands over what to insert.
        textarea.addEventListener("writing:insert-block", (event) => insertBlock(textarea, event.detail.text));
        const shortcuts = {b: "bold", i: "italic", k: "link"};
        textarea.addEventListener("keydown", (event) => {
            const action = shortcuts[event.key.toLowerCase()];
            if (action && (event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey) {
                event.preventDefault();
                const button = toolbar.querySelector(`[data-markdown="${action}"]`);
                apply(textarea, action, button ? button.dataset.placeholder : "");
            }
        });
    }

    // ------------------------------------------------------------------ preview

    function showPreview(target, html) {
        const template = document.createElement("template");
        template.innerHTML = html;
        const content = template.content;
        content.querySelectorAll("[id]").forEach((element) => {
            element.id = PREVIEW_ID_PREFIX + element.id;
        });
        content.querySelectorAll("a[href]").forEach((anchor) => {
            const href = anchor.getAttribute("href");
            if (href.startsWith("#")) {
                anchor.setAttribute("href", "#" + PREVIEW_ID_PREFIX + href.slice(1));
            } else {
                // Following a link from the preview must not leave the form.
                anchor.target = "_blank";
            }
        });
        target.replaceChildren(content);
    }

    function setUpPreview(tools, form, textarea, preview) {
        const target = preview.querySelector(".writing-preview__body");
        const reading = preview.querySelector(".writing-preview__reading");
        const csrf = form.querySelector("[name=csrfmiddlewaretoken]");
        let timer = null;
        let controller = null;

        function problem(message) {
            reading.textContent = message;
            reading.classList.add("is-error");
        }

        async function refresh() {
            if (controller) {
                controller.abort();
            }
            controller = new AbortController();
            const data = new FormData();
            data.append("body", textarea.value);
            let response;
            let result;
            try {
                response = await fetch(tools.dataset.previewUrl, {
                    method: "POST",
                    body: data,
                    headers: {Accept: "application/json", "X-CSRFToken": csrf ? csrf.value : ""},
                    credentials: "same-origin",
                    signal: controller.signal,
                });
                result = await response.json();
            } catch (error) {
                if (error.name !== "AbortError") {
                    problem(tools.dataset.textPreviewError);
                }
                return;
            }
            if (!response.ok) {
                problem(result.error || tools.dataset.textPreviewError);
                return;
            }
            showPreview(target, result.html);
            reading.classList.remove("is-error");
            reading.textContent = `${result.reading_time_label} · ${result.words_label}`;
            preview.dispatchEvent(new CustomEvent("writing:preview", {bubbles: true}));
        }

        textarea.addEventListener("input", () => {
            clearTimeout(timer);
            timer = setTimeout(refresh, PREVIEW_DELAY_MS);
        });
        refresh();
    }

    // ------------------------------------------------------------------ counters

    function setUpCounter(counter) {
        const input = document.getElementById(counter.dataset.counterFor);
        if (!input || !("value" in input)) {
            counter.remove();
            return;
        }
        (input.closest(".flex-container") || input).after(counter);
        const described = (input.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
        input.setAttribute("aria-describedby", [...described, counter.id].join(" "));
        const advised = Number(counter.dataset.advised);
        const limit = Number(counter.dataset.limit);
        const max = Number(counter.dataset.max);

        function update() {
            const count = characters(input.value);
            counter.textContent = interpolate(counter.dataset.text, {count, limit});
            const over = count > limit || count >= max;
            counter.classList.toggle("is-over", over);
            counter.classList.toggle("is-long", !over && count > advised);
        }

        input.addEventListener("input", update);
        input.addEventListener("change", update);
        update();
    }

    // ------------------------------------------------------------------ layout

    function init() {
        const tools = document.getElementById("writing-tools");
        const form = tools && tools.closest("form");
        if (!form) {
            return;
        }
        const textarea = document.getElementById("id_body");
        const toolbar = document.getElementById("writing-toolbar");
        const preview = document.getElementById("writing-preview");
        const cheatsheet = document.getElementById("writing-cheatsheet");
        const status = document.getElementById("autosave-status");
        if (textarea && textarea.tagName === "TEXTAREA") {
            const desk = document.createElement("div");
            desk.className = "writing-desk";
            const editor = document.createElement("div");
            editor.className = "writing-desk__editor";
            textarea.before(desk);
            editor.append(toolbar, cheatsheet, textarea, status);
            desk.append(editor, preview);
            setUpToolbar(toolbar, textarea);
            setUpPreview(tools, form, textarea, preview);
        } else {
            toolbar.remove();
            preview.remove();
        }
        tools.querySelectorAll("[data-counter-for]").forEach(setUpCounter);
        tools.hidden = false;
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", init);
    } else {
        init();
    }
}
