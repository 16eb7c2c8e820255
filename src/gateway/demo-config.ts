// The built-in `aisix serve --demo` config: aliases onto the bundled mock upstream, one caller key
// (printed in the banner), and the keyword guardrail `no-codenames` on input and output so a new
// user can see a block by typing its word. On output it runs in monitor mode: a block-mode output
// guardrail would hold every demo stream back, and the demo should show live streaming. Aliases
// show a retry, a failover, the proxy's own rate limit, a cache hit and (demo-flaky, the only alias
// a fault rule matches) injected faults. Whole bodies are captured for the detail view.
// It is YAML run through the normal loader, like any user file.
import { createHash } from 'node:crypto';

export const DEMO_CALLER_KEY = 'sk-aisix-demo';
export const DEMO_BLOCKED_WORD = 'project falcon';

export function demoConfigYaml(mockUrl: string): string {
  const hash = createHash('sha256').update(DEMO_CALLER_KEY).digest('hex');
  return `_format_version: "1"
proxy:
  addr: 127.0.0.1:3000
  # whole request and response bodies for the TUI's detail view (Enter on a row; e exports as curl)
  capture_bodies: true
  faults:
    # demo-flaky has a bad day: about 3 requests in 10 get an injected 503 with Retry-After (FAULT status)
    - { match: { alias: demo-flaky }, rate: 0.3, fault: { status: 503, retry_after_s: 1 } }
provider_keys:
  - display_name: demo-upstream
    provider: openai
    api_key: sk-mock-upstream
    api_base: ${mockUrl}/v1
  - display_name: demo-anthropic
    provider: anthropic
    api_key: sk-mock-upstream
    api_base: ${mockUrl}
models:
  # retries: 0 everywhere except demo-retry, so the demo's failing aliases fail at once
  - { display_name: demo, provider: openai, model_name: mock-echo, provider_key: demo-upstream, retries: 0, cost: { input_per_1k: 0.00015, output_per_1k: 0.0006 } }
  - { display_name: demo-slow, provider: openai, model_name: mock-slow, provider_key: demo-upstream, retries: 0 }
  - { display_name: demo-long, provider: openai, model_name: mock-long, provider_key: demo-upstream, retries: 0 }
  - { display_name: demo-tool, provider: openai, model_name: mock-tool, provider_key: demo-upstream, retries: 0 }
  - { display_name: demo-error, provider: openai, model_name: mock-error-500, provider_key: demo-upstream, retries: 0 }
  - { display_name: demo-rate-limited, provider: openai, model_name: mock-error-429, provider_key: demo-upstream, retries: 0 }
  # the mock fails its first 3 calls of this model: the first request shows 4 tries, then it works
  - { display_name: demo-retry, provider: openai, model_name: mock-burst-500, provider_key: demo-upstream, retries: 3 }
  # a failing primary and a working fallback: every request fails over (x-aisix-served-by: demo)
  - display_name: demo-failover
    routing:
      strategy: failover
      targets:
        - { model: demo-error, priority: 1 }
        - { model: demo, priority: 0 }
  # the proxy's own rate limit, on the alias (not on the printed key, so the rest of the demo keeps
  # working): the 4th request in a minute gets 429 RATE LIMITED with Retry-After
  - { display_name: demo-limited, provider: openai, model_name: mock-echo, provider_key: demo-upstream, retries: 0, rate_limit: { rpm: 3 } }
  # a flaky provider: the fault rule above answers some of its requests 503 (the others are demo's)
  - { display_name: demo-flaky, provider: openai, model_name: mock-echo, provider_key: demo-upstream, retries: 0 }
  # chat completions on this alias are cached: ask the same twice and the second says \`cached\`
  - { display_name: demo-cached, provider: openai, model_name: mock-echo, provider_key: demo-upstream, retries: 0 }
  - { display_name: "mock/*", provider: openai, model_name: "*", provider_key: demo-upstream, retries: 0 }
  # Claude Code sends its own model ids (claude-opus-…): every one is served by the mock's Messages API
  - { display_name: "claude-*", provider: anthropic, model_name: mock-echo, provider_key: demo-anthropic, retries: 0 }
cache_policies:
  - { name: demo-cache, applies_to: "model:demo-cached", ttl_seconds: 300 }
api_keys:
  - display_name: demo-caller
    key_hash: ${hash}
    allowed_models: ["*"]
guardrails:
  - name: no-codenames
    kind: keyword
    hook_point: input
    enforcement_mode: block
    patterns:
      - { kind: literal, value: "${DEMO_BLOCKED_WORD}" }
  - name: no-codenames-output
    kind: keyword
    hook_point: output
    enforcement_mode: monitor
    patterns:
      - { kind: literal, value: "${DEMO_BLOCKED_WORD}" }
guardrail_attachments:
  - { guardrail_id: no-codenames, scope_type: env, priority: 0 }
  - { guardrail_id: no-codenames-output, scope_type: env, priority: 0 }
`;
}
