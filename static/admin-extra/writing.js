/*
 * Writing room of the article form: the body shown as formatting (the editor
 * of screenmania-editor.min.js) or as Markdown (the form's textarea), a
 * toolbar over it, a live preview beside it (below it on narrow screens) and
 * length counters. HTML pasted from a word processor becomes Markdown, and
 * images dropped or pasted go through the media library's upload dialog.
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

    // The text being written: the form's textarea in the Markdown view, the
    // editor (screenmania-editor.min.js, with the textarea's names) in the other.
    function replaceRange(surface, start, end, text, selectFrom, selectTo) {
        if (surface.replace) {
            surface.replace(start, end, text, start + selectFrom, start + selectTo);
            return;
        }
        surface.focus();
        surface.setSelectionRange(start, end);
        let inserted = false;
        try {
            // Goes through the browser's editing, so Ctrl+Z undoes it.
            inserted = text !== "" && document.execCommand("insertText", false, text);
        } catch (error) {
            inserted = false;
        }
        if (!inserted) {
            surface.setRangeText(text, start, end, "end");
            surface.dispatchEvent(new Event("input", {bubbles: true}));
        }
        surface.setSelectionRange(start + selectFrom, start + selectTo);
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

    function wrap(surface, marker, placeholder) {
        const {selectionStart: start, selectionEnd: end, value} = surface;
        const selected = value.slice(start, end);
        // "**word **" is not bold: spaces selected with the word stay outside.
        const lead = selected.match(/^\s*/)[0];
        const core = selected.slice(lead.length).trimEnd();
        const trail = selected.slice(lead.length + core.length);
        const size = marker.length;
        if (!core) {
            const text = marker + placeholder + marker;
            replaceRange(surface, start, end, text, size, size + placeholder.length);
        } else if (!lead && !trail && isWrappedAround(value, start, end, marker)) {
            // The selection is what the button just wrapped: a second click undoes it.
            replaceRange(surface, start - size, end + size, core, 0, core.length);
        } else if (isWrapped(core, marker)) {
            const inner = core.slice(size, core.length - size);
            replaceRange(surface, start, end, lead + inner + trail, lead.length, lead.length + inner.length);
        } else {
            const text = lead + marker + core + marker + trail;
            replaceRange(surface, start, end, text, lead.length + size, lead.length + size + core.length);
        }
    }

    const LINE_PREFIXES = {
        heading: {prefix: "## ", pattern: /^#{1,6}\s+/},
        quote: {prefix: "> ", pattern: /^>\s?/},
        list: {prefix: "- ", pattern: /^[-*+]\s+/},
    };

    function prefixLines(surface, kind, placeholder) {
        const {prefix, pattern} = LINE_PREFIXES[kind];
        const {value} = surface;
        const start = surface.selectionStart;
        // A selection ending at the start of a line does not take that line in.
        const end = surface.selectionEnd > start && value[surface.selectionEnd - 1] === "\n"
            ? surface.selectionEnd - 1
            : surface.selectionEnd;
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
            surface,
            lineStart,
            lineEnd,
            before + block + after,
            before.length + selectFrom,
            before.length + selectTo
        );
    }

    function link(surface, placeholder) {
        const {selectionStart: start, selectionEnd: end, value} = surface;
        const selected = value.slice(start, end).trim();
        if (/^(https?:\/\/|www\.)\S+$/.test(selected)) {
            const address = selected.startsWith("www.") ? "https://" + selected : selected;
            replaceRange(surface, start, end, `[${placeholder}](${address})`, 1, 1 + placeholder.length);
        } else if (selected) {
            const text = `[${selected}](https://)`;
            const from = selected.length + 3;
            replaceRange(surface, start, end, text, from, from + "https://".length);
        } else {
            replaceRange(surface, start, end, `[${placeholder}](https://)`, 1, 1 + placeholder.length);
        }
    }

    function footnote(surface, placeholder) {
        const numbers = Array.from(surface.value.matchAll(/\[\^(\d+)\]/g), (match) => Number(match[1]));
        const number = numbers.length ? Math.max(...numbers) + 1 : 1;
        const call = `[^${number}]`;
        const end = surface.selectionEnd;
        replaceRange(surface, end, end, call, call.length, call.length);
        // The note itself goes at the end of the text, selected to be typed over.
        const value = surface.value;
        const trimmed = value.replace(/\s+$/, "");
        const definition = `\n\n[^${number}]: ${placeholder}`;
        const from = trimmed.length + definition.length - placeholder.length;
        replaceRange(surface, trimmed.length, value.length, definition, 0, 0);
        surface.setSelectionRange(from, from + placeholder.length);
    }

    function blockAround(surface, start, end, text, selectFrom, selectTo) {
        // A paragraph of its own in place of start..end, which is what makes a
        // library image a figure with its caption and a trailer a trailer: an
        // empty line on each side, unless one is there.
        const {value} = surface;
        const before = value.slice(0, start);
        const after = value.slice(end);
        const lead = before === "" || before.endsWith("\n\n") ? "" : before.endsWith("\n") ? "\n" : "\n\n";
        const tail = after === "" || after.startsWith("\n\n") ? "" : after.startsWith("\n") ? "\n" : "\n\n";
        replaceRange(surface, start, end, lead + text + tail, lead.length + selectFrom, lead.length + selectTo);
    }

    function insertBlock(surface, block) {
        const end = surface.selectionEnd;
        blockAround(surface, end, end, block, block.length, block.length);
    }

    function spoiler(surface, placeholder) {
        // Around the selected text, or around a placeholder to type over.
        const {selectionStart: start, selectionEnd: end, value} = surface;
        const selected = value.slice(start, end).replace(/^\n+|\s+$/g, "");
        const inner = selected || placeholder;
        const opening = ":::spoiler\n";
        blockAround(surface, start, end, `${opening}${inner}\n:::`, opening.length, opening.length + inner.length);
    }

    function trailer(surface, placeholder) {
        // The address selected, or https:// selected for the editor to paste one over.
        const {selectionStart: start, selectionEnd: end, value} = surface;
        const selected = value.slice(start, end).trim();
        if (/^https?:\/\/\S+$/.test(selected)) {
            blockAround(surface, start, end, `@[${placeholder}](${selected})`, 2, 2 + placeholder.length);
        } else {
            // Text selected names the trailer.
            const name = selected || placeholder;
            const text = `@[${name}](https://)`;
            blockAround(surface, start, end, text, name.length + 4, text.length - 1);
        }
    }

    function apply(surface, action, placeholder) {
        if (action === "bold") {
            wrap(surface, "**", placeholder);
        } else if (action === "italic") {
            wrap(surface, "*", placeholder);
        } else if (action in LINE_PREFIXES) {
            prefixLines(surface, action, placeholder);
        } else if (action === "link") {
            link(surface, placeholder);
        } else if (action === "footnote") {
            footnote(surface, placeholder);
        } else if (action === "spoiler") {
            spoiler(surface, placeholder);
        } else if (action === "trailer") {
            trailer(surface, placeholder);
        }
    }

    // Markdown pasted as a paragraph of its own when it holds blocks (a heading,
    // a list, several paragraphs), where the cursor is when it is a few words.
    function insertPasted(surface, markdown) {
        const {selectionStart: start, selectionEnd: end} = surface;
        if (/\n/.test(markdown) || /^(#{1,6} |[-*+] |\d+[.)] |> )/.test(markdown)) {
            blockAround(surface, start, end, markdown, markdown.length, markdown.length);
        } else {
            replaceRange(surface, start, end, markdown, markdown.length, markdown.length);
        }
    }

    function imageFiles(files) {
        return Array.from(files || []).filter((file) => file.type.startsWith("image/"));
    }

    async function insertImages(surface, files, position) {
        // The media library's upload dialog (alt text and licence asked first)
        // gives the line to insert, or nothing when the writer cancels.
        const upload = window.screenmaniaImageUpload;
        if (typeof upload !== "function") {
            return;
        }
        const place = surface.keep ? surface.keep(position) : {pos: position, release() {}};
        try {
            for (const file of files) {
                let markdown = null;
                try {
                    markdown = await upload(file);
                } catch (error) {
                    markdown = null;
                }
                if (markdown) {
                    blockAround(surface, place.pos, place.pos, markdown, markdown.length, markdown.length);
                    place.pos = surface.selectionEnd;
                }
            }
        } finally {
            place.release();
        }
    }

    function pasted(surface, event) {
        const data = event.clipboardData;
        if (!data) {
            return false;
        }
        const html = data.getData("text/html");
        const cleaner = window.screenmaniaEditor;
        const markdown = html && cleaner ? cleaner.htmlToMarkdown(html) : "";
        if (markdown) {
            event.preventDefault();
            insertPasted(surface, markdown);
            return true;
        }
        const images = imageFiles(data.files);
        // Word and some editors put a picture of the copied passage beside its
        // text: when there is text, the text is what was meant.
        if (images.length && !Array.from(data.types).includes("text/plain")) {
            event.preventDefault();
            insertImages(surface, images, surface.selectionEnd);
            return true;
        }
        // Plain text goes in as it is.
        return false;
    }

    function dropped(surface, event, position) {
        const images = imageFiles(event.dataTransfer && event.dataTransfer.files);
        if (!images.length) {
            return false;
        }
        // Never let the browser open the image in place of the form.
        event.preventDefault();
        insertImages(surface, images, position);
        return true;
    }

    // Where an image dropped on the textarea goes: under the pointer, as in the
    // formatted view (caretPositionFromPoint gives an offset in a textarea's
    // value), else at the writer's cursor, in browsers without it.
    function dropPoint(textarea, event) {
        const caret = document.caretPositionFromPoint
            ? document.caretPositionFromPoint(event.clientX, event.clientY)
            : null;
        return caret && caret.offsetNode === textarea ? caret.offset : textarea.selectionEnd;
    }

    const SHORTCUTS = {b: "bold", i: "italic", k: "link"};

    function setUpToolbar(toolbar, textarea, current) {
        function act(action) {
            const button = toolbar.querySelector(`[data-markdown="${action}"]`);
            apply(current(), action, button ? button.dataset.placeholder || "" : "");
        }
        toolbar.addEventListener("click", (event) => {
            const button = event.target.closest("[data-markdown]");
            if (button) {
                act(button.dataset.markdown);
            }
        });
        // The Image button's dialog (image-picker.js) hands over what to insert.
        textarea.addEventListener("writing:insert-block", (event) => insertBlock(current(), event.detail.text));
        textarea.addEventListener("keydown", (event) => {
            const action = SHORTCUTS[event.key.toLowerCase()];
            if (action && (event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey) {
                event.preventDefault();
                act(action);
            }
        });
        textarea.addEventListener("paste", (event) => pasted(textarea, event));
        textarea.addEventListener("drop", (event) => dropped(textarea, event, dropPoint(textarea, event)));
        return act;
    }

    // ------------------------------------------------------------------ views

    const VIEW_KEY = "screenmania:writing-view";

    // The formatted view's words (the editor's phrases, by their English), from
    // the translations the template gives: its %(name)s is the editor's $1.
    const EDITOR_PHRASES = {
        "Image no. $1": "textImage",
        "Image not found (no. $1)": "textImageMissing",
        "Alternative text: $1": "textImageAlt",
        "Footnote $1": "textFootnote",
        "Spoiler: $1": "textSpoiler",
        "Spoiler": "textSpoilerUnnamed",
        "End of spoiler": "textSpoilerEnd",
        "Trailer": "textTrailer",
    };

    function editorPhrases(tools) {
        const phrases = {};
        Object.entries(EDITOR_PHRASES).forEach(([phrase, key]) => {
            const translated = tools.dataset[key];
            if (translated) {
                phrases[phrase] = translated.replace(/%\(\w+\)s/, () => "$1");
            }
        });
        return phrases;
    }

    // The library's images the formatted view shows, by number, from the Image
    // dialog's own endpoint; a failed answer is the editor's to try again.
    function imageFinder(libraryUrl) {
        if (!libraryUrl) {
            return null;
        }
        return async (numbers) => {
            const address = new URL(libraryUrl, document.baseURI);
            address.searchParams.set("ids", numbers.join(","));
            const response = await fetch(address, {
                headers: {Accept: "application/json"},
                credentials: "same-origin",
            });
            if (!response.ok) {
                throw new Error(`${response.status}`);
            }
            return (await response.json()).results;
        };
    }

    function rememberedView() {
        try {
            return window.localStorage.getItem(VIEW_KEY);
        } catch (error) {
            return null;
        }
    }

    function rememberView(name) {
        try {
            window.localStorage.setItem(VIEW_KEY, name);
        } catch (error) {
            // Storage disabled: the choice lasts as long as the page.
        }
    }

    // The formatted view (the editor) or the Markdown view (the form's own
    // textarea). Without the editor's script, the Markdown view alone.
    function setUpViews(tools, textarea, toolbar, switcher, act) {
        const library = window.screenmaniaEditor;
        if (!library || !switcher) {
            if (switcher) {
                switcher.remove();
            }
            return () => textarea;
        }
        const label = document.querySelector(`label[for="${textarea.id}"]`);
        // The field's help text and the cheat sheet teach Markdown's syntax, which
        // the formatted view spares the writer: they go with the Markdown view.
        const syntaxHelp = document.getElementById(`${textarea.id}_helptext`);
        const cheatsheet = document.getElementById("writing-cheatsheet");
        const shortcuts = {};
        Object.entries(SHORTCUTS).forEach(([key, action]) => {
            shortcuts[`Mod-${key}`] = () => act(action);
        });
        const editor = library.mountEditor(textarea, {
            label: label ? label.textContent.replace(/[\s:]+$/, "") : "",
            describedBy: (textarea.getAttribute("aria-describedby") || "")
                .split(/\s+/).filter((id) => id && (!syntaxHelp || id !== syntaxHelp.id)).join(" "),
            nonce: tools.dataset.styleNonce,
            phrases: editorPhrases(tools),
            findImages: imageFinder(tools.dataset.libraryUrl),
            shortcuts,
            onPaste: (event) => pasted(editor, event),
            onDrop: (event, position) => dropped(editor, event, position),
        });
        editor.view.contentDOM.id = `${textarea.id}_editor`;
        let formatted = true;

        function show(name) {
            formatted = name !== "markdown";
            if (formatted) {
                editor.load();
            }
            textarea.hidden = formatted;
            editor.dom.hidden = !formatted;
            [syntaxHelp, cheatsheet].forEach((help) => {
                if (help) {
                    help.hidden = formatted;
                }
            });
            toolbar.setAttribute("aria-controls", formatted ? editor.view.contentDOM.id : textarea.id);
            switcher.querySelectorAll("[data-writing-view]").forEach((button) => {
                button.setAttribute("aria-pressed", String(button.dataset.writingView === name));
            });
        }

        switcher.addEventListener("click", (event) => {
            const button = event.target.closest("[data-writing-view]");
            if (button) {
                show(button.dataset.writingView);
                rememberView(button.dataset.writingView);
                (formatted ? editor : textarea).focus();
            }
        });
        // Autosave's restored text, put in the textarea.
        textarea.addEventListener("input", () => {
            if (formatted) {
                editor.load();
            }
        });
        if (label) {
            label.addEventListener("click", (event) => {
                if (formatted) {
                    event.preventDefault();
                    editor.focus();
                }
            });
        }
        show(rememberedView() === "markdown" ? "markdown" : "formatted");
        switcher.hidden = false;
        return () => (formatted ? editor : textarea);
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
            const switcher = document.getElementById("writing-views");
            const desk = document.createElement("div");
            desk.className = "writing-desk";
            const editor = document.createElement("div");
            editor.className = "writing-desk__editor";
            const bar = document.createElement("div");
            bar.className = "writing-desk__bar";
            textarea.before(desk);
            bar.append(toolbar, ...(switcher ? [switcher] : []));
            editor.append(bar, cheatsheet, textarea, status);
            desk.append(editor, preview);
            let current = () => textarea;
            const act = setUpToolbar(toolbar, textarea, () => current());
            current = setUpViews(tools, textarea, toolbar, switcher, act);
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
