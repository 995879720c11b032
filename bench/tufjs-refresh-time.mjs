// tuf-js 5.0.1 doing the same device refresh as refresh_bench: refresh() and getTargetInfo()
// from an empty metadata directory, timed in-process (Node start-up excluded). Prints the median in ms.
import { mkdtempSync, rmSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Updater } from 'tuf-js';

const [base, rootFile, target, runsText] = process.argv.slice(2);
const runs = Number(runsText ?? 10);
const times = [];
for (let run = 0; run < runs; run++) {
  const dir = mkdtempSync(join(tmpdir(), 'tufjs-bench-'));
  copyFileSync(rootFile, join(dir, 'root.json'));
  const start = process.hrtime.bigint();
  const updater = new Updater({ metadataBaseUrl: `${base}/metadata/`, targetBaseUrl: `${base}/targets/`, metadataDir: dir, targetDir: dir });
  await updater.refresh();
  const info = await updater.getTargetInfo(target);
  times.push(Number(process.hrtime.bigint() - start) / 1e6);
  rmSync(dir, { recursive: true, force: true });
  if (!info) { console.error(`no target ${target}`); process.exit(1); }
}
times.sort((a, b) => a - b);
console.log(times[Math.floor(times.length / 2)].toFixed(2));
