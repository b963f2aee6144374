// engine.js: the worker side of peek32's JS API. It hosts the Go wasm (wasm/main.go), answers calls from
// the client (site/peek32.js), and runs the machine in slices. It is environment-neutral: site/worker.js
// starts it in a browser Web Worker, site/node-worker.mjs in a Node worker thread.
//
// Messages in (from the client):
//   {type: "init", wasmURL?, wasmBytes?}           load and start the wasm (progress reported while fetching)
//   {type: "call", id, method, args, data?}         one synchronous Go call; answered by a "reply"
//   {type: "run", id, slice?, maxInstructions?}     run in slices until the machine stops or "pause" arrives;
//                                                   answered by a "reply" when the loop ends
//   {type: "step", id, tid, kind: "over"|"out"}     step over/out in slices (Go's stepBegin + stepContinue), so
//                                                   "pause" interrupts it too; answered by a "reply" with the state
//   {type: "pause", id}                             ask a running loop to stop after its current slice
// Messages out:
//   {type: "progress", loaded, total}               while the wasm downloads (total 0 when unknown)
//   {type: "ready", version, methods}               the API is up
//   {type: "reply", id, ok: true, result} | {type: "reply", id, ok: false, error, kind}
//   {type: "events", events, state, instructions, mips}   one batch per slice while running
//   {type: "fatal", error}                          the wasm could not start or exited
//
// Slicing: each "run" call into Go is bounded by an instruction budget sized so a slice takes about
// SLICE_MS; between slices the loop yields to the event loop through a MessageChannel (not setTimeout,
// whose nesting clamp would cost 4 ms a slice), so a "pause" message is handled within one slice.

const SLICE_MS = 16;
const MIN_BUDGET = 1000;
const MAX_BUDGET = 50_000_000;
const FIRST_BUDGET = 20_000;

/**
 * Starts the engine.
 * @param {(msg: object, transfer?: Transferable[]) => void} post sends a message to the client
 * @param {(url: string, onProgress: (loaded: number, total: number) => void) => Promise<ArrayBuffer>} fetchBytes
 * @returns {(msg: object) => void} the handler for messages from the client
 */
export function startEngine(post, fetchBytes) {
  let go = null; // the Go API object (globalThis.peek32Go) once ready
  let loop = null; // {pauseRequested} while a run loop is active
  let budget = FIRST_BUDGET;
  const pending = []; // messages that arrived before the wasm was ready

  const yieldNow = makeYield();

  function goCall(method, args, data) {
    const argsJSON = args === undefined ? "" : JSON.stringify(args);
    const r = go.call(method, argsJSON, data instanceof Uint8Array ? data : undefined);
    if (!r) throw apiError(method, "no result from the wasm (it may have exited)", "internal");
    if (r.error !== undefined) throw apiError(method, r.error, r.kind || "");
    if (r.bytes !== undefined) return r.bytes;
    return JSON.parse(r.json);
  }

  function reply(id, fn) {
    try {
      const result = fn();
      post({ type: "reply", id, ok: true, result });
    } catch (e) {
      post({ type: "reply", id, ok: false, error: String(e.message || e), kind: e.kind || "" });
    }
  }

  function available(method) {
    return go.methods.some((m) => m.name === method && m.available);
  }

  async function runLoop(msg) {
    if (loop) {
      post({ type: "reply", id: msg.id, ok: false, error: "run: the machine is already running", kind: "argument" });
      return;
    }
    loop = { pauseRequested: false };
    // Start each run with a small slice, so the first events arrive quickly even while the wasm tiers up;
    // the budget then doubles per slice until slices take SLICE_MS.
    budget = clamp(msg.slice || FIRST_BUDGET, MIN_BUDGET, MAX_BUDGET);
    const haveEvents = available("drainEvents");
    let total = 0;
    let state = null;
    const started = now();
    let mark = { t: started, total: 0 };
    let mips = 0;
    try {
      for (;;) {
        const t0 = now();
        state = goCall("run", { budget });
        const dt = now() - t0;
        const ran = Number(state.ran || 0); // core.RunState: ran (this call), total (machine)
        total += ran;
        const events = haveEvents ? goCall("drainEvents") : [];
        // MIPS over the last half second or more (the first slices include the wasm tiering up).
        const t = now();
        if (t - mark.t >= 500) {
          mips = (total - mark.total) / (t - mark.t) / 1000;
          mark = { t, total };
        } else if (mark.total === 0 && t > started) {
          mips = total / (t - started) / 1000; // before the first window closes
        }
        post({ type: "events", events, state, instructions: Number(state.total ?? total), mips });
        if (state.status !== "running" || loop.pauseRequested) break;
        if (msg.maxInstructions && total >= msg.maxInstructions) break;
        // Aim each slice at SLICE_MS from the speed this slice achieved (ran/dt, not budget/dt: a slice may end
        // early), growing at most 2x a slice so one misleading measurement cannot make a slice take seconds.
        if (ran > 0 && dt >= 1) budget = clamp(Math.round((ran / dt) * SLICE_MS), MIN_BUDGET, Math.min(MAX_BUDGET, budget * 2));
        else if (ran >= budget) budget = Math.min(MAX_BUDGET, budget * 2); // too fast to time: grow
        await yieldNow();
      }
      post({ type: "reply", id: msg.id, ok: true, result: { state, paused: loop.pauseRequested, instructions: total, seconds: (now() - started) / 1000 } });
    } catch (e) {
      post({ type: "reply", id: msg.id, ok: false, error: String(e.message || e), kind: e.kind || "" });
    } finally {
      loop = null;
    }
  }

  // stepLoop runs a step over or out like runLoop runs the machine: slices sized for SLICE_MS, an "events"
  // batch per slice, pause between slices. The reply is the final state, with paused: true when paused (the
  // step is then abandoned, the thread stays where the last slice left it).
  async function stepLoop(msg) {
    if (loop) {
      post({ type: "reply", id: msg.id, ok: false, error: "step: the machine is already running", kind: "argument" });
      return;
    }
    loop = { pauseRequested: false };
    let stepBudget = FIRST_BUDGET;
    const haveEvents = available("drainEvents");
    try {
      let p = goCall("stepBegin", { tid: msg.tid, kind: msg.kind });
      let instructions = p.state.total || 0;
      const started = now();
      while (!p.done && !loop.pauseRequested) {
        await yieldNow();
        if (loop.pauseRequested) break;
        const t0 = now();
        p = goCall("stepContinue", { budget: stepBudget });
        const dt = now() - t0;
        const events = haveEvents ? goCall("drainEvents") : [];
        if (p.state.total) instructions = p.state.total;
        post({ type: "events", events, state: p.state, instructions, mips: p.steps / Math.max(1, now() - started) / 1000 });
        if (dt >= 1) stepBudget = clamp(Math.round((stepBudget / dt) * SLICE_MS), MIN_BUDGET, Math.min(MAX_BUDGET, stepBudget * 2));
        else stepBudget = Math.min(MAX_BUDGET, stepBudget * 2);
      }
      let paused = false;
      if (!p.done) {
        goCall("stepCancel");
        paused = true;
      }
      post({ type: "reply", id: msg.id, ok: true, result: { ...p.state, paused, steps: p.steps } });
    } catch (e) {
      post({ type: "reply", id: msg.id, ok: false, error: String(e.message || e), kind: e.kind || "" });
    } finally {
      loop = null;
    }
  }

  function handle(msg) {
    if (!go && msg.type !== "init") {
      pending.push(msg);
      return;
    }
    switch (msg.type) {
      case "init":
        init(msg);
        return;
      case "call":
        reply(msg.id, () => goCall(msg.method, msg.args, msg.data));
        return;
      case "run":
        runLoop(msg);
        return;
      case "step":
        stepLoop(msg);
        return;
      case "pause":
        if (loop) loop.pauseRequested = true;
        post({ type: "reply", id: msg.id, ok: true, result: { wasRunning: !!loop } });
        return;
      default:
        if (msg.id !== undefined) {
          post({ type: "reply", id: msg.id, ok: false, error: `unknown message type ${msg.type}`, kind: "argument" });
        }
    }
  }

  async function init(msg) {
    try {
      if (typeof globalThis.Go !== "function") throw new Error("wasm_exec.js is not loaded (globalThis.Go missing)");
      let bytes = msg.wasmBytes;
      if (!bytes) {
        bytes = await fetchBytes(msg.wasmURL, (loaded, total) => post({ type: "progress", loaded, total }));
      } else {
        post({ type: "progress", loaded: bytes.byteLength, total: bytes.byteLength });
      }
      const g = new globalThis.Go();
      const { instance } = await WebAssembly.instantiate(bytes, g.importObject);
      g.run(instance).then(
        () => post({ type: "fatal", error: "the peek32 wasm exited" }),
        (e) => post({ type: "fatal", error: "the peek32 wasm crashed: " + String(e && e.message ? e.message : e) }),
      );
      const api = globalThis.peek32Go;
      if (!api || typeof api.call !== "function") throw new Error("the wasm did not export peek32Go");
      go = { call: api.call, methods: [] };
      go.methods = goCall("methods");
      const version = goCall("version");
      post({ type: "ready", version, methods: go.methods });
      for (const m of pending.splice(0)) handle(m);
    } catch (e) {
      post({ type: "fatal", error: "cannot start peek32: " + String(e && e.message ? e.message : e) });
    }
  }

  return handle;
}

function apiError(method, message, kind) {
  const e = new Error(message);
  e.kind = kind;
  e.method = method;
  return e;
}

function clamp(v, lo, hi) {
  return Math.max(lo, Math.min(hi, v));
}

function now() {
  return globalThis.performance ? performance.now() : Date.now();
}

// makeYield returns a function whose promise resolves on the next macrotask, without setTimeout's clamp.
// Node: setImmediate (a MessagePort there drains every message queued while it drains, so a port-based yield
// would starve the worker's own port and a "pause" would wait for ~1000 slices). Browsers: a MessageChannel,
// whose every message is a task of its own.
function makeYield() {
  if (typeof setImmediate === "function") return () => new Promise((r) => setImmediate(r));
  if (typeof MessageChannel !== "function") return () => new Promise((r) => setTimeout(r, 0));
  const ch = new MessageChannel();
  const waiting = [];
  ch.port1.onmessage = () => {
    const r = waiting.shift();
    if (r) r();
  };
  if (typeof ch.port1.unref === "function") ch.port1.unref(); // Node: do not keep the thread alive
  return () =>
    new Promise((r) => {
      waiting.push(r);
      ch.port2.postMessage(0);
    });
}

/** fetchWithProgress is the browser's fetchBytes: fetch(url), reporting bytes as they arrive. */
export async function fetchWithProgress(url, onProgress) {
  const resp = await fetch(url);
  if (!resp.ok) throw new Error(`fetching ${url}: HTTP ${resp.status}`);
  const total = Number(resp.headers.get("content-length") || 0);
  if (!resp.body || !resp.body.getReader) {
    const buf = await resp.arrayBuffer();
    onProgress(buf.byteLength, buf.byteLength);
    return buf;
  }
  const reader = resp.body.getReader();
  const chunks = [];
  let loaded = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.byteLength;
    onProgress(loaded, total);
  }
  const out = new Uint8Array(loaded);
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.byteLength;
  }
  return out.buffer;
}
