/*
 * A WordPress import's page while the run goes on: the bar and its sentence follow
 * the run, read every two seconds from the page's progress address, and the page
 * reloads once the run is over, to show its report or its error. Without
 * JavaScript, the page reloads itself every five seconds (a <noscript> refresh).
 */
(function () {
    "use strict";

    var EVERY_MS = 2000;

    function follow(section) {
        var bar = section.querySelector("progress");
        var summary = section.querySelector("[role=status]");

        function poll() {
            fetch(section.dataset.progressUrl, {
                credentials: "same-origin",
                headers: {Accept: "application/json"}
            })
                .then(function (response) {
                    if (!response.ok) {
                        throw new Error(response.status);
                    }
                    return response.json();
                })
                .then(function (progress) {
                    if (!progress.going_on) {
                        window.location.reload();
                        return;
                    }
                    bar.value = progress.percent;
                    bar.textContent = progress.percent + " %";
                    if (summary.textContent !== progress.summary) {
                        summary.textContent = progress.summary;
                    }
                    window.setTimeout(poll, EVERY_MS);
                })
                // A lost connection or a server restart: try again a little later.
                .catch(function () {
                    window.setTimeout(poll, EVERY_MS * 3);
                });
        }

        window.setTimeout(poll, EVERY_MS);
    }

    function start() {
        document.querySelectorAll("[data-progress-url]").forEach(follow);
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", start);
    } else {
        start();
    }
})();
