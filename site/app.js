// app.js: the peek32 page. It talks to the emulator only through the JS API client (peek32.js), which runs the
// wasm in a Web Worker, so the page stays responsive whatever the guest does.
//
// Rule for everything below: strings from the guest or from the file (names, console output, PE strings, API
// arguments) reach the DOM only as text nodes (h(), textContent) or through xterm.js, never as HTML.
// Panels are filled from whatever the API returns; a method this build lacks shows its "not available yet" text.
import { FitAddon } from "@xterm/addon-fit";
import { Terminal } from "@xterm/xterm";
import "@xterm/xterm/css/xterm.css";
import { Peek32 } from "./peek32.js";
import "./style.css";

const $ = (id) => document.getElementById(id);
const MAX_TRACE = 50_000; // API events kept for export
const SHOWN_TRACE = 2_000; // rows rendered

const st = {
  p: null,
  files: [], // [{name, bytes}]
  exe: null, // the file to run
  report: null, // inspect() result
  pid: 0, // selected process
  tid: 0, // selected thread
  mainPid: 0,
  running: false,
  state: null, // last RunState
  instructions: 0,
  mips: 0,
  trace: [],
  timeline: [],
  events: 0,
  consoles: new Map(), // pid -> {term, fit, el, line}
  breakpoints: [], // [{kind: "addr"|"api", value}]
  exitCodes: new Map(), // pid -> exit code
  lastRefresh: 0,
};

// ---------- DOM helpers (text only) ----------

/** h builds an element; string and number children become text nodes (never parsed as HTML). */
function h(tag, props, ...kids) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "className") el.className = v;
    else if (k === "text") el.textContent = String(v);
    else el.setAttribute(k, String(v));
  }
  for (const k of kids.flat()) {
    if (k === undefined || k === null || k === false) continue;
    el.append(k instanceof Node ? k : document.createTextNode(String(k)));
  }
  return el;
}

function clear(el, ...kids) {
  el.replaceChildren(...kids.flat().map((k) => (k instanceof Node ? k : document.createTextNode(String(k)))));
}

/** code formats an exit or exception code: decimal for small ones, hex for NTSTATUS-like ones. */
const code = (c) => (typeof c === "number" && c >= 0x10000 ? `0x${hex(c)}` : String(c));
const hex = (n, w = 8) => (typeof n === "number" ? (n >>> 0).toString(16).toUpperCase().padStart(w, "0") : String(n));
const HEX_KEY = /(^|[a-z])(addr|address|base|eip|esp|ebp|entry|entrypoint|start|oep|rva|va|handle|ret|iat|teb|limit|fsbase|size|alignment|characteristics|checksum|offset|lfanew|reserve|commit|xorkey|timedatestamp)$|^(e[a-ds][xip]|e[sd]i|imagebase|virtualaddress|allocationbase|allocbase|machine|subsystem)$/i;
const isHexKey = (k) => HEX_KEY.test(String(k).replace(/[_ ]/g, ""));

function fmt(key, v) {
  if (v === null || v === undefined) return "—";
  if (typeof v === "number") {
    if (/entropy/i.test(key)) return v.toFixed(3);
    if (Number.isInteger(v) && isHexKey(key)) return "0x" + hex(v);
    return String(v);
  }
  if (typeof v === "boolean") return v ? "yes" : "no";
  if (Array.isArray(v)) return v.map((x) => (typeof x === "object" ? JSON.stringify(x) : fmt(key, x))).join(", ");
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

/** table renders an array of objects as a grid with the union of their keys as columns. */
function table(rows, { max = 1000, onRow, selected } = {}) {
  if (!Array.isArray(rows) || rows.length === 0) return h("p", { className: "muted" }, "(none)");
  const cols = [];
  for (const r of rows.slice(0, 200)) for (const k of Object.keys(r || {})) if (!cols.includes(k)) cols.push(k);
  const body = h("tbody");
  for (const r of rows.slice(0, max)) {
    const tr = h("tr", { className: selected && selected(r) ? "sel" : "" }, cols.map((c) => h("td", {}, cellValue(c, r[c]))));
    if (onRow) {
      tr.style.cursor = "pointer";
      tr.addEventListener("click", () => onRow(r));
    }
    body.append(tr);
  }
  const t = h("table", { className: "grid" }, h("thead", {}, h("tr", {}, cols.map((c) => h("th", {}, c)))), body);
  if (rows.length > max) return h("div", {}, t, h("p", { className: "muted" }, `… ${rows.length - max} more rows`));
  return t;
}

function cellValue(key, v) {
  if (typeof v === "number" && /entropy/i.test(key)) {
    return h("span", {}, h("span", { className: "entropy", style: `width:${Math.round((v / 8) * 40)}px` }), v.toFixed(3));
  }
  return fmt(key, v);
}

/** tree renders any JSON value: objects as definition lists, arrays of objects as tables. */
function tree(v, key = "", depth = 0) {
  if (Array.isArray(v)) {
    if (v.length === 0) return h("span", { className: "muted" }, "(none)");
    if (v.every((x) => x && typeof x === "object" && !Array.isArray(x))) {
      const flat = v.map((x) => {
        const o = {};
        const nested = [];
        for (const [k, y] of Object.entries(x)) {
          if (y && typeof y === "object" && (!Array.isArray(y) || y.some((z) => z && typeof z === "object"))) nested.push([k, y]);
          else o[k] = y;
        }
        return { o, nested };
      });
      if (flat.every((f) => f.nested.length === 0)) return table(v, { max: 500 });
      return h("div", {}, flat.slice(0, 300).map((f, i) =>
        h("details", { open: v.length <= 8 ? "" : null },
          h("summary", {}, summaryOf(v[i], i)),
          tree(f.o, key, depth + 1),
          f.nested.map(([k, y]) => h("div", {}, h("h3", {}, k), tree(y, k, depth + 1))))));
    }
    return fmt(key, v);
  }
  if (v && typeof v === "object") {
    const dl = h("dl");
    const nested = [];
    for (const [k, y] of Object.entries(v)) {
      if (y && typeof y === "object" && (!Array.isArray(y) || y.some((z) => z && typeof z === "object"))) nested.push([k, y]);
      else dl.append(h("dt", {}, k), h("dd", { className: /anomal|warn/i.test(k) ? "anomaly" : "" }, fmt(k, y)));
    }
    return h("div", {}, dl.childNodes.length ? dl : null,
      nested.map(([k, y]) => h("details", { open: depth < 1 ? "" : null }, h("summary", {}, k, countOf(y)), tree(y, k, depth + 1))));
  }
  return fmt(key, v);
}

const countOf = (y) => (Array.isArray(y) ? ` (${y.length})` : "");
function summaryOf(x, i) {
  for (const k of ["name", "Name", "dll", "DLL", "module", "path", "type", "Type", "id"]) if (x[k] !== undefined) return String(x[k]);
  return `#${i}`;
}

function message(text, kind = "error") {
  const m = $("message");
  if (!text) {
    m.hidden = true;
    return;
  }
  m.className = kind === "info" ? "info" : "";
  m.textContent = text;
  m.hidden = false;
}

function download(name, data, type = "application/octet-stream") {
  const url = URL.createObjectURL(new Blob([data], { type }));
  const a = h("a", { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 5000);
}

const can = (...names) => !!st.p && names.every((n) => st.p.available(n));

/** orNote runs an API call; a failure shows its message in el instead of the content. */
async function orNote(el, fn) {
  try {
    return await fn();
  } catch (e) {
    clear(el, h("p", { className: "muted" }, e.message));
    return undefined;
  }
}

// ---------- start-up ----------

async function start() {
  const inline = window.PEEK32_INLINE;
  const opts = { onProgress: (loaded, total) => progress(loaded, total) };
  if (inline) {
    opts.workerURL = URL.createObjectURL(new Blob([inline.worker], { type: "text/javascript" }));
    opts.wasmBytes = base64(inline.wasm).buffer;
  } else {
    opts.workerURL = "worker.js";
    opts.wasmURL = "peek32.wasm";
  }
  const t0 = performance.now();
  try {
    st.p = await Peek32.create(opts);
  } catch (e) {
    $("status").textContent = "peek32 could not start";
    message(`peek32 could not start: ${e.message}`);
    return;
  }
  st.p.on("events", onEvents);
  st.p.on("fatal", (e) => message(`The emulator stopped working: ${e.error}. Reload the page to start again.`));
  const ms = performance.now() - t0;
  $("load-progress").hidden = true;
  const missing = st.p.methods.filter((m) => !m.available).map((m) => m.name);
  $("status").textContent = `Ready (${Math.round(ms)} ms)` + (missing.length ? ` — ${missing.length} API methods not in this build yet` : "");
  if (missing.length) $("status").title = `Not in this build yet: ${missing.join(", ")}`;
  // For the browser console, the e2e tests and scripts/bench.mjs.
  window.peek32 = { client: st.p, readyMs: ms, consoleText, consoleColors, consoleCells, state: () => ({ ...st.state, instructions: st.instructions, mips: st.mips, mainPid: st.mainPid }) };
  document.body.dataset.ready = "1";
  loadSamples(inline);
  updateButtons();
}

function progress(loaded, total) {
  const pr = $("load-progress");
  if (total > 0) {
    pr.max = total;
    pr.value = loaded;
    $("status").textContent = `Loading peek32… ${Math.round((100 * loaded) / total)}%`;
  } else {
    pr.removeAttribute("value");
    $("status").textContent = `Loading peek32… ${(loaded / 1048576).toFixed(1)} MiB`;
  }
}

function base64(s) {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

let sampleData = new Map();
let sampleInfo = new Map(); // name -> {name, desc, size, files}
async function loadSamples(inline) {
  let list = [];
  try {
    if (inline) {
      list = inline.samples || [];
      for (const s of list) {
        sampleData.set(s.name, s.data); // base64, decoded when chosen
        for (const x of s.extra || []) sampleData.set(x.name, x.data);
      }
    } else {
      const r = await fetch("samples/index.json");
      if (r.ok) list = await r.json();
    }
  } catch {
    list = [];
  }
  const sel = $("samples");
  sampleInfo = new Map(list.map((s) => [s.name, s]));
  for (const s of list) {
    const label = `${s.name}${s.files && s.files.length ? " + " + s.files.join(", ") : ""} — ${s.desc || ""}`;
    sel.append(h("option", { value: s.name, title: s.desc || "" }, label));
  }
  if (list.length === 0) sel.append(h("option", { value: "", disabled: "" }, "(no samples in this build)"));
}

async function openSample(name) {
  const files = [];
  for (const n of [name, ...(sampleInfo.get(name)?.files || [])]) {
    let bytes = sampleData.get(n);
    if (typeof bytes === "string") bytes = base64(bytes);
    if (!bytes) {
      const r = await fetch("samples/" + encodeURIComponent(n));
      if (!r.ok) {
        message(`Cannot load the sample ${n}: HTTP ${r.status}`);
        return;
      }
      bytes = new Uint8Array(await r.arrayBuffer());
    }
    files.push({ name: n, bytes });
  }
  await openFiles(files);
}

// ---------- opening files ----------

async function readFiles(fileList) {
  return Promise.all([...fileList].map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) })));
}

/** openFiles takes the dropped/opened files: shows the PE view of the program, then runs it if it can. */
async function openFiles(files) {
  if (!st.p) {
    message("peek32 is still loading; try again in a moment.", "info");
    return;
  }
  if (files.length === 0) return;
  st.openedAt = performance.now();
  st.firstInstructionMs = 0;
  if (st.running) await st.p.pause().catch(() => {});
  message("");
  st.files = files;
  st.exe = files.find((f) => /\.(exe|com|scr)$/i.test(f.name)) || files[0];
  renderFiles();
  resetRunViews();
  selectTab("pe");
  clear($("pe-view"), h("p", { className: "muted" }, `Reading ${st.exe.name}…`));
  st.report = null;
  let runnable = true;
  try {
    st.report = await st.p.inspect(st.exe.bytes);
    renderPE(st.exe, st.report);
    if (st.report && st.report.runnable === false) {
      runnable = false;
      message(`${st.exe.name} cannot run: ${st.report.verdict || "peek32 does not recognise it as a 32-bit Windows program."}`);
    }
  } catch (e) {
    if (e.kind === "not-available") {
      clear($("pe-view"), h("p", { className: "muted" }, `The PE view is not in this build yet (${e.message}).`));
    } else {
      runnable = false;
      clear($("pe-view"), h("h2", {}, st.exe.name), h("p", {}, e.message));
      message(`${st.exe.name} cannot run: ${e.message}`);
    }
  }
  document.body.dataset.opened = st.exe.name;
  if (runnable) await launch();
  updateButtons();
}

function renderFiles() {
  clear($("file-list"), st.files.map((f) =>
    h("li", {}, h("span", {}, f === st.exe ? "▶ " : "  ", f.name), h("span", { className: "muted" }, `${f.bytes.length} bytes`))));
}

function renderPE(file, rep) {
  const view = $("pe-view");
  clear(view, h("h2", {}, file.name), peSummary(file, rep), h("h3", {}, "Everything in the file"), tree(rep));
}

/** peSummary is the few facts a person looks for first; the full report follows it. */
function peSummary(file, rep) {
  const o = rep.optional_header || {};
  const fh = rep.file_header || {};
  const imports = rep.imports || [];
  const nfuncs = imports.reduce((n, d) => n + (d.functions ? d.functions.length : 0), 0);
  const rows = [
    ["file", `${file.bytes.length} bytes, SHA-256 ${rep.sha256 ?? "?"}`],
    ["format", rep.format],
    ["verdict", rep.verdict],
    fh.machine_name && ["machine", fh.machine_name],
    o.subsystem_name && ["subsystem", o.subsystem_name],
    o.image_base !== undefined && ["image base", "0x" + hex(o.image_base)],
    o.entry_point_va !== undefined && ["entry point (OEP)", `0x${hex(o.entry_point_va)} = ImageBase + 0x${hex(o.entry_point_rva ?? 0, 1)}${o.entry_section ? " in " + o.entry_section : ""}`],
    rep.sections && ["sections", rep.sections.map((x) => `${x.name} (${x.entropy.toFixed(2)})`).join("  ")],
    imports.length && ["imports", `${nfuncs} functions from ${imports.map((d) => d.dll).join(", ")}`],
    rep.exports && ["exports", `${(rep.exports.functions || []).length} from ${rep.exports.dll_name || "?"}`],
    rep.tls && ["TLS", `${(rep.tls.callbacks || []).length} callback(s)`],
    rep.relocations && ["relocations", `${rep.relocations.total} in ${rep.relocations.blocks} blocks`],
    rep.rich_header && ["Rich header", `${rep.rich_header.entries.length} tools, checksum ${rep.rich_header.checksum_valid ? "valid" : "INVALID"}`],
    rep.signature && ["signature", `Authenticode, ${rep.signature.length} bytes (not verified)`],
    rep.anomalies && ["anomalies", rep.anomalies.join("\n")],
  ].filter(Boolean);
  const dl = h("dl", { className: "summary" });
  for (const [k, v] of rows) {
    dl.append(h("dt", {}, k), h("dd", { className: k === "anomalies" ? "anomaly" : k === "verdict" ? (rep.runnable ? "ok" : "bad") : "" }, v));
  }
  return dl;
}

// ---------- running ----------

function resetRunViews() {
  st.pid = st.tid = st.mainPid = 0;
  procs = [];
  iatCache = { pid: -1, map: new Map() };
  st.trace = [];
  st.timeline = [];
  st.events = 0;
  st.instructions = 0;
  st.mips = 0;
  st.state = null;
  st.exitCodes.clear();
  for (const c of st.consoles.values()) c.term.dispose();
  st.consoles.clear();
  clear($("consoles"));
  clear($("console-tabs"));
  clear($("timeline"));
  clear($("trace").tBodies[0]);
  clear($("written-list"), h("li", { className: "muted" }, "none"));
  for (const id of ["disasm", "regs", "stack", "callstack", "hex"]) clear($(id));
  for (const id of ["memory-map", "threads", "handles", "modules"]) clear($(id));
  updateStats();
}

/**
 * winName is the name a dropped file gets on the machine's drive C:. Windows forbids < > : " / \ | ? * and
 * control characters in file names (a browser allows them): each becomes "_", and the page says so.
 */
function winName(name) {
  return name.replace(/[<>:"/\\|?*\x00-\x1f]/g, "_");
}

function commandLine() {
  const name = winName(st.exe.name);
  const prog = /\s/.test(name) ? `"C:\\${name}"` : `C:\\${name}`;
  const args = $("cmdline").value.trim();
  return args ? `${prog} ${args}` : prog;
}

/** launch boots a fresh machine, gives it the files, creates the process and runs it. */
async function launch() {
  if (!can("boot", "addFile", "createProcess", "run")) {
    const lacking = ["boot", "addFile", "createProcess", "run"].filter((n) => !st.p.available(n));
    message(`This build can show the PE view but cannot run programs yet (missing: ${lacking.join(", ")}).`, "info");
    return;
  }
  try {
    await st.p.boot({ traceAPI: $("trace-on").checked });
    for (const f of st.files) {
      await st.p.addFile("C:\\" + winName(f.name), f.bytes);
      if (winName(f.name) !== f.name) addTimeline({ text: `${f.name} is C:\\${winName(f.name)} on the machine (Windows does not allow < > : " / \\ | ? * in file names)` });
    }
    addTimeline({ text: `CreateProcess("${commandLine()}")` });
    const info = await st.p.createProcess(commandLine());
    st.pid = st.mainPid = info.pid;
    st.tid = info.tid;
    for (const e of await st.p.drainEvents()) onEvent(e); // the CreateProcess steps, in order
    await applyBreakpoints();
    await refreshAll();
  } catch (e) {
    message(`${st.exe.name} could not start: ${e.message}`);
    addTimeline({ text: e.message, bad: true });
    return;
  }
  await runMachine();
}

async function runMachine() {
  if (st.running) return;
  st.running = true;
  updateButtons();
  try {
    // Leaving a breakpoint: execute the instruction under it first, or Run would stop there again.
    if (st.state?.status === "breakpoint" && st.state.tid && can("step")) await st.p.step(st.state.tid);
    const res = await st.p.run();
    st.state = res.paused && res.state.status === "running" ? { ...res.state, status: "paused" } : res.state;
  } catch (e) {
    message(`Run stopped: ${e.message}`);
  } finally {
    st.running = false;
    updateButtons();
    updateStats();
    if (st.state && (st.state.status === "breakpoint" || st.state.status === "stopped")) {
      if (st.state.tid) st.tid = st.state.tid;
      message(`Stopped${st.state.message ? ": " + st.state.message : " at a breakpoint"} (thread ${st.tid}).`, "info");
      selectTab("debugger");
    }
    await refreshAll();
  }
}

/** applyBreakpoints gives a new machine the page's breakpoints (and one at the entry point when asked). */
async function applyBreakpoints() {
  for (const b of st.breakpoints) {
    try {
      if (b.kind === "addr") await st.p.setBreakpoint(st.mainPid, b.value);
      else await st.p.setAPIBreakpoint(b.value);
    } catch (e) {
      message(`Breakpoint ${b.kind === "addr" ? hex(b.value) : b.value}: ${e.message}`);
    }
  }
  if ($("break-entry").checked && can("modules", "setBreakpoint")) {
    const [exe] = await st.p.modules(st.mainPid);
    if (exe && exe.entry) {
      await st.p.setBreakpoint(st.mainPid, exe.entry);
      addTimeline({ text: `breakpoint at the entry point 0x${hex(exe.entry)} (OEP)` });
    }
  }
}

function onEvents(batch) {
  st.state = batch.state;
  st.instructions = batch.instructions ?? st.instructions;
  st.mips = batch.mips ?? st.mips;
  if (!st.firstInstructionMs && st.instructions > 0) {
    st.firstInstructionMs = performance.now() - st.openedAt;
    window.peek32.dropToFirstInstructionMs = st.firstInstructionMs; // for scripts/bench.mjs
  }
  for (const e of batch.events || []) onEvent(e);
  updateStats();
  const now = performance.now();
  if (now - st.lastRefresh > 700) {
    st.lastRefresh = now;
    refreshProcesses();
    const tab = document.querySelector("#tabs [aria-selected=true]")?.dataset.tab;
    if (tab && !["debugger", "pe", "trace", "console"].includes(tab)) refreshTab(tab);
  }
}

function onEvent(e) {
  st.events++;
  noteProcess(e);
  switch (e.kind) {
    case "console":
      consoleFor(e.pid).term.write(e.data ?? "");
      break;
    case "api":
      if (st.trace.length < MAX_TRACE) st.trace.push(e);
      // Rows are built only while the trace is on screen; showing the tab renders the tail.
      if (!$("panel-trace").hidden && traceMatches(e)) appendTraceRow(e);
      break;
    case "process-exited":
      st.exitCodes.set(e.pid, e.code);
      addTimeline({ text: e.text || `process ${e.pid} exited with code ${code(e.code)}`, exit: true });
      if (e.pid === st.mainPid) document.body.dataset.exitCode = String(e.code);
      break;
    case "step":
    case "process-created":
    case "thread-created":
    case "module-loaded":
    case "thread-exited":
    case "exception":
    case "debug-string":
      addTimeline({ text: eventText(e), bad: e.kind === "exception" });
      break;
    default:
      addTimeline({ text: eventText(e) });
  }
}

function eventText(e) {
  if (e.text) return `${e.kind === "step" ? "" : e.kind + ": "}${e.text}`;
  const rest = Object.entries(e).filter(([k]) => k !== "kind" && k !== "seq").map(([k, v]) => `${k}=${fmt(k, v)}`);
  return `${e.kind} ${rest.join(" ")}`;
}

function addTimeline({ text, exit, bad }) {
  st.timeline.push(text);
  const ol = $("timeline");
  if (ol.childNodes.length > 400) ol.firstChild.remove();
  ol.append(h("li", { className: exit ? "exit" : bad ? "bad" : "" }, text));
}

function updateStats() {
  $("stat-count").textContent = st.instructions.toLocaleString("en-US");
  $("stat-mips").textContent = (st.mips || 0).toFixed(1);
  const s = st.state;
  let t = "";
  if (s) t = s.status === "exited" ? `exited, code ${code(s.exit_code)}` : s.status;
  if (s && s.message && !st.running) t += ` — ${s.message}`;
  if (st.running) t = "running";
  $("stat-state").textContent = t;
  document.body.dataset.state = t;
}

function updateButtons() {
  const loaded = !!st.exe && st.mainPid !== 0;
  const alive = loaded && st.state?.status !== "exited";
  $("btn-run").disabled = !loaded || st.running || !alive;
  $("btn-pause").disabled = !st.running;
  for (const [id, m] of [["btn-step", "step"], ["btn-over", "stepOver"], ["btn-out", "stepOut"]]) {
    $(id).disabled = st.running || !alive || !can(m);
  }
  $("btn-restart").disabled = !st.exe || st.running;
  $("btn-stop").disabled = !alive || !can("stop");
  $("btn-export-trace").disabled = st.trace.length === 0;
  $("btn-export-report").disabled = !st.exe;
}

// ---------- consoles ----------

function consoleFor(pid) {
  let c = st.consoles.get(pid);
  if (c) return c;
  const el = h("div", { className: "term", "data-pid": pid });
  $("consoles").append(el);
  const term = new Terminal({ convertEol: true, fontSize: 13, scrollback: 5000, cursorBlink: true });
  const fit = new FitAddon();
  term.loadAddon(fit);
  term.open(el);
  c = { term, fit, el, line: "" };
  st.consoles.set(pid, c);
  term.onData((d) => consoleInput(pid, c, d));
  const name = procName(pid);
  $("console-tabs").append(h("button", { "data-pid": pid, onclick: () => showConsole(pid) }, `${name} (${pid})`));
  showConsole(pid);
  return c;
}

/** consoleText returns what a process's console shows (all of its lines, scrollback included). */
function consoleText(pid) {
  const c = st.consoles.get(pid ?? st.mainPid);
  if (!c) return "";
  const buf = c.term.buffer.active;
  const lines = [];
  for (let i = 0; i < buf.length; i++) lines.push(buf.getLine(i).translateToString(true));
  return lines.join("\n").replace(/\n+$/, "");
}

/** consoleColors returns the foreground palette colour of each cell of one console line (-1: default). */
function consoleColors(pid, row) {
  const c = st.consoles.get(pid ?? st.mainPid);
  const line = c && c.term.buffer.active.getLine(row);
  if (!line) return [];
  const out = [];
  for (let i = 0; i < line.length; i++) {
    const cell = line.getCell(i);
    out.push(cell.isFgDefault() ? -1 : cell.getFgColor());
  }
  return out;
}

/** consoleCells returns one console line as cells {ch, fg, bg} (palette colours; -1: the default colour). */
function consoleCells(pid, row) {
  const c = st.consoles.get(pid ?? st.mainPid);
  const line = c && c.term.buffer.active.getLine(row);
  if (!line) return [];
  const out = [];
  for (let i = 0; i < line.length; i++) {
    const cell = line.getCell(i);
    out.push({ ch: cell.getChars(), fg: cell.isFgDefault() ? -1 : cell.getFgColor(), bg: cell.isBgDefault() ? -1 : cell.getBgColor() });
  }
  return out;
}

function showConsole(pid) {
  for (const [p, c] of st.consoles) c.el.hidden = p !== pid;
  for (const b of $("console-tabs").children) b.setAttribute("aria-selected", String(Number(b.dataset.pid) === pid));
  const c = st.consoles.get(pid);
  if (c && !$("panel-console").hidden) c.fit.fit();
}

/** consoleInput is a cooked-mode line editor: echo, backspace, and Enter sends the line to the guest's stdin. */
function consoleInput(pid, c, data) {
  for (const ch of data) {
    if (ch === "\r") {
      c.term.write("\r\n");
      const line = c.line + "\r\n";
      c.line = "";
      if (can("writeStdin")) {
        st.p.writeStdin(pid, line).then(() => {
          if (!st.running && st.state?.status === "idle") runMachine();
        }, (e) => message(e.message));
      }
      else message("This build cannot send input to programs yet.", "info");
    } else if (ch === "\x7f" || ch === "\b") {
      if (c.line.length > 0) {
        c.line = c.line.slice(0, -1);
        c.term.write("\b \b");
      }
    } else if (ch >= " " || ch === "\t") {
      c.line += ch;
      c.term.write(ch);
    }
  }
}

// ---------- processes, threads, handles, modules, memory ----------

// procs is every process this machine has had, in creation order, from the process-created/-exited events
// merged with the live list: a process that ended stays in the tree (struck through) with its exit code.
// A reused PID starts a new entry; a parent is the latest earlier entry with the parent's PID.
let procs = [];
const procName = (pid) => (latest(pid)?.name ?? `pid ${pid}`);
const latest = (pid) => procs.findLast((p) => p.pid === pid);

function noteProcess(e) {
  if (e.kind === "process-created") {
    const old = latest(e.pid);
    if (old) old.running = false;
    procs.push({ pid: e.pid, parent_pid: e.parent ?? 0, name: e.name, running: true, tid: e.tid });
  } else if (e.kind === "process-exited") {
    const p = latest(e.pid);
    if (p) Object.assign(p, { running: false, exit_code: e.code });
  }
}

async function refreshProcesses() {
  if (!can("processes")) return;
  let live;
  try {
    live = await st.p.processes();
  } catch {
    return;
  }
  for (const l of live) {
    const p = latest(l.pid);
    if (p && p.running) Object.assign(p, l);
    else if (!p) procs.push({ ...l });
  }
  const ul = $("proc-tree");
  const kids = new Map(); // index -> child entries
  const roots = [];
  procs.forEach((p, i) => {
    let parent = -1;
    for (let j = i - 1; j >= 0; j--) {
      if (procs[j].pid === p.parent_pid && procs[j] !== p) {
        parent = j;
        break;
      }
    }
    if (parent < 0) roots.push(p);
    else {
      if (!kids.has(parent)) kids.set(parent, []);
      kids.get(parent).push(p);
    }
  });
  const node = (p, depth) => {
    const exited = p.running === false;
    const label = h("span", {
      className: `proc${p.pid === st.pid && p === latest(p.pid) ? " sel" : ""}${exited ? " exited" : ""}`,
      "data-pid": p.pid,
      onclick: () => selectProcess(p.pid),
    }, `${p.name} (${p.pid})`, exited && p.exit_code !== undefined ? ` exit ${code(p.exit_code)}` : "");
    const ch = depth < 32 ? (kids.get(procs.indexOf(p)) || []).map((c) => node(c, depth + 1)) : [];
    return h("li", {}, label, ch.length ? h("ul", {}, ch) : null);
  };
  clear(ul, roots.map((p) => node(p, 0)));
}

function selectProcess(pid) {
  st.pid = pid;
  const p = latest(pid);
  if (p && p.tid) st.tid = p.tid;
  refreshAll();
  if (st.consoles.has(pid)) showConsole(pid);
}

async function refreshAll() {
  await refreshProcesses();
  const active = document.querySelector("#tabs [aria-selected=true]")?.dataset.tab;
  await refreshTab(active);
  await refreshWritten();
  updateButtons();
}

async function refreshTab(tab) {
  if (!st.p || !st.pid) return;
  const pid = st.pid;
  // A finished process has no threads or memory left: keep the last view, marked as such.
  const gen = (method, el, args, opts) =>
    orNote(el, async () => {
      const rows = await st.p.call(method, args);
      if (rows.length === 0 && el.dataset.pid === String(pid) && el.querySelector("table")) {
        if (!el.querySelector(".stale")) el.prepend(h("p", { className: "muted stale" }, "The process has ended; this is the last view taken while it ran."));
        return;
      }
      if (rows.length === 0 && st.exitCodes.has(pid)) {
        // An ended process has no address space, threads or handles left (Windows frees them at exit).
        el.dataset.pid = String(pid);
        clear(el, h("p", { className: "muted stale" }, "The process has ended: Windows freed its address space, threads and handles. " +
          "To see them, stop it while it runs (Pause, a breakpoint, or “break at entry”) and open this tab again."));
        return;
      }
      el.dataset.pid = String(pid);
      clear(el, table(opts && opts.extra ? opts.extra(rows) : rows, opts));
    });
  switch (tab) {
    case "memory":
      return gen("memoryMap", $("memory-map"), { pid }, { extra: kernelHalf });
    case "threads":
      return gen("threads", $("threads"), { pid }, {
        onRow: (t) => {
          st.tid = t.tid;
          selectTab("debugger");
        },
        selected: (t) => t.tid === st.tid,
      });
    case "handles":
      return gen("handles", $("handles"), { pid });
    case "modules":
      return gen("modules", $("modules"), { pid });
    case "debugger":
      return refreshDebugger();
    case "trace":
      return rerenderTrace();
    case "console": {
      const c = st.consoles.get(st.pid) || [...st.consoles.values()][0];
      if (c) c.fit.fit();
      return;
    }
  }
}

/** kernelHalf appends the kernel half to a memory map that lists only the user half. */
function kernelHalf(rows) {
  if (rows.length === 0 || rows.some((r) => r.base >= 0x80000000)) return rows;
  return rows.concat([{ base: 0x80000000, alloc_base: 0x80000000, size: 0x80000000, state: "kernel", prot: "(kernel mode only)",
    type: "shared", shared_pages: "all", cow_pages: 0, module: "kernel half: one mapping in every process" }]);
}

async function refreshWritten() {
  if (!can("writtenFiles")) return;
  let files;
  try {
    files = await st.p.writtenFiles();
  } catch {
    return;
  }
  const ul = $("written-list");
  if (!files || files.length === 0) {
    clear(ul, h("li", { className: "muted" }, "none"));
    return;
  }
  clear(ul, files.map((f) => h("li", {}, h("span", {}, f.path), h("span", { className: "muted" }, `${f.size} bytes`),
    h("button", { onclick: () => saveWritten(f.path) }, "download"))));
}

async function saveWritten(path) {
  try {
    const bytes = await st.p.readFile(path);
    download(path.split(/[\\/]/).pop() || "file", bytes);
  } catch (e) {
    message(e.message);
  }
}

// ---------- debugger ----------

async function refreshDebugger() {
  if (!st.tid) return;
  const regs = await orNote($("regs"), () => st.p.registers(st.tid));
  if (regs) clear($("regs"), formatRegs(regs));
  const eip = regs ? regs.eip ?? regs.EIP : undefined;
  const esp = regs ? regs.esp ?? regs.ESP : undefined;
  if (typeof eip === "number") {
    const lines = await orNote($("disasm"), () => st.p.disassemble(st.pid, eip, 24));
    if (lines) {
      const iat = await iatNames();
      clear($("disasm"), lines.map((l) => {
        const addr = l.addr ?? l.address;
        const t = l.text ?? "";
        const m = /\[0x([0-9a-f]+)\]/i.exec(t);
        const note = l.symbol || (m && iat.get(parseInt(m[1], 16))) || "";
        const text = `${hex(addr)}  ${(l.bytes || "").padEnd(20)} ${t}${note ? "   ; " + note : ""}\n`;
        return h("span", { className: addr === eip ? "cur" : "" }, text);
      }));
    }
  }
  if (typeof esp === "number") {
    // The stack may end a few bytes above ESP (at the thread's start): read less until it fits.
    const b = await orNote($("stack"), async () => {
      for (const n of [64, 32, 16, 8]) {
        try {
          return await st.p.readMemory(st.pid, esp, n);
        } catch (e) {
          if (n === 8) throw e;
        }
      }
    });
    if (b) clear($("stack"), dwords(esp, b));
  }
  if (regs && typeof eip === "number") await showCallStack(eip, regs.EBP ?? regs.ebp);
  const ha = parseInt($("hex-addr").value, 16);
  if (!isNaN(ha)) showHex(ha);
}

/**
 * showCallStack walks the EBP chain (saved EBP at [EBP], return address at [EBP+4]) and names each address by
 * its module. Frames without a frame pointer are skipped by this walk, as in any EBP-based unwinder.
 */
async function showCallStack(eip, ebp) {
  const el = $("callstack");
  let mods = [];
  if (can("modules")) mods = await st.p.modules(st.pid).catch(() => []);
  const where = (a) => {
    const m = mods.find((m) => a >= m.base && a < m.base + m.size);
    return m ? `${m.name}+0x${(a - m.base).toString(16).toUpperCase()}` : "?";
  };
  const frames = [`${hex(eip)}  ${where(eip)}`];
  for (let i = 0; i < 32 && ebp; i++) {
    let b;
    try {
      b = await st.p.readMemory(st.pid, ebp, 8);
    } catch {
      break;
    }
    const dv = new DataView(b.buffer, b.byteOffset, 8);
    const next = dv.getUint32(0, true);
    const ret = dv.getUint32(4, true);
    if (!ret) break;
    frames.push(`${hex(ret)}  ${where(ret)}`);
    if (next <= ebp) break; // the chain must go up the stack
    ebp = next;
  }
  clear(el, frames.join("\n"));
}

/** iatNames maps the main program's import-address-table slots to "DLL!Function" (from the PE view). */
let iatCache = { pid: 0, map: new Map() };
async function iatNames() {
  if (iatCache.pid === st.pid || !st.report || !st.report.imports) return iatCache.map;
  const map = new Map();
  let base = st.report.optional_header ? st.report.optional_header.image_base : 0;
  if (st.pid === st.mainPid && can("modules")) {
    const [exe] = await st.p.modules(st.pid).catch(() => []);
    if (exe) base = exe.base; // the image may have been relocated
  }
  if (st.pid === st.mainPid) {
    for (const d of st.report.imports) {
      for (const f of d.functions || []) map.set((base + f.iat_rva) >>> 0, `${d.dll}!${f.name || "#" + f.ordinal}`);
    }
  }
  iatCache = { pid: st.pid, map };
  return map;
}

function formatRegs(r) {
  const out = [];
  for (const [k, v] of Object.entries(r)) {
    if (typeof v === "number") out.push(`${k.toUpperCase().padEnd(7)} ${/flags/i.test(k) ? hex(v) + "  " + flagNames(v) : hex(v)}`);
    else if (v && typeof v === "object") out.push(`${k}: ${JSON.stringify(v)}`);
    else out.push(`${k}: ${v}`);
  }
  return out.join("\n");
}

function flagNames(f) {
  const names = [[0, "CF"], [2, "PF"], [4, "AF"], [6, "ZF"], [7, "SF"], [8, "TF"], [9, "IF"], [10, "DF"], [11, "OF"]];
  return names.map(([b, n]) => ((f >> b) & 1 ? n : n.toLowerCase())).join(" ");
}

function dwords(base, b) {
  const lines = [];
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (let i = 0; i + 4 <= b.length; i += 4) lines.push(`${hex(base + i)}  ${hex(dv.getUint32(i, true))}`);
  return lines.join("\n");
}

async function showHex(addr) {
  const b = await orNote($("hex"), () => st.p.readMemory(st.pid, addr, 256));
  if (!b) return;
  const lines = [];
  for (let i = 0; i < b.length; i += 16) {
    const row = [...b.subarray(i, i + 16)];
    const hx = row.map((x) => x.toString(16).padStart(2, "0")).join(" ");
    const asc = row.map((x) => (x >= 32 && x < 127 ? String.fromCharCode(x) : ".")).join("");
    lines.push(`${hex(addr + i)}  ${hx.padEnd(48)}  ${asc}`);
  }
  clear($("hex"), lines.join("\n"));
}

async function stepWith(method) {
  message("");
  // Step over/out may run many instructions: they run in slices like Run, so Pause stays enabled.
  const long = method !== "step";
  if (long) {
    if (st.running) return;
    st.running = true;
    updateButtons();
    updateStats();
  }
  try {
    const s = long ? await st.p[method](st.tid) : await st.p.call(method, { tid: st.tid });
    if (long) st.running = false;
    if (s && s.paused) message(`${method === "stepOver" ? "Step over" : "Step out"} paused after ${s.steps} instructions.`, "info");
    if (s && typeof s === "object" && s.status) st.state = s.paused ? { ...s, status: "paused" } : s;
    if (s && typeof s.total === "number") st.instructions = s.total;
    for (const e of can("drainEvents") ? await st.p.drainEvents() : []) onEvent(e);
  } catch (e) {
    message(e.message);
  }
  st.running = false;
  updateButtons();
  updateStats();
  selectTab("debugger");
  await refreshAll();
}

async function addBreakpoint() {
  const v = $("bp-input").value.trim();
  if (!v) return;
  const addr = /^(0x)?[0-9a-f]+$/i.test(v) && /[0-9]/.test(v) ? parseInt(v, 16) : NaN;
  const live = st.mainPid !== 0 && st.state?.status !== "exited"; // else it applies at the next start
  try {
    if (!isNaN(addr)) {
      if (live) await st.p.setBreakpoint(st.pid, addr);
      st.breakpoints.push({ kind: "addr", value: addr });
    } else {
      if (live) await st.p.setAPIBreakpoint(v);
      st.breakpoints.push({ kind: "api", value: v });
    }
    $("bp-input").value = "";
    renderBreakpoints();
  } catch (e) {
    message(e.message);
  }
}

function renderBreakpoints() {
  clear($("bp-list"), st.breakpoints.map((b, i) =>
    h("li", {}, b.kind === "addr" ? hex(b.value) : b.value, h("button", {
      title: "remove",
      onclick: async () => {
        if (b.kind === "addr" && can("clearBreakpoint")) await st.p.clearBreakpoint(st.pid, b.value).catch(() => {});
        if (b.kind === "api" && can("clearAPIBreakpoint")) await st.p.call("clearAPIBreakpoint", { name: b.value }).catch(() => {});
        st.breakpoints.splice(i, 1);
        renderBreakpoints();
      },
    }, "×"))));
}

// ---------- API trace ----------

function traceFilter() {
  return { dll: $("f-dll").value.trim().toLowerCase(), fn: $("f-func").value.trim().toLowerCase(), tid: $("f-tid").value.trim() };
}

/** apiParts splits an "api" event's name "KERNEL32.dll!WriteFile" into its DLL and function. */
function apiParts(e) {
  const n = String(e.name ?? "");
  const i = n.indexOf("!");
  return i < 0 ? { dll: "", fn: n } : { dll: n.slice(0, i), fn: n.slice(i + 1) };
}

function traceMatches(e, f = traceFilter()) {
  const { dll, fn } = apiParts(e);
  if (f.dll && !dll.toLowerCase().includes(f.dll)) return false;
  if (f.fn && !fn.toLowerCase().includes(f.fn)) return false;
  if (f.tid && String(e.tid) !== f.tid) return false;
  return true;
}

function traceRow(e) {
  const { dll, fn } = apiParts(e);
  const call = Array.isArray(e.args) ? `(${e.args.join(", ")})` : (e.text ?? "");
  return h("tr", {}, [e.icount ?? "", e.pid ?? "", e.tid ?? "", dll, fn, call, e.ret ?? ""].map((x) => h("td", {}, x)));
}

function appendTraceRow(e) {
  const body = $("trace").tBodies[0];
  body.append(traceRow(e));
  if (body.rows.length > SHOWN_TRACE) body.deleteRow(0);
  $("trace-count").textContent = `${st.trace.length} calls`;
}

function rerenderTrace() {
  const f = traceFilter();
  const rows = st.trace.filter((e) => traceMatches(e, f));
  clear($("trace").tBodies[0], rows.slice(-SHOWN_TRACE).map(traceRow));
  $("trace-count").textContent = `${rows.length} of ${st.trace.length} calls`;
}

// ---------- export ----------

async function exportReport() {
  const rep = {
    peek32: st.p?.version,
    file: st.exe && { name: st.exe.name, size: st.exe.bytes.length },
    files: st.files.map((f) => ({ name: f.name, size: f.bytes.length })),
    commandLine: st.exe ? commandLine() : "",
    pe: st.report,
    state: st.state,
    instructions: st.instructions,
    timeline: st.timeline,
    exitCodes: Object.fromEntries(st.exitCodes),
    apiCalls: st.trace.length,
  };
  for (const [key, method] of [["processes", "processes"], ["writtenFiles", "writtenFiles"]]) {
    if (can(method)) rep[key] = await st.p.call(method).catch((e) => ({ error: e.message }));
  }
  if (can("memoryMap") && st.mainPid) rep.memoryMap = await st.p.memoryMap(st.mainPid).catch((e) => ({ error: e.message }));
  download(`${st.exe ? st.exe.name : "peek32"}.report.json`, JSON.stringify(rep, null, 1), "application/json");
}

// ---------- tabs, drop zone, buttons ----------

function selectTab(name) {
  for (const b of $("tabs").children) b.setAttribute("aria-selected", String(b.dataset.tab === name));
  for (const p of document.querySelectorAll(".panel")) p.hidden = p.id !== "panel-" + name;
  refreshTab(name);
}

function wire() {
  for (const b of $("tabs").children) b.addEventListener("click", () => selectTab(b.dataset.tab));
  $("open").addEventListener("change", async (e) => {
    const files = await readFiles(e.target.files);
    e.target.value = "";
    openFiles(files);
  });
  $("samples").addEventListener("change", (e) => {
    const name = e.target.value;
    e.target.value = "";
    if (name) openSample(name);
  });
  let depth = 0;
  const overlay = $("drop-overlay");
  window.addEventListener("dragenter", (e) => {
    e.preventDefault();
    depth++;
    overlay.hidden = false;
  });
  window.addEventListener("dragleave", () => {
    if (--depth <= 0) {
      depth = 0;
      overlay.hidden = true;
    }
  });
  window.addEventListener("dragover", (e) => e.preventDefault());
  window.addEventListener("drop", async (e) => {
    e.preventDefault();
    depth = 0;
    overlay.hidden = true;
    if (e.dataTransfer && e.dataTransfer.files.length) openFiles(await readFiles(e.dataTransfer.files));
  });
  $("btn-run").addEventListener("click", () => runMachine());
  $("btn-pause").addEventListener("click", () => st.p.pause());
  $("btn-step").addEventListener("click", () => stepWith("step"));
  $("btn-over").addEventListener("click", () => stepWith("stepOver"));
  $("btn-out").addEventListener("click", () => stepWith("stepOut"));
  $("btn-restart").addEventListener("click", () => st.exe && openFiles(st.files));
  $("btn-stop").addEventListener("click", async () => {
    await st.p.pause().catch(() => {});
    await st.p.call("stop", { code: 1 }).catch((e) => message(e.message));
    for (const e of await st.p.drainEvents().catch(() => [])) onEvent(e);
    st.state = { ...(st.state || {}), status: "exited", exit_code: 1, message: "stopped by the user" };
    updateStats();
    await refreshAll();
  });
  $("btn-export-trace").addEventListener("click", () =>
    download(`${st.exe ? st.exe.name : "peek32"}.trace.json`, JSON.stringify(st.trace, null, 1), "application/json"));
  $("btn-export-report").addEventListener("click", () => exportReport());
  $("bp-add").addEventListener("click", addBreakpoint);
  $("bp-input").addEventListener("keydown", (e) => e.key === "Enter" && addBreakpoint());
  $("hex-go").addEventListener("click", () => {
    const a = parseInt($("hex-addr").value, 16);
    if (!isNaN(a)) showHex(a);
  });
  for (const id of ["f-dll", "f-func", "f-tid"]) $(id).addEventListener("input", rerenderTrace);
  window.addEventListener("resize", () => {
    for (const c of st.consoles.values()) if (!c.el.hidden && !$("panel-console").hidden) c.fit.fit();
  });
  window.addEventListener("keydown", (e) => {
    if (e.target instanceof HTMLInputElement || e.target.closest?.(".term")) return;
    const click = (id) => {
      if (!$(id).disabled) {
        e.preventDefault();
        $(id).click();
      }
    };
    if (e.key === "F5") click("btn-run");
    else if (e.key === "F10") click("btn-over");
    else if (e.key === "F11" && e.shiftKey) click("btn-out");
    else if (e.key === "F11") click("btn-step");
  });
}

wire();
start();
