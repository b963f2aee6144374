// The page end to end in headless Chromium. Tests that need a part of the Go core that has not landed yet are
// skipped with the missing method named (the page itself then says "not available yet"; a test checks that too).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { after, before, describe, test } from "node:test";
import { available, dist, dropFiles, guest, newPage, open, shot } from "./harness.mjs";

describe("peek32 page", () => {
  let env;
  before(async () => {
    env = await open();
  });
  after(() => env && env.close());

  test("loads the wasm in a worker and becomes ready", async () => {
    const page = await newPage(env);
    const status = await page.textContent("#status");
    assert.match(status, /^Ready/);
    const ms = await page.evaluate(() => window.peek32.readyMs);
    assert.ok(ms > 0 && ms < 30_000, `ready in ${ms} ms`);
    await shot(page, "01-ready");
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test("a file that is not a program gets a clear message", async () => {
    const page = await newPage(env);
    await page.setInputFiles("#open", { name: "notes.exe", mimeType: "application/octet-stream", buffer: Buffer.from("just some text, not a program\n") });
    if (await available(page, "inspect")) {
      await page.waitForSelector("#message:not([hidden])");
      const msg = await page.textContent("#message");
      assert.match(msg, /notes\.exe cannot run: .+/);
    } else {
      await page.waitForFunction(() => /not in this build yet/.test(document.querySelector("#pe-view").textContent));
    }
    await shot(page, "02-not-a-program");
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test("a 64-bit program gets a clear message instead of silence", async () => {
    const page = await newPage(env);
    const b = Buffer.from(readFileSync(guest("tiny")));
    const pe = b.readUInt32LE(0x3c);
    b.writeUInt16LE(0x8664, pe + 4); // machine AMD64
    b.writeUInt16LE(0x20b, pe + 24); // PE32+ optional header
    await page.setInputFiles("#open", { name: "wide.exe", mimeType: "application/octet-stream", buffer: b });
    await page.waitForSelector("#message:not([hidden])");
    assert.match(await page.textContent("#message"), /wide\.exe cannot run: .*64-bit/);
    assert.equal(await page.evaluate(() => document.body.dataset.state || ""), "", "nothing was started");
    await shot(page, "05-64-bit");
    await page.close();
  });

  test("dropping a PE shows the PE view", async () => {
    const page = await newPage(env);
    const exe = readFileSync(guest("tiny"));
    await dropFiles(page, [{ name: "tiny.exe", bytes: exe }]);
    await page.waitForFunction(() => document.body.dataset.opened === "tiny.exe");
    const files = await page.textContent("#file-list");
    assert.match(files, /tiny\.exe/);
    if (await available(page, "inspect")) {
      await page.waitForFunction(() => /\.text/.test(document.querySelector("#pe-view").textContent));
      const pe = await page.textContent("#pe-view");
      assert.match(pe, /\.text/);
      assert.match(pe, /msvcrt\.dll|KERNEL32\.dll/i);
    } else {
      const pe = await page.textContent("#pe-view");
      assert.match(pe, /not in this build yet.*loader\.Inspect/);
    }
    await shot(page, "03-pe-view");
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test("the single-file build works from file://", async () => {
    const page = await newPage(env, pathToFileURL(join(dist, "peek32-standalone.html")).href);
    assert.match(await page.textContent("#status"), /^Ready/);
    await page.setInputFiles("#open", { name: "raw_xss.exe", mimeType: "application/octet-stream", buffer: readFileSync(guest("raw_xss")) });
    await page.waitForFunction(() => document.body.dataset.opened === "raw_xss.exe");
    if (await available(page, "boot", "createProcess", "run")) {
      await page.waitForSelector("body[data-state^='exited']", { timeout: 30_000 });
      assert.equal(await page.evaluate(() => document.body.dataset.exitCode), "3");
      assert.match(await page.evaluate(() => window.peek32.consoleText()), /<img src=x/);
    }
    // The bundled samples are inlined too.
    const samples = await page.locator("#samples option").count();
    assert.ok(samples > 1, `${samples - 1} samples`);
    if (await available(page, "boot", "createProcess", "run")) {
      await page.selectOption("#samples", "hello.exe");
      await page.waitForFunction(() => /Hello, World!/.test(window.peek32.consoleText()), null, { timeout: 30_000 });
    }
    await shot(page, "04-standalone");
    assert.deepEqual(page.errors, []);
    await page.close();
  });
});
