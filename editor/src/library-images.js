/*
 * The media library's images the text names (``image:12``), as the formatted
 * view draws them: asked of the page's ``findImages`` (the admin's library
 * endpoint) a few numbers at a time, the first time they come into view, and
 * kept for as long as the page is open.
 */
import {Facet, StateEffect} from "@codemirror/state";

// As many numbers as the library endpoint answers in one request (LIBRARY_LIMIT).
const NUMBERS_PER_REQUEST = 24;
// A request that failed (the network, the server) is tried again after this long,
// never on every keystroke.
const RETRY_AFTER_MS = 10000;
// Numbers longer than this cannot be a library image's (the largest key is 2**63 - 1)
// and would lose digits as JavaScript numbers.
const LONGEST_NUMBER = 15;

/**
 * ``findImages(numbers)``, given by the page: a promise of the images the
 * library holds among ``numbers``, each as the library lists it ({id, alt,
 * caption, credit, thumbnail}). Without it, images show as their number.
 */
export const imageFinder = Facet.define({combine: (values) => values[0] || null});

// Sent when answers arrive, so that the view draws them.
export const imagesFound = StateEffect.define();

/** The key of the library number ``digits`` (``012`` is 12), or null for one no image can have. */
export function imageNumber(digits) {
    const number = digits.replace(/^0+(?=\d)/, "");
    return number.length <= LONGEST_NUMBER && number !== "0" ? number : null;
}

export class LibraryImages {
    constructor(view) {
        this.view = view;
        this.known = new Map();
        this.asked = new Set();
        this.failedAt = new Map();
        this.closed = false;
    }

    /** The library's entry for ``number``: an object, null when it has none, undefined when not known yet. */
    entry(number) {
        if (number === null) {
            return null;
        }
        return this.known.get(number);
    }

    /** Asks for those of ``numbers`` not known, not asked yet and not failed a moment ago. */
    ask(numbers) {
        const find = this.view.state.facet(imageFinder);
        if (!find) {
            return;
        }
        const now = Date.now();
        const wanted = [...new Set(numbers)].filter((number) => (
            number !== null
            && !this.known.has(number)
            && !this.asked.has(number)
            && !(now - (this.failedAt.get(number) || -Infinity) < RETRY_AFTER_MS)
        ));
        for (let start = 0; start < wanted.length; start += NUMBERS_PER_REQUEST) {
            this.request(find, wanted.slice(start, start + NUMBERS_PER_REQUEST));
        }
    }

    async request(find, numbers) {
        numbers.forEach((number) => this.asked.add(number));
        let found = null;
        try {
            found = await find(numbers);
        } catch (error) {
            found = null;
        }
        numbers.forEach((number) => this.asked.delete(number));
        if (this.closed) {
            return;
        }
        if (!Array.isArray(found)) {
            numbers.forEach((number) => this.failedAt.set(number, Date.now()));
            return;
        }
        const byNumber = new Map(found.map((entry) => [String(entry.id), entry]));
        numbers.forEach((number) => this.known.set(number, byNumber.get(number) || null));
        this.view.dispatch({effects: imagesFound.of(numbers)});
    }

    destroy() {
        this.closed = true;
    }
}
