// build-site.mjs: builds the static page into dist/ (after ./build.sh has put peek32.wasm there).
//   node scripts/build-site.mjs --root . --dist dist --wasm-exec $(go env GOROOT)/lib/wasm/wasm_exec.js
// Produces:
//   dist/index.html, dist/app.js, dist/app.css   the page (index.html + site/app.js, bundled with xterm.js)
//   dist/worker.js                               wasm_exec.js + site/worker.js + site/engine.js, one classic script
//   dist/peek32.js, engine.js, node-worker.mjs   the JS API client as ES modules, for other sites and Node
//   dist/samples/*.exe + samples/index.json      the bundled sample programs (a curated list, SAMPLES below)
//   dist/peek32-standalone.html                  everything above inlined into one file that opens from file://
// Nothing here or in the output loads from the network.
import { build } from "esbuild";
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, join, relative, resolve } from "node:path";

const arg = (name, def) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : def;
};
const root = resolve(arg("--root", "."));
const dist = resolve(arg("--dist", join(root, "dist")));
const wasmExec = arg("--wasm-exec");
if (!wasmExec || !existsSync(wasmExec)) throw new Error("--wasm-exec: Go's wasm_exec.js is required");
if (!existsSync(join(dist, "peek32.wasm"))) throw new Error(`${dist}/peek32.wasm is missing: run ./build.sh wasm first`);
mkdirSync(dist, { recursive: true });

const site = join(root, "site");
const common = { bundle: true, minify: true, target: "es2022", logLevel: "warning", legalComments: "none" };

// The worker: one classic script, Go's wasm_exec.js first.
await build({
  ...common,
  entryPoints: [join(site, "worker.js")],
  outfile: join(dist, "worker.js"),
  format: "iife",
  banner: { js: readFileSync(wasmExec, "utf8") },
});

// The page script (with xterm.js and its CSS).
await build({
  ...common,
  entryPoints: { app: join(site, "app.js") },
  outdir: dist,
  format: "esm",
  external: ["node:*"],
  loader: { ".css": "css" },
});

// The client as modules, for Node and other sites.
for (const f of ["peek32.js", "engine.js", "node-worker.mjs"]) copyFileSync(join(site, f), join(dist, f));
copyFileSync(join(root, "index.html"), join(dist, "index.html"));

// Samples: a curated few of the project's own C programs (testdata/guest), each with a line saying what it
// shows; `files` are companions added to the machine with it (a DLL the program loads). A sample whose binary
// has not been built is left out.
const SAMPLES = [
  ["hello.exe", "bin", "Hello, World! through msvcrt's printf: the whole CreateProcess path in a few thousand instructions"],
  ["args.exe", "bin", "prints its arguments: type some in the command-line box (quotes, backslashes, spaces)"],
  ["printf_msvcrt.exe", "bin", "msvcrt.dll's own printf formats, many of them"],
  ["threads.exe", "bin", "four threads, a critical section and interlocked increments: watch the thread list"],
  ["exceptions.exe", "bin", "structured exception handling: vectored handlers, __try chains, RaiseException, unwinding"],
  ["files.exe", "bin", "writes, reads, renames and deletes files: download what it left behind"],
  ["stdin_echo.exe", "bin", "reads standard input: type lines into its console (Ctrl+D ends the input)"],
  ["console.exe", "console", "console colours and cursor moves through the console API (SetConsoleTextAttribute, ...)"],
  ["terminate.exe", "bin", "starts a child process that spins, then ends it with TerminateProcess: see the process tree"],
  ["pipe.exe", "bin", "captures a child process's output through an anonymous pipe"],
  ["loadlib.exe", "bin", "LoadLibrary and GetProcAddress on its own DLL, mydll.dll (bundled with it)", ["mydll.dll"]],
  ["tls.exe", "bin", "the TLS directory: a TLS callback and a __thread variable"],
  ["spin.exe", "bin", "loops forever: Pause it, step it, Stop it; the page stays responsive"],
  ["crash.exe", "bin", "an unhandled access violation: the crash report and exit code 0xC0000005"],
  ["xss.exe", "bin", "prints HTML markup, which the page shows as text"],
];
const samplesDir = join(dist, "samples");
rmSync(samplesDir, { recursive: true, force: true });
mkdirSync(samplesDir, { recursive: true });
const samples = [];
const guest = join(root, "testdata", "guest");
for (const [name, dir, desc, extra = []] of SAMPLES) {
  const file = join(guest, dir, name);
  const companions = extra.map((n) => join(guest, dir, n));
  if (![file, ...companions].every((f) => existsSync(f))) continue;
  for (const f of [file, ...companions]) copyFileSync(f, join(samplesDir, basename(f)));
  const src = [join(guest, "src", name.replace(/\.exe$/i, ".c")), file.replace(/\.exe$/i, ".c")].find((f) => existsSync(f));
  samples.push({ name, desc, size: statSync(file).size, files: extra, source: src ? relative(root, src) : "" });
}
writeFileSync(join(samplesDir, "index.json"), JSON.stringify(samples, null, 1));

// The single-file build.
const inline = {
  worker: readFileSync(join(dist, "worker.js"), "utf8"),
  wasm: readFileSync(join(dist, "peek32.wasm")).toString("base64"),
  samples: samples.map((s) => ({
    ...s,
    data: readFileSync(join(samplesDir, s.name)).toString("base64"),
    extra: s.files.map((n) => ({ name: n, data: readFileSync(join(samplesDir, n)).toString("base64") })),
  })),
};
const safeJSON = (v) => JSON.stringify(v).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
let html = readFileSync(join(dist, "index.html"), "utf8");
const css = readFileSync(join(dist, "app.css"), "utf8").replace(/<\/style/gi, "<\\/style");
const js = readFileSync(join(dist, "app.js"), "utf8").replace(/<\/script/gi, "<\\/script");
html = replaceOnce(html, /<link rel="stylesheet" href="app\.css">/, () => `<style>${css}</style>`);
html = replaceOnce(
  html,
  /<script type="module" src="app\.js"><\/script>/,
  () => `<script>window.PEEK32_INLINE=${safeJSON(inline)};</script>\n<script type="module">${js}</script>`,
);
writeFileSync(join(dist, "peek32-standalone.html"), html);

const kb = (f) => (statSync(join(dist, f)).size / 1024).toFixed(0) + " KiB";
console.log(
  `dist/: index.html, app.js ${kb("app.js")}, worker.js ${kb("worker.js")}, peek32.wasm ${kb("peek32.wasm")}, ` +
    `${samples.length} sample(s); peek32-standalone.html ${kb("peek32-standalone.html")}`,
);

function replaceOnce(s, re, fn) {
  if (!re.test(s)) throw new Error(`index.html: ${re} not found (the standalone build inlines it)`);
  return s.replace(re, fn);
}
