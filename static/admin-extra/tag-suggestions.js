/*
 * Tag completion for the comma-separated tags field: while the editor types
 * the last tag, existing tags that match are offered through a <datalist>.
 * Each option is the whole field value with the last tag completed and a
 * trailing comma, so the browser's own matching works and taggit keeps a
 * multi-word tag in one piece.
 */
"use strict";
{
    const DELAY_MS = 200;

    function quoted(name) {
        return name.includes(",") || name.includes('"') ? '"' + name.replaceAll('"', "") + '"' : name;
    }

    function attach(input) {
        const list = document.createElement("datalist");
        list.id = input.id + "_suggestions";
        input.after(list);
        input.setAttribute("list", list.id);

        let timer = null;
        let controller = null;

        function fill(prefix, names) {
            const typed = new Set(
                prefix.split(",").map((tag) => tag.replaceAll('"', "").trim().toLowerCase())
            );
            const options = names
                .filter((name) => !typed.has(name.toLowerCase()))
                .map((name) => {
                    const option = document.createElement("option");
                    option.value = prefix + quoted(name) + ", ";
                    return option;
                });
            list.replaceChildren(...options);
        }

        async function suggest() {
            // Everything before the tag being typed, kept exactly as typed so
            // that every option starts with the field's current value.
            const value = input.value;
            const last = value.slice(value.lastIndexOf(",") + 1).trimStart();
            const prefix = value.slice(0, value.length - last.length);
            const token = last.trim();
            if (!token) {
                list.replaceChildren();
                return;
            }
            if (controller) {
                controller.abort();
            }
            controller = new AbortController();
            const url = new URL(input.dataset.suggestionsUrl, window.location.href);
            url.searchParams.set("q", token);
            try {
                const response = await fetch(url, {
                    headers: {Accept: "application/json"},
                    credentials: "same-origin",
                    signal: controller.signal,
                });
                if (response.ok) {
                    fill(prefix, (await response.json()).results);
                }
            } catch (error) {
                // An aborted or failed request only means no suggestions:
                // the field still takes whatever the editor types.
            }
        }

        input.addEventListener("input", () => {
            clearTimeout(timer);
            timer = setTimeout(suggest, DELAY_MS);
        });
    }

    function init() {
        document.querySelectorAll("input[data-suggestions-url]").forEach(attach);
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", init);
    } else {
        init();
    }
}
