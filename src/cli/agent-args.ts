// What `aisix run` adds to the command line of agents that do not read the base-URL variables.
// Codex CLI ignores OPENAI_BASE_URL (0.171): it is pointed at the proxy with `-c` overrides that
// define a provider for this run only — the proxy's `/v1` URL, the key from OPENAI_API_KEY, the
// Responses wire with WebSocket mode — so the user's own config and stored login stay untouched.
// Claude Code reads ANTHROPIC_BASE_URL and ANTHROPIC_AUTH_TOKEN, which `run` sets: nothing added.
import { basename } from 'node:path';

const CODEX_PROVIDER = 'aisix';

export function agentArgs(file: string, args: readonly string[], openAiBaseUrl: string): string[] {
  const name = basename(file).replace(/\.(cmd|exe|js)$/, '');
  if (name !== 'codex') return [...args];
  const override = (setting: string): string[] => ['-c', setting];
  return [
    ...override(`model_provider=${CODEX_PROVIDER}`),
    ...override(`model_providers.${CODEX_PROVIDER}.name=${CODEX_PROVIDER}`),
    ...override(`model_providers.${CODEX_PROVIDER}.base_url=${JSON.stringify(openAiBaseUrl)}`),
    ...override(`model_providers.${CODEX_PROVIDER}.env_key=OPENAI_API_KEY`),
    ...override(`model_providers.${CODEX_PROVIDER}.wire_api=responses`),
    ...override(`model_providers.${CODEX_PROVIDER}.supports_websockets=true`),
    ...args,
  ];
}
