// The commented starter file `aisix init` writes: small enough to read in one screen, valid as
// written (validate only warns while OPENAI_API_KEY is unset), with the next steps in comments.

export const STARTER_CONFIG = `# aisix config — an AISIX AI Gateway resources file plus a local \`proxy:\` section.
# Check it:      npx aisix validate
# Run it:        OPENAI_API_KEY=sk-... npx aisix serve
# Every key, commented: node_modules/aisix/aisix.example.yaml
# yaml-language-server: $schema=./node_modules/aisix/aisix.schema.json

_format_version: "1"          # required, the string "1"

proxy:                        # local settings only: remove this section to run the file on AISIX
  addr: 127.0.0.1:3000        # listen address (a non-loopback host needs api_keys below)

provider_keys:                # upstream credentials
  - display_name: openai-main
    provider: openai
    api_key: \${OPENAI_API_KEY}          # read from the environment, never printed
    # api_base: https://api.openai.com/v1   # the default for provider: openai

models:                       # the aliases callers send as "model"
  - display_name: gpt-4o-mini
    provider: openai
    model_name: gpt-4o-mini             # the upstream model id
    provider_key: openai-main
  - display_name: "openai/*"            # wildcard: "openai/gpt-4o" calls upstream "gpt-4o"
    provider: openai
    model_name: "*"
    provider_key: openai-main

# Claude Code (Anthropic Messages, /v1/messages) sends its own model ids: serve them all with a
# wildcard alias on an Anthropic key — add these to provider_keys and models:
#  - { display_name: anthropic, provider: anthropic, api_key: \${ANTHROPIC_API_KEY} }
#  - { display_name: "claude-*", provider: anthropic, model_name: "*", provider_key: anthropic }

# Without api_keys the proxy needs no caller key (fine on 127.0.0.1). To require one:
# api_keys:
#   - display_name: local-dev
#     key_env: CALLER_API_KEY           # the plaintext caller key, from the environment
#     allowed_models: ["*"]

# Guardrails run in file order, where guardrail_attachments put them (env: every request):
# guardrails:
#   - name: no-codenames
#     kind: keyword
#     hook_point: both                  # input | output | both
#     enforcement_mode: block           # block | monitor
#     patterns:
#       - { kind: literal, value: "project falcon" }
# guardrail_attachments:
#   - { guardrail_id: no-codenames, scope_type: env, priority: 0 }   # or model / api_key + scope_id
`;
