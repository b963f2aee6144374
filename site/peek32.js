// peek32.js: the promise-based JavaScript client of peek32, for the page and for Node. It starts the engine in a
// Web Worker (browser) or a worker thread (Node), so a spinning guest never blocks the caller, and turns every
// API method into a method returning a Promise of plain JSON-able values (bytes as Uint8Array).
// Reference and a runnable example: docs/js-api.md.
//
//   const p = await Peek32.create({ workerURL: "worker.js", wasmURL: "peek32.wasm" });   // browser
//   const p = await Peek32.create({ wasmPath: "dist/peek32.wasm", wasmExecPath: ".../wasm_exec.js" }); // Node
//   const report = await p.inspect(bytes);
//
// Errors are rejected promises with a Peek32Error: .message for a person, .kind ("not-available", "argument",
// "internal", "no-machine", "fatal", or ""), .method.

/** Peek32Error is how every failure of the API arrives. */
export class Peek32Error extends Error {
  constructor(message, kind = "", method = "") {
    super(message);
    this.name = "Peek32Error";
    this.kind = kind;
    this.method = method;
  }
}

const isNode = typeof process !== "undefined" && !!(process.versions && process.versions.node) && typeof window === "undefined";

export class Peek32 {
  /**
   * Starts a worker with the wasm and resolves once the API is ready.
   * Browser options: workerURL (default "worker.js"), wasmURL (default "peek32.wasm") or wasmBytes (ArrayBuffer).
   * Node options: wasmPath (the built peek32.wasm), wasmExecPath (Go's lib/wasm/wasm_exec.js).
   * Both: onProgress(loaded, total) while the wasm loads.
   */
  static async create(opts = {}) {
    const t = isNode ? await nodeTransport(opts) : browserTransport(opts);
    const p = new Peek32(t);
    await p.#start(opts);
    return p;
  }

  #t;
  #next = 1;
  #calls = new Map();
  #listeners = new Map();
  #ready = null;
  #fatal = null;
  /** version: {api, go}; methods: [{name, doc, available, needs}] — set when ready. */
  version = null;
  methods = [];

  constructor(transport) {
    this.#t = transport;
    transport.onMessage((m) => this.#onMessage(m));
    transport.onError((err) => this.#die(`the peek32 worker failed: ${err}`));
  }

  #start(opts) {
    if (opts.onProgress) this.on("progress", (e) => opts.onProgress(e.loaded, e.total));
    this.#ready = new Promise((resolve, reject) => {
      this.#calls.set(0, { resolve, reject, method: "init" });
    });
    const init = { type: "init" };
    const transfer = [];
    if (opts.wasmBytes) {
      init.wasmBytes = opts.wasmBytes;
      transfer.push(opts.wasmBytes);
    } else {
      init.wasmURL = isNode ? opts.wasmPath : (opts.wasmURL ?? "peek32.wasm");
    }
    this.#t.post(init, transfer);
    return this.#ready;
  }

  #onMessage(m) {
    switch (m.type) {
      case "ready": {
        this.version = m.version;
        this.methods = m.methods;
        const c = this.#calls.get(0);
        this.#calls.delete(0);
        if (c) c.resolve(this);
        break;
      }
      case "reply": {
        const c = this.#calls.get(m.id);
        if (!c) return;
        this.#calls.delete(m.id);
        if (m.ok) c.resolve(m.result);
        else c.reject(new Peek32Error(m.error, m.kind, c.method));
        break;
      }
      case "progress":
        this.#emit("progress", m);
        break;
      case "events":
        this.#emit("events", m);
        for (const e of m.events || []) this.#emit("event", e);
        break;
      case "fatal":
        this.#die(m.error);
        break;
    }
  }

  #die(message) {
    this.#fatal = message;
    for (const [, c] of this.#calls) c.reject(new Peek32Error(message, "fatal", c.method));
    this.#calls.clear();
    this.#emit("fatal", { error: message });
  }

  #emit(type, payload) {
    for (const cb of this.#listeners.get(type) || []) {
      try {
        cb(payload);
      } catch (e) {
        console.error(`peek32: a "${type}" listener threw`, e);
      }
    }
  }

  #send(msg, method) {
    if (this.#fatal) return Promise.reject(new Peek32Error(this.#fatal, "fatal", method));
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#calls.set(id, { resolve, reject, method });
      this.#t.post({ ...msg, id });
    });
  }

  /**
   * Subscribes to "events" ({events, state, instructions, mips} per run slice), "event" (each event),
   * "progress" ({loaded, total}) or "fatal" ({error}). Returns a function that unsubscribes.
   */
  on(type, cb) {
    if (!this.#listeners.has(type)) this.#listeners.set(type, new Set());
    this.#listeners.get(type).add(cb);
    return () => this.#listeners.get(type).delete(cb);
  }

  /** available tells whether this build has method name (others reject with kind "not-available"). */
  available(name) {
    return this.methods.some((m) => m.name === name && m.available);
  }

  /** call runs any API method by name: args is a JSON-able object, data an optional Uint8Array. */
  call(method, args, data) {
    const msg = { type: "call", method, args };
    try {
      if (data !== undefined) msg.data = toU8(data);
    } catch (e) {
      return Promise.reject(new Peek32Error(`${method}: ${e.message}`, "argument", method));
    }
    return this.#send(msg, method);
  }

  inspect(bytes) { return this.call("inspect", undefined, bytes); }
  boot(config = {}) { return this.call("boot", config); }
  addFile(path, bytes) { return this.call("addFile", { path }, bytes); }
  createProcess(cmdline, opts = {}) { return this.call("createProcess", { ...opts, cmdline }); }

  /**
   * Runs the machine in slices until it stops (exit, breakpoint, idle, deadlock, limit) or pause() is called.
   * Resolves with {state, paused, instructions}. Progress arrives as "events" batches meanwhile.
   * opts: slice (first slice's instruction budget; later slices adapt to ~16 ms), maxInstructions.
   */
  run(opts = {}) { return this.#send({ type: "run", ...opts }, "run"); }
  /** pause asks a running run() to stop after its current slice. */
  pause() { return this.#send({ type: "pause" }, "pause"); }
  step(tid) { return this.call("step", { tid }); }
  /**
   * stepOver / stepOut run in slices in the worker (like run()), so pause() interrupts them: they resolve with
   * the state after the step, with paused: true when pause() ended them early. Builds without the sliced
   * methods fall back to the one-call versions.
   */
  stepOver(tid) { return this.available("stepBegin") ? this.#send({ type: "step", tid, kind: "over" }, "stepOver") : this.call("stepOver", { tid }); }
  stepOut(tid) { return this.available("stepBegin") ? this.#send({ type: "step", tid, kind: "out" }, "stepOut") : this.call("stepOut", { tid }); }
  setBreakpoint(pid, addr) { return this.call("setBreakpoint", { pid, addr }); }
  clearBreakpoint(pid, addr) { return this.call("clearBreakpoint", { pid, addr }); }
  setAPIBreakpoint(name) { return this.call("setAPIBreakpoint", { name }); }
  drainEvents() { return this.call("drainEvents"); }
  writeStdin(pid, data) { return this.call("writeStdin", { pid }, typeof data === "string" ? new TextEncoder().encode(data) : data); }
  processes() { return this.call("processes"); }
  threads(pid) { return this.call("threads", { pid }); }
  modules(pid) { return this.call("modules", { pid }); }
  handles(pid) { return this.call("handles", { pid }); }
  memoryMap(pid) { return this.call("memoryMap", { pid }); }
  registers(tid) { return this.call("registers", { tid }); }
  readMemory(pid, addr, size) { return this.call("readMemory", { pid, addr, size }); }
  disassemble(pid, addr, count) { return this.call("disassemble", { pid, addr, count }); }
  writtenFiles() { return this.call("writtenFiles"); }
  readFile(path) { return this.call("readFile", { path }); }

  /** terminate stops the worker; every pending call rejects. */
  terminate() {
    this.#die("peek32 was terminated");
    this.#t.terminate();
  }
}

function toU8(data) {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  throw new Peek32Error("bytes must be a Uint8Array or an ArrayBuffer", "argument");
}

function browserTransport(opts) {
  const w = new Worker(opts.workerURL ?? "worker.js");
  let onErr = () => {};
  w.onerror = (e) => onErr(e.message || "worker error");
  return {
    post: (m, transfer) => w.postMessage(m, transfer || []),
    onMessage: (cb) => (w.onmessage = (e) => cb(e.data)),
    onError: (cb) => (onErr = cb),
    terminate: () => w.terminate(),
  };
}

async function nodeTransport(opts) {
  const { Worker } = await import("node:worker_threads");
  if (!opts.wasmPath || !opts.wasmExecPath) {
    throw new Peek32Error("Peek32.create in Node needs {wasmPath, wasmExecPath}", "argument");
  }
  const w = new Worker(new URL("./node-worker.mjs", import.meta.url), { workerData: { wasmExecPath: opts.wasmExecPath } });
  let onErr = () => {};
  w.on("error", (e) => onErr(e && e.message ? e.message : String(e)));
  return {
    post: (m, transfer) => w.postMessage(m, transfer || []),
    onMessage: (cb) => w.on("message", cb),
    onError: (cb) => (onErr = cb),
    terminate: () => w.terminate(),
  };
}
