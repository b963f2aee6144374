// harness.mjs: shared set-up for the page's end-to-end tests: a static server over dist/, Debian's Chromium
// driven by playwright-core (never a downloaded browser), guest programs compiled with MinGW at test time,
// and screenshots under tests/e2e/artifacts/.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { serve } from "../../scripts/serve.mjs";

const here = dirname(fileURLToPath(import.meta.url));
export const root = join(here, "..", "..");
export const dist = process.env.PEEK32_DIST || join(root, "dist");
export const artifacts = join(here, "artifacts");
export const CHROMIUM = process.env.PEEK32_CHROMIUM || "/usr/bin/chromium";
const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
  "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"];

/** open starts the server and a browser with a fresh profile; close() undoes both. */
export async function open() {
  if (!existsSync(join(dist, "index.html"))) throw new Error(`${dist}/index.html missing: run ./build.sh build`);
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} missing: run ./build.sh test deps`);
  mkdirSync(artifacts, { recursive: true });
  const { server, url } = await serve(dist, 0);
  const profile = mkdtempSync(join(tmpdir(), "peek32-e2e-"));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, args: FLAGS, viewport: { width: 1400, height: 900 }, acceptDownloads: true,
  });
  return {
    url, ctx,
    async close() {
      await ctx.close();
      await new Promise((r) => server.close(r));
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** newPage opens the page, collects console errors and dialogs (an alert() would be a script injection). */
export async function newPage(env, url = env.url) {
  const page = await env.ctx.newPage();
  page.errors = [];
  page.dialogs = [];
  page.on("pageerror", (e) => page.errors.push(String(e)));
  page.on("dialog", (d) => {
    page.dialogs.push(d.message());
    d.dismiss().catch(() => {});
  });
  await page.goto(url);
  await page.waitForSelector("body[data-ready='1']", { timeout: 30_000 });
  return page;
}

export function shot(page, name) {
  return page.screenshot({ path: join(artifacts, name + ".png"), fullPage: false });
}

/**
 * guest builds tests/e2e/fixtures/NAME.c into an .exe once (MinGW i686) and returns its path. The raw_*
 * fixtures are linked without a C runtime (entry _start, kernel32 only).
 */
export function guest(name) {
  const src = join(here, "fixtures", name + ".c");
  const out = join(artifacts, "bin", name + ".exe");
  const newest = Math.max(statSync(src).mtimeMs, statSync(join(here, "fixtures", "raw.h")).mtimeMs);
  if (!existsSync(out) || statSync(out).mtimeMs < newest) {
    mkdirSync(dirname(out), { recursive: true });
    const raw = name.startsWith("raw_") ? ["-nostdlib", "-e", "__start", "-lkernel32"] : [];
    execFileSync("i686-w64-mingw32-gcc", ["-O1", "-s", "-o", out, src, ...raw]);
  }
  return out;
}

/** methods returns the API's method table as the page's client sees it. */
export function available(page, ...names) {
  return page.evaluate((names) => names.every((n) => window.peek32.client.available(n)), names);
}

/** dropFiles dispatches a real drop event with files on the page (the drop zone covers the whole page). */
export async function dropFiles(page, files) {
  await page.evaluate((files) => {
    const dt = new DataTransfer();
    for (const f of files) dt.items.add(new File([new Uint8Array(f.bytes)], f.name));
    document.body.dispatchEvent(new DragEvent("dragenter", { dataTransfer: dt, bubbles: true }));
    document.body.dispatchEvent(new DragEvent("drop", { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, files.map((f) => ({ name: f.name, bytes: [...f.bytes] })));
}
