// Parses every ```mermaid block of a markdown file with Mermaid's own parser and checks
// what it read: an xychart's series have one value per x-axis label, and the labels and
// pie slices, once Mermaid's entity codes are decoded, are exactly the names expected.
//
//   node check.mjs SUMMARY.md EXPECTED.json
//   EXPECTED.json: {"blocks": 2, "categories": ["a\"b", ...], "splits": [...],
//                   "series": ["baseline", "this run", "minimum"]}
import fs from 'node:fs';
import { JSDOM } from 'jsdom';

// Mermaid's text sanitizer (DOMPurify) needs a window; nothing is rendered.
const dom = new JSDOM('<!doctype html><html><body></body></html>');
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import('mermaid');

const [mdPath, expectedPath] = process.argv.slice(2);
const md = fs.readFileSync(mdPath, 'utf8');
const want = JSON.parse(fs.readFileSync(expectedPath, 'utf8'));
const blocks = [...md.matchAll(/^```mermaid\n([\s\S]*?)^```$/gm)].map((m) => m[1]);

function fail(msg) {
  console.error(`not ok: ${msg}`);
  process.exit(1);
}

// Mermaid turns #34; into a placeholder before parsing and back into a character when
// it draws; a named code (#quot;) would come back as a different placeholder.
function decode(text) {
  if (/\ufb02\u00b0(?!\u00b0)/.test(text)) fail(`a named entity code in ${JSON.stringify(text)}`);
  return text.replace(/\ufb02\u00b0\u00b0(\d+)\u00b6\u00df/g, (_, n) => String.fromCodePoint(Number(n)));
}

function same(what, got, expected) {
  if (JSON.stringify(got) !== JSON.stringify(expected))
    fail(`${what}: got ${JSON.stringify(got)}, want ${JSON.stringify(expected)}`);
}

if (want.blocks !== undefined) same('mermaid blocks', blocks.length, want.blocks);
let seenXY = false, seenPie = false;
for (const text of blocks) {
  try {
    await mermaid.parse(text);
  } catch (e) {
    fail(`Mermaid cannot parse:\n${text}\n${e.message}`);
  }
  const db = (await mermaid.mermaidAPI.getDiagramFromText(text)).db;
  if (db.getXYChartData) {
    seenXY = true;
    const data = db.getXYChartData();
    const labels = data.xAxis.categories.map(decode);
    for (const plot of data.plots) same(`values of "${plot.title}"`, plot.data.length, labels.length);
    if (want.categories) same('x-axis labels', labels, want.categories);
    if (want.series) same('series', data.plots.map((p) => p.title), want.series);
    if (!db.getAccTitle()) fail('the xychart has no accTitle');
  } else if (db.getSections) {
    seenPie = true;
    const labels = [...db.getSections().keys()].map(decode);
    if (want.splits) same('pie slices', labels, want.splits);
  } else {
    fail(`an unexpected diagram:\n${text}`);
  }
}
if (want.categories && !seenXY) fail('no xychart');
if (want.splits && !seenPie) fail('no pie');
console.log(`ok: ${blocks.length} Mermaid blocks parsed`);
