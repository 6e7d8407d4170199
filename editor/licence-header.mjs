// The bundle's opening comment: each package that went into it (esbuild's
// metafile, the first argument), with its version and its licence's text,
// identical texts written once.
import {existsSync, readdirSync, readFileSync} from "node:fs";
import {join} from "node:path";

const lock = JSON.parse(readFileSync("package-lock.json", "utf8"));
// The inputs of the output that left bytes in it: a module tree-shaken away is no part of it.
const [output] = Object.values(JSON.parse(readFileSync(process.argv[2], "utf8")).outputs);
const inputs = Object.entries(output.inputs).filter(([, input]) => input.bytesInOutput > 0).map(([path]) => path);
const bundled = new Set(inputs.map((input) => /^(.*node_modules\/(@[^/]+\/)?[^/]+)\//.exec(input)).filter(Boolean).map((match) => match[1]));
const texts = new Map();
for (const [path, entry] of Object.entries(lock.packages)) {
    if (!bundled.has(path)) {
        continue;
    }
    const name = path.replace(/^.*node_modules\//, "");
    const file = readdirSync(path).find((file) => /^licen[cs]e/i.test(file));
    const text = file && existsSync(join(path, file)) ? readFileSync(join(path, file), "utf8").trim() : entry.license;
    if (!texts.has(text)) {
        texts.set(text, []);
    }
    texts.get(text).push(`${name}@${entry.version} (${entry.license})`);
}
const parts = ["Screenmania's article editor (editor/ in the repository), built by scripts/build-editor.sh from:"];
for (const [text, names] of texts) {
    parts.push("", names.join(", "), "", text);
}
process.stdout.write("/*!\n" + parts.join("\n").replaceAll("*/", "* /").replace(/^/gm, " * ").replace(/ +$/gm, "") + "\n */\n");
