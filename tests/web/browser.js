// Browser tests of kiln web and of the flame graph SVG, in headless Debian
// chromium driven by playwright-core. Usage:
//   node browser.js URL EVIL_URL SVG_FILE SHOT_DIR
// URL serves tests/render's known profile (cwd holding app.c), EVIL_URL the
// profile whose function names are script injections; both as kiln web
// printed them, with ?token=, which the first visit turns into a cookie.
// Exits non-zero with the first failed check.
"use strict";
const { chromium } = require("playwright-core");
const fs = require("fs");
const os = require("os");
const path = require("path");

const [printedURL, printedEvilURL, svgFile, shotDir] = process.argv.slice(2);
let failures = 0;
function check(cond, what) {
	if (cond) { console.log("ok - " + what); return; }
	console.log("not ok - " + what);
	failures++;
}

async function launch() {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kiln-chromium-"));
	const ctx = await chromium.launchPersistentContext(dir, {
		executablePath: "/usr/bin/chromium",
		headless: true,
		args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
			"--disable-background-networking", "--disable-component-update", "--disable-sync"],
		viewport: { width: 1280, height: 800 },
		// Playwright's waitForFunction evaluates strings, which kiln's CSP
		// forbids; bypassing it also makes the injection checks stronger:
		// nothing may run even without the CSP's help.
		bypassCSP: true,
	});
	return { ctx, dir };
}

// Opens the URL kiln printed and returns the clean base URL it redirects to.
async function openPrinted(page, printed, what) {
	const base = new URL(printed).origin + "/";
	await page.goto(printed);
	check(page.url() === base, what + ": the printed URL redirects to " + base + " (" + page.url() + ")");
	return base;
}

async function rows(page) {
	return page.$$eval("#top-table tbody tr", (trs) => trs.map((tr) =>
		Array.from(tr.children).map((td) => td.textContent)));
}

async function main() {
	const { ctx, dir } = await launch();
	const page = await ctx.newPage();
	const pageErrors = [];
	page.on("pageerror", (e) => pageErrors.push(String(e)));
	page.on("dialog", (d) => { pageErrors.push("dialog: " + d.message()); d.dismiss(); });

	// The printed URL: a cookie for the token, then the clean URL.
	const url = await openPrinted(page, printedURL, "known");
	check(!(await page.evaluate(() => document.cookie)).includes("kiln_token"), "the token cookie is HttpOnly");
	const noCookie = await page.evaluate(async () => {
		const r = await fetch("/api/meta", { credentials: "omit" });
		return [r.status, await r.text()];
	});
	check(noCookie[0] === 403 && noCookie[1].includes("token"), "without the cookie the API answers 403 (" + noCookie + ")");

	// Top: first rows of the known profile (flat order, ties by name).
	await page.goto(url + "top");
	await page.waitForSelector("#top-table tbody tr");
	let r = await rows(page);
	check(r.length === 6, "top has 6 rows (" + r.length + ")");
	check(r[0][5] === "compute" && r[0][0] === "400ms" && r[0][1] === "40.00%", "top row 1 is compute 400ms 40.00% (" + r[0] + ")");
	check(r[1][5] === "helper" && r[1][0] === "200ms", "top row 2 is helper 200ms (" + r[1] + ")");
	check(r[2][5] === "sys_write" && r[2][2] === "80.00%", "top row 3 is sys_write, sum 80% (" + r[2] + ")");
	await page.click('th[data-col="cum"]');
	r = await rows(page);
	check(r[0][5] === "main" && r[0][3] === "1000ms", "sorted by cum: main 1000ms first (" + r[0] + ")");

	// Flame graph: switch view without reloading, click a frame, zoom.
	await page.evaluate(() => { window.__sameDocument = 1; });
	await page.click('#views a[data-view="flamegraph"]');
	await page.waitForSelector('body[data-flame-ready="1"]');
	check(await page.evaluate(() => window.__sameDocument === 1), "switching to the flame graph did not reload the page");
	check(new URL(page.url()).pathname === "/flamegraph", "URL shows the flame graph view");
	const work = await page.evaluate(() => window.kilnFlame.frame("work"));
	const canvasW = await page.$eval("#flame", (c) => c.getBoundingClientRect().width);
	check(work && Math.abs(work.w / canvasW - 0.7) < 0.01, "work is 70% of the flame graph wide");
	await page.mouse.click(work.x + work.w / 2, work.y + work.h / 2);
	await page.waitForFunction(() => window.kilnFlame.zoomed() === "work");
	const comp = await page.evaluate(() => window.kilnFlame.frame("compute"));
	check(Math.abs(comp.w / canvasW - 600 / 700) < 0.01, "after zooming into work, compute is 6/7 wide");
	check((await page.textContent("#flame-status")).includes("Zoomed: work"), "status names the zoomed frame");
	await page.mouse.move(comp.x + 5, comp.y + 5);
	check((await page.textContent("#tooltip")).includes("compute"), "tooltip shows the function under the pointer");

	// Search: matched share of the zoomed view.
	await page.fill("#search", "^comp");
	await page.waitForFunction(() => document.querySelector("#flame-matched").textContent.includes("Matched"));
	const matched = await page.textContent("#flame-matched");
	check(matched.includes("85.71%"), "search ^comp matches 85.71% of work (" + matched + ")");
	await page.screenshot({ path: path.join(shotDir, "web-flamegraph.png"), fullPage: true });

	// sample_index: switch to samples (counts).
	await page.fill("#search", "");
	await page.selectOption("#si", "samples");
	await page.waitForFunction(() => location.search.includes("si=samples"));
	await page.waitForFunction(() => document.querySelector("#flame-status").textContent.startsWith("samples"));
	check((await page.textContent("#flame-status")).includes("total 100"), "samples view totals 100 samples");
	await page.click('#views a[data-view="top"]');
	await page.waitForFunction(() => {
		const td = document.querySelector("#top-table tbody tr td");
		return td && td.textContent === "40";
	});
	check(true, "top in samples shows compute's 40 samples");
	await page.screenshot({ path: path.join(shotDir, "web-top.png") });

	// A shared link opens the same view.
	const page2 = await ctx.newPage();
	await page2.goto(url + "flamegraph?si=samples&f=memcpy");
	await page2.waitForSelector('body[data-flame-ready="1"]');
	check((await page2.textContent("#flame-status")).includes("total 10"), "shared link: focus=memcpy in samples totals 10");
	await page2.close();

	// Graph (Graphviz) and Peek and Source.
	await page.click('#views a[data-view="graph"]');
	await page.waitForSelector("#graph-box svg", { timeout: 20000 });
	check((await page.textContent("#graph-box svg")).includes("compute"), "graph view draws the call graph");
	await page.screenshot({ path: path.join(shotDir, "web-graph.png") });
	await page.goto(url + "peek?re=compute");
	await page.waitForFunction(() => document.querySelector("#peek-box").textContent.includes("compute"));
	check((await page.textContent("#peek-box")).includes("| compute"), "peek shows compute's callers and callees");
	await page.goto(url + "source?re=compute");
	await page.waitForFunction(() => document.querySelector("#source-box").textContent.includes("ROUTINE"));
	check((await page.textContent("#source-box")).includes("compute_hot"), "source view lists app.c around compute");
	await page.goto(url + "source");
	await page.waitForSelector("#source-files a");
	await page.click("#source-files a");
	await page.waitForSelector("table.src tr.hot");
	check((await page.textContent("table.src")).includes("app.c line 30"), "source file view shows app.c with hot lines");
	const refused = await page.evaluate(async () => {
		const a = await fetch("/api/source?file=" + encodeURIComponent("../../../../etc/passwd"));
		const b = await fetch("/api/source?file=/etc/passwd");
		return [a.status, b.status, await a.text()];
	});
	check(refused[0] === 403 && refused[1] === 403, "'..' and foreign absolute source paths are refused (" + refused + ")");
	const dl = await page.evaluate(async () => {
		const r = await fetch("/download");
		const b = new Uint8Array(await r.arrayBuffer());
		return [r.headers.get("content-type"), b[0], b[1]];
	});
	check(dl[0] === "application/vnd.google.protobuf+gzip" && dl[1] === 0x1f && dl[2] === 0x8b, "download serves the profile as .pb.gz");
	check(pageErrors.length === 0, "no page errors (" + pageErrors.join("; ") + ")");

	// The malicious profile: names with <script> must render as text only.
	const evil = await ctx.newPage();
	const evilErrors = [];
	evil.on("dialog", (d) => { evilErrors.push("dialog"); d.dismiss(); });
	const evilURL = await openPrinted(evil, printedEvilURL, "evil");
	// Each view must have drawn the names first: a view that failed to
	// load would run no script either.
	const drawn = {
		"top": () => document.querySelector("#top-table tbody tr") !== null &&
			document.body.textContent.includes("window.__pwned=1"),
		"flamegraph": () => document.body.dataset.flameReady === "1" &&
			!!window.kilnFlame.frame("<script>window.__pwned=1</script>"),
		"graph": () => { const g = document.querySelector("#graph-box svg"); return !!g && g.textContent.includes("__pwned=1"); },
		"peek?re=script": () => document.querySelector("#peek-box").textContent.includes("window.__pwned=1"),
		"source?re=.": () => document.querySelector("#source-box").textContent.includes("ROUTINE"),
		"source": () => document.querySelector("#source-files a") !== null,
	};
	for (const [v, fn] of Object.entries(drawn)) {
		await evil.goto(evilURL + v);
		const shown = await evil.waitForFunction(fn, null, { timeout: 20000 }).then(() => true, () => false);
		check(shown, "evil profile, " + v + ": the view drew the profile");
		await evil.waitForTimeout(v === "graph" ? 1500 : 400);
		const pwned = await evil.evaluate(() => window.__pwned);
		check(pwned === undefined, "evil profile, " + v + ": no script ran");
	}
	await evil.goto(evilURL + "top");
	await evil.waitForSelector("#top-table tbody tr");
	const names = await evil.$$eval("#top-table td.name", (tds) => tds.map((t) => t.textContent));
	check(names.includes("<script>window.__pwned=1</script>"), "evil name is shown as text");
	check((await evil.$$("#top-table script, #top-table img")).length === 0, "no element was created from a name");
	const evilRefused = await evil.evaluate(async () =>
		(await fetch("/api/source?file=" + encodeURIComponent("../../../../etc/passwd"))).status);
	check(evilRefused === 403, "a '..' file named by the profile is refused too");
	check(evilErrors.length === 0, "no dialogs on the evil profile");

	// The flame graph SVG file: zoom and search in its own script.
	const svg = await ctx.newPage();
	await svg.goto("file://" + svgFile);
	const before = await svg.evaluate(() => {
		for (const g of document.querySelectorAll("g.f"))
			if (g.querySelector("title").textContent.startsWith("compute ")) return +g.querySelector("rect").getAttribute("width");
	});
	await svg.evaluate(() => {
		for (const g of document.querySelectorAll("g.f"))
			if (g.querySelector("title").textContent.startsWith("work ")) g.querySelector("rect").dispatchEvent(new MouseEvent("click", { bubbles: true }));
	});
	const after = await svg.evaluate(() => {
		for (const g of document.querySelectorAll("g.f"))
			if (g.querySelector("title").textContent.startsWith("compute ")) return +g.querySelector("rect").getAttribute("width");
	});
	check(Math.abs(before - 708) < 0.2 && Math.abs(after - 1180 * 6 / 7) < 0.2, "SVG: zoom into work widens compute from 708 to 1011.4 (" + before + " -> " + after + ")");
	await svg.goto("file://" + svgFile + "?s=" + encodeURIComponent("^(helper|memcpy)$"));
	const m = await svg.textContent("#matched");
	check(m.includes("30.0%"), "SVG: ?s= search matches 30.0% (" + m + ")");
	await svg.screenshot({ path: path.join(shotDir, "svg-flame.png") });

	await ctx.close();
	fs.rmSync(dir, { recursive: true, force: true });
	console.log(failures ? failures + " failed" : "all passed");
	process.exit(failures ? 1 : 0);
}

main().catch((e) => { console.error(e); process.exit(1); });
