/*
 * Autosave of the article form, in two places.
 *
 * In the editor's own browser (localStorage), at each pause in the typing, so
 * that a dropped connection or a closed tab loses nothing. On the server, at
 * most every few seconds, as the writer's working copy (one per article and
 * writer, or per opening of the form for a new article): opening the form on
 * another machine offers it back in a banner the server draws (#working-copy,
 * newsroom/admin/working_copies.py). While that banner waits for an answer,
 * nothing is sent, so that this page does not overwrite the text it offers.
 *
 * Each opening of the form has a key (the hidden draft_key field), and its
 * draft is stored under it with the article it belongs to (its id, or "new"
 * and the admin address), the version the form was opened with and the time.
 * On load, a draft of the same article (never another's) that differs from the
 * text the server rendered is offered back in a banner. When it is as recent as
 * the server's copy, or the same text, this browser typed that copy: its own
 * banner offers it, and the server's steps aside. Drafts are forgotten when the
 * server says their form was saved (data-saved-drafts), when they match the
 * page, or after thirty days.
 */
"use strict";
{
    const PREFIX = "screenmania:draft:";
    const FIELDS = ["title", "standfirst", "body", "seo_title", "seo_description"];
    const INPUT_DELAY_MS = 1000;
    const INTERVAL_MS = 5000;
    // The server's copy is written at most this often, whatever the typing.
    const SERVER_INTERVAL_MS = 3000;
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
        if (!form || !keyInput || !keyInput.value) {
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
        const server = serverCopy(form, fields, values, rendered, status);

        // Forget what was saved, what is too old, and what the page already shows.
        // Scoped by article: a draft is never offered on another article's page.
        const saved = new Set((tools.dataset.savedDrafts || "").split(/\s+/).filter(Boolean));
        const now = Date.now();
        const offered = [];
        (storage ? storedDrafts(storage) : []).forEach(({key, draft}) => {
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
        // Typed on this machine: the browser's copy is as recent as the server's, or more,
        // and restoring it keeps the page. The server's banner steps aside for it.
        const typedHere =
            server.offered &&
            offered.some(
                ({draft}) => draft.savedAt >= server.keptAt || sameText(draft.fields, server.offered)
            );
        if (typedHere) {
            server.withdraw();
        }

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
            if (button.dataset.autosave === "dismiss") {
                // Ignored here, the server's copy it stood for is ignored too.
                server.discard();
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
            server.schedule();
            if (!storage) {
                lastStored = serialized;
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
                server.flush();
            }
        });
        window.addEventListener("pagehide", () => {
            save();
            server.flush();
        });

        // ------------------------------------------------------------ leaving

        let submitting = false;
        const opened = formSnapshot(form);
        form.addEventListener("submit", () => {
            submitting = true;
            // The save makes the text the article's and deletes the server's copy: a copy
            // sent after it would only come back.
            server.stop();
            save();
        });
        window.addEventListener("pageshow", () => {
            submitting = false;
            server.resume();
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

    // ---------------------------------------------------------------- server copy

    /*
     * The writer's working copy on the server: sent at most every SERVER_INTERVAL_MS
     * when the text differs from what was last sent, and once more when the page is
     * hidden or left. Returns what the local part needs: the text the server's banner
     * offers (to offer it once), and the sending controls.
     */
    function serverCopy(form, fields, values, rendered, status) {
        const box = document.getElementById("working-copy");
        const none = {
            offered: null,
            keptAt: 0,
            schedule() {},
            flush() {},
            stop() {},
            resume() {},
            withdraw() {},
            discard() {},
        };
        if (!box || !box.dataset.url) {
            return none;
        }
        let banner = document.getElementById("working-copy-banner");
        const texts = document.getElementById("working-copy-texts");
        const hasCopy = form.elements.namedItem("working_copy");
        const csrf = form.elements.namedItem("csrfmiddlewaretoken");
        const keyInput = form.elements.namedItem("draft_key");
        const versionInput = form.elements.namedItem("version");
        let waiting = Boolean(banner);
        let stopped = false;
        let lastSent = JSON.stringify(rendered);
        let lastSentAt = 0;
        let timer = null;
        let sending = false;

        function request(extra) {
            const data = new URLSearchParams();
            data.append("csrfmiddlewaretoken", csrf ? csrf.value : "");
            data.append("article", box.dataset.article);
            data.append("draft_key", keyInput.value);
            Object.entries(extra).forEach(([name, value]) => data.append(name, value));
            return data;
        }

        function show(text) {
            if (status) {
                status.textContent = text;
            }
        }

        async function send(keepalive) {
            timer = null;
            const current = values();
            const serialized = JSON.stringify(current);
            if (waiting || stopped || sending || serialized === lastSent) {
                return;
            }
            const data = request({
                ...current,
                based_on_version: versionInput && versionInput.value ? versionInput.value : "",
            });
            sending = true;
            lastSentAt = Date.now();
            if (hasCopy) {
                hasCopy.value = "1";
            }
            try {
                const response = await fetch(box.dataset.url, {
                    method: "POST",
                    body: data,
                    headers: {Accept: "application/json"},
                    credentials: "same-origin",
                    keepalive,
                });
                const result = await response.json();
                if (response.ok) {
                    lastSent = serialized;
                    show(result.status);
                } else {
                    show(box.dataset.textFailed.replace("%(error)s", result.error || ""));
                }
            } catch (error) {
                show(box.dataset.textOffline);
            } finally {
                sending = false;
            }
            if (!stopped && JSON.stringify(values()) !== lastSent) {
                schedule();
            }
        }

        function schedule() {
            if (timer === null && !waiting && !stopped) {
                const wait = Math.max(0, lastSentAt + SERVER_INTERVAL_MS - Date.now());
                timer = setTimeout(() => send(false), wait);
            }
        }

        let withdrawn = false;

        function withdraw() {
            banner.hidden = true;
            withdrawn = true;
            waiting = false;
        }

        function discard() {
            if (!banner || !withdrawn) {
                return;
            }
            // Forgotten on the server too, or every opening of the form would offer it.
            const data = request({discard: "1"});
            if (box.dataset.copyKey) {
                data.set("article", "");
                data.set("draft_key", box.dataset.copyKey);
            }
            // keepalive: the writer may leave or reload the page at once.
            fetch(box.dataset.url, {
                method: "POST",
                body: data,
                credentials: "same-origin",
                keepalive: true,
            });
            banner = null;
            schedule();
        }

        if (banner) {
            const ignore = banner.querySelector("[data-working-copy=discard]");
            ignore.hidden = false;
            ignore.addEventListener("click", () => {
                withdraw();
                discard();
                const body = fields.find((field) => field.name === "body") || fields[0];
                if (body) {
                    body.focus();
                }
            });
        }

        return {
            offered: texts ? JSON.parse(texts.textContent) : null,
            keptAt: Number(box.dataset.keptAt || 0),
            withdraw,
            discard,
            schedule,
            flush() {
                clearTimeout(timer);
                send(true);
            },
            stop() {
                clearTimeout(timer);
                timer = null;
                stopped = true;
            },
            resume() {
                stopped = false;
            },
        };
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", init);
    } else {
        init();
    }
}
