// AISIX derives each file entry's id deterministically: UUIDv5 over "<kind>/<identity>" in a
// fixed namespace (aisix-behavior.md §1.2). Used to resolve a raw `provider_key_id` and by the
// compatibility tests that desugar our files to AISIX's canonical form.
import { createHash } from 'node:crypto';

const URL_NAMESPACE = '6ba7b811-9dad-11d1-80b4-00c04fd430c8';
const RESOURCES_NAMESPACE = uuidV5(URL_NAMESPACE, 'https://github.com/api7/aisix#resources-file');

/** e.g. `deriveResourceId('models', 'gpt-4o')` → `6efd592d-a73b-573d-8e2c-e9e103692f92` */
export function deriveResourceId(kind: string, identity: string): string {
  return uuidV5(RESOURCES_NAMESPACE, `${kind}/${identity}`);
}

function uuidV5(namespace: string, name: string): string {
  const ns = Buffer.from(namespace.replaceAll('-', ''), 'hex');
  const bytes = createHash('sha1').update(ns).update(name, 'utf8').digest().subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
