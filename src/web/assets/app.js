// kiln web's page: five views of one profile held by the server (Top,
// Flame Graph, Graph, Source, Peek), switched without reloading, with the
// view parameters (si, f, i, h, s, g, ...) in the URL so a view can be
// shared as a link. Data arrives as JSON or text and is always inserted as
// text (textContent, canvas fillText), never as HTML: function names are
// untrusted. The flame graph is drawn on a canvas from a pruned tree; when
// the user zooms into a frame whose children were left out, that subtree
// is fetched.
"use strict";
(function () {
	const $ = (id) => document.getElementById(id);
	const VIEWS = ["top", "flamegraph", "graph", "source", "peek"];
	const PARAMS = ["si", "f", "i", "h", "s", "sf", "prunefrom", "tf", "ti", "g", "n", "nf", "ef",
		"trim", "noinlines", "mean", "rel", "unit"];
	const state = { view: "flamegraph", params: new URLSearchParams(), re: "" };
	let meta = null;

	function readURL() {
		let v = location.pathname.replace(/^\/+/, "");
		state.view = VIEWS.includes(v) ? v : "flamegraph";
		const q = new URLSearchParams(location.search);
		state.params = new URLSearchParams();
		for (const k of PARAMS) if (q.has(k) && q.get(k) !== "") state.params.set(k, q.get(k));
		state.re = q.get("re") || "";
	}
	function query(extra) {
		const q = new URLSearchParams(state.params);
		if (extra) for (const k of Object.keys(extra)) q.set(k, extra[k]);
		const s = q.toString();
		return s ? "?" + s : "";
	}
	function pageURL() {
		const q = new URLSearchParams(state.params);
		if (state.re) q.set("re", state.re);
		const s = q.toString();
		return "/" + state.view + (s ? "?" + s : "");
	}
	function navigate(push) {
		if (push) history.pushState(null, "", pageURL());
		else history.replaceState(null, "", pageURL());
		syncControls();
		render();
	}
	async function fetchOK(url) {
		const r = await fetch(url);
		if (!r.ok) throw new Error((await r.text()).trim() || r.statusText);
		return r;
	}
	function showNotes(list) {
		$("notes").textContent = (list || []).join("\n");
	}
	function showError(e) {
		$("notes").textContent = String(e.message || e);
	}
	function esc(re) { return re.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }

	// ---- controls ----
	function syncControls() {
		for (const a of document.querySelectorAll("#views a")) {
			a.classList.toggle("active", a.dataset.view === state.view);
			const q = new URLSearchParams(state.params);
			if (state.re) q.set("re", state.re);
			const s = q.toString();
			a.setAttribute("href", "/" + a.dataset.view + (s ? "?" + s : ""));
		}
		if (meta) {
			const si = state.params.get("si");
			$("si").value = si && meta.sampleTypes.some((t) => t.type === si) ? si
				: meta.sampleTypes[meta.defaultIndex].type;
		}
		$("g").value = state.params.get("g") || "";
		for (const k of ["f", "i", "h", "s"]) $("refine").elements[k].value = state.params.get(k) || "";
		$("search").value = state.re;
		$("download").setAttribute("href", "/download");
	}
	function setParam(k, v) {
		if (v === "" || v === null || v === undefined) state.params.delete(k);
		else state.params.set(k, v);
	}
	function initControls() {
		for (const a of document.querySelectorAll("#views a")) {
			a.addEventListener("click", (e) => {
				if (e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
				e.preventDefault();
				state.view = a.dataset.view;
				navigate(true);
			});
		}
		const si = $("si");
		for (const t of meta.sampleTypes) {
			const o = document.createElement("option");
			o.value = t.type;
			o.textContent = t.type + (t.unit ? " (" + t.unit + ")" : "");
			si.appendChild(o);
		}
		si.addEventListener("change", () => {
			setParam("si", si.value === meta.sampleTypes[meta.defaultIndex].type ? "" : si.value);
			navigate(true);
		});
		$("g").addEventListener("change", () => { setParam("g", $("g").value); navigate(true); });
		$("refine-btn").addEventListener("click", () => $("refine").classList.toggle("hidden"));
		$("refine").addEventListener("submit", (e) => {
			e.preventDefault();
			for (const k of ["f", "i", "h", "s"]) setParam(k, $("refine").elements[k].value);
			navigate(true);
		});
		$("reset").addEventListener("click", () => {
			for (const k of ["f", "i", "h", "s"]) state.params.delete(k);
			navigate(true);
		});
		let timer = null;
		$("search").addEventListener("input", () => {
			clearTimeout(timer);
			timer = setTimeout(() => {
				state.re = $("search").value;
				history.replaceState(null, "", pageURL());
				if (state.view === "flamegraph") flameSearch(state.re);
			}, 150);
		});
		$("search").addEventListener("keydown", (e) => {
			if (e.key !== "Enter") return;
			state.re = $("search").value;
			navigate(true);
		});
		window.addEventListener("popstate", () => { readURL(); syncControls(); render(); });
		window.addEventListener("resize", () => { if (state.view === "flamegraph") flameDraw(); });
	}

	function render() {
		for (const v of VIEWS) $("view-" + v).classList.toggle("hidden", v !== state.view);
		showNotes([]);
		const fn = { top: renderTop, flamegraph: renderFlame, graph: renderGraph,
			source: renderSource, peek: renderPeek }[state.view];
		fn().catch(showError);
	}

	// ---- Top ----
	const top = { rows: [], total: 0, sort: null, desc: true, key: null };
	async function renderTop() {
		const key = query();
		if (top.key !== key) {
			const d = await (await fetchOK("/api/top" + key)).json();
			top.rows = d.rows.map((r) => ({ name: r[0], flat: r[1], cum: r[2], flatS: r[3], cumS: r[4] }));
			top.total = d.total;
			top.key = key;
			top.sort = null;
			$("top-info").textContent = d.sampleType + ": total " + d.totalLabel + ", showing " +
				d.shown + " of " + d.of + " nodes" + (d.dropped ? " (" + d.dropped + " dropped below the node fraction)" : "");
			showNotes(d.notes);
		}
		drawTop();
	}
	function pct(v, t) { return t ? (100 * Math.abs(v / t)).toFixed(2) + "%" : "0%"; }
	function drawTop() {
		let rows = top.rows.slice();
		if (top.sort) {
			const k = top.sort, dir = top.desc ? -1 : 1;
			rows.sort((a, b) => {
				let x, y;
				if (k === "name") { x = a.name; y = b.name; }
				else if (k === "cum" || k === "cump") { x = Math.abs(a.cum); y = Math.abs(b.cum); }
				else { x = Math.abs(a.flat); y = Math.abs(b.flat); }
				return x < y ? -dir : x > y ? dir : 0;
			});
		}
		const body = document.createElement("tbody");
		let sum = 0;
		for (const r of rows) {
			sum += r.flat;
			const tr = document.createElement("tr");
			for (const text of [r.flatS, pct(r.flat, top.total), pct(sum, top.total), r.cumS, pct(r.cum, top.total)]) {
				const td = document.createElement("td");
				td.textContent = text;
				tr.appendChild(td);
			}
			const td = document.createElement("td"), a = document.createElement("a");
			td.className = "name";
			a.textContent = r.name;
			a.title = "peek at " + r.name;
			a.addEventListener("click", () => { state.re = "^" + esc(r.name) + "$"; state.view = "peek"; navigate(true); });
			td.appendChild(a);
			tr.appendChild(td);
			body.appendChild(tr);
		}
		const table = $("top-table");
		table.replaceChild(body, table.tBodies[0]);
	}
	function initTop() {
		for (const th of document.querySelectorAll("#top-table th")) {
			th.addEventListener("click", () => {
				const k = th.dataset.col;
				if (k === "sum") return;
				top.desc = top.sort === k ? !top.desc : k !== "name";
				top.sort = k;
				drawTop();
			});
		}
	}

	// ---- Flame graph ----
	const F = { key: null, nodes: [], byId: new Map(), zoom: 0, re: null, rowH: 18, diff: false,
		maxDelta: 0, unit: "", total: 0, sampleType: "", drawn: 0, charW: 7, boxes: [] };

	function hash(s) {
		let h = 2166136261;
		for (let i = 0; i < s.length; i++) { h ^= s.charCodeAt(i); h = Math.imul(h, 16777619); }
		return h >>> 0;
	}
	function colour(n) {
		if (F.re && F.re.test(n.name)) return "rgb(230,0,230)";
		if (F.diff) {
			const d = n.value - n.base;
			if (!F.maxDelta || !d) return "rgb(250,250,250)";
			const c = Math.floor(210 * (F.maxDelta - Math.abs(d)) / F.maxDelta);
			return d > 0 ? "rgb(255," + c + "," + c + ")" : "rgb(" + c + "," + c + ",255)";
		}
		const h = hash(n.name), v1 = (h & 255) / 256, v2 = ((h >> 8) & 255) / 256, v3 = ((h >> 16) & 255) / 256;
		switch (n.kind) {
		case 1: return "rgb(" + (190 + 45 * v3 | 0) + "," + (190 + 45 * v3 | 0) + "," + (40 + 40 * v1 | 0) + ")";
		case 2: return "rgb(" + (230 + 25 * v3 | 0) + "," + (140 + 30 * v1 | 0) + "," + (30 * v2 | 0) + ")";
		case 3: return "rgb(" + (50 + 60 * v3 | 0) + "," + (165 + 55 * v3 | 0) + "," + (165 + 55 * v1 | 0) + ")";
		case 4: return "rgb(" + (150 + 40 * v3 | 0) + "," + (160 + 40 * v3 | 0) + "," + (190 + 40 * v3 | 0) + ")";
		default: return "rgb(" + (210 + 45 * v3 | 0) + "," + (50 + 70 * v1 | 0) + "," + (50 + 40 * v2 | 0) + ")";
		}
	}
	// Adds a pre-order listing (8 numbers per frame) under `under` (or as the
	// whole tree); returns the listing's first node.
	function addListing(d, under) {
		const a = d.nodes, local = [];
		for (let k = 0; k < a.length; k += 8) {
			const id = a[k], pi = a[k + 1];
			if (under && k === 0) { under.trunc = a[k + 6] === 1; local.push(under); under.children = []; continue; }
			const n = { id: id, name: d.names[a[k + 2]], value: a[k + 3], self: a[k + 4], kind: a[k + 5],
				trunc: a[k + 6] === 1, base: a[k + 7], children: [], parent: null, depth: 0, x: 0 };
			if (pi >= 0) {
				const p = local[pi];
				n.parent = p;
				n.depth = p.depth + 1;
				n.x = p.children.length ? p.children[p.children.length - 1].x + p.children[p.children.length - 1].value : p.x;
				p.children.push(n);
			}
			if (F.diff) F.maxDelta = Math.max(F.maxDelta, Math.abs(n.value - n.base));
			F.byId.set(id, n);
			local.push(n);
		}
		return local[0];
	}
	async function renderFlame() {
		const key = query();
		if (F.key !== key) {
			const d = await (await fetchOK("/api/flame" + key)).json();
			F.key = key;
			F.byId = new Map();
			F.diff = d.diff;
			F.maxDelta = 0;
			F.unit = d.unit;
			F.total = d.rootValue;
			F.sampleType = d.sampleType;
			F.root = addListing(d, null);
			F.zoom = F.root;
			showNotes(d.notes);
		}
		F.re = null;
		if (state.re) { try { F.re = new RegExp(state.re); } catch (e) { F.re = null; } }
		flameDraw();
	}
	function fmt(v) {
		const u = F.unit;
		const a = Math.abs(v);
		if (/^nanoseconds?$/.test(u)) {
			if (a >= 1e9) return (v / 1e9).toFixed(2) + "s";
			if (a >= 1e6) return (v / 1e6).toFixed(2) + "ms";
			if (a >= 1e3) return (v / 1e3).toFixed(2) + "us";
			return v + "ns";
		}
		if (/^bytes?$/.test(u)) {
			const units = ["B", "kB", "MB", "GB", "TB"];
			let i = 0, x = v;
			while (Math.abs(x) >= 1024 && i < units.length - 1) { x /= 1024; i++; }
			return (i ? x.toFixed(2) : x) + units[i];
		}
		return String(v);
	}
	function flameDraw() {
		const canvas = $("flame"), box = $("flame-box");
		if (!F.root) return;
		const z = F.zoom, cssW = Math.max(200, box.clientWidth), dpr = window.devicePixelRatio || 1;
		// depth needed: ancestors + visible subtree
		let maxD = z.depth;
		const scale = cssW / Math.max(1, z.value), minW = 0.3;
		const stack = [z];
		while (stack.length) {
			const n = stack.pop();
			if (n.depth > maxD) maxD = n.depth;
			for (const c of n.children) if (c.value * scale >= minW) stack.push(c);
		}
		const cssH = (maxD + 1) * F.rowH;
		canvas.width = Math.floor(cssW * dpr);
		canvas.height = Math.floor(cssH * dpr);
		canvas.style.height = cssH + "px";
		const ctx = canvas.getContext("2d");
		ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
		ctx.font = "11px monospace";
		ctx.textBaseline = "middle";
		F.charW = ctx.measureText("m").width || 7;
		F.boxes = [];
		F.scale = scale;
		F.drawn = 0;
		const drawBox = (n, x, w, faded) => {
			const y = n.depth * F.rowH;
			ctx.fillStyle = colour(n);
			ctx.globalAlpha = faded ? 0.6 : 1;
			ctx.fillRect(x, y, Math.max(w - 0.5, 0.3), F.rowH - 1);
			ctx.globalAlpha = 1;
			if (w > 3 * F.charW + 6) {
				const fit = Math.floor((w - 6) / F.charW);
				ctx.fillStyle = "#000";
				ctx.fillText(n.name.length > fit ? n.name.substring(0, fit - 2) + ".." : n.name, x + 3, y + F.rowH / 2);
			}
			F.drawn++;
		};
		for (let a = z.parent; a; a = a.parent) drawBox(a, 0, cssW, true);
		const st = [z];
		while (st.length) {
			const n = st.pop();
			const x = (n.x - z.x) * scale, w = n.value * scale;
			drawBox(n, x, w, false);
			for (const c of n.children) if (c.value * scale >= minW) st.push(c);
		}
		$("flame-status").textContent = z === F.root ? F.sampleType + ": total " + fmt(F.root.value)
			: "Zoomed: " + z.name + " — " + fmt(z.value) + " (" + pct(z.value, F.root.value) + ")";
		flameMatched();
		document.body.dataset.flameReady = "1";
		if (!F.marked) { F.marked = true; performance.mark("kiln-flame-drawn"); }
	}
	// Share of the zoomed frame covered by matching frames, each stretch
	// counted once (a match inside a match adds nothing).
	function flameMatched() {
		if (!F.re) { $("flame-matched").textContent = ""; return; }
		let sum = 0;
		const st = [F.zoom];
		while (st.length) {
			const n = st.pop();
			if (F.re.test(n.name)) { sum += n.value; continue; }
			for (const c of n.children) st.push(c);
		}
		$("flame-matched").textContent = "Matched: " + pct(sum, F.zoom.value) + " (" + fmt(sum) + ")";
	}
	function flameSearch(re) {
		try { F.re = re ? new RegExp(re) : null; } catch (e) { F.re = null; }
		flameDraw();
	}
	function frameAt(ev) {
		const r = $("flame").getBoundingClientRect(), x = ev.clientX - r.left, y = ev.clientY - r.top;
		const depth = Math.floor(y / F.rowH), z = F.zoom;
		if (depth < z.depth) { let a = z; while (a && a.depth > depth) a = a.parent; return a; }
		if (depth === z.depth) return z;
		let n = z;
		while (n && n.depth < depth) {
			let next = null;
			for (const c of n.children) {
				const cx = (c.x - z.x) * F.scale, cw = c.value * F.scale;
				if (x >= cx && x < cx + cw) { next = c; break; }
			}
			n = next;
		}
		return n;
	}
	async function zoomTo(n) {
		if (!n) return;
		if (n.trunc && n.id !== undefined) {
			const d = await (await fetchOK("/api/flame" + query({ node: n.id }))).json();
			addListing(d, n);
		}
		F.zoom = n;
		flameDraw();
	}
	function initFlame() {
		const c = $("flame"), tip = $("tooltip");
		c.addEventListener("click", (e) => { zoomTo(frameAt(e)).catch(showError); });
		c.addEventListener("mousemove", (e) => {
			const n = frameAt(e);
			if (!n) { tip.classList.add("hidden"); return; }
			let t = n.name + "\n" + fmt(n.value) + " (" + pct(n.value, F.root.value) + " of total, " +
				pct(n.value, F.zoom.value) + " of view), self " + fmt(n.self);
			if (F.diff) t += "\nbase " + fmt(n.base) + ", change " + (n.value - n.base > 0 ? "+" : "") + fmt(n.value - n.base);
			tip.textContent = t;
			tip.style.left = Math.min(e.clientX + 12, window.innerWidth - 300) + "px";
			tip.style.top = (e.clientY + 14) + "px";
			tip.classList.remove("hidden");
		});
		c.addEventListener("mouseleave", () => tip.classList.add("hidden"));
		$("flame-reset").addEventListener("click", () => { F.zoom = F.root; flameDraw(); });
		// For tests and scripts: where a frame is drawn, what is zoomed.
		window.kilnFlame = {
			frame(name) {
				const z = F.zoom, r = $("flame").getBoundingClientRect();
				let best = null;
				const st = [z];
				while (st.length) {
					const n = st.pop();
					if (n.name === name && (!best || n.value > best.value)) best = n;
					for (const ch of n.children) st.push(ch);
				}
				if (!best) return null;
				return { x: r.left + (best.x - z.x) * F.scale, y: r.top + best.depth * F.rowH,
					w: best.value * F.scale, h: F.rowH, value: best.value };
			},
			zoomed() { return F.zoom ? F.zoom.name : null; },
			drawn() { return F.drawn; },
		};
	}

	// ---- Graph ----
	async function renderGraph() {
		const box = $("graph-box");
		box.textContent = "Rendering the call graph with Graphviz…";
		const text = await (await fetchOK("/api/graph" + query())).text();
		const doc = new DOMParser().parseFromString(text, "image/svg+xml");
		const svg = doc.documentElement;
		if (svg.nodeName !== "svg") throw new Error("Graphviz output is not SVG");
		// Graphviz escapes labels; still, keep nothing that could run.
		for (const el of svg.querySelectorAll("script, foreignObject, iframe")) el.remove();
		for (const el of [svg, ...svg.querySelectorAll("*")]) {
			for (const at of Array.from(el.attributes)) {
				if (/^on/i.test(at.name) || (/href$/i.test(at.name) && /^\s*javascript:/i.test(at.value)))
					el.removeAttribute(at.name);
			}
		}
		box.textContent = "";
		box.appendChild(document.importNode(svg, true));
	}

	// ---- Source and Peek ----
	async function renderSource() {
		const files = $("source-files"), box = $("source-box");
		files.textContent = "";
		box.textContent = "";
		if (state.re) {
			const pre = document.createElement("pre");
			pre.textContent = await (await fetchOK("/api/source" + query({ re: state.re }))).text();
			box.appendChild(pre);
			return;
		}
		const d = await (await fetchOK("/api/files")).json();
		const hint = document.createElement("p");
		hint.textContent = "Type a function regexp in the search box and press Enter, or pick a file:";
		files.appendChild(hint);
		for (const f of d.files) {
			const a = document.createElement("a");
			a.textContent = f;
			a.addEventListener("click", () => showFile(f).catch(showError));
			files.appendChild(a);
		}
	}
	async function showFile(f) {
		const d = await (await fetchOK("/api/source" + query({ file: f }))).json();
		const table = document.createElement("table");
		table.className = "src";
		const cap = document.createElement("caption");
		cap.textContent = d.file;
		table.appendChild(cap);
		d.lines.forEach((l, i) => {
			const tr = document.createElement("tr");
			if (l[0] || l[1]) tr.className = "hot";
			for (const t of [l[0], l[1], String(i + 1), l[2]]) {
				const td = document.createElement("td");
				td.textContent = t;
				tr.appendChild(td);
			}
			tr.lastChild.className = "code";
			table.appendChild(tr);
		});
		$("source-box").textContent = "";
		$("source-box").appendChild(table);
	}
	async function renderPeek() {
		const box = $("peek-box");
		if (!state.re) { box.textContent = "Type a regexp in the search box and press Enter."; return; }
		box.textContent = await (await fetchOK("/api/peek" + query({ re: state.re }))).text();
	}

	async function main() {
		readURL();
		meta = await (await fetchOK("/api/meta")).json();
		document.title = "kiln: " + meta.title;
		$("title").textContent = meta.title;
		initControls();
		initTop();
		initFlame();
		syncControls();
		history.replaceState(null, "", pageURL());
		render();
	}
	main().catch(showError);
})();
