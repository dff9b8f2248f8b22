// Browser tests of yuimaru's pages in Debian's headless chromium, driven by playwright-core:
// search, narrow by a facet, open a document, follow a related document, the dashboard, the
// 実績報告 of a chosen fiscal year, the follow-up list and a firm's timeline, the keyboard, a
// phone-sized screen and a 研修 pack (add, reorder, download). Fails on any console
// error and on any request to a host other than the loopback server. Screenshots go to the
// artefacts directory.
//   node browser.test.mjs BUILD/yuimaru SOURCE_DIR ARTIFACTS_DIR
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

const [binary, source, artifacts] = process.argv.slice(2);
mkdirSync(artifacts, { recursive: true });
const work = mkdtempSync(join(tmpdir(), "yuimaru-browser-"));
const failures = [];
const check = (ok, what) => { if (!ok) failures.push(what); console.log(`${ok ? "ok  " : "FAIL"} ${what}`); };

const index = spawnSync(binary, ["index", "--db", join(work, "db"), join(source, "corpus")], { encoding: "utf8" });
if (index.status !== 0) { console.error(index.stderr); process.exit(1); }
// A handler with 機密 clearance and a generated password, as an operator would create one.
const user = spawnSync(binary, ["user", "add", "--db", join(work, "db"), "--name", "ブラウザ試験", "--role", "コンサルタント",
                                "--clearance", "機密", "--generate-password", "browser"], { encoding: "utf8" });
if (user.status !== 0) { console.error(user.stderr); process.exit(1); }
const password = user.stdout.trim().split(" ").pop();

const server = spawn(binary, ["serve", "--db", join(work, "db"), "--port", "0"], { stdio: ["ignore", "pipe", "inherit"] });
const serverExit = new Promise((resolve) => server.on("exit", (code, signal) => resolve({ code, signal })));
const base = await new Promise((resolve, reject) => {
  let out = "";
  server.stdout.on("data", (d) => {
    out += d;
    const m = out.match(/http:\/\/127\.0\.0\.1:(\d+)\//);
    if (m) resolve(`http://127.0.0.1:${m[1]}`);
  });
  server.on("exit", (code) => reject(new Error(`server exited: ${code}`)));
  // A generous bound: under AddressSanitizer (scripts/test.sh --sanitize) the start is slower.
  setTimeout(() => reject(new Error("server did not start")), 120000).unref();
});

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-default-apps"],
});
const consoleErrors = [];
const foreign = [];
try {
  const context = await browser.newContext({ locale: "ja-JP", viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.on("console", (m) => { if (m.type() === "error") consoleErrors.push(`${page.url()}: ${m.text()}`); });
  page.on("pageerror", (e) => consoleErrors.push(`${page.url()}: ${e.message}`));
  page.on("request", (r) => {
    const u = new URL(r.url());
    if (!["127.0.0.1", "localhost"].includes(u.hostname) && u.protocol !== "data:") foreign.push(r.url());
  });
  const shot = (name) => page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });

  // Not signed in: the login form, then back to where we were going.
  await page.goto(`${base}/`);
  check(new URL(page.url()).pathname === "/login", "an anonymous visit goes to the login form");
  await shot("00-login");
  await page.getByLabel("ID").fill("browser");
  await page.getByLabel("パスワード").fill("wrong password here");
  await page.getByRole("button", { name: "ログイン" }).click();
  check((await page.locator("[role=alert]").textContent()).includes("違います"), "a wrong password is reported");
  // That answer is a 401, which chromium logs as a failed resource: expected here, and only here.
  const expected401 = consoleErrors.findIndex((e) => e.includes("/login") && e.includes("401"));
  check(expected401 >= 0, "the wrong password was answered with 401");
  if (expected401 >= 0) consoleErrors.splice(expected401, 1);
  await page.getByLabel("パスワード").fill(password);
  await page.getByRole("button", { name: "ログイン" }).click();
  await page.waitForURL(`${base}/`);
  check((await page.locator(".session").textContent()).includes("ブラウザ試験"), "signed in: the header names the user");
  await shot("01-home");
  check((await page.title()).includes("ゆいまーる"), "home page has the product title");

  // Keyboard: the first Tab reaches the skip link; "/" focuses the search box.
  await page.keyboard.press("Tab");
  check(await page.evaluate(() => document.activeElement?.classList.contains("skip")), "first Tab focuses the skip link");
  await page.locator("main").click({ position: { x: 5, y: 5 } });
  await page.keyboard.press("/");
  check(await page.evaluate(() => document.activeElement?.id === "q"), "'/' focuses the search box");

  // Search.
  await page.fill("#q", "事業承継 後継者");
  await Promise.all([page.waitForURL(/\/search\?/), page.press("#q", "Enter")]);
  const summary = await page.locator(".summary").innerText();
  check(/件/.test(summary), `search shows a count (${summary.trim().slice(0, 40)})`);
  const hits = await page.locator("ol.results > li").count();
  check(hits > 0, `search shows results (${hits})`);
  check((await page.locator("ol.results mark").count()) > 0, "snippets highlight the query");
  await shot("02-results");

  // Narrow by a facet: 業種 製造業.
  const facet = page.locator('ul[aria-labelledby="f-industry"] a', { hasText: "製造業" }).first();
  await Promise.all([page.waitForURL(/industry=/), facet.click()]);
  check((await page.locator('ul[aria-labelledby="f-industry"] a[aria-current="true"]').count()) === 1, "the chosen facet value is marked");
  const filtered = await page.locator("ol.results > li").count();
  check(filtered > 0, `facet narrows to results (${filtered})`);
  check(new URL(page.url()).searchParams.get("q") === "事業承継 後継者", "the query stays in the URL");
  await shot("03-facet");

  // Open the first document, then a related one.
  const first = page.locator("ol.results > li h2 a").first();
  const firstTitle = (await first.innerText()).trim();
  await Promise.all([page.waitForURL(/\/doc\//), first.click()]);
  check((await page.locator("h1").innerText()).trim() === firstTitle, "the document page shows the chosen document");
  check((await page.locator("table.docmeta th").count()) > 3, "the document page has its metadata table");
  check((await page.locator("a", { hasText: "検索結果に戻る" }).count()) === 1, "a way back to the same search");
  await shot("04-document");
  const related = page.locator("aside.related li a").first();
  check((await page.locator("aside.related li a").count()) > 0, "related documents are listed");
  const relatedTitle = (await related.innerText()).trim();
  await Promise.all([page.waitForURL(/\/doc\//), related.click()]);
  check((await page.locator("h1").innerText()).trim() === relatedTitle, "a related link opens that document");
  await shot("05-related");
  await Promise.all([page.waitForURL(/\/search\?/), page.locator("a", { hasText: "検索結果に戻る" }).click()]);
  check(new URL(page.url()).searchParams.get("industry") === "製造業", "back to the same search, filters included");

  // Dashboard: a bar leads to the filtered search.
  await page.goto(`${base}/dashboard`);
  check((await page.locator("svg.bars").count()) >= 5, "the dashboard draws its charts");
  await shot("06-dashboard");
  await Promise.all([page.waitForURL(/\/search\?region=/), page.locator('svg.bars a[href*="region="]').first().click()]);
  check((await page.locator("ol.results > li").count()) > 0, "a dashboard bar opens the filtered search");

  // The 実績報告 of one fiscal year: choose it, and the page's figures are that year's (the same as
  // the JSON API's for the same year), with its downloads.
  await page.goto(`${base}/dashboard`);
  const yearOption = page.locator("select#fiscal_year option", { hasText: "令和6年度" });
  check((await yearOption.count()) === 1, "the year selector offers 令和6年度");
  await page.locator("select#fiscal_year").selectOption({ label: (await yearOption.innerText()).trim() });
  await Promise.all([page.waitForURL(/fiscal_year=2024/), page.locator("form.report-year").getByRole("button", { name: "表示" }).click()]);
  check((await page.locator("#report-title").innerText()).includes("令和6年度"), "the report is headed with the chosen year");
  const shownFirms = Number((await page.locator("p.summary strong.firms").innerText()).replace(/,/g, ""));
  const api = await page.evaluate(async () => (await fetch("/api/report?fiscal_year=2024")).json());
  check(shownFirms > 0 && shownFirms === api.firms, `the page counts the year's firms as the API does (${shownFirms} / ${api.firms})`);
  const everyYear = await page.evaluate(async () => (await fetch("/api/report?fiscal_year=all")).json());
  check(everyYear.firms >= shownFirms && everyYear.documents > api.documents, "one year counts fewer documents than all years");
  const xlsxLink = page.locator("p.downloads a", { hasText: "Excel" }).first();
  check(/fiscal_year=2024/.test(await xlsxLink.getAttribute("href")), "the Excel download is of the chosen year");
  const [book] = await Promise.all([page.waitForEvent("download"), xlsxLink.click()]);
  check(readFileSync(await book.path()).subarray(0, 2).toString() === "PK", "the Excel download is a workbook (zip)");
  await shot("06b-dashboard-year");

  // The follow-up list: its sections, and a firm's timeline (all its documents, oldest first).
  await page.goto(`${base}/followups`);
  check((await page.locator("section.followups h2").count()) >= 3, "the follow-up list has its sections");
  const firmLink = page.locator('section.followups a[href^="/firm/"]').first();
  const firm = (await firmLink.innerText()).trim();
  await shot("06c-followups");
  await Promise.all([page.waitForURL(/\/firm\//), firmLink.click()]);
  check((await page.locator("h1").innerText()).includes(firm), `a firm link opens ${firm}'s timeline`);
  const dates = await page.locator("ol.timeline time").evaluateAll((els) => els.map((e) => e.getAttribute("datetime")));
  check(dates.length >= 2 && dates.every((d, i) => i === 0 || dates[i - 1] <= d), `the timeline is oldest first (${dates.join(" ")})`);

  // A phone-sized screen: nothing wider than the screen.
  await page.setViewportSize({ width: 375, height: 800 });
  await page.goto(`${base}/search?q=${encodeURIComponent("ネット通販")}`);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth);
  check(overflow <= 376, `no horizontal scrolling at 375px (${overflow})`);
  await shot("07-phone");

  // 研修 pack: a whole document and a section from their pages, reordered, downloaded.
  await page.setViewportSize({ width: 1280, height: 900 });
  const addButton = () => page.getByRole("button", { name: "追加", exact: true });
  await page.goto(`${base}/doc/MS-0001`);
  await Promise.all([page.waitForURL(/\/pack$/), addButton().click()]);
  await page.goto(`${base}/doc/CS-2024-001-P`);
  await page.getByLabel("研修パックに追加").selectOption({ label: "節: 橋渡し" });
  await Promise.all([page.waitForURL(/\/pack$/), addButton().click()]);
  const packItems = () => page.locator("ol.pack-items > li").evaluateAll((els) => els.map((e) => `${e.dataset.id}#${e.dataset.section}`));
  check(JSON.stringify(await packItems()) === JSON.stringify(["MS-0001#", "CS-2024-001-P#橋渡し"]), "the pack lists the document and the section in the order added");
  await Promise.all([page.waitForURL(/\/pack$/), page.locator("ol.pack-items > li").nth(1).getByRole("button", { name: "上へ" }).click()]);
  check(JSON.stringify(await packItems()) === JSON.stringify(["CS-2024-001-P#橋渡し", "MS-0001#"]), "上へ moves the section first");
  await shot("08-pack");
  await page.getByLabel("形式").selectOption("md");
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "ダウンロード" }).click()]);
  const packText = readFileSync(await download.path(), "utf8");
  const sectionAt = packText.indexOf("出典: CS-2024-001-P"), documentAt = packText.indexOf("出典: MS-0001");
  check(sectionAt >= 0 && documentAt > sectionAt, "the downloaded pack holds both, in the new order");

  // Logout ends the session: the next page asks for the login again.
  await Promise.all([page.waitForURL(/\/login/), page.getByRole("button", { name: "ログアウト" }).click()]);
  await page.goto(`${base}/search`);
  check(new URL(page.url()).pathname === "/login", "after logout the search needs a login again");
  await context.close();
} catch (e) {
  failures.push(`exception: ${e.stack || e}`);
} finally {
  await browser.close();
  server.kill("SIGTERM");
  // A clean exit on SIGTERM, also the sanitizers' verdict: a leak or a memory error found at exit
  // makes the server exit non-zero (scripts/test.sh --sanitize).
  const exit = await serverExit;
  check(exit.code === 0, `the server exits cleanly on SIGTERM (${JSON.stringify(exit)})`);
  rmSync(work, { recursive: true, force: true });
}
check(consoleErrors.length === 0, `no console errors ${JSON.stringify(consoleErrors)}`);
check(foreign.length === 0, `no request leaves the server ${JSON.stringify(foreign)}`);
if (failures.length) {
  console.error(`${failures.length} failure(s):\n${failures.join("\n")}`);
  process.exit(1);
}
console.log("all browser checks passed");
