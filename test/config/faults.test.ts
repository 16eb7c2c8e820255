// `proxy.faults`, `proxy.fault_header`, `proxy.faults_seed` and `proxy.tape_ignore_fields`
// (DESIGN.md §12): what a valid file loads into, and every mistake in a rule reported at its
// line:col — one fault kind per rule, `retry_after_s` only with `status`, ranges, globs with one
// `*`, names that match nothing (a warning), unknown fields — plus the JSON Schema's view of them.
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { buildJsonSchema } from '../../src/config/json-schema.js';
import { HEADER, issueLines, load, loaded, yaml } from './helpers.js';

const FILE = (proxy: string): string => `${HEADER}proxy:\n${proxy}${yaml`
  provider_keys:
    - { display_name: up, provider: openai, api_key: sk-test, api_base: "http://127.0.0.1:9/v1" }
  models:
    - { display_name: chat, provider: openai, model_name: gpt-4o-mini, provider_key: up }
    - { display_name: "openai/*", provider: openai, model_name: "*", provider_key: up }
  api_keys:
    - { display_name: dev, key_env: DEV_KEY, allowed_models: ["*"] }
`}`;
const ENV = { DEV_KEY: 'sk-dev-caller' };

describe('proxy.faults', () => {
  it('loads every kind, with rate 1 and at: client by default', () => {
    const config = loaded(load(FILE(yaml`
      faults:
        - match: { alias: chat, caller: dev }
          rate: 0.25
          at: upstream
          fault: { status: 503, retry_after_s: 30 }
        - fault: { status: 429 }
        - match: { alias: "openai/gpt-*" }
          fault: { delay_ms: 1500 }
        - fault: { cut_after_events: 3 }
        - fault: { reset_after_events: 0 }
        - fault: { stall_ms: 5000 }
        - fault: { malformed: true }
      fault_header: true
      faults_seed: 7
    `.replace(/^(?=.)/gm, '  ')), ENV));
    expect(config.proxy.faults).toEqual([
      { alias: 'chat', caller: 'dev', rate: 0.25, at: 'upstream', fault: { kind: 'status', status: 503, retryAfterS: 30 } },
      { alias: null, caller: null, rate: 1, at: 'client', fault: { kind: 'status', status: 429, retryAfterS: null } },
      { alias: 'openai/gpt-*', caller: null, rate: 1, at: 'client', fault: { kind: 'delay', ms: 1500 } },
      { alias: null, caller: null, rate: 1, at: 'client', fault: { kind: 'cut', afterEvents: 3 } },
      { alias: null, caller: null, rate: 1, at: 'client', fault: { kind: 'reset', afterEvents: 0 } },
      { alias: null, caller: null, rate: 1, at: 'client', fault: { kind: 'stall', ms: 5000 } },
      { alias: null, caller: null, rate: 1, at: 'client', fault: { kind: 'malformed' } },
    ]);
    expect(config.proxy.faultHeader).toBe(true);
    expect(config.proxy.faultsSeed).toBe(7);
  });

  it('defaults to no faults, no header and a random seed', () => {
    const { proxy } = loaded(load(FILE('  addr: 127.0.0.1:3000\n'), ENV));
    expect([proxy.faults, proxy.faultHeader, proxy.faultsSeed]).toEqual([[], false, null]);
  });

  it('reports each mistake at its line:col', () => {
    const result = load(FILE(yaml`
      faults:
        - match: { alias: "a*b*", caller: nobody }
          rate: 2
          fault: { status: 503, delay_ms: 4 }
        - fault: { retry_after_s: 3 }
        - rate: 1
        - fault: { malformed: false, bogus: 1 }
        - fault: { status: 200 }
        - match: { alias: nothing-here }
          at: later
          fault: { stall_ms: 0 }
        - match: { model: chat }
          fault: { status: 500 }
      faults_seed: -1
    `.replace(/^(?=.)/gm, '  ')), ENV);
    expect(issueLines(result)).toEqual([
      '4:23 error proxy: field `faults[0].match.alias` "a*b*" has 2 `*`; a glob may contain exactly one',
      '4:39 warning proxy: field `faults[0].match.caller` "nobody" names no api key of this file: the rule never fires',
      '5:13 error proxy: field `faults[0].rate` must be a number from 0 to 1, got 2',
      '6:14 error proxy: field `faults[0].fault` sets `status` and `delay_ms`: a fault is exactly one of `status`, `delay_ms`, `cut_after_events`, `reset_after_events`, `stall_ms` or `malformed: true`',
      '7:14 error proxy: field `faults[1].fault` `retry_after_s` goes with `status` (the Retry-After header of the injected error)',
      '8:7 error proxy: field `faults[2].fault` is required',
      '9:14 error proxy: field `faults[3].fault` names no fault (`malformed: false` injects nothing): set one of `status`, `delay_ms`, `cut_after_events`, `reset_after_events`, `stall_ms` or `malformed: true`',
      '9:34 error proxy: unknown field `faults[3].fault.bogus` (known fields: status, retry_after_s, delay_ms, cut_after_events, reset_after_events, stall_ms, malformed)',
      '10:24 error proxy: field `faults[4].fault.status` must be an integer from 400 to 599, got 200',
      '11:23 warning proxy: field `faults[5].match.alias` "nothing-here" names no model of this file: the rule never fires',
      '12:11 error proxy: field `faults[5].at` must be one of `client`, `upstream`, got `later`',
      '13:26 error proxy: field `faults[5].fault.stall_ms` must be a positive integer (milliseconds), got 0',
      '14:16 error proxy: unknown field `faults[6].match.model` (known fields: alias, caller)',
      '16:16 error proxy: field `faults_seed` must be an integer from 0 to 4294967295, got -1',
    ]);
  });

  it('accepts a name a wildcard model serves, and globs, without a warning', () => {
    const result = load(FILE(yaml`
      faults:
        - { match: { alias: openai/gpt-4o }, fault: { status: 500 } }
        - { match: { alias: "*", caller: "d*" }, fault: { status: 500 } }
    `.replace(/^(?=.)/gm, '  ')), ENV);
    expect(issueLines(result)).toEqual([]);
  });
});

describe('proxy.tape_ignore_fields', () => {
  it("defaults to DESIGN §12's list; a written list replaces it", () => {
    expect(loaded(load(FILE('  addr: 127.0.0.1:3000\n'), ENV)).proxy.tapeIgnoreFields).toEqual(['prompt_cache_key', 'safety_identifier', 'user', 'metadata.user_id', 'client_metadata']);
    expect(loaded(load(FILE('  tape_ignore_fields: [temperature, metadata.trace.id]\n'), ENV)).proxy.tapeIgnoreFields).toEqual(['temperature', 'metadata.trace.id']);
    expect(loaded(load(FILE('  tape_ignore_fields: []\n'), ENV)).proxy.tapeIgnoreFields).toEqual([]);
  });

  it('refuses paths that are not dotted field names', () => {
    expect(issueLines(load(FILE('  tape_ignore_fields: [user, "metadata..x", ".user", ""]\n'), ENV))).toEqual([
      '3:30 error proxy: field `tape_ignore_fields[1]` must be a dotted path of body fields such as `metadata.user_id`, got "metadata..x"',
      '3:45 error proxy: field `tape_ignore_fields[2]` must be a dotted path of body fields such as `metadata.user_id`, got ".user"',
      '3:54 error proxy: field `tape_ignore_fields[3]` must be a non-empty string',
    ]);
  });
});

describe('aisix.schema.json for faults and tapes', () => {
  const ajv = new Ajv({ strict: true, allowUnionTypes: true, allErrors: true });
  (addFormatsModule as unknown as (a: Ajv) => void)(ajv);
  const validate = ajv.compile(buildJsonSchema());
  const doc = (proxy: object): object => ({ _format_version: '1', proxy });

  it('describes rules, the header switch, the seed and the ignore list', () => {
    expect(validate(doc({ faults: [{ match: { alias: 'a' }, rate: 0.5, at: 'upstream', fault: { status: 503, retry_after_s: 1 } }], fault_header: true, faults_seed: 3, tape_ignore_fields: ['user'] })), ajv.errorsText(validate.errors)).toBe(true);
    expect(validate(doc({ faults: [{ rate: 0.5 }] }))).toBe(false);
    expect(validate(doc({ faults: [{ fault: { status: 503 }, rate: 1.5 }] }))).toBe(false);
    expect(validate(doc({ faults: [{ fault: { stauts: 503 } }] }))).toBe(false);
    expect(validate(doc({ tape_ignore_fields: ['a..b'] }))).toBe(false);
  });
});
