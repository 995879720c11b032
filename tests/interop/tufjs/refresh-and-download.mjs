#!/usr/bin/env node
// tuf-js client: refresh metadata from a TUF repository and download targets.
//
//   node refresh-and-download.mjs --metadata-url URL --targets-url URL \
//     --root FILE --metadata-dir DIR --target-dir DIR --target NAME [--target NAME ...]
//
// Prints one JSON line per downloaded target:
//   {"target": NAME, "length": N, "sha256": HEX}
// Exit 0 on success; exit 1 with the error message on stderr on any failure.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Updater } from 'tuf-js';

const USAGE = 'usage: node refresh-and-download.mjs --metadata-url URL --targets-url URL '
  + '--root FILE --metadata-dir DIR --target-dir DIR --target NAME [--target NAME ...]';

async function main() {
  const { values } = parseArgs({
    options: {
      'metadata-url': { type: 'string' },
      'targets-url': { type: 'string' },
      root: { type: 'string' },
      'metadata-dir': { type: 'string' },
      'target-dir': { type: 'string' },
      target: { type: 'string', multiple: true },
    },
  });
  for (const name of ['metadata-url', 'targets-url', 'root', 'metadata-dir', 'target-dir', 'target']) {
    if (!values[name]) throw new Error(`missing --${name}\n${USAGE}`);
  }
  const metadataDir = path.resolve(values['metadata-dir']);
  const targetDir = path.resolve(values['target-dir']);
  fs.mkdirSync(metadataDir, { recursive: true });
  fs.mkdirSync(targetDir, { recursive: true });
  // The trusted root must be present locally as root.json before the Updater is created.
  fs.copyFileSync(values.root, path.join(metadataDir, 'root.json'));

  const updater = new Updater({
    metadataBaseUrl: values['metadata-url'],
    targetBaseUrl: values['targets-url'],
    metadataDir,
    targetDir,
    // consistent snapshots: targets are fetched as <dir>/<hash>.<basename>
    config: { prefixTargetsWithHash: true },
  });
  await updater.refresh();

  for (const name of values.target) {
    const info = await updater.getTargetInfo(name);
    if (!info) throw new Error(`target not found in TUF metadata: ${name}`);
    const dest = path.resolve(targetDir, name);
    if (!dest.startsWith(targetDir + path.sep)) throw new Error(`unsafe target path: ${name}`);
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    await updater.downloadTarget(info, dest);
    const data = fs.readFileSync(dest);
    const sha256 = crypto.createHash('sha256').update(data).digest('hex');
    process.stdout.write(`${JSON.stringify({ target: name, length: data.length, sha256 })}\n`);
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`${err?.constructor?.name ?? 'Error'}: ${err?.message ?? err}\n`);
    process.exit(1);
  },
);
