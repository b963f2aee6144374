// worker.js: the browser Web Worker that hosts peek32's wasm. The build (scripts/build-site.mjs) bundles this
// file with engine.js into dist/worker.js and prepends Go's wasm_exec.js, so the worker is one classic script
// that also runs from a blob: URL (the single-file build opened from file://).
import { fetchWithProgress, startEngine } from "./engine.js";

const handle = startEngine((msg, transfer) => self.postMessage(msg, transfer || []), fetchWithProgress);
self.onmessage = (e) => handle(e.data);
