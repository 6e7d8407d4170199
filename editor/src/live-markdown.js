/*
 * Markdown shown as formatting: headings large, bold bold, quotes and lists
 * drawn as such, link text as a link, library images as pictures, footnote
 * calls raised, spoilers and trailers as readers will meet them. The text
 * itself is never changed: the markers (##, **, *, >, [](…)) and the
 * magazine's syntax are only hidden, or drawn over (widgets.js), while the
 * cursor is away from them, and shown again where the writer is, so that
 * what is stored stays the Markdown the site renders, byte for byte.
 *
 * Decorations are built from the syntax tree of the visible lines only, so a
 * keystroke costs the same in a ten-thousand-word article as in a short one.
 * A hidden marker comes back as soon as the cursor touches its element, so
 * the cursor never has to jump over text it cannot see.
 */
import {syntaxTree} from "@codemirror/language";
import {RangeSet} from "@codemirror/state";
import {Decoration, ViewPlugin} from "@codemirror/view";

import {imageNumber, imagesFound, LibraryImages} from "./library-images.js";
import {FOOTNOTE_CALL, FOOTNOTE_DEFINITION, SPOILER_CLOSER, SPOILER_OPENER} from "./syntax.js";
import {
    bulletWidget, FootnoteCallWidget, FootnoteLabelWidget, ImageWidget, SpoilerFenceWidget, TrailerWidget,
} from "./widgets.js";

const HEADINGS = {
    ATXHeading1: 1, ATXHeading2: 2, ATXHeading3: 3, ATXHeading4: 4, ATXHeading5: 5, ATXHeading6: 6,
};
const INLINE = {
    StrongEmphasis: "cm-md-strong",
    Emphasis: "cm-md-em",
    InlineCode: "cm-md-code",
};
// The blocks that may hold a spoiler's fence; what other blocks hold is not looked into.
const CONTAINERS = new Set(["Document", "Blockquote", "BulletList", "OrderedList", "ListItem"]);

const hidden = Decoration.replace({});
const marker = Decoration.mark({class: "cm-md-marker"});
const linkText = Decoration.mark({class: "cm-md-link"});
const imageMark = Decoration.mark({class: "cm-md-image"});
const quoteLine = Decoration.line({class: "cm-md-quote"});
const listLine = Decoration.line({class: "cm-md-list"});
const spoilerFenceLine = Decoration.line({class: "cm-md-spoiler"});
const spoilerLine = Decoration.line({class: "cm-md-spoiler-body"});
const trailerLine = Decoration.line({class: "cm-md-trailer"});
const noteLine = Decoration.line({class: "cm-md-note"});
const tableLine = Decoration.line({class: "cm-md-table"});
const tableHeadLine = Decoration.line({class: "cm-md-table cm-md-table-head"});
const footnoteMark = Decoration.mark({class: "cm-md-footnote"});
const bullet = Decoration.replace({widget: bulletWidget});
const headingLines = Object.fromEntries(
    Object.values(HEADINGS).map((level) => [level, Decoration.line({class: `cm-md-h cm-md-h${level}`})])
);
const inlineMarks = Object.fromEntries(
    Object.entries(INLINE).map(([name, className]) => [name, Decoration.mark({class: className})])
);

// The magazine's syntaxes, as markup/ reads them: a trailer is a paragraph of
// its own (markup/rendering.py, _TRAILER_RE), a library image names its number
// as its address (markup/references.py), alone in its paragraph for a figure.
const TRAILER = /^ {0,3}@\[([^[\]\n]*)\]\(([^\n]*)\)[ \t]*$/;
const POSTER = /^image:(\d+)$/i;
const LIBRARY_IMAGE = /^!\[([^\]\n]*)\]\(\s*image:(\d+)(?:\s+(?:"([^"\n]*)"|'([^'\n]*)'))?\s*\)$/i;

// The selection shows the markers it touches; an editor without the focus
// shows none, only the formatting.
function touches(selection, from, to) {
    return selection !== null && selection.ranges.some((range) => range.from <= to && range.to >= from);
}

function onLines(state, selection, from, to) {
    return touches(selection, state.doc.lineAt(from).from, state.doc.lineAt(to).to);
}

/**
 * The spoilers open over the text up to ``upTo``: where each one's text runs
 * (from its opening fence to its closing one, or to the end when it is never
 * closed) and the closing fences that end one. Nested spoilers are inside the
 * outer one's run.
 */
function spoilers(state, upTo) {
    const {doc} = state;
    const runs = [];
    const closers = new Set();
    let depth = 0;
    let start = 0;
    syntaxTree(state).iterate({
        to: upTo,
        enter(node) {
            if (node.name === "SpoilerFence") {
                const text = doc.sliceString(node.from, node.to);
                if (SPOILER_OPENER.test(text)) {
                    if (depth === 0) {
                        start = node.to;
                    }
                    depth += 1;
                } else if (depth > 0) {
                    depth -= 1;
                    closers.add(node.from);
                    if (depth === 0) {
                        runs.push({from: start, to: node.from});
                    }
                }
                return false;
            }
            return CONTAINERS.has(node.name) ? undefined : false;
        },
    });
    if (depth > 0) {
        runs.push({from: start, to: doc.length});
    }
    return {runs, closers};
}

function decorate(view, images) {
    const {state} = view;
    const {doc} = state;
    const selection = view.hasFocus ? state.selection : null;
    const found = [];
    const wanted = [];
    const tree = syntaxTree(state);
    const visibleEnd = view.visibleRanges.length ? view.visibleRanges[view.visibleRanges.length - 1].to : 0;
    const {runs, closers} = spoilers(state, visibleEnd);

    function libraryImage(number, alt, caption, block) {
        const key = imageNumber(number);
        const entry = images.entry(key);
        if (entry === undefined) {
            wanted.push(key);
        }
        return new ImageWidget(number, alt, caption, entry, block);
    }

    // A paragraph holding a trailer or a library image alone: its card or its figure.
    function decorateParagraph(node) {
        const line = doc.lineAt(node.from);
        if (node.to > line.to) {
            return false;
        }
        const text = doc.sliceString(node.from, node.to);
        const trailer = TRAILER.exec(doc.sliceString(line.from, node.to));
        if (trailer) {
            if (touches(selection, line.from, line.to)) {
                found.push(trailerLine.range(line.from));
            } else {
                const [address, ...extra] = trailer[2].trim().split(/\s+/);
                const poster = extra.length === 1 ? POSTER.exec(extra[0]) : null;
                const entry = poster ? images.entry(imageNumber(poster[1])) : undefined;
                if (poster && entry === undefined) {
                    wanted.push(imageNumber(poster[1]));
                }
                const widget = new TrailerWidget(trailer[1].trim(), address.replace(/^<|>$/g, ""), entry || null);
                found.push(Decoration.replace({widget}).range(node.from, node.to));
            }
            return true;
        }
        const image = LIBRARY_IMAGE.exec(text.trim());
        if (image) {
            const widget = libraryImage(image[2], image[1], image[3] || image[4] || "", true);
            if (touches(selection, line.from, line.to)) {
                // The picture stays under its source, where the writer has just put
                // it or changes its alt text or caption.
                found.push(imageMark.range(node.from, node.to));
                found.push(Decoration.widget({widget, side: 1}).range(node.to));
            } else {
                found.push(Decoration.replace({widget}).range(node.from, node.to));
            }
            return true;
        }
        return false;
    }

    for (const {from, to} of view.visibleRanges) {
        // Notes (``[^1]: …``), read by the pipeline before anything else on their
        // lines: where each one's label ends, by the start of its line.
        const notes = new Map();
        for (let pos = from; pos <= to; ) {
            const line = doc.lineAt(pos);
            const note = line.text.includes("[^") ? FOOTNOTE_DEFINITION.exec(line.text) : null;
            if (note) {
                const end = line.from + note[0].length;
                notes.set(line.from, end);
                found.push(noteLine.range(line.from));
                if (touches(selection, line.from, line.to)) {
                    found.push(footnoteMark.range(line.from, end));
                } else {
                    found.push(Decoration.replace({widget: new FootnoteLabelWidget(note[1])}).range(line.from, end));
                }
            }
            if (runs.some((run) => line.from > run.from && line.from < run.to)) {
                found.push(spoilerLine.range(line.from));
            }
            pos = line.to + 1;
        }
        tree.iterate({
            from,
            to,
            enter(node) {
                const name = node.name;
                if (notes.size && isNoteLabel(node, notes.get(doc.lineAt(node.from).from))) {
                    // Drawn above.
                    return false;
                }
                if (name in HEADINGS) {
                    found.push(headingLines[HEADINGS[name]].range(doc.lineAt(node.from).from));
                    const mark = node.node.getChild("HeaderMark");
                    if (mark && !onLines(state, selection, node.from, node.to)) {
                        // The marker and the space after it.
                        const end = Math.min(mark.to + 1, node.to);
                        found.push(hidden.range(mark.from, end));
                    }
                } else if (name === "Blockquote") {
                    for (let line = doc.lineAt(node.from); ; line = doc.line(line.number + 1)) {
                        found.push(quoteLine.range(line.from));
                        if (line.to >= node.to || line.number === doc.lines) {
                            break;
                        }
                    }
                } else if (name === "QuoteMark") {
                    if (onLines(state, selection, node.from, node.to)) {
                        found.push(marker.range(node.from, node.to));
                    } else {
                        const after = doc.sliceString(node.to, node.to + 1) === " " ? 1 : 0;
                        found.push(hidden.range(node.from, node.to + after));
                    }
                } else if (name === "ListItem") {
                    found.push(listLine.range(doc.lineAt(node.from).from));
                } else if (name === "ListMark") {
                    const text = doc.sliceString(node.from, node.to);
                    if (/^[-*+]$/.test(text) && !onLines(state, selection, node.from, node.to)) {
                        found.push(bullet.range(node.from, node.to));
                    } else {
                        found.push(marker.range(node.from, node.to));
                    }
                } else if (name in INLINE) {
                    if (node.to > node.from) {
                        found.push(inlineMarks[name].range(node.from, node.to));
                    }
                    const away = !touches(selection, node.from, node.to);
                    const cursor = node.node.cursor();
                    if (cursor.firstChild()) {
                        do {
                            if (cursor.name === "EmphasisMark" || cursor.name === "CodeMark") {
                                found.push((away ? hidden : marker).range(cursor.from, cursor.to));
                            }
                        } while (cursor.nextSibling());
                    }
                } else if (name === "Link") {
                    decorateLink(node.node, state, selection, found);
                    return false;
                } else if (name === "Image") {
                    const image = LIBRARY_IMAGE.exec(doc.sliceString(node.from, node.to));
                    if (image && !touches(selection, node.from, node.to)) {
                        const widget = libraryImage(image[2], image[1], image[3] || image[4] || "", false);
                        found.push(Decoration.replace({widget}).range(node.from, node.to));
                    } else {
                        found.push(imageMark.range(node.from, node.to));
                    }
                    return false;
                } else if (name === "FootnoteCall") {
                    if (touches(selection, node.from, node.to)) {
                        found.push(footnoteMark.range(node.from, node.to));
                    } else {
                        const label = FOOTNOTE_CALL.exec(doc.sliceString(node.from, node.to))[1];
                        found.push(Decoration.replace({widget: new FootnoteCallWidget(label)}).range(node.from, node.to));
                    }
                } else if (name === "Paragraph") {
                    if (decorateParagraph(node)) {
                        return false;
                    }
                } else if (name === "SpoilerFence") {
                    decorateFence(node, state, selection, closers, found);
                } else if (name === "Table") {
                    for (let line = doc.lineAt(node.from); ; line = doc.line(line.number + 1)) {
                        found.push((line.from <= node.from ? tableHeadLine : tableLine).range(line.from));
                        if (line.to >= node.to || line.number === doc.lines) {
                            break;
                        }
                    }
                } else if (name === "TableDelimiter") {
                    found.push(marker.range(node.from, node.to));
                }
                return undefined;
            },
        });
    }
    images.ask(wanted);
    return RangeSet.of(found, true);
}

// A note's label (``[^1]: ``), which CommonMark reads as a link or a link's definition.
function isNoteLabel(node, labelEnd) {
    if (labelEnd === undefined) {
        return false;
    }
    const {name} = node;
    return name === "LinkReference" || (node.from < labelEnd && (name === "FootnoteCall" || name === "Link"));
}

function decorateFence(node, state, selection, closers, found) {
    const {doc} = state;
    const line = doc.lineAt(node.from);
    const text = doc.sliceString(node.from, node.to);
    const opener = SPOILER_OPENER.exec(text);
    if (!opener && !closers.has(node.from)) {
        // A ":::" that closes nothing is text, for the pipeline too.
        return;
    }
    found.push(spoilerFenceLine.range(line.from));
    if (!touches(selection, line.from, line.to)) {
        const widget = new SpoilerFenceWidget(opener ? (opener[1] || "").trim() : "", !opener);
        found.push(Decoration.replace({widget}).range(node.from, node.to));
    }
}

function decorateLink(link, state, selection, found) {
    // [text](address "title"): the text shown as a link, the rest hidden
    // while the cursor is elsewhere.
    const marks = link.getChildren("LinkMark");
    if (marks.length < 2 || state.doc.sliceString(marks[0].from, marks[0].to) !== "[") {
        return;
    }
    const [open, close] = marks;
    if (close.from > open.to) {
        found.push(linkText.range(open.to, close.from));
    }
    if (touches(selection, link.from, link.to)) {
        found.push(marker.range(open.from, open.to));
        found.push(marker.range(close.from, link.to));
    } else {
        found.push(hidden.range(open.from, open.to));
        found.push(hidden.range(close.from, link.to));
    }
}

export const liveMarkdown = ViewPlugin.fromClass(
    class {
        constructor(view) {
            this.images = new LibraryImages(view);
            this.decorations = decorate(view, this.images);
        }

        update(update) {
            if (
                update.docChanged
                || update.viewportChanged
                || update.selectionSet
                || update.focusChanged
                || syntaxTree(update.startState) !== syntaxTree(update.state)
                || update.transactions.some((transaction) => transaction.effects.some((effect) => effect.is(imagesFound)))
            ) {
                this.decorations = decorate(update.view, this.images);
            }
        }

        destroy() {
            this.images.destroy();
        }
    },
    {decorations: (plugin) => plugin.decorations}
);
