/*
 * The Markdown the magazine's pipeline reads (markup/rendering.py), as the
 * editor's parser must see it for the formatted view to show it: CommonMark,
 * plus tables, footnote calls and the lines that open and close a spoiler.
 *
 * A spoiler's fence (``:::spoiler La fin`` … ``:::``) is a block of its own,
 * as it is for the pipeline, so that the text it holds is read as Markdown
 * and a fence typed under a paragraph does not join it. A footnote call
 * (``[^1]``) is read before links: CommonMark would take it for a link
 * whenever its note, ``[^1]: …``, looks like a link's definition.
 */
import {commonmarkLanguage} from "@codemirror/lang-markdown";
import {Language} from "@codemirror/language";
import {Table} from "@lezer/markdown";

export const SPOILER_OPENER = /^:::[ \t]*spoiler(?:[ \t]+(.*?))?[ \t]*$/i;
export const SPOILER_CLOSER = /^:::[ \t]*$/;
// The longest label markup/rendering.py reads as a note's (FOOTNOTE_LABEL_MAX).
const FOOTNOTE_LABEL_MAX = 60;
export const FOOTNOTE_CALL = new RegExp(`^\\[\\^([^\\]\\n]{1,${FOOTNOTE_LABEL_MAX}})\\]`);
export const FOOTNOTE_DEFINITION = new RegExp(`^ {0,3}\\[\\^([^\\]\\n]{1,${FOOTNOTE_LABEL_MAX}})\\]:[ \\t]*`);

const OPEN_BRACKET = 91;
const CARET = 94;

function isFence(text) {
    return SPOILER_OPENER.test(text) || SPOILER_CLOSER.test(text);
}

const SpoilerFence = {
    defineNodes: [{name: "SpoilerFence", block: true}],
    parseBlock: [{
        name: "SpoilerFence",
        parse(cx, line) {
            if (line.indent - line.baseIndent > 3 || !isFence(line.text.slice(line.pos))) {
                return false;
            }
            const from = cx.lineStart + line.pos;
            const to = cx.lineStart + line.text.length;
            cx.nextLine();
            cx.addElement(cx.elt("SpoilerFence", from, to));
            return true;
        },
        endLeaf: (cx, line) => line.indent - line.baseIndent <= 3 && isFence(line.text.slice(line.pos)),
        before: "FencedCode",
    }],
};

const FootnoteCall = {
    defineNodes: ["FootnoteCall"],
    parseInline: [{
        name: "FootnoteCall",
        parse(cx, next, pos) {
            if (next !== OPEN_BRACKET || cx.char(pos + 1) !== CARET) {
                return -1;
            }
            const match = FOOTNOTE_CALL.exec(cx.slice(pos, Math.min(cx.end, pos + FOOTNOTE_LABEL_MAX + 3)));
            return match ? cx.addElement(cx.elt("FootnoteCall", pos, pos + match[0].length)) : -1;
        },
        before: "Link",
    }],
};

// commonmarkLanguage's data (what insertNewlineContinueMarkup and the other
// Markdown commands look for) with the parser taught the magazine's syntax.
export const magazineMarkdown = new Language(
    commonmarkLanguage.data,
    commonmarkLanguage.parser.configure([Table, SpoilerFence, FootnoteCall]),
    [],
    "markdown",
);
