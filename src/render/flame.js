// Interactivity of kiln's flame graph SVG (embedded in the file, no
// network): click a frame to zoom into it, "Reset Zoom" (or Escape, or a
// click on the background) to go back, "Search" (or Ctrl-F) for a regular
// expression whose matches turn magenta with their share of the view shown,
// and a details line for the frame under the pointer. The layout in the
// file is the unzoomed one; zooming only moves and resizes existing boxes.
// An URL parameter ?s=REGEX searches on load.
"use strict";
var K = { frames: [], zoomed: -1, re: null };

function kq(id) { return document.getElementById(id); }

function init(evt) {
	var svg = document.documentElement;
	K.fh = +svg.getAttribute("data-fh");
	K.pad = +svg.getAttribute("data-pad");
	K.icicle = svg.getAttribute("data-icicle") === "1";
	K.W = +svg.getAttribute("width") - 2 * K.pad;
	K.details = kq("details");
	K.matched = kq("matched");
	var gs = kq("frames").getElementsByTagName("g"), ymin = 1e9, ymax = -1e9, i;
	for (i = 0; i < gs.length; i++) {
		var g = gs[i], r = g.getElementsByTagName("rect")[0];
		var title = g.getElementsByTagName("title")[0].textContent;
		var f = { g: g, r: r, t: g.getElementsByTagName("text")[0] || null,
			x: +r.getAttribute("x"), w: +r.getAttribute("width"),
			y: +r.getAttribute("y"), fill: r.getAttribute("fill"), title: title,
			name: title.replace(/ \([^()]*\)$/, ""), cx: 0, cw: 0 };
		f.cx = f.x; f.cw = f.w;
		if (f.y < ymin) ymin = f.y;
		if (f.y > ymax) ymax = f.y;
		g.setAttribute("data-i", i);
		K.frames.push(f);
	}
	for (i = 0; i < K.frames.length; i++) {
		var fr = K.frames[i];
		fr.d = Math.round((K.icicle ? fr.y - ymin : ymax - fr.y) / K.fh);
	}
	kq("frames").addEventListener("click", function (e) {
		var g = e.target.closest("g.f");
		if (g) zoom(+g.getAttribute("data-i"));
	});
	kq("frames").addEventListener("mouseover", function (e) {
		var g = e.target.closest("g.f");
		if (g) K.details.textContent = K.frames[+g.getAttribute("data-i")].title;
	});
	kq("frames").addEventListener("mouseout", function () { K.details.textContent = " "; });
	kq("unzoom").addEventListener("click", unzoom);
	kq("bg").addEventListener("click", unzoom);
	kq("search").addEventListener("click", function () {
		if (K.re) { clearSearch(); return; }
		var s = prompt("Search for (regular expression):", "");
		if (s) search(s);
	});
	window.addEventListener("keydown", function (e) {
		if (e.key === "Escape") unzoom();
		if ((e.ctrlKey || e.metaKey) && e.key === "f") {
			e.preventDefault();
			var s = prompt("Search for (regular expression):", "");
			if (s) search(s);
		}
	});
	var m = /[?&]s=([^&]*)/.exec(window.location.search);
	if (m) search(decodeURIComponent(m[1]));
}

function place(f, x, w) {
	f.cx = x; f.cw = w;
	f.r.setAttribute("x", x.toFixed(1));
	f.r.setAttribute("width", w.toFixed(1));
	var fit = Math.floor((w - 6) / 7);
	if (fit < 3 || /^\d+ frames narrower/.test(f.name)) {
		if (f.t) f.t.textContent = "";
		return;
	}
	if (!f.t) {
		f.t = document.createElementNS("http://www.w3.org/2000/svg", "text");
		f.t.setAttribute("y", (f.y + K.fh - 5.5).toFixed(1));
		f.g.appendChild(f.t);
	}
	f.t.setAttribute("x", (x + 3).toFixed(1));
	f.t.textContent = f.name.length > fit ? f.name.substring(0, fit - 2) + ".." : f.name;
}

function zoom(i) {
	var z = K.frames[i], x0 = z.x, x1 = z.x + z.w, s = K.W / z.w, eps = 0.01;
	K.zoomed = i;
	kq("unzoom").classList.remove("hide");
	for (var k = 0; k < K.frames.length; k++) {
		var f = K.frames[k], cl = f.g.classList;
		if (f.d < z.d && f.x <= x0 + eps && f.x + f.w >= x1 - eps) {
			place(f, K.pad, K.W);
			cl.remove("hide"); cl.add("parent");
		} else if (f.d >= z.d && f.x >= x0 - eps && f.x + f.w <= x1 + eps) {
			place(f, K.pad + (f.x - x0) * s, f.w * s);
			cl.remove("hide"); cl.remove("parent");
		} else {
			cl.add("hide");
		}
	}
	if (K.re) search(K.re.source);
}

function unzoom() {
	K.zoomed = -1;
	kq("unzoom").classList.add("hide");
	for (var k = 0; k < K.frames.length; k++) {
		var f = K.frames[k];
		f.g.classList.remove("hide"); f.g.classList.remove("parent");
		place(f, f.x, f.w);
	}
	if (K.re) search(K.re.source);
}

function clearSearch() {
	K.re = null;
	for (var k = 0; k < K.frames.length; k++) K.frames[k].r.setAttribute("fill", K.frames[k].fill);
	K.matched.textContent = " ";
	kq("search").textContent = "Search";
}

// Highlights matches; the share counts each matched stretch of the view
// once (a match inside a match adds nothing), in unzoomed widths, which are
// proportional to values.
function search(s) {
	var re;
	try { re = new RegExp(s); } catch (e) { K.matched.textContent = "Bad regex: " + e.message; return; }
	K.re = re;
	var z = K.zoomed >= 0 ? K.frames[K.zoomed] : null, iv = [], k;
	for (k = 0; k < K.frames.length; k++) {
		var f = K.frames[k];
		var visible = !z || (f.d >= z.d && !f.g.classList.contains("hide"));
		if (re.test(f.name) && !f.g.classList.contains("hide")) {
			f.r.setAttribute("fill", "rgb(230,0,230)");
			if (visible) iv.push([f.x, f.x + f.w]);
		} else {
			f.r.setAttribute("fill", f.fill);
		}
	}
	iv.sort(function (a, b) { return a[0] - b[0]; });
	var sum = 0, end = -1;
	for (k = 0; k < iv.length; k++) {
		if (iv[k][0] >= end) { sum += iv[k][1] - iv[k][0]; end = iv[k][1]; }
		else if (iv[k][1] > end) { sum += iv[k][1] - end; end = iv[k][1]; }
	}
	var whole = z ? z.w : K.W;
	K.matched.textContent = "Matched: " + (whole > 0 ? (100 * sum / whole).toFixed(1) : "0.0") + "%";
	kq("search").textContent = "Reset Search";
}
