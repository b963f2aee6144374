// serve.mjs: a tiny static file server for dist/ on 127.0.0.1 (used by ./build.sh serve and the e2e tests).
//   node scripts/serve.mjs --dir dist [--port 8032]   (port 0 picks a free port; if the port is taken, the next ones are tried)
// Exported: serve(dir, port) -> Promise<{server, url}>.
import { createReadStream, statSync } from "node:fs";
import { createServer } from "node:http";
import { extname, join, normalize, resolve, sep } from "node:path";
import { pathToFileURL } from "node:url";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json",
  ".exe": "application/octet-stream",
  ".dll": "application/octet-stream",
  ".png": "image/png",
  ".svg": "image/svg+xml",
  ".txt": "text/plain; charset=utf-8",
};

export function serve(dir, port = 8032, tries = 20) {
  const root = resolve(dir);
  const server = createServer((req, res) => {
    let path;
    try {
      path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    } catch {
      res.writeHead(400).end("bad request");
      return;
    }
    if (path.endsWith("/")) path += "index.html";
    const file = normalize(join(root, path));
    if (file !== root && !file.startsWith(root + sep)) {
      res.writeHead(403).end("forbidden");
      return;
    }
    let st;
    try {
      st = statSync(file);
    } catch {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    if (!st.isFile()) {
      res.writeHead(404).end("not found");
      return;
    }
    res.writeHead(200, {
      "content-type": TYPES[extname(file).toLowerCase()] || "application/octet-stream",
      "content-length": st.size,
      "cache-control": "no-store",
    });
    if (req.method === "HEAD") res.end();
    else createReadStream(file).pipe(res);
  });
  return new Promise((ok, fail) => {
    const attempt = (p, left) => {
      server.once("error", (e) => (e.code === "EADDRINUSE" && left > 0 && p !== 0 ? attempt(p + 1, left - 1) : fail(e)));
      server.listen(p, "127.0.0.1", () => ok({ server, url: `http://127.0.0.1:${server.address().port}/` }));
    };
    attempt(port, tries);
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const arg = (name, def) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? process.argv[i + 1] : def;
  };
  const { url } = await serve(arg("--dir", "dist"), Number(arg("--port", "8032")));
  console.log(`peek32 is served at ${url}  (Ctrl-C stops)`);
}
