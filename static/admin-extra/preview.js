/*
 * Preview links in the admin: a "Copy" button next to each address. Without
 * JavaScript, or without clipboard access, the address stays in a read-only
 * field the editor can select and copy by hand.
 */
(function () {
    "use strict";

    function setUp(button) {
        var field = document.getElementById(button.dataset.copyTarget);
        var status = button.parentNode.querySelector(".preview-link-status");
        if (!field || !navigator.clipboard) {
            return;
        }
        button.hidden = false;
        button.addEventListener("click", function () {
            navigator.clipboard.writeText(field.value).then(
                function () {
                    status.textContent = button.dataset.copiedLabel;
                },
                function () {
                    field.select();
                    status.textContent = button.dataset.failedLabel;
                }
            );
        });
    }

    function start() {
        document.querySelectorAll(".preview-link-url").forEach(function (field) {
            field.addEventListener("focus", function () {
                field.select();
            });
        });
        document.querySelectorAll(".preview-link-copy").forEach(setUp);
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", start);
    } else {
        start();
    }
})();
