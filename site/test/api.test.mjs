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

// tiny builds the e2e fixture tiny.c with MinGW (once) and returns the .exe's path.
function tiny() {
  const out = new URL("../../tests/e2e/artifacts/bin/tiny.exe", import.meta.url).pathname;
  if (!existsSync(out)) {
    mkdirSync(join(out, ".."), { recursive: true });
    execFileSync("i686-w64-mingw32-gcc", ["-O1", "-s", "-o", out, new URL("../../tests/e2e/fixtures/tiny.c", import.meta.url).pathname]);
  }
  return out;
}

describe("Peek32 in Node", () => {
  let p;
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

  test("a method not in this build rejects as not-available, never a fake result", async () => {
    const missing = p.methods.find((m) => !m.available);
    if (!missing) return; // everything landed
    await assert.rejects(p.call(missing.name, {}), (e) => e.kind === "not-available" && /not available yet/.test(e.message) && e.method === missing.name);
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

  test("pause with nothing running", async () => {
    assert.deepEqual(await p.pause(), { wasRunning: false });
  });
});
