// The offline site's search measured in Debian's headless chromium, opened from file:// as a
// reader would open the CD-R: index size, load time, quality on judged queries (against the
// server's run of the same queries, over the same documents) and per-query latency.
//
//   node bench/offline_search.mjs --site DIR [--queries corpus/queries.tsv --qrels corpus/qrels.tsv]
//        [--server-run RUN.tsv] [--latency QUERIES.txt] [--repeat 3]
//
// DIR is an exported folder (index.html at the top). RUN.tsv is `yuimaru eval --run` output
// (qid, doc, rank) of the server over the same documents at the same clearance. Metrics are
// those of search/eval.cc: MRR@10 and nDCG@10 with gains 2^grade - 1, R@10 and R@100.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const { chromium } = await import(pathToFileURL(join(here, "..", "tests", "browser", "node_modules", "playwright-core", "index.mjs")).href);

const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, "")] = process.argv[i + 1];
if (!args.site) { console.error("usage: offline_search.mjs --site DIR [...]"); process.exit(2); }
const site = resolve(args.site);

const tsv = (path) => readFileSync(path, "utf8").split("\n").filter((l) => l && !l.startsWith("#")).map((l) => l.split("\t"));
function evaluate(runs, qrels) {
  const judged = new Map();
  for (const [q, d, g] of qrels) {
    const grade = g === undefined ? 1 : Number(g);
    if (grade <= 0) continue;
    if (!judged.has(q)) judged.set(q, new Map());
    judged.get(q).set(d, Math.max(grade, judged.get(q).get(d) || 0));
  }
  const m = { queries: 0, mrr10: 0, ndcg10: 0, r10: 0, r100: 0 };
  for (const [q, ranking] of runs) {
    const rel = judged.get(q);
    if (!rel) continue;
    m.queries++;
    let rr = 0, dcg = 0, h10 = 0, h100 = 0;
    ranking.slice(0, 100).forEach((d, r) => {
      const g = rel.get(d);
      if (g === undefined) return;
      if (r < 10) { if (!rr) rr = 1 / (r + 1); dcg += (2 ** g - 1) / Math.log2(r + 2); h10++; }
      h100++;
    });
    const grades = [...rel.values()].sort((a, b) => b - a);
    let idcg = 0;
    grades.slice(0, 10).forEach((g, r) => { idcg += (2 ** g - 1) / Math.log2(r + 2); });
    m.mrr10 += rr; m.ndcg10 += idcg ? dcg / idcg : 0; m.r10 += h10 / rel.size; m.r100 += h100 / rel.size;
  }
  for (const k of ["mrr10", "ndcg10", "r10", "r100"]) m[k] = m.queries ? m[k] / m.queries : 0;
  return m;
}
const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.ceil(p / 100 * s.length) - 1)]; };

let indexBytes = 0, indexFiles = 0;
for (const f of readdirSync(join(site, "site", "search"))) { indexBytes += statSync(join(site, "site", "search", f)).size; indexFiles++; }
const searchJs = statSync(join(site, "site", "search.js")).size;
console.log(`index: ${indexFiles} files, ${indexBytes} bytes (+ search.js ${searchJs} bytes)`);

const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"] });
try {
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  const loads = [];
  for (let i = 0; i < Number(args.repeat || 3); i++) {
    const t0 = Date.now();
    await page.goto(pathToFileURL(join(site, "site", "search.html")).href, { waitUntil: "load" });
    await page.waitForFunction(() => typeof self.yuimaruSearch === "function");
    loads.push(Date.now() - t0);
  }
  const nav = await page.evaluate(() => { const n = performance.getEntriesByType("navigation")[0]; return n ? n.loadEventEnd : 0; });
  console.log(`load of search.html with the index (ms, ${loads.length} runs): ${loads.join(", ")}; last loadEventEnd ${nav.toFixed(0)} ms`);
  const docCount = await page.evaluate(() => self.YUIMARU_SEARCH.find((p) => p.kind === "docs").docs.length);
  const siteIds = new Set(await page.evaluate(() => self.YUIMARU_SEARCH.find((p) => p.kind === "docs").docs.map((d) => d[0])));
  console.log(`documents in the site: ${docCount}`);

  if (args.queries && args.qrels) {
    const queries = tsv(args.queries), qrels = tsv(args.qrels);
    const runs = [];
    for (const [qid, text] of queries) runs.push([qid, await page.evaluate(([q]) => self.yuimaruSearch(q, 100), [text])]);
    // Over the same documents: judgements of documents outside the site are left out for both.
    const same = qrels.filter(([, d]) => siteIds.has(d));
    const rows = [["offline (JS, file://)", evaluate(runs, same)]];
    if (args["server-run"]) {
      const byQuery = new Map();
      for (const [q, d, r] of tsv(args["server-run"])) { if (!byQuery.has(q)) byQuery.set(q, []); byQuery.get(q)[Number(r) - 1] = d; }
      const serverRuns = [...byQuery.entries()].map(([q, ds]) => [q, ds.filter(Boolean)]);
      rows.push(["server (yuimaru search)", evaluate(serverRuns, same)]);
    }
    console.log(`\nquality over the site's ${docCount} documents (${same.length} of ${qrels.length} judgements in it)`);
    console.log("| engine | queries | MRR@10 | nDCG@10 | R@10 | R@100 |\n|---|---:|---:|---:|---:|---:|");
    for (const [name, m] of rows) console.log(`| ${name} | ${m.queries} | ${m.mrr10.toFixed(4)} | ${m.ndcg10.toFixed(4)} | ${m.r10.toFixed(4)} | ${m.r100.toFixed(4)} |`);
    if (rows.length === 2) console.log(`ratio offline/server: MRR@10 ${(rows[0][1].mrr10 / rows[1][1].mrr10 * 100).toFixed(1)}%, nDCG@10 ${(rows[0][1].ndcg10 / rows[1][1].ndcg10 * 100).toFixed(1)}%`);
  }
  if (args.latency) {
    const qs = readFileSync(args.latency, "utf8").split("\n").map((l) => l.trim()).filter(Boolean);
    // cold: the decoded posting lists of earlier queries are dropped first (the first search after
    // the page loads); warm: kept (later searches on the same page); shown: the search and the
    // rendering of the first 50 results with their snippets.
    for (const mode of ["cold", "warm", "shown"]) {
      const times = await page.evaluate(([list, mode]) => list.map((q) => {
        if (mode === "cold") self.yuimaruSearch.clearCache();
        const t0 = performance.now();
        if (mode === "shown") self.yuimaruShow(q); else self.yuimaruSearch(q, 10);
        return performance.now() - t0;
      }), [qs, mode]);
      console.log(`latency ${mode} over ${qs.length} queries (ms): p50 ${pct(times, 50).toFixed(1)}, p95 ${pct(times, 95).toFixed(1)}, max ${Math.max(...times).toFixed(1)}`);
    }
  }
  if (errors.length) console.log(`page errors: ${errors.slice(0, 5).join(" | ")}`);
} finally {
  await browser.close();
}
