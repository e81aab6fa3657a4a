// What the first text.train() / text.load() imports (src/text/index.ts): in the ESM builds
// this module and everything only it needs is one chunk (dist/lazy-*.js), so an app that uses
// only the numeric API neither downloads nor parses the text generator.

export { trainText } from "./train.js";
export { loadText } from "./model-file.js";
