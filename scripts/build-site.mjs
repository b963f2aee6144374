// build-site.mjs: builds the static page into dist/ (after ./build.sh has put peek32.wasm there).
//   node scripts/build-site.mjs --root . --dist dist --wasm-exec $(go env GOROOT)/lib/wasm/wasm_exec.js
// Produces:
//   dist/index.html, dist/app.js, dist/app.css   the page (index.html + site/app.js, bundled with xterm.js)
//   dist/worker.js                               wasm_exec.js + site/worker.js + site/engine.js, one classic script
//   dist/peek32.js, engine.js, node-worker.mjs   the JS API client as ES modules, for other sites and Node
//   dist/samples/*.exe + samples/index.json      the bundled sample programs (testdata/guest/**/*.exe, when built)
//   dist/peek32-standalone.html                  everything above inlined into one file that opens from file://
// Nothing here or in the output loads from the network.
import { build } from "esbuild";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
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

// Samples: the project's own test programs, when they have been built.
const samplesDir = join(dist, "samples");
rmSync(samplesDir, { recursive: true, force: true });
const samples = [];
const guest = join(root, "testdata", "guest");
const seen = new Set();
for (const file of walk(guest)) {
  if (!/\.exe$/i.test(file)) continue;
  const name = basename(file);
  if (seen.has(name.toLowerCase()) || statSync(file).size > 4 << 20) continue;
  seen.add(name.toLowerCase());
  mkdirSync(samplesDir, { recursive: true });
  copyFileSync(file, join(samplesDir, name));
  const src = file.replace(/\.exe$/i, ".c");
  samples.push({ name, size: statSync(file).size, source: existsSync(src) ? relative(root, src) : "" });
}
samples.sort((a, b) => (a.name === "hello.exe" ? -1 : b.name === "hello.exe" ? 1 : a.name.localeCompare(b.name)));
mkdirSync(samplesDir, { recursive: true });
writeFileSync(join(samplesDir, "index.json"), JSON.stringify(samples, null, 1));

// The single-file build.
const inline = {
  worker: readFileSync(join(dist, "worker.js"), "utf8"),
  wasm: readFileSync(join(dist, "peek32.wasm")).toString("base64"),
  samples: samples.map((s) => ({ ...s, data: readFileSync(join(samplesDir, s.name)).toString("base64") })),
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

function* walk(dir) {
  if (!existsSync(dir)) return;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* walk(p);
    else if (e.isFile()) yield p;
  }
}
