/*
 * An image dropped or pasted into the article's text, or chosen in the Image
 * dialog's « Send an image » tab, goes into the media library, described
 * first, then into the text.
 *
 * window.screenmaniaImageUpload(file) opens the dialog for one file: a
 * preview, the alt text (or « decorative »), the licence, credit, caption and
 * the AI mark, then the upload with its progress. It resolves with the
 * Markdown to insert, ![](image:42), or with null if the editor cancels.
 * writing.js calls it from the drop and paste handlers of both views of the
 * body, and inserts the line where the image was dropped or pasted.
 *
 * The server (ImageAdmin.upload_view) runs the library's own form: its
 * answers, including every error message, are the ones to show. The preview
 * is drawn on a canvas from the file's pixels: a blob: address would need the
 * CSP's img-src to allow it.
 */
"use strict";
{
    const PREVIEW_BOX = {width: 320, height: 240};

    function interpolate(text, values) {
        return text.replace(/%\((\w+)\)s/g, (match, name) => (name in values ? values[name] : match));
    }

    function weight(bytes) {
        const unit = bytes >= 1024 * 1024 ? "megabyte" : "kilobyte";
        const amount = bytes / (unit === "megabyte" ? 1024 * 1024 : 1024);
        return new Intl.NumberFormat(document.documentElement.lang || undefined, {
            style: "unit", unit, maximumFractionDigits: 1,
        }).format(amount);
    }

    function csrfToken() {
        const input = document.querySelector("[name=csrfmiddlewaretoken]");
        return input ? input.value : "";
    }

    function isImageFile(file) {
        return file.type.startsWith("image/");
    }

    // Closing a modal dialog gives the focus back to the field that had it, but
    // Chromium puts a textarea's cursor back at the start of its text: the
    // writer's cursor, and the next image pasted, would go there.
    function keepCursor(element) {
        if (!element || !["TEXTAREA", "INPUT"].includes(element.tagName) || element.selectionStart === null) {
            return () => {};
        }
        const {selectionStart, selectionEnd, selectionDirection} = element;
        return () => {
            if (document.activeElement === element) {
                element.setSelectionRange(selectionStart, selectionEnd, selectionDirection);
            }
        };
    }

    class UploadDialog {
        constructor(dialog) {
            this.dialog = dialog;
            // Out of the article form: its fields must never be saved with the
            // article, and Enter in them must send the image, not the article.
            this.form = document.createElement("form");
            this.form.className = "image-upload__form";
            this.form.noValidate = true;
            this.form.append(...dialog.childNodes);
            dialog.append(this.form);
            document.body.append(dialog);

            this.canvas = dialog.querySelector(".image-upload__canvas");
            this.fileLine = dialog.querySelector(".image-upload__file");
            this.problem = dialog.querySelector(".image-upload__problem");
            this.progress = dialog.querySelector(".image-upload__progress");
            this.bar = this.progress.querySelector("progress");
            this.status = dialog.querySelector(".image-upload__status");
            this.send = dialog.querySelector(".image-upload__send");
            this.fields = Object.fromEntries(
                Array.from(dialog.querySelectorAll("[data-field]"), (input) => [input.dataset.field, input])
            );
            this.request = null;
            this.settle = null;
            this.restoreCursor = () => {};

            this.form.addEventListener("submit", (event) => {
                event.preventDefault();
                this.upload();
            });
            dialog.querySelector(".image-upload__cancel").addEventListener("click", () => this.cancel());
            // Escape: the browser closes the dialog; what was sending stops.
            dialog.addEventListener("cancel", (event) => {
                event.preventDefault();
                this.cancel();
            });
            const decorative = this.fields.is_decorative;
            if (decorative) {
                decorative.addEventListener("change", () => this.followDecorative());
            }
        }

        open(file) {
            this.file = file;
            this.form.reset();
            this.followDecorative();
            this.clearErrors();
            this.setBusy(false);
            this.status.textContent = "";
            this.fileLine.textContent = `${file.name || ""} · ${weight(file.size)}`;
            this.restoreCursor = keepCursor(document.activeElement);
            this.dialog.showModal();
            this.drawPreview(file);
            const refusal = this.refusalBeforeSending(file);
            if (refusal) {
                this.showProblem(refusal);
                this.send.disabled = true;
                this.dialog.querySelector(".image-upload__cancel").focus();
            } else {
                this.send.disabled = false;
                this.fields.alt_text.focus();
            }
            return new Promise((resolve) => {
                this.settle = resolve;
            });
        }

        refusalBeforeSending(file) {
            // Said at once rather than after sending megabytes for nothing; the
            // server checks again, and decides what the pixels are.
            const {maxBytes, textTooLarge, textUnreadable} = this.dialog.dataset;
            if (file.size > Number(maxBytes)) {
                return textTooLarge;
            }
            if (!isImageFile(file)) {
                return textUnreadable;
            }
            return "";
        }

        async drawPreview(file) {
            const {canvas} = this;
            const context = canvas.getContext("2d");
            canvas.setAttribute("aria-label", interpolate(this.dialog.dataset.textPreview, {name: file.name || ""}));
            let bitmap;
            try {
                bitmap = await createImageBitmap(file);
            } catch (error) {
                canvas.hidden = true;
                this.fileLine.textContent += ` — ${this.dialog.dataset.textNoPreview}`;
                return;
            }
            const scale = Math.min(PREVIEW_BOX.width / bitmap.width, PREVIEW_BOX.height / bitmap.height, 1);
            canvas.width = Math.max(Math.round(bitmap.width * scale), 1);
            canvas.height = Math.max(Math.round(bitmap.height * scale), 1);
            canvas.hidden = false;
            context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
            bitmap.close();
        }

        followDecorative() {
            // A decorative image needs no alt text: the field is not required then.
            const decorative = Boolean(this.fields.is_decorative && this.fields.is_decorative.checked);
            const alt = this.fields.alt_text;
            alt.disabled = decorative;
            alt.setAttribute("aria-required", String(!decorative));
            alt.labels.forEach((label) => label.classList.toggle("required", !decorative));
        }

        clearErrors() {
            this.problem.hidden = true;
            this.problem.textContent = "";
            this.dialog.querySelectorAll(".image-upload__error").forEach((element) => {
                element.hidden = true;
                element.textContent = "";
            });
            Object.values(this.fields).forEach((input) => {
                input.removeAttribute("aria-invalid");
                const described = (input.getAttribute("aria-describedby") || "")
                    .split(/\s+/).filter((id) => id && !id.endsWith("-error"));
                if (described.length) {
                    input.setAttribute("aria-describedby", described.join(" "));
                } else {
                    input.removeAttribute("aria-describedby");
                }
            });
        }

        showProblem(message) {
            this.problem.textContent = message;
            this.problem.hidden = false;
        }

        showErrors(errors) {
            // Each field's errors under it; the file's, and any other, head the form.
            const general = [];
            for (const [name, messages] of Object.entries(errors)) {
                const input = this.fields[name];
                const place = document.getElementById(`image-upload-${name}-error`);
                if (!input || !place) {
                    general.push(...messages);
                    continue;
                }
                place.textContent = messages.join(" ");
                place.hidden = false;
                input.setAttribute("aria-invalid", "true");
                const described = (input.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
                input.setAttribute("aria-describedby", [place.id, ...described].join(" "));
            }
            this.showProblem(general.length ? general.join(" ") : this.dialog.dataset.textFix);
            // The first field to correct in the dialog's order, whatever the server's.
            const first = Object.values(this.fields).find((input) => input.getAttribute("aria-invalid"));
            (first || this.send).focus();
        }

        setBusy(busy) {
            this.progress.hidden = !busy;
            this.send.disabled = busy;
            Object.values(this.fields).forEach((input) => {
                input.readOnly = busy;
            });
        }

        showProgress(loaded, total) {
            if (total && loaded < total) {
                const percent = Math.round((loaded / total) * 100);
                this.bar.value = percent;
                this.status.textContent = interpolate(this.dialog.dataset.textSending, {
                    percent: new Intl.NumberFormat(document.documentElement.lang || undefined, {style: "percent"})
                        .format(percent / 100),
                });
            } else {
                // Every byte is there: the server now cleans the image and draws its sizes.
                this.bar.removeAttribute("value");
                this.status.textContent = this.dialog.dataset.textPreparing;
            }
        }

        upload() {
            if (this.request || this.send.disabled) {
                return;
            }
            this.clearErrors();
            const data = new FormData();
            data.append("file", this.file, this.file.name || "image");
            for (const [name, input] of Object.entries(this.fields)) {
                if (input.type === "checkbox") {
                    if (input.checked) {
                        data.append(name, "on");
                    }
                } else if (!input.disabled) {
                    data.append(name, input.value.trim());
                }
            }
            // XMLHttpRequest rather than fetch: only it reports an upload's progress.
            const request = new XMLHttpRequest();
            this.request = request;
            request.open("POST", this.dialog.dataset.uploadUrl);
            request.responseType = "json";
            request.setRequestHeader("Accept", "application/json");
            request.setRequestHeader("X-CSRFToken", csrfToken());
            request.upload.addEventListener("progress", (event) => this.showProgress(event.loaded, event.total));
            request.upload.addEventListener("load", () => this.showProgress(1, 1));
            request.addEventListener("load", () => this.answered(request));
            request.addEventListener("error", () => this.failed(request));
            this.setBusy(true);
            this.showProgress(0, this.file.size);
            request.send(data);
        }

        answered(request) {
            if (request !== this.request) {
                return;
            }
            this.request = null;
            const answer = request.response;
            if (request.status === 201 && answer && answer.markdown) {
                this.finish(answer.markdown);
            } else if (answer && answer.errors) {
                this.setBusy(false);
                this.status.textContent = "";
                this.showErrors(answer.errors);
            } else {
                this.failed(request);
            }
        }

        failed(request) {
            if (request !== this.request && this.request !== null) {
                return;
            }
            this.request = null;
            this.setBusy(false);
            this.status.textContent = "";
            this.showProblem(this.dialog.dataset.textFailed);
            this.send.focus();
        }

        cancel() {
            if (this.request) {
                const request = this.request;
                this.request = null;
                request.abort();
            }
            this.finish(null);
        }

        finish(markdown) {
            this.dialog.close();
            this.restoreCursor();
            const settle = this.settle;
            this.settle = null;
            if (settle) {
                settle(markdown);
            }
        }
    }

    function init() {
        const element = document.getElementById("image-upload");
        if (!element) {
            return;
        }
        const dialog = new UploadDialog(element);
        // One dialog at a time: files dropped together are described one by one.
        let queue = Promise.resolve();
        function upload(file) {
            const turn = queue.then(() => dialog.open(file));
            queue = turn.catch(() => null);
            return turn;
        }
        // writing.js hands it the images dropped or pasted into the text, in the
        // formatted view and in the Markdown view's textarea alike.
        window.screenmaniaImageUpload = upload;
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", init);
    } else {
        init();
    }
}
