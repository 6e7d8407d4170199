/*
 * Markdown shown as formatting: headings large, bold bold, quotes and lists
 * drawn as such, link text as a link. The text itself is never changed: the
 * markers (##, **, *, >, [](…)) are only hidden while the cursor is away from
 * them, and shown again where the writer is, so that what is stored stays the
 * Markdown the site renders, byte for byte.
 *
 * Decorations are built from the syntax tree of the visible lines only, so a
 * keystroke costs the same in a ten-thousand-word article as in a short one.
 * A hidden marker comes back as soon as the cursor touches its element, so
 * the cursor never has to jump over text it cannot see.
 */
import {syntaxTree} from "@codemirror/language";
import {RangeSet} from "@codemirror/state";
import {Decoration, ViewPlugin, WidgetType} from "@codemirror/view";

const HEADINGS = {
    ATXHeading1: 1, ATXHeading2: 2, ATXHeading3: 3, ATXHeading4: 4, ATXHeading5: 5, ATXHeading6: 6,
};
const INLINE = {
    StrongEmphasis: "cm-md-strong",
    Emphasis: "cm-md-em",
    InlineCode: "cm-md-code",
};

const hidden = Decoration.replace({});
const marker = Decoration.mark({class: "cm-md-marker"});
const linkText = Decoration.mark({class: "cm-md-link"});
const imageMark = Decoration.mark({class: "cm-md-image"});
const quoteLine = Decoration.line({class: "cm-md-quote"});
const listLine = Decoration.line({class: "cm-md-list"});
const spoilerLine = Decoration.line({class: "cm-md-spoiler"});
const trailerLine = Decoration.line({class: "cm-md-trailer"});
const footnoteMark = Decoration.mark({class: "cm-md-footnote"});
const headingLines = Object.fromEntries(
    Object.values(HEADINGS).map((level) => [level, Decoration.line({class: `cm-md-h cm-md-h${level}`})])
);
const inlineMarks = Object.fromEntries(
    Object.entries(INLINE).map(([name, className]) => [name, Decoration.mark({class: className})])
);

class BulletWidget extends WidgetType {
    eq() {
        return true;
    }

    toDOM() {
        const bullet = document.createElement("span");
        bullet.className = "cm-md-bullet";
        bullet.textContent = "•";
        return bullet;
    }
}
const bullet = Decoration.replace({widget: new BulletWidget()});

// The magazine's own block syntaxes, which CommonMark does not know.
const SPOILER_FENCE = /^:::(\s*spoiler\b.*|\s*)$/;
const TRAILER = /^@\[[^\]\n]*\]\([^)\n]*\)/;
const FOOTNOTE = /\[\^[^\]\n]{1,40}\]/g;

// The selection shows the markers it touches; an editor without the focus
// shows none, only the formatting.
function touches(selection, from, to) {
    return selection !== null && selection.ranges.some((range) => range.from <= to && range.to >= from);
}

function onLines(state, selection, from, to) {
    return touches(selection, state.doc.lineAt(from).from, state.doc.lineAt(to).to);
}

function decorate(view) {
    const {state} = view;
    const {doc} = state;
    const selection = view.hasFocus ? state.selection : null;
    const found = [];
    const tree = syntaxTree(state);
    for (const {from, to} of view.visibleRanges) {
        tree.iterate({
            from,
            to,
            enter(node) {
                const name = node.name;
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
                    found.push(imageMark.range(node.from, node.to));
                    return false;
                } else if (name === "Paragraph") {
                    const line = doc.lineAt(node.from);
                    if (TRAILER.test(line.text)) {
                        found.push(trailerLine.range(line.from));
                    }
                }
                return undefined;
            },
        });
        // Lines the syntax tree reads as text: spoiler fences and footnotes.
        for (let pos = from; pos <= to; ) {
            const line = doc.lineAt(pos);
            if (SPOILER_FENCE.test(line.text)) {
                found.push(spoilerLine.range(line.from));
            }
            if (line.text.includes("[^")) {
                for (const match of line.text.matchAll(FOOTNOTE)) {
                    const start = line.from + match.index;
                    found.push(footnoteMark.range(start, start + match[0].length));
                }
            }
            pos = line.to + 1;
        }
    }
    return RangeSet.of(found, true);
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
            this.decorations = decorate(view);
        }

        update(update) {
            if (
                update.docChanged
                || update.viewportChanged
                || update.selectionSet
                || update.focusChanged
                || syntaxTree(update.startState) !== syntaxTree(update.state)
            ) {
                this.decorations = decorate(update.view);
            }
        }
    },
    {decorations: (plugin) => plugin.decorations}
);
