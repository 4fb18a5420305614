// bench/web-load's measurement, for kiln web and go tool pprof -http alike:
// with the browser already running, start the server, poll its page until
// it answers, open the flame graph and wait until it is fully drawn; the
// time is from the server's start to that moment. Runs each tool RUNS
// times, alternating, and prints one JSON line of medians.
//   node web-load.js PROFILE KILN RUNS
"use strict";
const { chromium } = require("playwright-core");
const { spawn } = require("child_process");
const fs = require("fs");
const net = require("net");
const os = require("os");
const path = require("path");

const [profile, kiln, runsArg] = process.argv.slice(2);
const runs = +runsArg || 3;

function freePort() {
	return new Promise((res) => {
		const s = net.createServer();
		s.listen(0, "127.0.0.1", () => { const p = s.address().port; s.close(() => res(p)); });
	});
}

async function waitUp(url, deadline) {
	for (;;) {
		try { const r = await fetch(url); if (r.ok) return; } catch (e) { /* not yet */ }
		if (Date.now() > deadline) throw new Error("server did not come up: " + url);
		await new Promise((r) => setTimeout(r, 20));
	}
}

async function measure(page, tool) {
	const port = await freePort();
	const env = Object.assign({}, process.env, { BROWSER: "" });
	let proc, url, probe;
	const t0 = Date.now();
	if (tool === "kiln") {
		proc = spawn(kiln, ["web", "--http", "127.0.0.1:" + port, profile],
			{ env, stdio: ["ignore", "pipe", "ignore"] });
		// kiln prints its URL with the run's token once it listens.
		const printed = await new Promise((res, rej) => {
			let out = "";
			proc.stdout.on("data", (d) => {
				out += d;
				const m = out.match(/http:\/\/\S+\?token=([0-9a-f]+)/);
				if (m) res(m[1]);
			});
			proc.on("exit", () => rej(new Error("kiln web exited: " + out)));
		});
		probe = "http://127.0.0.1:" + port + "/api/meta?token=" + printed;
		url = "http://127.0.0.1:" + port + "/flamegraph?token=" + printed;
	} else {
		proc = spawn("go", ["tool", "pprof", "-no_browser", "-http=127.0.0.1:" + port, profile],
			{ env: Object.assign(env, { GOTOOLCHAIN: "local", GOTELEMETRY: "off" }), stdio: "ignore" });
		probe = "http://127.0.0.1:" + port + "/";
		url = "http://127.0.0.1:" + port + "/ui/flamegraph";
	}
	try {
		await waitUp(probe, t0 + 600000);
		const tUp = Date.now();
		await page.goto(url, { timeout: 600000 });
		if (tool === "kiln") {
			await page.waitForSelector('body[data-flame-ready="1"]', { timeout: 600000 });
		} else {
			await page.waitForSelector("#chart svg g rect", { timeout: 600000 });
		}
		// one more frame so the drawing is on screen
		await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r())));
		const t1 = Date.now();
		const frames = await page.evaluate((t) => t === "kiln" ? window.kilnFlame.drawn()
			: document.querySelectorAll("#chart svg g").length, tool);
		return { total: (t1 - t0) / 1000, server: (tUp - t0) / 1000, page: (t1 - tUp) / 1000, frames };
	} finally {
		proc.kill("SIGTERM");
		await new Promise((r) => { proc.on("exit", r); setTimeout(r, 3000); });
	}
}

function median(xs) { const s = xs.slice().sort((a, b) => a - b); return s[(s.length - 1) >> 1]; }

(async () => {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kiln-bench-chromium-"));
	const ctx = await chromium.launchPersistentContext(dir, {
		executablePath: "/usr/bin/chromium", headless: true,
		args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
			"--disable-background-networking", "--disable-component-update", "--disable-sync"],
		viewport: { width: 1280, height: 900 }, bypassCSP: true,
	});
	const res = { kiln: [], pprof: [] };
	for (let i = 0; i < runs; i++) {
		for (const tool of ["kiln", "pprof"]) {
			const page = await ctx.newPage();
			const m = await measure(page, tool);
			await page.close();
			res[tool].push(m);
			console.error(tool + " run " + (i + 1) + ": " + JSON.stringify(m));
		}
	}
	await ctx.close();
	fs.rmSync(dir, { recursive: true, force: true });
	const out = {};
	for (const tool of ["kiln", "pprof"]) {
		out[tool] = { total: median(res[tool].map((m) => m.total)), server: median(res[tool].map((m) => m.server)),
			page: median(res[tool].map((m) => m.page)), frames: res[tool][0].frames };
	}
	out.ratio = out.pprof.total / out.kiln.total;
	console.log(JSON.stringify(out));
})().catch((e) => { console.error(e); process.exit(1); });
