/*
 * The calendar's drag and drop: an entry dropped on another day (the month) or
 * hour (the week) is moved by its own "Move…" form, sent in the background with
 * the CSRF token that form holds; the server checks the move and records the
 * message, and the page is reloaded to show both. Without JavaScript, or on a
 * touch screen where HTML5 drag and drop does not exist, the form is there.
 */
(function () {
    "use strict";

    var dragged = null;

    function targetOf(event) {
        return event.target.closest ? event.target.closest("[data-day]") : null;
    }

    function send(form, day, time) {
        form.elements.day.value = day;
        if (time) {
            form.elements.time.value = time;
        }
        var token = form.elements.csrfmiddlewaretoken.value;
        fetch(form.action, {
            method: "POST",
            body: new FormData(form),
            credentials: "same-origin",
            headers: {"Accept": "application/json", "X-CSRFToken": token}
        }).then(
            function () {
                window.location.reload();
            },
            function () {
                // The network failed: the plain form says what happened.
                form.submit();
            }
        );
    }

    // Where the week's hours open: the working day, or the first thing planned before it.
    var WORKING_DAY_STARTS = 6;

    function openOnTheWorkingDay() {
        var week = document.querySelector(".cal-week");
        // A phone lists the week's days instead, and a tall screen shows every hour.
        if (!week || week.scrollHeight <= week.clientHeight) {
            return;
        }
        var hour = WORKING_DAY_STARTS;
        week.querySelectorAll(".cal-slot:not(.cal-empty)").forEach(function (slot) {
            hour = Math.min(hour, parseInt(slot.dataset.time, 10));
        });
        var row = week.querySelector(".cal-slot[data-time='" + ("0" + hour).slice(-2) + ":00']");
        var heading = week.querySelector(".cal-date");
        week.scrollTop += row.getBoundingClientRect().top - week.getBoundingClientRect().top -
            heading.offsetHeight;
    }

    function start() {
        openOnTheWorkingDay();
        document.querySelectorAll(".cal-entry[draggable='true']").forEach(function (entry) {
            entry.addEventListener("dragstart", function (event) {
                dragged = entry;
                entry.classList.add("cal-dragging");
                event.dataTransfer.effectAllowed = "move";
                event.dataTransfer.setData("text/plain", entry.dataset.article);
            });
            entry.addEventListener("dragend", function () {
                entry.classList.remove("cal-dragging");
                dragged = null;
            });
        });
        document.querySelectorAll(".cal-day[data-day], .cal-slot[data-day]").forEach(function (zone) {
            zone.addEventListener("dragover", function (event) {
                if (dragged && targetOf(event) === zone) {
                    event.preventDefault();
                    event.dataTransfer.dropEffect = "move";
                    zone.classList.add("cal-drop-target");
                }
            });
            zone.addEventListener("dragleave", function () {
                zone.classList.remove("cal-drop-target");
            });
            zone.addEventListener("drop", function (event) {
                zone.classList.remove("cal-drop-target");
                if (!dragged || targetOf(event) !== zone) {
                    return;
                }
                event.preventDefault();
                var form = dragged.querySelector(".cal-move form");
                // A day of the month keeps the entry's time; an hour of the week sets it.
                send(form, zone.dataset.day, zone.dataset.time || "");
                dragged = null;
            });
        });
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", start);
    } else {
        start();
    }
}());
