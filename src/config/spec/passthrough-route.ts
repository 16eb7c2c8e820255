// `passthrough_routes` entries (AISIX's passthrough_route schema): authenticated relays from a
// path prefix to a fixed upstream with a provider key's secret injected. The local proxy serves
// the `path_prefix` + `target_url` form with `auth_mode: gateway_key` and `credential_mode:
// inject`; the other AISIX forms load with a warning and are left out (section-passthrough-routes.ts).
import type { FieldTable } from '../field-spec.js';

export const AUTH_MODES = ['gateway_key', 'header_key', 'anonymous'] as const;
export const CREDENTIAL_MODES = ['inject', 'forward_client'] as const;

/** AISIX's reserved gateway namespaces (its schema's `path_prefix` pattern), plus our `/healthz`. */
export const RESERVED_PREFIX = /^\/(v1|mcp|a2a|admin|livez|readyz|metrics|healthz)(\/|$)/;

export const PASSTHROUGH_ROUTE_FIELDS = {
  name: {
    type: 'string',
    minLength: 1,
    description: "Identity of this route (or write it as `display_name`); api keys' `allowed_routes` name it.",
  },
  display_name: {
    type: 'string',
    minLength: 1,
    description: 'Another spelling of `name` (set exactly one of the two).',
  },
  enabled: { type: 'boolean', default: true, description: 'false keeps the route configured but serves nothing under its prefix.' },
  path_prefix: {
    type: 'string',
    minLength: 1,
    pattern: { source: '^/', hint: 'start with `/` (e.g. `/passthrough/openai`)' },
    description:
      'The proxy path this route serves, e.g. `/passthrough/openai`: a request for `<path_prefix>/files` goes to `<target_url>/files`. Not `/` alone, and not under `/v1`, `/mcp`, `/a2a`, `/admin`, `/livez`, `/readyz`, `/metrics` or `/healthz`. No guardrail inspects this traffic.',
  },
  target_url: {
    type: 'string',
    minLength: 1,
    format: 'http-url',
    description: 'The upstream base URL, e.g. `https://api.openai.com`; the rest of the path and the query are appended.',
  },
  provider_key: {
    type: 'string',
    minLength: 1,
    description: "The display_name of the provider key whose secret is injected upstream (its `strip_headers` apply).",
  },
  provider_key_id: {
    type: 'string',
    minLength: 1,
    description: "AISIX's canonical form of `provider_key` (a derived id); prefer `provider_key`.",
  },
  auth_mode: {
    type: 'enum',
    values: AUTH_MODES,
    default: 'gateway_key',
    description: '`gateway_key`: callers authenticate with an api key, as on every other route (`header_key` and `anonymous` load with a warning; the route is not served locally).',
  },
  credential_mode: {
    type: 'enum',
    values: CREDENTIAL_MODES,
    default: 'inject',
    description: "`inject`: the provider key's secret replaces the caller's credentials (`forward_client` loads with a warning; the route is not served locally).",
  },
  timeout_ms: {
    type: 'integer',
    minimum: 1,
    unit: 'milliseconds',
    description: "Bounds the wait for the upstream's response headers and a non-streaming body; default proxy.upstream_timeout_ms. Never cuts a healthy stream.",
  },
  hosts: {
    type: 'list',
    minItems: 1,
    items: { type: 'string', minLength: 1, description: 'A Host value, optionally `*.`-prefixed.' },
    description: 'Inbound Host values the route serves (AISIX forward-proxy form; the local proxy does not serve such a route).',
  },
  preserve_host: {
    type: 'boolean',
    description: "Derive the target from the request's Host (AISIX only, with `hosts`; the local proxy does not serve such a route).",
  },
  auth_header_name: {
    type: 'ignored',
    shape: 'string',
    effect: 'AISIX reads the caller\'s api key from this header with `auth_mode: header_key`',
    description: 'Header carrying the gateway credential in `header_key` mode (AISIX only).',
  },
  anonymous_key: {
    type: 'ignored',
    shape: 'string',
    effect: 'AISIX runs `auth_mode: anonymous` traffic as this api key',
    description: 'The api key (display_name) anonymous traffic runs as (AISIX only).',
  },
  anonymous_key_id: {
    type: 'ignored',
    shape: 'string',
    effect: 'AISIX runs `auth_mode: anonymous` traffic as this api key',
    description: 'The api key (derived id) anonymous traffic runs as (AISIX only).',
  },
  identity_header: {
    type: 'ignored',
    shape: 'string',
    effect: 'AISIX records the end user named in this header',
    description: 'Header carrying the end-user identity for usage attribution (AISIX only).',
  },
  source_cidrs: {
    type: 'ignored',
    shape: 'array',
    effect: 'AISIX restricts callers by source address; the local proxy does not',
    description: 'Client source CIDRs allowed to use this route (AISIX only).',
  },
} as const satisfies FieldTable;
