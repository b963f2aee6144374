// run.mjs: the JS API from Node — inspect a program, then (when this build can run programs) run it in a
// fresh machine and print its console output and exit code.
//   ./build.sh build && node site/examples/run.mjs path/to/program.exe [arguments...]
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { Peek32 } from "../peek32.js";

const [file, ...args] = process.argv.slice(2);
if (!file) {
  console.error("usage: node site/examples/run.mjs program.exe [arguments...]");
  process.exit(2);
}
const dist = new URL("../../dist/", import.meta.url).pathname;
const p = await Peek32.create({ wasmPath: dist + "peek32.wasm", wasmExecPath: dist + "wasm_exec.js" });
try {
  const bytes = readFileSync(file);
  const report = await p.inspect(bytes);
  console.log(`${basename(file)}: ${report.format}, ${report.verdict}`);
  for (const s of report.sections || []) console.log(`  section ${s.name.padEnd(8)} entropy ${s.entropy.toFixed(2)}`);

  if (report.runnable && ["boot", "addFile", "createProcess", "run"].every((m) => p.available(m))) {
    await p.boot({ traceAPI: false });
    const name = basename(file);
    await p.addFile(`C:\\${name}`, bytes);
    p.on("event", (e) => {
      if (e.kind === "console") process.stdout.write(e.data);
    });
    const proc = await p.createProcess([`C:\\${name}`, ...args].join(" "));
    const { state } = await p.run({ maxInstructions: 2_000_000_000 });
    console.log(`process ${proc.pid}: ${state.status}, exit code ${state.exit_code}`);
  }
} catch (e) {
  console.error(`error (${e.kind || "?"}): ${e.message}`);
  process.exitCode = 1;
} finally {
  p.terminate();
}
