#!/usr/bin/env node
// Build a small TUF 1.0 repository (consistent snapshots, hash-prefixed
// targets, one delegated role) with @tufjs/models and node:crypto only.
//
//   node make-repository.mjs --out DIR [--tamper KIND]
//
// KIND: target-hash | targets-signature | snapshot-version |
//       expired-timestamp | bad-expires
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  Key, MetaFile, Metadata, Root, Signature, Snapshot, TargetFile, Targets, Timestamp,
} from '@tufjs/models';

const TAMPER_KINDS = [
  'target-hash', 'targets-signature', 'snapshot-version', 'expired-timestamp', 'bad-expires',
];

const DAY_MS = 24 * 60 * 60 * 1000;
// TUF wants "YYYY-MM-DDTHH:MM:SSZ" (no fractional seconds).
const isoSeconds = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const sha256 = (data) => crypto.createHash('sha256').update(data).digest('hex');

// Minimal canonical JSON (OLPC style, as used by TUF) for key-ID computation.
// @tufjs/models does not export its canonicalize helper; key objects only hold
// strings, so this is enough (Metadata.sign does the real canonicalization).
function canonical(value) {
  if (typeof value === 'string') return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${canonical(k)}:${canonical(value[k])}`).join(',')}}`;
  }
  return String(value); // integers, booleans, null
}

// One Ed25519 key: a @tufjs/models Key (public part) plus a signer callback
// suitable for Metadata.sign().
function newKey() {
  const { publicKey, privateKey } = crypto.generateKeyPairSync('ed25519');
  const publicHex = Buffer.from(publicKey.export({ format: 'jwk' }).x, 'base64url').toString('hex');
  const keyJSON = { keytype: 'ed25519', scheme: 'ed25519', keyval: { public: publicHex } };
  const keyID = sha256(canonical(keyJSON));
  const key = Key.fromJSON(keyID, keyJSON);
  const signer = (bytes) =>
    new Signature({ keyID, sig: crypto.sign(null, bytes, privateKey).toString('hex') });
  return { key, signer };
}

function signed(signedPart, signerKey) {
  const md = new Metadata(signedPart);
  md.sign(signerKey.signer);
  return md;
}

const serialize = (md) => Buffer.from(JSON.stringify(md.toJSON()));

function targetFile(name, content) {
  return new TargetFile({ path: name, length: content.length, hashes: { sha256: sha256(content) } });
}

function buildRepository(outDir, tamper) {
  const now = Date.now();
  const expires = isoSeconds(now + 365 * DAY_MS);
  const keys = Object.fromEntries(
    ['root', 'targets', 'snapshot', 'timestamp', 'product-a'].map((r) => [r, newKey()]),
  );

  // Target contents.
  const contents = {
    'hello.txt': Buffer.from('hello lifeline\n'),
    'dir/data.bin': Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 7 + 3) & 0xff)),
    'product-a/update.cab': Buffer.from('update payload\n'),
  };

  // root v1
  const root = new Root({ version: 1, expires, consistentSnapshot: true });
  for (const role of ['root', 'targets', 'snapshot', 'timestamp']) root.addKey(keys[role].key, role);
  const rootMd = signed(root, keys.root);

  // top-level targets with one delegation. Delegations/DelegatedRole are not
  // exported by @tufjs/models, so the delegation is built through fromJSON.
  const targets = Targets.fromJSON({
    _type: 'targets',
    spec_version: root.specVersion,
    version: 1,
    expires: tamper === 'bad-expires' ? '2030-01-01' : expires,
    targets: {},
    delegations: {
      keys: { [keys['product-a'].key.keyID]: keys['product-a'].key.toJSON() },
      roles: [{
        name: 'product-a',
        keyids: [keys['product-a'].key.keyID],
        threshold: 1,
        terminating: false,
        paths: ['product-a/*'],
      }],
    },
  });
  targets.addTarget(targetFile('hello.txt', contents['hello.txt']));
  targets.addTarget(targetFile('dir/data.bin', contents['dir/data.bin']));
  const targetsMd = signed(targets, keys.targets);
  if (tamper === 'targets-signature') {
    const sig = targetsMd.signatures[keys.targets.key.keyID];
    const raw = Buffer.from(sig.sig, 'hex');
    raw[0] ^= 0x01;
    sig.sig = raw.toString('hex');
  }

  // delegated role product-a
  const productA = new Targets({ version: 1, expires });
  productA.addTarget(targetFile('product-a/update.cab', contents['product-a/update.cab']));
  const productAMd = signed(productA, keys['product-a']);

  // snapshot v1: versions only
  const snapshot = new Snapshot({
    version: 1,
    expires,
    meta: {
      'targets.json': new MetaFile({ version: 1 }),
      'product-a.json': new MetaFile({ version: 1 }),
    },
  });
  const snapshotBytes = serialize(signed(snapshot, keys.snapshot));

  // timestamp: version, length and sha256 of the snapshot
  const timestamp = new Timestamp({
    version: 1,
    expires: tamper === 'expired-timestamp' ? isoSeconds(now - DAY_MS) : expires,
    snapshotMeta: new MetaFile({
      version: tamper === 'snapshot-version' ? 2 : 1,
      length: snapshotBytes.length,
      hashes: { sha256: sha256(snapshotBytes) },
    }),
  });
  const timestampBytes = serialize(signed(timestamp, keys.timestamp));

  // Write metadata.
  const metaDir = path.join(outDir, 'metadata');
  fs.mkdirSync(metaDir, { recursive: true });
  const rootBytes = serialize(rootMd);
  const write = (name, bytes) => fs.writeFileSync(path.join(metaDir, name), bytes);
  write('1.root.json', rootBytes);
  write('root.json', rootBytes);
  write('1.targets.json', serialize(targetsMd));
  write('1.product-a.json', serialize(productAMd));
  write('1.snapshot.json', snapshotBytes);
  write('timestamp.json', timestampBytes);

  // Write targets as <dir>/<sha256>.<basename>.
  for (const [name, content] of Object.entries(contents)) {
    const { dir, base } = path.posix.parse(name);
    const file = path.join(outDir, 'targets', dir, `${sha256(content)}.${base}`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    let data = content;
    if (tamper === 'target-hash' && name === 'hello.txt') {
      data = Buffer.from(content);
      data[0] ^= 0x20; // 'h' -> 'H', same length, name kept
    }
    fs.writeFileSync(file, data);
  }

  return { root: path.resolve(metaDir, '1.root.json'), targets: Object.keys(contents) };
}

function main() {
  const { values } = parseArgs({
    options: { out: { type: 'string' }, tamper: { type: 'string' } },
  });
  if (!values.out) throw new Error('usage: node make-repository.mjs --out DIR [--tamper KIND]');
  if (values.tamper !== undefined && !TAMPER_KINDS.includes(values.tamper)) {
    throw new Error(`unknown --tamper ${values.tamper}; expected one of ${TAMPER_KINDS.join(', ')}`);
  }
  const summary = buildRepository(values.out, values.tamper);
  process.stdout.write(`${JSON.stringify(summary)}\n`);
}

try {
  main();
} catch (err) {
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
}
