// The JS API under Node: the real wasm (dist/peek32.wasm, built by ./build.sh) in a worker thread,
// driven through site/peek32.js exactly as the page drives it.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { Peek32, Peek32Error } from "../peek32.js";

const dist = process.env.PEEK32_DIST || new URL("../../dist", import.meta.url).pathname;
const goroot = execFileSync("go", ["env", "GOROOT"], { encoding: "utf8" }).trim();
const wasmExecPath = [join(goroot, "lib/wasm/wasm_exec.js"), join(goroot, "misc/wasm/wasm_exec.js")].find(existsSync);

// The e2e fixtures (tests/e2e/fixtures), built with MinGW by the e2e harness.
const { guest } = await import("../../tests/e2e/harness.mjs");
const tiny = () => guest("tiny");

/** as64bit turns a PE32 into a (broken but recognisable) PE32+ header: machine AMD64, optional-header magic 0x20B. */
function as64bit(exe) {
  const b = Buffer.from(exe);
  const pe = b.readUInt32LE(0x3c);
  b.writeUInt16LE(0x8664, pe + 4);
  b.writeUInt16LE(0x20b, pe + 24);
  return b;
}

describe("Peek32 in Node", () => {
  let p;
  const canRun = () => !p || ["boot", "addFile", "createProcess", "run"].every((m) => p.available(m));
  before(async () => {
    assert.ok(existsSync(join(dist, "peek32.wasm")), `build the wasm first (./build.sh wasm): ${dist}/peek32.wasm`);
    const progress = [];
    p = await Peek32.create({ wasmPath: join(dist, "peek32.wasm"), wasmExecPath, onProgress: (l, t) => progress.push([l, t]) });
    assert.ok(progress.length > 0, "progress reported while loading");
  });
  after(() => p && p.terminate());

  test("version and methods", async () => {
    const v = await p.version;
    assert.match(v.api, /^\d+\.\d+\.\d+$/);
    assert.match(v.go, /^go1\./);
    const names = p.methods.map((m) => m.name);
    for (const n of ["inspect", "boot", "createProcess", "run", "drainEvents", "memoryMap", "registers"]) {
      assert.ok(names.includes(n), `method ${n} listed`);
    }
    assert.deepEqual(await p.call("methods"), p.methods);
  });

  test("unknown method rejects with a clear message", async () => {
    await assert.rejects(p.call("nonsense"), (e) => e instanceof Peek32Error && /unknown method "nonsense"/.test(e.message));
  });

  test("inspect: a 64-bit program gets a clear sentence", async () => {
    const rep = await p.inspect(as64bit(readFileSync(tiny())));
    assert.equal(rep.runnable, false);
    assert.equal(rep.kind, "64-bit");
    assert.match(rep.verdict, /64-bit/);
  });

  test("bytes must be bytes", async () => {
    await assert.rejects(p.call("inspect", undefined, "not bytes"), (e) => e.kind === "argument");
  });

  test("inspect: a text file is reported as not runnable, with a sentence", async () => {
    const rep = await p.inspect(new TextEncoder().encode("hello, not a program"));
    assert.equal(rep.runnable, false);
    assert.equal(rep.format, "unknown");
    assert.ok(rep.verdict.length > 10, rep.verdict);
  });

  test("inspect: a MinGW program shows headers, sections with entropy, imports", async () => {
    const exe = readFileSync(tiny());
    const rep = await p.inspect(exe);
    assert.equal(rep.format, "PE32");
    assert.equal(rep.runnable, true, rep.verdict);
    assert.equal(rep.optional_header.image_base, 0x400000);
    const text = rep.sections.find((s) => s.name === ".text");
    assert.ok(text && text.entropy > 4 && text.entropy <= 8, JSON.stringify(text));
    assert.ok(rep.imports.some((d) => /msvcrt\.dll/i.test(d.dll ?? d.name)), "imports msvcrt.dll");
  });

  test("the documented example runs", () => {
    const out = execFileSync("node", [new URL("../examples/run.mjs", import.meta.url).pathname, tiny()], { encoding: "utf8", timeout: 60_000 });
    assert.match(out, /tiny\.exe: PE32, This is a 32-bit x86 .*program/);
    assert.match(out, /section \.text/);
  });

  test("the documented example runs a program", () => {
    const out = execFileSync("node", [new URL("../examples/run.mjs", import.meta.url).pathname, guest("raw_xss")], { encoding: "utf8", timeout: 60_000 });
    if (!p.available("run")) return;
    assert.match(out, /<img src=x onerror=alert\(1\)>/);
    assert.match(out, /exited, exit code 3/);
  });

  test("run: a program waits for input (idle), gets it, exits; events arrive in batches", { skip: !canRun() }, async () => {
    const boot = await p.boot({ traceAPI: true });
    assert.ok(boot.explorer_pid > 0);
    await p.addFile("C:\\raw_echo.exe", readFileSync(guest("raw_echo")));
    const proc = await p.createProcess("C:\\raw_echo.exe");
    assert.equal(proc.parent_pid, boot.explorer_pid, "a child of explorer.exe");
    const events = [];
    const off = p.on("event", (e) => events.push(e));
    let r = await p.run();
    assert.equal(r.state.status, "idle");
    await p.writeStdin(proc.pid, "abc\r\n");
    r = await p.run();
    off();
    assert.equal(r.state.status, "exited");
    assert.equal(r.state.exit_code, 0);
    const out = events.filter((e) => e.kind === "console" && e.pid === proc.pid).map((e) => e.data).join("");
    assert.equal(out, "type something\ngot: abc$\n");
    for (const k of ["process-created", "step", "module-loaded", "api", "process-exited"]) {
      assert.ok(events.some((e) => e.kind === k), `a ${k} event`);
    }
    const procs = await p.processes();
    assert.equal(procs[0].name.toLowerCase(), "explorer.exe");
  });

  test("run + pause: a spinning program is paused between slices", { skip: !canRun() }, async () => {
    await p.boot();
    await p.addFile("C:\\raw_spin.exe", readFileSync(guest("raw_spin")));
    const proc = await p.createProcess("C:\\raw_spin.exe");
    let batches = 0;
    const off = p.on("events", () => batches++);
    const running = p.run();
    while (batches < 3) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(await p.pause(), { wasRunning: true });
    const r = await running;
    off();
    assert.equal(r.paused, true);
    assert.equal(r.state.status, "running");
    assert.ok(r.instructions > 1000, `ran ${r.instructions}`);
    const [t] = await p.threads(proc.pid);
    const regs = await p.registers(t.tid);
    assert.equal(regs.EIP, t.eip);
    const dis = await p.disassemble(proc.pid, regs.EIP, 3);
    assert.equal(dis.length, 3);
    assert.equal(dis[0].addr, regs.EIP);
    const mem = await p.readMemory(proc.pid, 0x400000, 2);
    assert.ok(mem instanceof Uint8Array);
    assert.equal(new TextDecoder().decode(mem), "MZ");
    const map = await p.memoryMap(proc.pid);
    assert.ok(map.some((r) => r.type === "image" && r.module === "raw_spin.exe"), JSON.stringify(map.slice(0, 3)));
    await p.call("stop", { code: 9 });
    assert.equal((await p.run()).state.status, "exited");
  });

  test("stepOver / stepOut run in slices: pause() ends a step that never returns", { skip: !canRun() }, async () => {
    await p.boot();
    await p.addFile("C:\\raw_stepspin.exe", readFileSync(guest("raw_stepspin")));
    const proc = await p.createProcess("C:\\raw_stepspin.exe");
    // Step over everything up to the direct call to spin (API calls and the strlen loop return at once).
    for (let i = 0; i < 80; i++) {
      const { EIP } = await p.registers(proc.tid);
      const [ins] = await p.disassemble(proc.pid, EIP, 1);
      if (/^call 0x/.test(ins.text)) break;
      const s = await p.stepOver(proc.tid);
      assert.equal(s.paused, false);
      assert.equal(s.status, "stopped", JSON.stringify(s));
    }
    let batches = 0;
    const off = p.on("events", () => batches++);
    const stepping = p.stepOver(proc.tid);
    while (batches < 3) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(await p.pause(), { wasRunning: true });
    const s = await stepping;
    off();
    assert.equal(s.paused, true);
    assert.ok(s.steps > 1000, `stepped ${s.steps} instructions`);
    const out = p.stepOut(proc.tid); // spin never returns either
    await new Promise((r) => setTimeout(r, 50));
    await p.pause();
    assert.equal((await out).paused, true);
    await p.call("stop", { code: 1 });
  });

  test("pause with nothing running", async () => {
    assert.deepEqual(await p.pause(), { wasRunning: false });
  });
});
