// A complete valid file loads into exactly the Config the other modules code against: AISIX
// field names mapped, defaults applied, key_env hashed, regex flags translated, deeply frozen.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { issueLines, load, loaded, yaml } from './helpers.js';

const FULL = yaml`
  _format_version: "1"
  proxy:
    addr: "[::1]:4000"
    request_body_limit_bytes: 0
    request_timeout_ms: 1000
    upstream_timeout_ms: 2000
    stream_idle_timeout_ms: 3000
    guardrail_buffer_bytes: 4096
    log_file: logs/requests.jsonl
    log_bodies: true
    shutdown_grace_ms: 0
    stream_guardrails: window
    stream_guardrail_window: 256
    capture_bodies: true
    capture_keep: 20
    capture_max_bytes: 4096
    budget_usd: 2.5
    allowed_origins: ["HTTPS://App.Example.com:443", "http://localhost:5173"]
  provider_keys:
    - display_name: up
      provider: openai
      api_key: \${UPSTREAM_KEY}
      request:
        forward_client_headers: ["X-Trace-*", "anthropic-beta"]
    - display_name: compat
      secret: plain-secret
      api_base: http://localhost:8080/v1
      adapter: openai
  models:
    - display_name: fast
      provider: openai
      model_name: gpt-4o-mini
      provider_key: up
      timeout: 0
      stream_timeout: 5000
      cost: { input_per_1k: 0.00015, output_per_1k: 0.0006 }
    - display_name: "openai/*"
      provider: openai
      model_name: "*"
      provider_key: compat
  api_keys:
    - display_name: dev
      key_env: CALLER_KEY
      allowed_models: ["*"]
      allowed_routes: ["*"]
    - display_name: ci
      key_hash: ${'a'.repeat(64)}
      allowed_models: [fast, "openai/gpt-*"]
      expires_at: 2099-01-02T03:04:05+02:00
      disabled: true
  guardrails:
    - name: words
      kind: keyword
      patterns:
        - { kind: literal, value: project falcon }
        - { kind: regex, value: '(?is)secret\s{1,3}plan' }
    - name: pii
      kind: pii
      enabled: false
      hook_point: output
      enforcement_mode: monitor
      default_action: block
      detectors: [{ type: email }, { type: us_ssn, action: mask }]
      custom_patterns:
        - { name: emp, regex: 'EMP-(\d+)', action: mask, replacement: '' }
      max_buffer_bytes: 1024
      on_buffer_exceeded: fail_open
  cache_policies:
    - { name: chat-cache, applies_to: "model:fast", ttl_seconds: 600 }
  guardrail_attachments:
    - { guardrail_id: words, scope_type: env, priority: 0 }
  passthrough_routes:
    - { name: files, path_prefix: /passthrough/openai, target_url: "https://api.openai.com/v1", provider_key: up }
`;

const ENV = { UPSTREAM_KEY: 'sk-upstream', CALLER_KEY: 'caller-plaintext' };

describe('a valid full file', () => {
  it('loads with no issues', () => {
    const result = load(FULL, ENV);
    expect(issueLines(result)).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.counts).toEqual({ providerKeys: 2, models: 2, apiKeys: 2, guardrails: 2 });
  });

  it('maps every field, with defaults where the file is silent', () => {
    const config = loaded(load(FULL, ENV));
    expect(config.path).toBe('aisix.yaml');
    expect(config.proxy).toEqual({
      addr: '[::1]:4000',
      host: '::1',
      port: 4000,
      requestBodyLimitBytes: 0,
      requestTimeoutMs: 1000,
      upstreamTimeoutMs: 2000,
      streamIdleTimeoutMs: 3000,
      upstreamRetries: 2,
      websocket: true,
      streamGuardrails: 'window',
      streamGuardrailWindow: 256,
      captureBodies: true,
      captureKeep: 20,
      captureMaxBytes: 4096,
      budgetUsd: 2.5,
      guardrailBufferBytes: 4096,
      logFile: 'logs/requests.jsonl',
      logBodies: true,
      shutdownGraceMs: 0,
      allowedOrigins: ['https://app.example.com', 'http://localhost:5173'],
      faults: [],
      faultHeader: false,
      faultsSeed: null,
      tapeIgnoreFields: ['prompt_cache_key', 'safety_identifier', 'user', 'metadata.user_id', 'client_metadata'],
    });
    expect(config.providerKeys).toEqual([
      { name: 'up', provider: 'openai', apiKey: 'sk-upstream', apiBase: null, adapter: null, forwardClientHeaders: ['x-trace-*', 'anthropic-beta'], stripHeaders: ['authorization', 'cookie', 'set-cookie', 'x-api-key'] },
      { name: 'compat', provider: '', apiKey: 'plain-secret', apiBase: 'http://localhost:8080/v1', adapter: 'openai', forwardClientHeaders: [], stripHeaders: ['authorization', 'cookie', 'set-cookie', 'x-api-key'] },
    ]);
    expect(config.models).toEqual([
      { name: 'fast', kind: 'direct', provider: 'openai', modelName: 'gpt-4o-mini', providerKey: 'up', wildcard: false, timeoutMs: 0, streamTimeoutMs: 5000, cost: { inputPer1k: 0.00015, outputPer1k: 0.0006 }, retries: null, cooldown: null, routing: null, rateLimit: null },
      { name: 'openai/*', kind: 'direct', provider: 'openai', modelName: '*', providerKey: 'compat', wildcard: true, timeoutMs: null, streamTimeoutMs: null, cost: null, retries: null, cooldown: null, routing: null, rateLimit: null },
    ]);
  });

  it('hashes key_env values and keeps key_hash, expiry and disabled', () => {
    const config = loaded(load(FULL, ENV));
    const sha = createHash('sha256').update('caller-plaintext').digest('hex');
    expect(config.apiKeys).toEqual([
      { name: 'dev', keyHash: sha, keyEnv: 'CALLER_KEY', allowedModels: ['*'], expiresAt: null, disabled: false, rateLimit: null, allowedRoutes: ['*'] },
      { name: 'ci', keyHash: 'a'.repeat(64), keyEnv: null, allowedModels: ['fast', 'openai/gpt-*'], expiresAt: Date.UTC(2099, 0, 2, 1, 4, 5), disabled: true, rateLimit: null, allowedRoutes: [] },
    ]);
  });

  it('translates guardrails, with Rust-style regex flags as JavaScript flags', () => {
    const config = loaded(load(FULL, ENV));
    expect(config.guardrails).toEqual([
      {
        name: 'words',
        kind: 'keyword',
        enabled: true,
        hookPoint: 'both',
        mode: 'block',
        patterns: [
          { kind: 'literal', value: 'project falcon', regex: null },
          { kind: 'regex', value: '(?is)secret\\s{1,3}plan', regex: { source: 'secret\\s{1,3}plan', flags: 'isu' } },
        ],
      },
      {
        name: 'pii',
        kind: 'pii',
        enabled: false,
        hookPoint: 'output',
        mode: 'monitor',
        detectors: [{ type: 'email', action: null }, { type: 'us_ssn', action: 'mask' }],
        customPatterns: [{ name: 'emp', regex: { source: 'EMP-(\\d+)', flags: 'u' }, action: 'mask', replacement: '' }],
        defaultAction: 'block',
        maxBufferBytes: 1024,
        onBufferExceeded: 'fail_open',
      },
    ]);
  });

  it('maps cache policies, guardrail attachments and passthrough routes', () => {
    const config = loaded(load(FULL, ENV));
    expect(config.cachePolicies).toEqual([{ name: 'chat-cache', enabled: true, appliesTo: { kind: 'model', name: 'fast' }, scope: 'api_key', ttlSeconds: 600 }]);
    expect(config.guardrailAttachments).toEqual([{ guardrail: 'words', scope: 'env', scopeId: null, priority: 0, enabled: true }]);
    expect(config.passthroughRoutes).toEqual([
      { name: 'files', enabled: true, pathPrefix: '/passthrough/openai', targetUrl: 'https://api.openai.com/v1', providerKey: 'up', timeoutMs: null },
    ]);
  });

  it('returns a deeply frozen Config', () => {
    const config = loaded(load(FULL, ENV));
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.proxy)).toBe(true);
    expect(Object.isFrozen(config.models)).toBe(true);
    expect(Object.isFrozen(config.models[0])).toBe(true);
    const pattern = config.guardrails[0]?.kind === 'keyword' ? config.guardrails[0].patterns[1] : undefined;
    expect(Object.isFrozen(pattern?.regex)).toBe(true);
    expect(() => (config.models as unknown[]).push({})).toThrow(TypeError);
    expect(Object.isFrozen(config.cachePolicies[0]?.appliesTo)).toBe(true);
    expect(Object.isFrozen(config.passthroughRoutes[0])).toBe(true);
  });

  it('applies the documented proxy defaults when the section is absent', () => {
    const config = loaded(load(yaml`
      _format_version: "1"
    `));
    expect(config.proxy).toEqual({
      addr: '127.0.0.1:3000',
      host: '127.0.0.1',
      port: 3000,
      requestBodyLimitBytes: 33554432,
      requestTimeoutMs: 30000,
      upstreamTimeoutMs: 600000,
      streamIdleTimeoutMs: 120000,
      upstreamRetries: 2,
      websocket: true,
      streamGuardrails: 'hold',
      streamGuardrailWindow: 1024,
      captureBodies: false,
      captureKeep: 200,
      captureMaxBytes: 1048576,
      budgetUsd: null,
      guardrailBufferBytes: 262144,
      logFile: null,
      logBodies: false,
      shutdownGraceMs: 10000,
      allowedOrigins: [],
      faults: [],
      faultHeader: false,
      faultsSeed: null,
      tapeIgnoreFields: ['prompt_cache_key', 'safety_identifier', 'user', 'metadata.user_id', 'client_metadata'],
    });
    expect(config.providerKeys).toEqual([]);
    expect(config.guardrails).toEqual([]);
    expect(config.cachePolicies).toEqual([]);
    expect(config.guardrailAttachments).toBeNull();
    expect(config.passthroughRoutes).toEqual([]);
  });

  it('treats null collections as empty and accepts a leading byte-order mark', () => {
    const result = load(`\uFEFF_format_version: "1"\nmodels:\napi_keys: ~\n`);
    expect(issueLines(result)).toEqual([]);
    expect(loaded(result).models).toEqual([]);
  });
});
