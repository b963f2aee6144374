// Issue 6, bullet by bullet, in the page (headless Chromium): console-API colours, a pausable step over, an
// exe dropped with its DLL, markup in PE strings and file names shown as text, .NET refused with a sentence,
// a tour of every view (PE view, timeline with main, tree, threads, handles, modules, memory map with the
// kernel half, trace filters, debugger with flags, stack and hex view) with screenshots, and no network
// request from the served page or the single-file build. docs/ISSUE6_AUDIT.md maps each bullet to its test.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { pathToFileURL } from "node:url";
import { artifacts, dist, dropFiles, guest, newPage, open, root, shot } from "./harness.mjs";

const bin = (name) => readFileSync(join(root, "testdata", "guest", "bin", name));
const exited = "body[data-state^='exited']";

/** markupExe builds tests/e2e/fixtures/markup.c (+ .rc) and patches its names into markup of the same length. */
function markupExe() {
  const out = join(artifacts, "bin");
  mkdirSync(out, { recursive: true });
  const fx = join(root, "tests", "e2e", "fixtures");
  execFileSync("i686-w64-mingw32-windres", [join(fx, "markup.rc"), "-O", "coff", "-o", join(out, "markup.res.o")]);
  execFileSync("i686-w64-mingw32-gcc", ["-O1", "-o", join(out, "markup.exe"), join(fx, "markup.c"), join(out, "markup.res.o")]);
  let b = readFileSync(join(out, "markup.exe"));
  const patch = (from, to) => {
    assert.equal(from.length, to.length);
    let n = 0;
    for (let i = b.indexOf(from); i >= 0; i = b.indexOf(from, i + 1), n++) to.copy(b, i);
    assert.ok(n > 0, `${from} not found in markup.exe`);
  };
  patch(Buffer.from("MKSECT01"), Buffer.from("<b>x</b>"));
  patch(Buffer.from("MARKUPEXPORTNAME_XXXXXXXXXXXX"), Buffer.from("<img src=x onerror=alert(2)/>"));
  patch(Buffer.from("MARKUPRES", "utf16le"), Buffer.from("<i>xx</i>", "utf16le"));
  return b;
}

/** asDotNet marks a PE32 as a .NET assembly (a CLR runtime header directory, entry 14). */
function asDotNet(exe) {
  const b = Buffer.from(exe);
  const pe = b.readUInt32LE(0x3c);
  const dir14 = pe + 24 + 96 + 14 * 8;
  b.writeUInt32LE(0x1000, dir14);
  b.writeUInt32LE(72, dir14 + 4);
  return b;
}

/**
 * withRichAndSignature gives a MinGW exe (which has neither) a Rich header with a valid checksum in its DOS stub
 * and an attribute certificate (security directory) whose PKCS#7 bytes do not decode: the PE view must show
 * the Rich header, the signature and the anomaly.
 */
function withRichAndSignature(exe) {
  const rotl = (x, n) => ((n &= 31) === 0 ? x >>> 0 : ((x << n) | (x >>> (32 - n))) >>> 0);
  const pe = exe.readUInt32LE(0x3c);
  assert.ok(pe >= 0x40 + 16 + 2 * 8 + 8, "room for a Rich header in the DOS stub");
  const cert = Buffer.from([16, 0, 0, 0, 0, 2, 2, 0, 0x30, 0x03, 0x02, 0x01, 0x05, 0, 0, 0]);
  const b = Buffer.concat([exe, cert]);
  const dans = 0x40;
  const entries = [[(0x0104 << 16) | 30729, 5], [(0x0001 << 16) | 0, 12]];
  let key = dans;
  for (let i = 0; i < dans; i++) if (i < 0x3c || i >= 0x40) key = (key + rotl(b[i], i)) >>> 0;
  for (const [id, count] of entries) key = (key + rotl(id, count)) >>> 0;
  const words = [0x536e6144, 0, 0, 0, ...entries.flat()].map((w) => (w ^ key) >>> 0);
  b.fill(0, dans, pe);
  words.forEach((w, i) => b.writeUInt32LE(w, dans + 4 * i));
  b.write("Rich", dans + 4 * words.length, "latin1");
  b.writeUInt32LE(key, dans + 4 * words.length + 4);
  const dir4 = pe + 24 + 96 + 4 * 8; // the security directory: a file offset and a size
  b.writeUInt32LE(exe.length, dir4);
  b.writeUInt32LE(cert.length, dir4 + 4);
  return b;
}

describe("issue 6 in the page", () => {
  let env;
  const foreign = []; // requests to anything but the local server (or data:/blob:)
  before(async () => {
    env = await open();
    const origin = new URL(env.url).origin;
    env.ctx.on("request", (r) => {
      const u = r.url();
      if (!u.startsWith(origin) && !/^(data|blob|file):/.test(u)) foreign.push(u);
    });
  });
  after(() => env && env.close());

  test("console.exe: console-API colours and cursor moves render in the console", async () => {
    const page = await newPage(env);
    const exe = readFileSync(join(root, "testdata", "guest", "console", "console.exe"));
    await page.setInputFiles("#open", { name: "console.exe", mimeType: "application/octet-stream", buffer: exe });
    await page.waitForSelector(exited, { timeout: 30_000 });
    assert.equal(await page.evaluate(() => document.body.dataset.exitCode), "0");
    await page.click("[data-tab=console]");
    const lines = (await page.evaluate(() => window.peek32.consoleText())).split("\n");
    assert.equal(lines[0], "buffer 80x25, attribute 07");
    assert.equal(lines[1], "Plain red green-on-blue yellow-on-red plain", "SetConsoleCursorPosition moved back to overwrite the p");
    assert.match(lines[3], /^filled 6, cursor at 0,3 {17}------$/, "FillConsoleOutputCharacter at column 40, cursor unmoved");
    assert.equal(lines[4], "file: SetConsoleTextAttribute 0 error 6, GetConsoleScreenBufferInfo 0 error 6");
    const cells = await page.evaluate(() => window.peek32.consoleCells(undefined, 1));
    const at = (i) => [cells[i].ch, cells[i].fg, cells[i].bg];
    assert.deepEqual(at(0), ["P", 14, 0], "bright cyan P");
    assert.deepEqual(at(1), ["l", -1, -1], "default colours");
    assert.deepEqual(at(6), ["r", 9, 0], "bright red on black");
    assert.deepEqual(at(10), ["g", 2, 4], "green on blue");
    assert.deepEqual(at(24), ["y", 11, 1], "bright yellow on red");
    assert.deepEqual(at(38), ["p", -1, -1], "back to the default");
    await shot(page, "20-console-api-colours");
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test("raw_stepspin.exe: a step over a call that never returns runs in slices and Pause stops it", async () => {
    const page = await newPage(env);
    await page.check("#break-entry");
    await page.setInputFiles("#open", { name: "raw_stepspin.exe", mimeType: "application/octet-stream", buffer: readFileSync(guest("raw_stepspin")) });
    await page.waitForSelector("body[data-state^='breakpoint']", { timeout: 30_000 });
    // Step over until the current instruction is the direct call to spin (the API calls before it return).
    for (let i = 0; i < 80; i++) {
      await page.waitForSelector("#disasm .cur");
      const cur = await page.textContent("#disasm .cur");
      if (/\bcall 0x[0-9a-f]+/i.test(cur) && !/dword ptr/.test(cur)) break;
      const regs = await page.textContent("#regs");
      await page.click("#btn-over");
      await page.waitForFunction((r) => document.querySelector("#regs").textContent !== r && !document.querySelector("#btn-over").disabled, regs);
    }
    assert.match(await page.textContent("#disasm .cur"), /\bcall 0x/i);
    await page.click("#btn-over");
    await page.waitForSelector("body[data-state='running']");
    assert.equal(await page.isDisabled("#btn-pause"), false, "Pause is enabled during a step over");
    await page.waitForFunction(() => window.peek32.state().instructions > 200_000, null, { timeout: 30_000 });
    const lag = await page.evaluate(async () => {
      const t0 = performance.now();
      await new Promise((r) => setTimeout(r, 0));
      return performance.now() - t0;
    });
    assert.ok(lag < 250, `main thread blocked for ${lag} ms`);
    await page.click("#btn-pause");
    await page.waitForSelector("body[data-state^='paused']", { timeout: 10_000 });
    assert.match(await page.textContent("#message"), /Step over paused after \d+ instructions/);
    assert.match(await page.evaluate(() => window.peek32.consoleText()), /^spin/);
    await shot(page, "21-step-over-paused");
    await page.click("#btn-stop");
    await page.waitForSelector(exited, { timeout: 10_000 });
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test("loadlib.exe and mydll.dll dropped together: the program loads the DLL", async () => {
    const page = await newPage(env);
    await dropFiles(page, [{ name: "loadlib.exe", bytes: bin("loadlib.exe") }, { name: "mydll.dll", bytes: bin("mydll.dll") }]);
    await page.waitForSelector(exited, { timeout: 30_000 });
    const files = await page.textContent("#file-list");
    assert.match(files, /loadlib\.exe/);
    assert.match(files, /mydll\.dll/);
    const text = await page.evaluate(() => window.peek32.consoleText());
    assert.match(text, /LoadLibrary: ok/);
    assert.equal(await page.evaluate(() => document.body.dataset.exitCode), "0");
    assert.match(await page.textContent("#timeline"), /mydll\.dll/i);
    await shot(page, "22-exe-with-dll");
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test("markup in a file name, section, export and resource names is shown as text", async () => {
    const page = await newPage(env);
    // Windows forbids < and > in file names: the page stores the file as C:\_img ..._.exe (and says so in the
    // timeline); the name as dropped is shown, as text, in the file list, the PE view and the timeline.
    const name = "<img src=x onerror=alert(1)>.exe";
    await dropFiles(page, [{ name, bytes: markupExe() }]);
    await page.waitForSelector(exited, { timeout: 30_000 });
    assert.equal(await page.evaluate(() => document.body.dataset.exitCode), "0");
    await page.click("[data-tab=pe]");
    const pe = await page.textContent("#pe-view");
    for (const s of ["<b>x</b>", "<img src=x onerror=alert(2)/>", "<i>xx</i>"]) assert.ok(pe.includes(s), `PE view shows ${s} as text`);
    assert.ok((await page.textContent("#file-list")).includes(name), "file list shows the file name as text");
    assert.ok((await page.textContent("#timeline")).includes(`${name} is C:\\_img src=x onerror=alert(1)_.exe`), "timeline names the stored file");
    assert.match(await page.evaluate(() => window.peek32.consoleText()), /section with a markup name/);
    for (const tab of ["modules", "memory", "threads", "handles", "trace", "debugger"]) await page.click(`[data-tab=${tab}]`);
    assert.equal(await page.locator("img, #panels script, #side script").count(), 0, "no element was made from guest strings");
    assert.equal(await page.$$eval("b, i", (es) => es.filter((e) => e.textContent === "x" || e.textContent === "xx").length), 0, "no <b>x</b> or <i>xx</i>");
    assert.deepEqual(page.dialogs, [], "no alert() ran");
    await shot(page, "23-markup-pe");
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test("the PE view shows the Rich header, the signature and anomalies", async () => {
    const page = await newPage(env);
    await page.setInputFiles("#open", { name: "signed.exe", mimeType: "application/octet-stream", buffer: withRichAndSignature(bin("hello.exe")) });
    await page.waitForFunction(() => /Rich header/.test(document.querySelector("#pe-view").textContent), null, { timeout: 15_000 });
    const pe = await page.textContent("#pe-view");
    assert.match(pe, /Rich header\s*2 tools, checksum valid/);
    assert.match(pe, /signature\s*Authenticode, 16 bytes \(not verified\)/);
    assert.match(pe, /anomalies[\s\S]*signature cannot be decoded/);
    await shot(page, "24-pe-rich-signature");
    await page.close();
  });

  test("a .NET assembly gets a clear message instead of silence", async () => {
    const page = await newPage(env);
    await page.setInputFiles("#open", { name: "managed.exe", mimeType: "application/octet-stream", buffer: asDotNet(bin("hello.exe")) });
    await page.waitForFunction(() => /\.NET/.test(document.querySelector("#message").textContent), null, { timeout: 15_000 });
    assert.match(await page.textContent("#message"), /managed\.exe cannot run: .*\.NET/);
    await page.close();
  });

  test("a tour of the views: timeline with main, tree, threads, handles, modules, memory map, trace filters, debugger", async () => {
    const page = await newPage(env);
    await page.check("#break-entry");
    await page.setInputFiles("#open", { name: "threads.exe", mimeType: "application/octet-stream", buffer: bin("threads.exe") });
    await page.waitForSelector("body[data-state^='breakpoint']", { timeout: 30_000 });
    await page.click("[data-tab=pe]");
    const pe = await page.textContent("#pe-view");
    for (const k of ["entry point (OEP)", "sections", "imports", "relocations"]) assert.ok(pe.includes(k), `PE view: ${k}`);
    assert.match(pe, /\.text \(\d\.\d\d\)/, "sections with entropy");
    await shot(page, "30-pe-view");
    // Stopped at the entry point: the live views.
    await page.click("[data-tab=memory]");
    await page.waitForSelector("#memory-map table");
    const mm = await page.textContent("#memory-map");
    assert.match(mm, /image/);
    assert.match(mm, /80000000/i, "the kernel half is shown");
    assert.match(mm, /shared_pages|shared/i);
    await shot(page, "31-memory-map");
    await page.click("[data-tab=threads]");
    await page.waitForSelector("#threads table");
    assert.match(await page.textContent("#threads"), /running|ready|runnable/i);
    await shot(page, "32-threads");
    await page.click("[data-tab=handles]");
    await page.waitForSelector("#handles table");
    await shot(page, "33-handles");
    await page.click("[data-tab=modules]");
    await page.waitForSelector("#modules table");
    const mods = await page.textContent("#modules");
    assert.match(mods, /threads\.exe/i);
    assert.match(mods, /kernel32\.dll/i);
    await shot(page, "34-modules");
    await page.click("[data-tab=debugger]");
    await page.waitForSelector("#disasm .cur");
    assert.match(await page.textContent("#regs"), /EFLAGS\s+[0-9A-F]{8}/i);
    await page.fill("#hex-addr", "400000");
    await page.click("#hex-go");
    await page.waitForFunction(() => /^00400000 {2}4d 5a/m.test(document.querySelector("#hex").textContent));
    await shot(page, "35-debugger");
    // Run to the end: several threads, the trace and its filters, the timeline up to main and the exit code.
    await page.click("#btn-run");
    await page.waitForSelector(exited, { timeout: 60_000 });
    assert.equal(await page.evaluate(() => document.body.dataset.exitCode), "0");
    const tl = await page.textContent("#timeline");
    assert.match(tl, /the C runtime calls _?main at 0x[0-9A-F]{8}/, "main, by symbol, with its address");
    assert.match(tl, /0x00400000/, "image mapped at its base");
    assert.match(tl, /thread/);
    assert.match(tl, /exit/);
    await shot(page, "36-timeline");
    await page.click("[data-tab=trace]");
    const all = await page.textContent("#trace-count");
    await page.fill("#f-func", "CreateThread");
    await page.waitForFunction((a) => document.querySelector("#trace-count").textContent !== a, all);
    const rows = await page.locator("#trace tbody tr").count();
    assert.ok(rows >= 4, `${rows} CreateThread rows`);
    assert.ok(await page.$$eval("#trace tbody tr", (trs) => trs.every((tr) => /CreateThread/.test(tr.textContent))));
    await page.fill("#f-func", "");
    await page.fill("#f-dll", "msvcrt");
    await page.waitForFunction(() => [...document.querySelectorAll("#trace tbody tr")].every((tr) => /msvcrt/i.test(tr.textContent)));
    await page.fill("#f-dll", "");
    const worker = /thread (\d+) created at/.exec(tl)[1];
    await page.fill("#f-tid", worker);
    await page.waitForFunction((tid) => {
      const rows = [...document.querySelectorAll("#trace tbody tr")];
      return rows.length > 0 && rows.every((tr) => tr.cells[2].textContent === tid);
    }, worker);
    await shot(page, "37-trace");
    await page.click("[data-tab=memory]");
    assert.match(await page.textContent("#memory-map"), /process has ended/);
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test("offline: the served page and the single-file build make no request beyond the page itself", async () => {
    const page = await newPage(env);
    await page.selectOption("#samples", "hello.exe");
    await page.waitForSelector(exited, { timeout: 30_000 });
    for (const tab of ["pe", "console", "trace", "debugger", "memory", "threads", "handles", "modules"]) await page.click(`[data-tab=${tab}]`);
    await page.close();
    const file = await newPage(env, pathToFileURL(join(dist, "peek32-standalone.html")).href);
    const requests = [];
    file.on("request", (r) => requests.push(r.url()));
    await file.selectOption("#samples", "loadlib.exe");
    await file.waitForSelector(exited, { timeout: 30_000 });
    assert.match(await file.evaluate(() => window.peek32.consoleText()), /LoadLibrary: ok/, "a sample with its DLL, inlined");
    assert.deepEqual(requests.filter((u) => !/^(data|blob|file):/.test(u)), [], "standalone requests");
    await file.close();
    assert.deepEqual(foreign, [], "requests to anything but the local server");
  });
});
