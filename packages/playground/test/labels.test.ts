import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { labelCounts, looksLabelled, parseLabelled, splitLine } from "../src/labels.js";

describe("labelled lines", () => {
  it("splits at the first separator, colon-space or tab", () => {
    expect(splitLine("fr: maison")).toEqual({ label: "fr", text: "maison" });
    expect(splitLine("en\twindow")).toEqual({ label: "en", text: "window" });
    expect(splitLine("q: what is it: a test")).toEqual({ label: "q", text: "what is it: a test" });
    expect(splitLine("fr\tà: la")).toEqual({ label: "fr", text: "à: la" });
    expect(splitLine("no separator")).toBeNull();
    expect(splitLine("en:window")).toBeNull();
    expect(splitLine(": text")).toBeNull();
    expect(splitLine("en: ")).toBeNull();
    expect(splitLine(`${"x".repeat(33)}: text`)).toBeNull();
  });

  it("parses a corpus into texts, labels and sorted names", () => {
    const p = parseLabelled(["fr: maison", "en: window", "en: garden"]);
    expect(p).toEqual({ texts: ["maison", "window", "garden"], labels: ["fr", "en", "en"], names: ["en", "fr"], error: null });
    expect(labelCounts(p.labels, p.names)).toBe("en 2 · fr 1");
  });

  it("names the bad lines, too many labels and a single label", () => {
    const bad = parseLabelled(["fr: maison", "just a line", "en: window", "another", "x", "y"]);
    expect(bad.error).toMatch(/^4 lines are not “label: text” \(line 2 “just a line”, line 4 “another”, line 5 “x”, …\)/);
    expect(parseLabelled(Array.from({ length: 257 }, (_, i) => `l${i}: t`)).error).toMatch(/^257 distinct labels: a model takes at most 256/);
    expect(parseLabelled(Array.from({ length: 256 }, (_, i) => `l${i}: t`)).error).toBeNull();
    expect(parseLabelled(["en: a", "en: b"]).error).toMatch(/^Only one label \(“en”\)/);
  });

  it("suggests the labelled mode only when every line has a short repeated label", () => {
    expect(looksLabelled(["en: a", "fr: b", "en: c"])).toBe(true);
    expect(looksLabelled(["en\ta", "fr\tb", "en\tc"])).toBe(true);
    expect(looksLabelled(["en: a", "fr: b", "just text"])).toBe(false);
    expect(looksLabelled(["Note: a", "Tip: b", "Warning: c"])).toBe(false); // no label repeats
    expect(looksLabelled(["apple", "pear", "plum"])).toBe(false);
  });

  it("reads the built-in English + French corpus: 500 words of each label, no bad line", () => {
    const lines = readFileSync(join(__dirname, "../src/corpora/en-fr.txt"), "utf8").split("\n").filter(Boolean);
    const p = parseLabelled(lines);
    expect(p.error).toBeNull();
    expect(labelCounts(p.labels, p.names)).toBe("en 500 · fr 500");
    expect(new Set(p.texts).size).toBe(1000);
    expect(looksLabelled(lines)).toBe(true);
  });
});
