/*
 * The library's upload page: files dropped on the page or chosen are sent one
 * request each, so that each has its own progress bar and its own answer (its
 * thumbnail and a link to write its alternative text, or what is wrong with
 * it, in French, from the image form's own checks).
 *
 * Without this script the form posts every chosen file at once and the page
 * that comes back lists the same answers.
 */
"use strict";
{
    function setUp(form) {
        const input = form.querySelector("input[type=file]");
        const zone = form.querySelector("[data-drop-zone]");
        const list = form.querySelector("[data-upload-list]");
        const next = form.querySelector("[data-upload-next]");
        // The page's words, in the editor's language (data-text-* on the form).
        const text = {
            waiting: form.dataset.textWaiting,
            sending: form.dataset.textSending,
            processing: form.dataset.textProcessing,
            added: form.dataset.textAdded,
            describe: form.dataset.textDescribe,
            refused: form.dataset.textRefused,
            lost: form.dataset.textLost,
        };
        const queue = [];
        // The images added, for the link to describe them all in one form.
        const added = [];
        const describeLink = next.querySelector("[data-describe-link]");
        const describeUrl = describeLink.getAttribute("href").split("?")[0];
        let sending = false;

        function line(file) {
            const item = document.createElement("li");
            item.className = "library-upload__file";
            const name = document.createElement("span");
            name.className = "library-upload__name";
            name.textContent = file.name;
            const progress = document.createElement("progress");
            progress.max = 100;
            progress.value = 0;
            progress.setAttribute("aria-label", file.name);
            const status = document.createElement("span");
            status.className = "library-upload__status";
            status.textContent = text.waiting;
            item.append(name, progress, status);
            list.append(item);
            return {item, progress, status};
        }

        function succeeded({item, progress, status}, answer) {
            progress.value = 100;
            added.push(answer.id);
            const picture = document.createElement("img");
            picture.src = answer.thumbnail.url;
            picture.width = answer.thumbnail.width;
            picture.height = answer.thumbnail.height;
            picture.alt = "";
            picture.className = "library-upload__thumbnail";
            const link = document.createElement("a");
            link.href = answer.url;
            link.textContent = text.describe;
            status.textContent = `${text.added} `;
            status.append(link);
            item.insertBefore(picture, status);
            progress.remove();
        }

        function failed({item, progress, status}, errors) {
            item.classList.add("library-upload__file--failed");
            progress.remove();
            status.remove();
            const messages = document.createElement("ul");
            messages.className = "errorlist";
            for (const error of errors) {
                const message = document.createElement("li");
                message.textContent = error;
                messages.append(message);
            }
            item.append(messages);
        }

        function send(file, row) {
            return new Promise((resolve) => {
                const data = new FormData(form);
                data.delete("file");
                data.append("file", file);
                const request = new XMLHttpRequest();
                request.open("POST", form.action || window.location.href);
                request.setRequestHeader("Accept", "application/json");
                request.responseType = "json";
                request.upload.addEventListener("progress", (event) => {
                    if (event.lengthComputable) {
                        row.progress.value = Math.round(event.loaded / event.total * 100);
                    }
                });
                request.upload.addEventListener("load", () => {
                    // Sent: the server now checks the file and draws its renditions.
                    row.status.textContent = text.processing;
                });
                request.addEventListener("load", () => {
                    const answer = request.response || {};
                    if (request.status === 201) {
                        succeeded(row, answer);
                    } else {
                        failed(row, answer.errors || [text.refused]);
                    }
                    resolve();
                });
                request.addEventListener("error", () => {
                    failed(row, [text.lost]);
                    resolve();
                });
                row.status.textContent = text.sending;
                request.send(data);
            });
        }

        async function sendQueued() {
            if (sending) {
                return;
            }
            sending = true;
            // One at a time: the server draws each file's renditions with every core.
            while (queue.length) {
                const [file, row] = queue.shift();
                await send(file, row);
            }
            sending = false;
            if (added.length) {
                describeLink.href = `${describeUrl}?${added.map((id) => `id=${id}`).join("&")}`;
                next.hidden = false;
            }
        }

        function add(files) {
            if (!files.length) {
                return;
            }
            if (!form.reportValidity()) {
                return;
            }
            for (const file of files) {
                queue.push([file, line(file)]);
            }
            input.value = "";
            sendQueued();
        }

        input.addEventListener("change", () => add(Array.from(input.files)));
        form.addEventListener("submit", (event) => {
            event.preventDefault();
            add(Array.from(input.files));
        });
        for (const type of ["dragenter", "dragover"]) {
            zone.addEventListener(type, (event) => {
                event.preventDefault();
                zone.classList.add("is-dragged-over");
            });
        }
        zone.addEventListener("dragleave", () => zone.classList.remove("is-dragged-over"));
        zone.addEventListener("drop", (event) => {
            event.preventDefault();
            zone.classList.remove("is-dragged-over");
            add(Array.from(event.dataTransfer.files));
        });
        form.classList.add("is-active");
    }

    function init() {
        document.querySelectorAll("[data-library-upload]").forEach(setUp);
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", init);
    } else {
        init();
    }
}
