// The peer: Portkey's gateway from npm, installed into bench/.work (gitignored, never into the
// project's node_modules) and patched there, visibly, in two places:
//
//  1. STREAMING FIX (Portkey issues #1389 / #1550, the change proposed in its PR #1551).
//     On Node 20 with the @hono/node-server it now pulls in (> 1.14.2), every streamed
//     /v1/responses call fails with `TypeError: immutable`: ResponseService.create() appends
//     x-portkey-* headers to a Response whose headers are immutable. The patch copies such a
//     streamed, already-mapped response into a new Response (same status, headers, body stream)
//     before the headers are appended, as PR #1551 does. Nothing else in its path changes.
//  2. LOOPBACK ONLY. start-server.js calls serve({fetch, port}) with no hostname, so it listens on
//     every interface; the patch adds hostname "127.0.0.1".
//
// Each patch is a literal string replacement that must match exactly once; if the published
// code changed, the bench says so and runs the peer unpatched (streaming rows then show errors).
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const PEER_PACKAGE = '@portkey-ai/gateway';

const PATCHES = [
  {
    name: 'stream-immutable-headers (Portkey #1389/#1550, as in PR #1551)',
    marker: '/*aisix-bench:stream-fix*/',
    find: 'this.updateHeaders(i,n.cacheStatus,o),{response:i',
    replace:
      '/*aisix-bench:stream-fix*/(r&&this.context.isStreaming&&(i=new Response(i.body,{status:i.status,statusText:i.statusText,headers:new Headers(i.headers)})),this.updateHeaders(i,n.cacheStatus,o)),{response:i',
  },
  {
    name: 'listen on 127.0.0.1 only',
    marker: '/*aisix-bench:loopback*/',
    find: 'e({fetch:Lu.fetch,port:Ku})',
    replace: 'e({fetch:Lu.fetch,port:Ku,hostname:"127.0.0.1"/*aisix-bench:loopback*/})',
  },
];

/**
 * Installs (if needed) and patches the peer. Resolves to
 * { ok, version, entry, patches: [{name, applied, note}], reason }.
 */
export async function preparePeer(workDir, log) {
  const pkgDir = join(workDir, 'node_modules', ...PEER_PACKAGE.split('/'));
  const entry = join(pkgDir, 'build', 'start-server.js');
  if (!existsSync(entry)) {
    log(`peer: npm install --no-save --prefix ${workDir} ${PEER_PACKAGE}`);
    try {
      await run('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', workDir, PEER_PACKAGE], { timeout: 240_000, maxBuffer: 16 << 20 });
    } catch (err) {
      const why = (err.stderr || err.message || String(err)).trim().split('\n').slice(-4).join(' | ');
      return { ok: false, reason: `npm install ${PEER_PACKAGE} failed: ${why}` };
    }
    if (!existsSync(entry)) return { ok: false, reason: `npm install ${PEER_PACKAGE} did not produce ${entry}` };
  }
  const version = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')).version;
  let hono = '?';
  try {
    hono = JSON.parse(readFileSync(join(workDir, 'node_modules', '@hono', 'node-server', 'package.json'), 'utf8')).version;
  } catch {
    // reported as '?'
  }
  let code = readFileSync(entry, 'utf8');
  const patches = [];
  for (const patch of PATCHES) {
    if (code.includes(patch.marker)) {
      patches.push({ name: patch.name, applied: true, note: 'already applied' });
      continue;
    }
    const count = code.split(patch.find).length - 1;
    if (count !== 1) {
      patches.push({ name: patch.name, applied: false, note: `pattern found ${count} times (published code changed?): not applied` });
      continue;
    }
    code = code.replace(patch.find, patch.replace);
    patches.push({ name: patch.name, applied: true, note: 'applied' });
  }
  writeFileSync(entry, code);
  return { ok: true, version, hono, entry, patches };
}
