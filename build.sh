#!/usr/bin/env bash
# build.sh: build, serve and test peek32.
#
#   ./build.sh serve [PORT]    build the wasm and the site into dist/ and serve it on http://127.0.0.1:PORT/
#   ./build.sh build           dist/ (static site) + dist/peek32-standalone.html (one file, opens from file://)
#   ./build.sh test [STEP...]  install what the tests need, then run the gate. Steps (default: all, in order):
#                                deps  apt packages (MinGW, gcc-multilib, chromium, p7zip-full) + npm ci
#                                lint  docs/ARCHITECTURE.md import table vs go list; gofmt -l (must be empty),
#                                      go vet, staticcheck (native and js/wasm)
#                                go    go test ./... natively
#                                wasm  GOOS=js GOARCH=wasm go test (go_js_wasm_exec under Node) for mm, core/cpu, wasm
#                                js    the JavaScript API under Node (site/test/*.test.mjs)
#                                e2e   the page in headless Chromium via playwright-core (tests/e2e/*.test.mjs)
#   ./build.sh bench           print figures: wasm size raw/gzip, page-load-to-ready, drop-to-first-instruction, MIPS
#   ./build.sh wasm            only dist/peek32.wasm
#
# Every step fails loudly: the script stops at the first failing step and names it.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$ROOT"
DIST="$ROOT/dist"
GOROOT_DIR="$(go env GOROOT)"
WASM_EXEC_DIR="$GOROOT_DIR/lib/wasm"
[ -d "$WASM_EXEC_DIR" ] || WASM_EXEC_DIR="$GOROOT_DIR/misc/wasm"

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
die() {
	printf '\n\033[1;31mFAILED: %s\033[0m\n' "$*" >&2
	exit 1
}

need_node_modules() {
	if [ ! -d node_modules/esbuild ] || [ ! -d node_modules/@xterm/xterm ] || [ ! -d node_modules/playwright-core ] ||
		[ package-lock.json -nt node_modules/.package-lock.json ]; then
		say "npm ci (pinned front-end libraries and playwright-core)"
		command -v npm >/dev/null || die "npm not found: install Node.js 18+ (Debian: apt-get install nodejs npm)"
		npm ci --no-audit --no-fund || die "npm ci"
	fi
}

build_wasm() {
	say "go build wasm -> dist/peek32.wasm"
	mkdir -p "$DIST"
	GOOS=js GOARCH=wasm go build -trimpath -ldflags="-s -w" -o "$DIST/peek32.wasm" ./wasm || die "wasm build"
	cp "$WASM_EXEC_DIR/wasm_exec.js" "$DIST/wasm_exec.js"
}

build_site() {
	need_node_modules
	build_wasm
	say "site -> dist/ (and dist/peek32-standalone.html)"
	node scripts/build-site.mjs --root "$ROOT" --dist "$DIST" --wasm-exec "$WASM_EXEC_DIR/wasm_exec.js" || die "site build"
}

step_deps() {
	say "deps: apt packages (scripts/install-deps.sh)"
	scripts/install-deps.sh || die "installing the apt packages the tests need (scripts/install-deps.sh)"
	need_node_modules
	say "deps: real programs no one here wrote (pinned, hash-checked, cached in .cache/realprogs)"
	testdata/realprogs/fetch.sh || die "testdata/realprogs/fetch.sh (hostname.exe from Debian's libwine, 7za.exe from npm 7zip-bin)"
}

# check_architecture checks docs/ARCHITECTURE.md's package table against the code: every package of the
# module (native, and ./wasm/... for js/wasm) has a row, and imports only module packages named in its row's
# "may import" column ("everything above": any row above it; "stdlib": none) that sit above it in the table.
check_architecture() {
	local mod listing
	mod="$(go list -m)" || return 1
	listing="$({
		go list -f '{{.ImportPath}} {{join .Imports " "}}' ./...
		GOOS=js GOARCH=wasm go list -f '{{.ImportPath}} {{join .Imports " "}}' ./wasm/...
	} | sort -u)" || return 1
	awk -v mod="$mod/" '
		FNR == NR {
			# Table rows: | `path/` | role | may import |  (rows whose first cell is not a Go package are skipped)
			if ($0 !~ /^\| `[a-z0-9_\/]+\/` \|/) next
			n = split($0, cell, "|")
			p = cell[2]; gsub(/[ `]/, "", p); sub(/\/$/, "", p)
			may = cell[n - 1]; gsub(/`/, "", may)
			order[p] = ++rows; allow[p] = may
			next
		}
		{
			p = $1; sub("^" mod, "", p)
			if ($1 == mod "") p = "."
			if (!(p in order)) { print "docs/ARCHITECTURE.md: package " p " has no row in the table"; bad = 1; next }
			for (i = 2; i <= NF; i++) {
				if (index($i, mod) != 1) continue
				q = substr($i, length(mod) + 1)
				ok = (q in order) && order[q] < order[p]
				if (ok && allow[p] !~ /everything above/) {
					ok = 0; m = split(allow[p], names, /, */)
					for (j = 1; j <= m; j++) { gsub(/ /, "", names[j]); if (names[j] == q) ok = 1 }
				}
				if (!ok) { print "docs/ARCHITECTURE.md: " p " imports " q ", which its row does not allow"; bad = 1 }
			}
		}
		END { exit bad }
	' docs/ARCHITECTURE.md - <<<"$listing"
}

step_lint() {
	say "lint: docs/ARCHITECTURE.md import table matches go list"
	check_architecture || die "docs/ARCHITECTURE.md: the package table does not match the code (fix the table or the import)"
	say "lint: gofmt -l"
	local unformatted
	# third_party/ holds vendored upstream code, kept byte for byte as published.
	unformatted="$(git ls-files -co --exclude-standard -z -- '*.go' ':!:third_party/**' | xargs -0 -r gofmt -l)"
	[ -z "$unformatted" ] || die "gofmt: these files are not formatted:
$unformatted"
	say "lint: go vet ./... (native, then js/wasm for ./wasm/...)"
	go vet ./... || die "go vet"
	GOOS=js GOARCH=wasm go vet ./wasm/... || die "go vet (js/wasm)"
	say "lint: staticcheck ./... (native, then js/wasm for ./wasm/...)"
	go tool staticcheck ./... || die "staticcheck"
	# `go tool` would build staticcheck itself for js/wasm: take the native binary, analyse for js/wasm.
	local sc
	sc="$(go tool -n staticcheck)" || die "staticcheck: go tool -n staticcheck"
	GOOS=js GOARCH=wasm "$sc" ./wasm/... || die "staticcheck (js/wasm)"
}

step_go() {
	say "go test ./... (native)"
	go test -count=1 ./... || die "go test"
}

# wasm_packages lists the packages whose tests also run under GOOS=js GOARCH=wasm (those that exist).
wasm_packages() {
	local p
	for p in ./mm/... ./loader/... ./core/cpu/... ./wasm/...; do
		[ -d "${p%/...}" ] && echo "$p"
	done
}

step_wasm() {
	say "go test under GOOS=js GOARCH=wasm (go_js_wasm_exec, Node $(node --version))"
	# -short keeps slow randomized tests bounded; the wasm interpreter in Node is several times slower.
	PATH="$WASM_EXEC_DIR:$PATH" GOOS=js GOARCH=wasm go test -count=1 -short $(wasm_packages) || die "go test (js/wasm)"
}

step_js() {
	need_node_modules
	build_wasm
	say "JS API under Node (site/test)"
	PEEK32_DIST="$DIST" node --test site/test/ || die "JS API tests (node --test site/test/)"
}

step_e2e() {
	build_site
	say "e2e: the page in headless Chromium (tests/e2e)"
	[ -x /usr/bin/chromium ] || die "e2e: /usr/bin/chromium is missing (run ./build.sh test deps)"
	mkdir -p tests/e2e/artifacts
	PEEK32_DIST="$DIST" node --test --test-concurrency=1 tests/e2e/ || die "e2e tests (node --test tests/e2e/); screenshots in tests/e2e/artifacts/"
}

cmd_test() {
	local steps=("$@")
	[ ${#steps[@]} -gt 0 ] || steps=(deps lint go wasm js e2e)
	local s start=$SECONDS
	for s in "${steps[@]}"; do
		case "$s" in
		deps | lint | go | wasm | js | e2e) "step_$s" ;;
		*) die "unknown test step '$s' (deps lint go wasm js e2e)" ;;
		esac
	done
	say "test: ${steps[*]}: all passed in $((SECONDS - start)) s"
}

cmd_serve() {
	local port="${1:-8032}"
	build_site
	say "serving dist/"
	exec node scripts/serve.mjs --dir "$DIST" --port "$port"
}

main() {
	local cmd="${1:-}"
	shift || true
	case "$cmd" in
	serve) cmd_serve "$@" ;;
	build) build_site ;;
	wasm) build_wasm ;;
	test) cmd_test "$@" ;;
	bench)
		build_site
		node scripts/bench.mjs --dist "$DIST" "$@"
		;;
	*)
		sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'
		[ -z "$cmd" ] || die "unknown command '$cmd'"
		exit 2
		;;
	esac
}

main "$@"
