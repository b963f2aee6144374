// node-worker.mjs: the Node worker thread that hosts peek32's wasm (the Node side of site/peek32.js).
// workerData: {wasmExecPath} — Go's wasm_exec.js, run in this thread's global scope before the engine starts.
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { runInThisContext } from "node:vm";
import { parentPort, workerData } from "node:worker_threads";
import { startEngine } from "./engine.js";

runInThisContext(readFileSync(workerData.wasmExecPath, "utf8"), { filename: workerData.wasmExecPath });

async function readLocal(path, onProgress) {
  const buf = await readFile(path);
  onProgress(buf.byteLength, buf.byteLength);
  return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
}

const handle = startEngine((msg, transfer) => parentPort.postMessage(msg, transfer || []), readLocal);
parentPort.on("message", handle);
