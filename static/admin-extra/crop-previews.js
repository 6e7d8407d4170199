/*
 * The crops of an image (16:9, square, social card), redrawn as soon as its
 * focal point moves, before anything is saved.
 *
 * Each preview shows the part of the image the server's renditions will cut:
 * the box is worked out by the rule of crop_box() in images/processing.py
 * (the largest box of the ratio, centred on the point as nearly as the edges
 * allow), in the original's pixels, and the whole image is then scaled and
 * moved so that exactly that box fills the frame. Without this script, the
 * frames show the renditions drawn for the saved point.
 */
"use strict";
{
    function cropBox(width, height, ratioWidth, ratioHeight, focalX, focalY) {
        let boxWidth = width;
        let boxHeight = Math.round(width * ratioHeight / ratioWidth);
        if (width * ratioHeight > height * ratioWidth) {
            boxWidth = Math.round(height * ratioWidth / ratioHeight);
            boxHeight = height;
        }
        const left = Math.min(Math.max(Math.round(focalX * width - boxWidth / 2), 0), width - boxWidth);
        const top = Math.min(Math.max(Math.round(focalY * height - boxHeight / 2), 0), height - boxHeight);
        return {left, top, width: boxWidth, height: boxHeight};
    }

    function coordinate(input) {
        // As the server reads the form: no point (or half a point) means the centre.
        const value = input.value.trim() === "" ? NaN : Number(input.value);
        return Number.isFinite(value) && value >= 0 && value <= 1 ? value : null;
    }

    function setUp(previews) {
        const inputX = document.getElementById(previews.dataset.xInput);
        const inputY = document.getElementById(previews.dataset.yInput);
        const source = document.querySelector(".focal-point__image");
        const width = Number(previews.dataset.width);
        const height = Number(previews.dataset.height);
        if (!inputX || !inputY || !source || !width || !height) {
            return;
        }
        const frames = Array.from(previews.querySelectorAll("[data-crop]"), (frame) => {
            const [ratioWidth, ratioHeight] = frame.dataset.crop.split(":").map(Number);
            const image = frame.querySelector("img");
            const frameWidth = Number(image.getAttribute("width"));
            const frameHeight = Number(image.getAttribute("height"));
            frame.style.width = `${frameWidth}px`;
            frame.style.height = `${frameHeight}px`;
            image.src = source.currentSrc || source.src;
            image.removeAttribute("srcset");
            image.classList.add("is-positioned");
            return {frame, image, ratioWidth, ratioHeight, frameWidth};
        });

        function draw() {
            let x = coordinate(inputX);
            let y = coordinate(inputY);
            if (x === null || y === null) {
                x = 0.5;
                y = 0.5;
            }
            for (const {frame, image, ratioWidth, ratioHeight} of frames) {
                const box = cropBox(width, height, ratioWidth, ratioHeight, x, y);
                image.style.width = `${width / box.width * 100}%`;
                image.style.height = `${height / box.height * 100}%`;
                image.style.left = `${-box.left / box.width * 100}%`;
                image.style.top = `${-box.top / box.height * 100}%`;
                frame.dataset.box = [box.left, box.top, box.left + box.width, box.top + box.height].join(",");
            }
        }

        inputX.addEventListener("input", draw);
        inputY.addEventListener("input", draw);
        draw();
    }

    function init() {
        document.querySelectorAll("[data-crop-previews]").forEach(setUp);
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", init);
    } else {
        init();
    }
}
