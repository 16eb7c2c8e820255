// The top level of the file: `_format_version`, our `proxy:` section, the collections the
// local proxy acts on, and the AISIX collections it loads with a warning and ignores.

/** the collections an unknown top-level key's hint names (the others follow its `…`) */
export const CORE_COLLECTIONS = ['provider_keys', 'models', 'api_keys', 'guardrails'] as const;
export const SUPPORTED_COLLECTIONS = [...CORE_COLLECTIONS, 'observability_exporters'] as const;
export type SupportedCollection = (typeof SUPPORTED_COLLECTIONS)[number];

export const IDENTITY_FIELD: Readonly<Record<SupportedCollection, 'display_name' | 'name'>> = {
  provider_keys: 'display_name',
  models: 'display_name',
  api_keys: 'display_name',
  guardrails: 'name',
  observability_exporters: 'name',
};

/** AISIX collections the local proxy does not act on, with what AISIX does with them. */
export const IGNORED_COLLECTIONS: Readonly<Record<string, string>> = {
  mcp_servers: 'MCP servers',
  a2a_agents: 'A2A agents',
  cache_policies: 'response caching',
  rate_limit_policies: 'rate-limit policies',
  oidc_providers: 'JWT authentication',
  claim_mappings: 'JWT claim mappings',
  passthrough_routes: 'passthrough routes',
  mcp_auth_settings: 'MCP authentication',
};

export const TOP_LEVEL_KEYS: readonly string[] = ['_format_version', 'proxy', ...SUPPORTED_COLLECTIONS, ...Object.keys(IGNORED_COLLECTIONS)];
