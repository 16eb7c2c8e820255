// The top level of the file: `_format_version`, our `proxy:` section, the collections the
// local proxy acts on (with each one's identity field), and the AISIX collections it loads with
// a warning and ignores.

/** the collections an unknown top-level key's hint names (the others follow its `…`) */
export const CORE_COLLECTIONS = ['provider_keys', 'models', 'api_keys', 'guardrails'] as const;
export const SUPPORTED_COLLECTIONS = [...CORE_COLLECTIONS, 'observability_exporters', 'cache_policies', 'guardrail_attachments', 'passthrough_routes'] as const;
export type SupportedCollection = (typeof SUPPORTED_COLLECTIONS)[number];

/**
 * Each collection's identity field (unique within the collection, shown in scope labels), or
 * null for entries without one: a guardrail attachment is named by its index only
 * (`guardrail_attachments[0]`).
 */
export const IDENTITY_FIELD: Readonly<Record<SupportedCollection, 'display_name' | 'name' | null>> = {
  provider_keys: 'display_name',
  models: 'display_name',
  api_keys: 'display_name',
  guardrails: 'name',
  observability_exporters: 'name',
  cache_policies: 'name',
  guardrail_attachments: null,
  passthrough_routes: 'name',
};

/** AISIX's alternative spelling of an identity field: an entry writes exactly one of the two. */
export const IDENTITY_ALIAS: Readonly<Partial<Record<SupportedCollection, 'display_name'>>> = {
  passthrough_routes: 'display_name',
};

/** The field an entry starts with, for "must be a list of mappings (entries written `- name: …`)". */
export function leadField(collection: SupportedCollection): string {
  return IDENTITY_FIELD[collection] ?? 'guardrail_id';
}

/** AISIX collections the local proxy does not act on, with what AISIX does with them. */
export const IGNORED_COLLECTIONS: Readonly<Record<string, string>> = {
  mcp_servers: 'MCP servers',
  a2a_agents: 'A2A agents',
  rate_limit_policies: 'rate-limit policies',
  oidc_providers: 'JWT authentication',
  claim_mappings: 'JWT claim mappings',
  mcp_auth_settings: 'MCP authentication',
};

export const TOP_LEVEL_KEYS: readonly string[] = ['_format_version', 'proxy', ...SUPPORTED_COLLECTIONS, ...Object.keys(IGNORED_COLLECTIONS)];
