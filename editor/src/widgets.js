/*
 * What the formatted view draws in place of the magazine's own syntax while
 * the cursor is elsewhere: a library image as its thumbnail, a footnote call
 * as a superscript, a note's label, a spoiler's banner, a trailer's card.
 *
 * Each is a decoration over text that stays in the document as typed. A click
 * on one puts the cursor in its line, which shows the source again. Their
 * words come from the editor's phrases (EditorState.phrases), which the admin
 * fills with its translations.
 */
import {WidgetType} from "@codemirror/view";

function element(tag, className, text) {
    const node = document.createElement(tag);
    node.className = className;
    if (text) {
        node.textContent = text;
    }
    return node;
}

// The rendition's <img>, sized before it loads so that the lines below do not move.
function thumbnail(entry, className, height) {
    const {url, srcset, width, height: thumbnailHeight} = entry.thumbnail;
    const picture = element("img", className);
    if (srcset) {
        picture.srcset = srcset;
        // Drawn this many CSS pixels high (the style sheet says so), as wide as its proportions make it.
        picture.sizes = `${Math.ceil((height * width) / thumbnailHeight)}px`;
    }
    picture.src = url;
    picture.width = width;
    picture.height = thumbnailHeight;
    picture.decoding = "async";
    return picture;
}

class SyntaxWidget extends WidgetType {
    // A click is the editor's: it puts the cursor in the line, and the source shows.
    ignoreEvent() {
        return false;
    }
}

/**
 * ``![alt](image:12 "Légende")``: the library's image, with the alt text and
 * caption the page will give it (those typed in the text come first, as in
 * images/embedding.py). ``entry`` is the library's answer: an object, null for
 * a number the library does not hold, undefined while it is not known.
 */
export class ImageWidget extends SyntaxWidget {
    constructor(number, alt, caption, entry, block) {
        super();
        this.number = number;
        this.alt = alt;
        this.caption = caption;
        this.entry = entry;
        this.block = block;
    }

    eq(other) {
        return other.number === this.number && other.alt === this.alt && other.caption === this.caption
            && other.entry === this.entry && other.block === this.block;
    }

    toDOM(view) {
        const {state} = view;
        const {entry} = this;
        const wrapper = element("span", this.block ? "cm-md-figure" : "cm-md-inline-image");
        if (!entry) {
            const missing = entry === null;
            wrapper.classList.add(missing ? "is-missing" : "is-unknown");
            const label = missing ? "Image not found (no. $1)" : "Image no. $1";
            wrapper.append(element("span", "cm-md-figure__placeholder", state.phrase(label, this.number)));
        } else {
            const picture = thumbnail(entry, "cm-md-figure__image", this.block ? 160 : 24);
            picture.alt = this.alt || entry.alt;
            wrapper.append(picture);
        }
        if (!this.block) {
            return wrapper;
        }
        const alt = this.alt || (entry ? entry.alt : "");
        const caption = this.caption || (entry ? entry.caption : "");
        const text = element("span", "cm-md-figure__text");
        if (caption) {
            text.append(element("span", "cm-md-figure__caption", caption));
        }
        if (entry && entry.credit) {
            text.append(element("span", "cm-md-figure__credit", entry.credit));
        }
        if (alt) {
            text.append(element("span", "cm-md-figure__alt", state.phrase("Alternative text: $1", alt)));
        }
        wrapper.append(text);
        return wrapper;
    }
}

// ``[^1]``: the note's number, raised, as readers see it.
export class FootnoteCallWidget extends SyntaxWidget {
    constructor(label) {
        super();
        this.label = label;
    }

    eq(other) {
        return other.label === this.label;
    }

    toDOM() {
        return element("sup", "cm-md-footnote-call", this.label);
    }
}

// ``[^1]: `` at the start of a note.
export class FootnoteLabelWidget extends FootnoteCallWidget {
    toDOM(view) {
        return element("span", "cm-md-note-label", view.state.phrase("Footnote $1", this.label));
    }
}

// ``:::spoiler La fin`` and the ``:::`` that closes it.
export class SpoilerFenceWidget extends SyntaxWidget {
    constructor(label, closing) {
        super();
        this.label = label;
        this.closing = closing;
    }

    eq(other) {
        return other.label === this.label && other.closing === this.closing;
    }

    toDOM(view) {
        const {state} = view;
        if (this.closing) {
            return element("span", "cm-md-spoiler-end", state.phrase("End of spoiler"));
        }
        const text = this.label ? state.phrase("Spoiler: $1", this.label) : state.phrase("Spoiler");
        return element("span", "cm-md-spoiler-label", text);
    }
}

const VIDEO_HOSTS = [
    [/(^|\.)(youtube\.com|youtube-nocookie\.com|youtu\.be)$/, "YouTube"],
    [/(^|\.)vimeo\.com$/, "Vimeo"],
    [/(^|\.)(dailymotion\.com|dai\.ly)$/, "Dailymotion"],
];

function videoHost(address) {
    let hostname = "";
    try {
        hostname = new URL(address).hostname;
    } catch (error) {
        return address;
    }
    const known = VIDEO_HOSTS.find(([pattern]) => pattern.test(hostname));
    return known ? known[1] : hostname;
}

// ``@[Label](URL image:42)``: the trailer's card, its poster from the library.
export class TrailerWidget extends SyntaxWidget {
    constructor(label, address, poster) {
        super();
        this.label = label;
        this.address = address;
        this.poster = poster;
    }

    eq(other) {
        return other.label === this.label && other.address === this.address && other.poster === this.poster;
    }

    toDOM(view) {
        const card = element("span", "cm-md-trailer-card");
        const frame = element("span", "cm-md-trailer-card__frame");
        if (this.poster) {
            const poster = thumbnail(this.poster, "cm-md-trailer-card__poster", 72);
            poster.alt = "";
            frame.append(poster);
        }
        const play = element("span", "cm-md-trailer-card__play", "▶");
        play.setAttribute("aria-hidden", "true");
        frame.append(play);
        const text = element("span", "cm-md-trailer-card__text");
        text.append(
            element("span", "cm-md-trailer-card__kind", `${view.state.phrase("Trailer")} · ${videoHost(this.address)}`),
            element("span", "cm-md-trailer-card__label", this.label),
        );
        card.append(frame, text);
        return card;
    }
}

class BulletWidget extends WidgetType {
    eq() {
        return true;
    }

    toDOM() {
        return element("span", "cm-md-bullet", "•");
    }
}

export const bulletWidget = new BulletWidget();
