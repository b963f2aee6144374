// bench.mjs: the page's figures (a script that prints numbers, not a timed test).
//   node scripts/bench.mjs --dist dist      (./build.sh bench builds first)
// Prints: wasm size raw and gzip; page load to ready (median of 3, Chromium, fresh profile); drop to first
// instruction and MIPS in the worker (a spinning guest run for ~3 s) when this build can run programs.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { chromium } from "playwright-core";
import { serve } from "./serve.mjs";

const i = process.argv.indexOf("--dist");
const dist = i > 0 ? process.argv[i + 1] : "dist";
const root = new URL("..", import.meta.url).pathname;

const wasm = readFileSync(join(dist, "peek32.wasm"));
const kib = (n) => (n / 1024).toFixed(0) + " KiB";
console.log(`wasm size:            ${kib(wasm.length)} raw, ${kib(gzipSync(wasm, { level: 9 }).length)} gzip`);
const app = readFileSync(join(dist, "app.js"));
console.log(`app.js size:          ${kib(app.length)} raw, ${kib(gzipSync(app, { level: 9 }).length)} gzip`);
console.log(`standalone html size: ${kib(readFileSync(join(dist, "peek32-standalone.html")).length)}`);

const { server, url } = await serve(dist, 0);
const profile = mkdtempSync(join(tmpdir(), "peek32-bench-"));
const ctx = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.PEEK32_CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});
try {
  const times = [];
  let page;
  for (let k = 0; k < 3; k++) {
    if (page) await page.close();
    page = await ctx.newPage();
    await page.goto(url);
    await page.waitForSelector("body[data-ready='1']", { timeout: 60_000 });
    times.push(await page.evaluate(() => performance.now()));
  }
  times.sort((a, b) => a - b);
  console.log(`page load to ready:   ${times[1].toFixed(0)} ms (median of 3; navigation start to API ready)`);

  const canRun = await page.evaluate(() => ["boot", "addFile", "createProcess", "run"].every((m) => window.peek32.client.available(m)));
  if (!canRun) {
    console.log("drop to first insn:   n/a (this build cannot run programs yet)");
    console.log("MIPS in the worker:   n/a (this build cannot run programs yet)");
  } else {
    const spin = join(root, "testdata/guest/bin/spin.exe");
    await page.setInputFiles("#open", { name: "spin.exe", mimeType: "application/octet-stream", buffer: readFileSync(spin) });
    await page.waitForFunction(() => window.peek32.dropToFirstInstructionMs > 0, null, { timeout: 60_000 });
    const first = await page.evaluate(() => window.peek32.dropToFirstInstructionMs);
    console.log(`drop to first insn:   ${first.toFixed(0)} ms`);
    await page.waitForTimeout(3000);
    const mips = await page.textContent("#stat-mips");
    const count = await page.textContent("#stat-count");
    await page.click("#btn-pause");
    console.log(`MIPS in the worker:   ${mips} (spin.exe, ${count} instructions in ~3 s)`);
  }
} finally {
  await ctx.close();
  server.close();
  rmSync(profile, { recursive: true, force: true });
}
