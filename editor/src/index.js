/*
 * The article body's editor: CodeMirror showing the Markdown as formatting
 * (live-markdown.js), and the converter that makes HTML pasted from a word
 * processor or a web page into Markdown (paste.js).
 *
 * The form's textarea stays the field that is posted and the one source of
 * truth: every change is written back to it, followed by an input event, so
 * that the preview, the counters and autosave follow the editor as they
 * follow the textarea. writing.js mounts it and decides the rest (toolbar,
 * the Markdown view, images); this file knows nothing of the admin.
 */
import {defaultKeymap, history, historyKeymap, indentLess, indentMore, insertNewline, isolateHistory} from "@codemirror/commands";
import {deleteMarkupBackward, insertNewlineContinueMarkup} from "@codemirror/lang-markdown";
import {indentUnit, syntaxTree} from "@codemirror/language";
import {EditorState, Prec} from "@codemirror/state";
import {drawSelection, dropCursor, EditorView, keymap} from "@codemirror/view";

import {imageFinder} from "./library-images.js";
import {liveMarkdown} from "./live-markdown.js";
import {htmlToMarkdown} from "./paste.js";
import {magazineMarkdown} from "./syntax.js";

const LIST_LINE = /^\s*([-*+]|\d{1,9}[.)])\s/;
const VERBATIM = new Set(["FencedCode", "CodeBlock", "HTMLBlock"]);

function isVerbatim(state, pos) {
    for (let node = syntaxTree(state).resolveInner(pos, -1); node; node = node.parent) {
        if (VERBATIM.has(node.name)) {
            return true;
        }
    }
    return false;
}

// Enter starts a new paragraph, as in a word processor: in Markdown that is
// an empty line, and one line break alone would join the two paragraphs.
function newParagraph(view) {
    const {state} = view;
    const range = state.selection.main;
    const line = state.doc.lineAt(range.from);
    if (state.selection.ranges.length > 1 || line.text.trim() === "" || line.text.startsWith("|") || isVerbatim(state, range.from)) {
        return false;
    }
    const next = line.number < state.doc.lines ? state.doc.line(line.number + 1) : null;
    const atLineEnd = state.doc.sliceString(range.to, line.to).trim() === "";
    const after = atLineEnd && next && next.text.trim() !== "" ? "\n" : "";
    view.dispatch(state.update({
        changes: {from: range.from, to: range.to, insert: "\n\n" + after},
        selection: {anchor: range.from + 2},
        scrollIntoView: true,
        userEvent: "input",
    }));
    return true;
}

// Chromium, left to type over a selection that spans lines, leaves an empty
// line behind in the DOM, which CodeMirror then reads as a line break the
// writer never typed: such a replacement is made here instead.
function typeOverLines(event, view) {
    const range = view.state.selection.main;
    const {doc} = view.state;
    if (event.inputType !== "insertText" || !event.data || event.isComposing || range.empty
        || doc.lineAt(range.from).number === doc.lineAt(range.to).number) {
        return false;
    }
    event.preventDefault();
    view.dispatch(view.state.replaceSelection(event.data), {userEvent: "input.type", scrollIntoView: true});
    return true;
}

function inListLine(state) {
    return LIST_LINE.test(state.doc.lineAt(state.selection.main.head).text);
}

/**
 * Puts the editor in place of ``textarea`` (which is hidden, not removed).
 *
 * options.label, options.describedBy: the accessible name and description.
 * options.nonce: the CSP nonce CodeMirror's own style element needs.
 * options.phrases: the editor's words in the page's language, by their
 * English ("Image not found (no. $1)"), as EditorState.phrases takes them.
 * options.findImages(numbers): a promise of the library's images among
 * ``numbers`` (see library-images.js); without it, images show as numbers.
 * options.shortcuts: {"Mod-b": function} for the toolbar's keys.
 * options.onPaste(event), options.onDrop(event, position): true when they
 * took care of it, false to let CodeMirror paste or drop the plain text.
 */
export function mountEditor(textarea, options = {}) {
    let writing = false;
    const kept = new Set();

    function writeBack(update) {
        if (!update.docChanged) {
            return;
        }
        kept.forEach((place) => {
            place.pos = update.changes.mapPos(place.pos);
        });
        writing = true;
        try {
            textarea.value = update.state.doc.toString();
            textarea.dispatchEvent(new Event("input", {bubbles: true}));
        } finally {
            writing = false;
        }
    }

    const shortcuts = Object.entries(options.shortcuts || {}).map(([key, run]) => ({
        key,
        preventDefault: true,
        run: () => {
            run();
            return true;
        },
    }));

    const view = new EditorView({
        parent: textarea.parentNode,
        state: EditorState.create({
            doc: textarea.value,
            extensions: [
                EditorView.cspNonce.of(options.nonce || ""),
                // Python-Markdown reads a nested list indented by four spaces.
                indentUnit.of("    "),
                magazineMarkdown,
                EditorState.phrases.of(options.phrases || {}),
                imageFinder.of(options.findImages || null),
                liveMarkdown,
                history(),
                drawSelection(),
                dropCursor(),
                EditorView.lineWrapping,
                Prec.highest(keymap.of(shortcuts)),
                Prec.high(keymap.of([
                    {key: "Enter", run: (view) => insertNewlineContinueMarkup(view) || newParagraph(view)},
                    {key: "Shift-Enter", run: insertNewline},
                    {key: "Backspace", run: deleteMarkupBackward},
                    // Tab nests a list item; elsewhere it leaves the editor, as in any form.
                    {key: "Tab", run: (view) => inListLine(view.state) && indentMore(view)},
                    {key: "Shift-Tab", run: (view) => inListLine(view.state) && indentLess(view)},
                ])),
                keymap.of([...historyKeymap, ...defaultKeymap]),
                EditorView.contentAttributes.of({
                    "aria-label": options.label || "",
                    ...(options.describedBy ? {"aria-describedby": options.describedBy} : {}),
                    spellcheck: "true",
                    autocapitalize: "sentences",
                    // Said outright so that a long text's scrolling box is known to be
                    // reachable by keyboard (axe's scrollable-region-focusable reads tabindex).
                    tabindex: "0",
                }),
                EditorView.updateListener.of(writeBack),
                EditorView.domEventHandlers({
                    beforeinput: typeOverLines,
                    // What a paste or a drop puts in the text is writing.js's to decide:
                    // it does the same for the plain textarea.
                    paste: (event) => Boolean(options.onPaste && options.onPaste(event)),
                    drop(event, view) {
                        if (!options.onDrop) {
                            return false;
                        }
                        const position = view.posAtCoords({x: event.clientX, y: event.clientY});
                        return Boolean(options.onDrop(event, position === null ? view.state.selection.main.head : position));
                    },
                }),
            ],
        }),
    });
    textarea.after(view.dom);

    function clamp(position) {
        return Math.max(0, Math.min(position, view.state.doc.length));
    }

    // The surface writing.js's toolbar works on: the textarea's own names.
    return {
        view,
        dom: view.dom,
        get value() {
            return view.state.doc.toString();
        },
        get selectionStart() {
            return view.state.selection.main.from;
        },
        get selectionEnd() {
            return view.state.selection.main.to;
        },
        setSelectionRange(start, end) {
            view.dispatch({selection: {anchor: clamp(start), head: clamp(end)}, scrollIntoView: true});
        },
        focus() {
            view.focus();
        },
        replace(start, end, text, anchor, head) {
            view.dispatch({
                changes: {from: start, to: end, insert: text},
                selection: {anchor, head},
                scrollIntoView: true,
                userEvent: "input",
                // A toolbar action is one step of undo, not merged with the typing around it.
                annotations: isolateHistory.of("full"),
            });
            view.focus();
        },
        // A place in the text that follows the edits made while it is kept.
        keep(pos) {
            const place = {pos: clamp(pos), release: () => kept.delete(place)};
            kept.add(place);
            return place;
        },
        // The textarea's text, when something other than the editor changed it.
        load() {
            if (writing || textarea.value === view.state.doc.toString()) {
                return;
            }
            view.dispatch({
                changes: {from: 0, to: view.state.doc.length, insert: textarea.value},
                selection: {anchor: Math.min(view.state.selection.main.head, textarea.value.length)},
            });
        },
    };
}

export {htmlToMarkdown};
