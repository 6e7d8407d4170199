/*
 * HTML from the clipboard (Google Docs, Word, a web page) as Markdown that
 * keeps headings, bold, italics, lists, links and quotes, and nothing else.
 *
 * Everything happens in a document made by DOMParser, which runs no script
 * and loads no image. The markup is first brought to plain HTML (what each
 * word processor means by bold, lists and quotes), then turndown writes the
 * Markdown, with a rule that keeps only the content of any other element.
 */
import TurndownService from "turndown";

// Removed with their content: code, page furniture, media.
const DROPPED = [
    "script", "style", "noscript", "template", "head", "title", "meta", "link", "img", "picture",
    "svg", "video", "audio", "iframe", "object", "embed", "canvas", "button", "input", "select",
    "textarea", "map",
];
const KEPT = new Set([
    "H1", "H2", "H3", "H4", "H5", "H6", "P", "BR", "STRONG", "B", "EM", "I", "UL", "OL", "LI",
    "A", "BLOCKQUOTE",
]);
const SAFE_LINK = /^(https?:|mailto:)/i;

// DOMParser's document takes the page's CSP, which reports each style
// attribute and <style> element it parses as refused. The styles say what
// Google Docs means by bold and where Word's list items are: they are kept
// under another name, and <style> elements removed, before it parses.
function withoutInlineStyles(html) {
    return html
        .replace(/<style\b[\s\S]*?<\/style\s*>/gi, "")
        .replace(/<[a-z][^<>]*>/gi, (tag) => tag.replace(/(\s)style(\s*=)/gi, "$1data-style$2"));
}

function styleOf(element) {
    const style = {};
    for (const declaration of (element.getAttribute("data-style") || "").split(";")) {
        const colon = declaration.indexOf(":");
        if (colon > 0) {
            style[declaration.slice(0, colon).trim().toLowerCase()] = declaration
                .slice(colon + 1)
                .trim()
                .toLowerCase();
        }
    }
    return style;
}

function isBoldWeight(weight) {
    return weight === "bold" || weight === "bolder" || Number(weight) >= 600;
}

function replaceWith(element, tagName) {
    const replacement = element.ownerDocument.createElement(tagName);
    replacement.append(...element.childNodes);
    element.replaceWith(replacement);
    return replacement;
}

function unwrap(element) {
    element.replaceWith(...element.childNodes);
}

function wrapContent(element, tagName) {
    const wrapper = element.ownerDocument.createElement(tagName);
    wrapper.append(...element.childNodes);
    element.append(wrapper);
}

function removeComments(root) {
    const walker = root.ownerDocument.createTreeWalker(root, NodeFilter.SHOW_COMMENT);
    const comments = [];
    while (walker.nextNode()) {
        comments.push(walker.currentNode);
    }
    comments.forEach((comment) => comment.remove());
}

// Word writes each list item as a paragraph of its own, with its level in
// mso-list ("l0 level2 lfo1") and its bullet or number in a span marked
// mso-list:Ignore. They become real nested lists.
function wordLists(body) {
    const items = Array.from(body.querySelectorAll("p")).filter((p) => /\blevel\d/.test(styleOf(p)["mso-list"] || ""));
    let stack = [];
    items.forEach((paragraph, index) => {
        const level = Number(/\blevel(\d+)/.exec(styleOf(paragraph)["mso-list"])[1]);
        const labels = Array.from(paragraph.querySelectorAll("span")).filter((span) => /ignore/.test(styleOf(span)["mso-list"] || ""));
        const ordered = labels.length > 0 && /^[0-9a-z]{1,4}[.)]$/i.test(labels[0].textContent.trim());
        labels.forEach((label) => label.remove());
        if (index === 0 || items[index - 1].nextElementSibling !== paragraph) {
            stack = [];
        }
        stack.length = Math.min(stack.length, level);
        while (stack.length < level) {
            const list = body.ownerDocument.createElement(ordered ? "ol" : "ul");
            if (stack.length === 0) {
                paragraph.before(list);
            } else {
                const parent = stack[stack.length - 1];
                (parent.lastElementChild || parent).append(list);
            }
            stack.push(list);
        }
        const item = body.ownerDocument.createElement("li");
        item.append(...paragraph.childNodes);
        stack[stack.length - 1].append(item);
    });
    // Emptied, they stay in place until the end so that each run of items is told by its place.
    items.forEach((paragraph) => paragraph.remove());
}

function normalize(body) {
    removeComments(body);
    body.querySelectorAll(DROPPED.join(",")).forEach((element) => element.remove());
    wordLists(body);
    for (const element of Array.from(body.querySelectorAll("*"))) {
        if (!element.isConnected) {
            continue;
        }
        const style = styleOf(element);
        const tag = element.tagName;
        if ((tag === "B" || tag === "STRONG") && style["font-weight"] && !isBoldWeight(style["font-weight"])) {
            // Google Docs wraps a whole copy in <b style="font-weight:normal">: not bold.
            unwrap(element);
            continue;
        }
        if (tag === "P" && /\bMso(Intense)?Quote\b/.test(element.className)) {
            replaceWith(element, "blockquote");
            continue;
        }
        if (!KEPT.has(tag)) {
            // Google Docs says bold and italic in a span's style, not with <b> and <i>.
            const bold = isBoldWeight(style["font-weight"] || "");
            const italic = style["font-style"] === "italic";
            if (italic) {
                wrapContent(element, "em");
            }
            if (bold) {
                wrapContent(element, "strong");
            }
        }
    }
    // A heading is bold already.
    body.querySelectorAll("h1 strong, h1 b, h2 strong, h2 b, h3 strong, h3 b, h4 strong, h4 b, h5 strong, h5 b, h6 strong, h6 b")
        .forEach(unwrap);
    // Google Docs puts a nested list beside its item instead of inside it.
    body.querySelectorAll("ul > ul, ul > ol, ol > ul, ol > ol").forEach((list) => {
        const item = list.previousElementSibling;
        if (item && item.tagName === "LI") {
            item.append(list);
        }
    });
    // One paragraph in a list item is the item's text, not a paragraph of a loose list.
    body.querySelectorAll("li").forEach((item) => {
        const paragraphs = Array.from(item.children).filter((child) => child.tagName === "P");
        if (paragraphs.length === 1) {
            unwrap(paragraphs[0]);
        }
    });
}

function service() {
    const turndown = new TurndownService({
        headingStyle: "atx",
        bulletListMarker: "-",
        emDelimiter: "*",
        strongDelimiter: "**",
        linkStyle: "inlined",
        // The magazine's text has no raw HTML to keep.
        blankReplacement: (content, node) => (node.isBlock ? "\n\n" : ""),
    });
    // The page has its own h1: a document's title becomes a section heading.
    turndown.addRule("heading", {
        filter: ["h1", "h2", "h3", "h4", "h5", "h6"],
        replacement(content, node) {
            const level = Math.max(2, Number(node.nodeName.charAt(1)));
            const text = content.replace(/\s+/g, " ").trim();
            return text ? `\n\n${"#".repeat(level)} ${text}\n\n` : "";
        },
    });
    turndown.addRule("link", {
        filter: "a",
        replacement(content, node) {
            const href = (node.getAttribute("href") || "").trim();
            if (!content.trim() || !SAFE_LINK.test(href)) {
                return content;
            }
            return `[${content}](${href.replace(/[()\s]/g, (c) => encodeURIComponent(c))})`;
        },
    });
    // Python-Markdown reads a nested list indented by four spaces.
    turndown.addRule("listItem", {
        filter: "li",
        replacement(content, node) {
            const parent = node.parentNode;
            let prefix = "- ";
            if (parent.nodeName === "OL") {
                const start = Number(parent.getAttribute("start") || 1);
                prefix = `${start + Array.prototype.indexOf.call(parent.children, node)}. `;
            }
            const text = content
                .replace(/^\n+/, "")
                .replace(/\n+$/, "\n")
                .replace(/\n/gm, "\n    ");
            return prefix + text + (node.nextSibling && !/\n$/.test(text) ? "\n" : "");
        },
    });
    turndown.addRule("lineBreak", {
        filter: "br",
        replacement: () => "\n",
    });
    // Whatever is not kept: its text, without its markup.
    turndown.addRule("contentOnly", {
        filter: (node) => !KEPT.has(node.nodeName),
        replacement: (content, node) => (node.isBlock ? `\n\n${content}\n\n` : content),
    });
    return turndown;
}

let converter = null;

export function htmlToMarkdown(html) {
    const document = new DOMParser().parseFromString(withoutInlineStyles(html), "text/html");
    normalize(document.body);
    converter = converter || service();
    return converter
        .turndown(document.body)
        .replace(/[ \t\u00a0]+$/gm, "")
        .replace(/\n{3,}/g, "\n\n")
        .trim();
}
