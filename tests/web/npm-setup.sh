# Sourced by the browser tests and bench/web-load: installs playwright-core
# (pinned by package-lock.json) into the build folder with `npm ci`, once per
# lock file, and never lets Playwright download a browser: the tests drive
# Debian's /usr/bin/chromium. Sets NODE_PATH. Needs KILN_BUILD and KILN_SRC.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
export PLAYWRIGHT_BROWSERS_PATH=0
web_npm_setup() {
	local dir="$KILN_BUILD/tests/web/npm"
	mkdir -p "$dir"
	if [ ! -d "$dir/node_modules/playwright-core" ] ||
	   ! cmp -s "$KILN_SRC/tests/web/package-lock.json" "$dir/package-lock.json"; then
		cp "$KILN_SRC/tests/web/package.json" "$KILN_SRC/tests/web/package-lock.json" "$dir/"
		(cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) >&2 ||
			{ echo "npm ci failed in $dir" >&2; return 1; }
	fi
	export NODE_PATH="$dir/node_modules"
}
