/*
 * The focal point of an image, set by clicking its preview in the image form.
 *
 * The two number inputs (0 to 1, from the left and from the top) are the
 * field: they stay visible and typed in by keyboard, and work without this
 * script. A click on the picture only fills them in; the marker follows
 * whatever they hold.
 */
"use strict";
{
    // A thousandth of the width: finer than anyone can click.
    const DECIMALS = 3;

    function fraction(offset, size) {
        const scale = 10 ** DECIMALS;
        return Math.round(Math.min(Math.max(offset / size, 0), 1) * scale) / scale;
    }

    function coordinate(input) {
        if (input.value.trim() === "") {
            return null;
        }
        const value = Number(input.value);
        return Number.isFinite(value) && value >= 0 && value <= 1 ? value : null;
    }

    function setUp(picker) {
        const inputX = document.getElementById(picker.dataset.xInput);
        const inputY = document.getElementById(picker.dataset.yInput);
        if (!inputX || !inputY || inputX.readOnly || inputY.readOnly) {
            // Someone who may only view the image: the point is shown as text.
            return;
        }
        const image = picker.querySelector(".focal-point__image");
        const marker = picker.querySelector(".focal-point__marker");
        const actions = picker.querySelector(".focal-point__actions");

        function show() {
            const x = coordinate(inputX);
            const y = coordinate(inputY);
            marker.hidden = x === null || y === null;
            if (!marker.hidden) {
                marker.style.left = `${x * 100}%`;
                marker.style.top = `${y * 100}%`;
            }
            actions.hidden = inputX.value === "" && inputY.value === "";
        }

        function write(x, y) {
            inputX.value = x;
            inputY.value = y;
            // For whatever else watches the form, as if typed.
            for (const input of [inputX, inputY]) {
                input.dispatchEvent(new Event("input", {bubbles: true}));
                input.dispatchEvent(new Event("change", {bubbles: true}));
            }
            show();
        }

        image.addEventListener("click", (event) => {
            const box = image.getBoundingClientRect();
            write(fraction(event.clientX - box.left, box.width), fraction(event.clientY - box.top, box.height));
        });
        actions.querySelector("button").addEventListener("click", () => {
            write("", "");
            // The button has just hidden itself: keep the keyboard in the field.
            inputX.focus();
        });
        inputX.addEventListener("input", show);
        inputY.addEventListener("input", show);
        picker.classList.add("is-active");
        picker.querySelector(".focal-point__help").hidden = false;
        show();
    }

    function init() {
        document.querySelectorAll("[data-focal-point]").forEach(setUp);
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", init);
    } else {
        init();
    }
}
