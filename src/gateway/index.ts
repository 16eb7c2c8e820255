// The gateway's public entry: everything else under src/gateway is internal.
export { createGateway, type Gateway, type GatewayOptions } from './server.js';
export { demoConfigYaml, DEMO_CALLER_KEY, DEMO_BLOCKED_WORD } from './demo-config.js';
