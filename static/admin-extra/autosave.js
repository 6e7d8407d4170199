/*
 * Autosave of the article form in the editor's own browser (localStorage),
 * so that a dropped connection or a closed tab loses nothing. Drafts never
 * leave the browser.
 *
 * Each opening of the form has a key (the hidden draft_key field), and its
 * draft is stored under it with the article it belongs to (its id, or "new"
 * and the admin address), the version the form was opened with and the time.
 * On load, a draft of the same article that differs from the text the server
 * rendered is offered back in a banner. Drafts are forgotten when the server
 * says their form was saved (data-saved-drafts), when they match the page, or
 * after thirty days.
 */
"use strict";
{
    const PREFIX = "screenmania:draft:";
    const FIELDS = ["title", "standfirst", "body", "seo_title", "seo_description"];
    const INPUT_DELAY_MS = 1000;
    const INTERVAL_MS = 5000;
    const MAX_AGE_MS = 30 * 24 * 60 * 60 * 1000;

    function openStorage() {
        try {
            const storage = window.localStorage;
            storage.getItem(PREFIX);
            return storage;
        } catch (error) {
            // Storage disabled (private mode, policy): the form works without it.
            return null;
        }
    }

    function interpolate(text, values) {
        return text.replace(/%\((\w+)\)s/g, (match, name) => (name in values ? values[name] : match));
    }

    function storedDrafts(storage) {
        const drafts = [];
        for (let index = 0; index < storage.length; index++) {
            const key = storage.key(index);
            if (!key || !key.startsWith(PREFIX)) {
                continue;
            }
            let draft = null;
            try {
                draft = JSON.parse(storage.getItem(key));
            } catch (error) {
                draft = null;
            }
            drafts.push({key, draft});
        }
        return drafts;
    }

    function sameText(first, second) {
        return FIELDS.every((name) => (first[name] || "") === (second[name] || ""));
    }

    function formSnapshot(form) {
        const parts = [];
        for (const [name, value] of new FormData(form)) {
            parts.push([name, typeof value === "string" ? value : value.name]);
        }
        return JSON.stringify(parts);
    }

    function init() {
        const tools = document.getElementById("writing-tools");
        const form = tools && tools.closest("form");
        const storage = openStorage();
        const keyInput = form && form.elements.namedItem("draft_key");
        if (!form || !storage || !keyInput || !keyInput.value) {
            return;
        }
        const fields = FIELDS.map((name) => form.elements.namedItem(name)).filter(
            (field) => field instanceof HTMLInputElement || field instanceof HTMLTextAreaElement
        );
        const versionInput = form.elements.namedItem("version");
        const version = versionInput && versionInput.value ? Number(versionInput.value) : null;
        const scope = tools.dataset.scope;
        const token = keyInput.value;
        const ownKey = PREFIX + token;
        const banner = document.getElementById("autosave-banner");
        const status = document.getElementById("autosave-status");
        const lang = document.documentElement.lang || undefined;

        function values() {
            const current = {};
            fields.forEach((field) => {
                current[field.name] = field.value;
            });
            return current;
        }

        const rendered = values();

        // Forget what was saved, what is too old, and what the page already shows.
        const saved = new Set((tools.dataset.savedDrafts || "").split(/\s+/).filter(Boolean));
        const now = Date.now();
        const offered = [];
        storedDrafts(storage).forEach(({key, draft}) => {
            const broken = !draft || typeof draft.fields !== "object" || !draft.fields;
            if (broken || saved.has(draft.token) || now - draft.savedAt > MAX_AGE_MS) {
                storage.removeItem(key);
            } else if (draft.scope !== scope) {
                return;
            } else if (sameText(draft.fields, rendered)) {
                if (key !== ownKey) {
                    storage.removeItem(key);
                }
            } else {
                offered.push({key, draft});
            }
        });
        offered.sort((first, second) => second.draft.savedAt - first.draft.savedAt);

        // ------------------------------------------------------------ banner

        function offerNext() {
            const next = offered[0];
            if (!next) {
                banner.hidden = true;
                return;
            }
            const date = new Date(next.draft.savedAt).toLocaleString(lang, {
                dateStyle: "long",
                timeStyle: "short",
            });
            banner.querySelector(".autosave-banner__text").textContent = interpolate(
                tools.dataset.textFound,
                {date}
            );
            const older = banner.querySelector(".autosave-banner__older");
            older.textContent = tools.dataset.textOlder;
            older.hidden = !(version && next.draft.version && next.draft.version < version);
            banner.hidden = false;
        }

        function restore(draft) {
            fields.forEach((field) => {
                const value = draft.fields[field.name];
                if (typeof value === "string" && value !== field.value) {
                    field.value = value;
                    // The preview, the counters and the slug follow the restored text.
                    field.dispatchEvent(new Event("input", {bubbles: true}));
                    field.dispatchEvent(new Event("change", {bubbles: true}));
                }
            });
        }

        banner.addEventListener("click", (event) => {
            const button = event.target.closest("[data-autosave]");
            const current = offered[0];
            if (!button || !current) {
                return;
            }
            offered.shift();
            if (button.dataset.autosave === "restore") {
                restore(current.draft);
                // Now this page's text: it is kept under this page's own key.
                save();
            }
            if (current.key !== ownKey) {
                storage.removeItem(current.key);
            }
            offerNext();
            const focus = fields.find((field) => field.name === "body") || fields[0];
            if (banner.hidden && focus) {
                focus.focus();
            }
        });

        // ------------------------------------------------------------ saving

        let lastStored = JSON.stringify(rendered);

        function save() {
            const current = values();
            const serialized = JSON.stringify(current);
            if (serialized === lastStored) {
                return;
            }
            try {
                if (sameText(current, rendered)) {
                    // Back to what the server has: nothing unsaved to keep.
                    storage.removeItem(ownKey);
                } else {
                    const draft = {
                        scope,
                        token,
                        version,
                        savedAt: Date.now(),
                        url: window.location.pathname,
                        fields: current,
                    };
                    storage.setItem(ownKey, JSON.stringify(draft));
                    if (status) {
                        const time = new Date(draft.savedAt).toLocaleTimeString(lang, {
                            hour: "2-digit",
                            minute: "2-digit",
                        });
                        status.textContent = interpolate(tools.dataset.textKept, {time});
                    }
                }
                lastStored = serialized;
            } catch (error) {
                // Storage full: keep trying at the next change, the form still works.
            }
        }

        let timer = null;
        form.addEventListener("input", () => {
            clearTimeout(timer);
            timer = setTimeout(save, INPUT_DELAY_MS);
        });
        window.setInterval(save, INTERVAL_MS);
        document.addEventListener("visibilitychange", () => {
            if (document.visibilityState === "hidden") {
                save();
            }
        });
        window.addEventListener("pagehide", save);

        // ------------------------------------------------------------ leaving

        let submitting = false;
        const opened = formSnapshot(form);
        form.addEventListener("submit", () => {
            submitting = true;
            save();
        });
        window.addEventListener("pageshow", () => {
            submitting = false;
        });
        window.addEventListener("beforeunload", (event) => {
            save();
            if (!submitting && formSnapshot(form) !== opened) {
                event.preventDefault();
                // Older browsers ask for a returnValue; they all show their own text.
                event.returnValue = "";
            }
        });

        offerNext();
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", init);
    } else {
        init();
    }
}
