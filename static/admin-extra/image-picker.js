/*
 * The Image button of the article form: a dialog to search the image library
 * and put an image in the text, as ![](image:42) in a paragraph of its own.
 *
 * The results come from the library's admin endpoint (ImageAdmin.library_view).
 * The insertion itself is writing.js's ("writing:insert-block" on the body),
 * so that Ctrl+Z undoes it and the preview and autosave follow it.
 *
 * The dialog sits inside the article form: nothing in it has a name, so it
 * adds nothing to what is saved, and Enter in its search field must not
 * submit the article.
 *
 * For those who may add to the library, a second tab sends an image from the
 * computer (chosen or dropped): image-upload.js asks its description and
 * uploads it, and the image then goes into the text as a library pick does.
 */
"use strict";
{
    const SEARCH_DELAY_MS = 250;

    function tile(result, choose) {
        const item = document.createElement("li");
        const choice = document.createElement("button");
        choice.type = "button";
        choice.className = "image-picker__choice";
        choice.dataset.imageId = result.id;
        if (result.alt) {
            choice.title = result.alt;
        }
        const picture = document.createElement("img");
        const {thumbnail} = result;
        if (thumbnail.srcset) {
            picture.srcset = thumbnail.srcset;
            picture.sizes = thumbnail.sizes;
        }
        picture.src = thumbnail.url;
        picture.width = thumbnail.width;
        picture.height = thumbnail.height;
        // The title next to it names the button.
        picture.alt = "";
        picture.loading = "lazy";
        const label = document.createElement("span");
        label.className = "image-picker__title";
        label.textContent = result.title;
        choice.append(picture, label);
        if (result.credit) {
            const credit = document.createElement("span");
            credit.className = "image-picker__credit";
            credit.textContent = result.credit;
            choice.append(credit);
        }
        choice.addEventListener("click", () => choose(result));
        item.append(choice);
        return item;
    }

    function setUp(button, dialog, textarea) {
        const search = dialog.querySelector("input[type=search]");
        const results = dialog.querySelector(".image-picker__results");
        const status = dialog.querySelector(".image-picker__status");
        let timer = null;
        let controller = null;

        function choose(result) {
            dialog.close();
            textarea.dispatchEvent(new CustomEvent("writing:insert-block", {detail: {text: result.markdown}}));
        }

        async function load() {
            clearTimeout(timer);
            if (controller) {
                controller.abort();
            }
            controller = new AbortController();
            const address = new URL(dialog.dataset.libraryUrl, document.baseURI);
            address.searchParams.set("q", search.value.trim());
            let found;
            try {
                const response = await fetch(address, {
                    headers: {Accept: "application/json"},
                    credentials: "same-origin",
                    signal: controller.signal,
                });
                if (!response.ok) {
                    throw new Error(`${response.status}`);
                }
                found = (await response.json()).results;
            } catch (error) {
                if (error.name !== "AbortError") {
                    results.replaceChildren();
                    status.textContent = dialog.dataset.textError;
                }
                return;
            }
            results.replaceChildren(...found.map((result) => tile(result, choose)));
            status.textContent = found.length ? "" : dialog.dataset.textEmpty;
        }

        button.addEventListener("click", () => {
            dialog.showModal();
            search.focus();
            search.select();
            load();
        });
        search.addEventListener("input", () => {
            clearTimeout(timer);
            timer = setTimeout(load, SEARCH_DELAY_MS);
        });
        search.addEventListener("keydown", (event) => {
            if (event.key === "Enter") {
                event.preventDefault();
                load();
            } else if (event.key === "Escape") {
                // Chromium would empty the field and keep the dialog open: one
                // Escape closes it, and the search is there the next time.
                event.preventDefault();
                dialog.close();
            }
        });
        setUpTabs(dialog);
        setUpSending(dialog, choose);
        dialog.querySelector(".image-picker__close").addEventListener("click", () => dialog.close());
        dialog.addEventListener("click", (event) => {
            // A click on the backdrop lands on the dialog itself, outside its box.
            const box = dialog.getBoundingClientRect();
            const inside = event.clientX >= box.left && event.clientX <= box.right
                && event.clientY >= box.top && event.clientY <= box.bottom;
            if (event.target === dialog && !inside) {
                dialog.close();
            }
        });
    }

    function setUpTabs(dialog) {
        const tabs = Array.from(dialog.querySelectorAll("[role=tab]"));

        function select(chosen) {
            tabs.forEach((tab) => {
                const selected = tab === chosen;
                tab.setAttribute("aria-selected", String(selected));
                tab.tabIndex = selected ? 0 : -1;
                document.getElementById(tab.getAttribute("aria-controls")).hidden = !selected;
            });
        }

        tabs.forEach((tab, index) => {
            tab.addEventListener("click", () => select(tab));
            // Arrows move between tabs, as in any tab list (WAI-ARIA's pattern).
            tab.addEventListener("keydown", (event) => {
                const step = {ArrowRight: 1, ArrowLeft: -1}[event.key];
                const target = step ? tabs[(index + step + tabs.length) % tabs.length]
                    : {Home: tabs[0], End: tabs[tabs.length - 1]}[event.key];
                if (target) {
                    event.preventDefault();
                    select(target);
                    target.focus();
                }
            });
        });
        // Each opening starts on the library, with the search focused.
        dialog.addEventListener("close", () => {
            if (tabs.length) {
                select(tabs[0]);
            }
        });
    }

    function setUpSending(dialog, choose) {
        const panel = dialog.querySelector(".image-picker__drop");
        const input = panel && panel.querySelector("input[type=file]");
        if (!input) {
            return;
        }

        async function send(file) {
            if (!file || !window.screenmaniaImageUpload) {
                return;
            }
            // The upload dialog opens over this one; cancelled, this one is still there.
            const markdown = await window.screenmaniaImageUpload(file);
            input.value = "";
            if (markdown) {
                choose({markdown});
            }
        }

        input.addEventListener("change", () => send(input.files[0]));
        panel.addEventListener("dragover", (event) => {
            if (Array.from(event.dataTransfer.types).includes("Files")) {
                event.preventDefault();
                event.dataTransfer.dropEffect = "copy";
                panel.classList.add("is-drop-target");
            }
        });
        panel.addEventListener("dragleave", (event) => {
            if (!panel.contains(event.relatedTarget)) {
                panel.classList.remove("is-drop-target");
            }
        });
        panel.addEventListener("drop", (event) => {
            panel.classList.remove("is-drop-target");
            if (event.dataTransfer.files.length) {
                event.preventDefault();
                send(event.dataTransfer.files[0]);
            }
        });
    }

    function init() {
        const button = document.querySelector("#writing-toolbar [data-markdown=image]");
        const dialog = document.getElementById("image-picker");
        const textarea = document.getElementById("id_body");
        if (button && dialog && textarea) {
            setUp(button, dialog, textarea);
        }
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", init);
    } else {
        init();
    }
}
