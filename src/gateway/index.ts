// The gateway's public entry: everything else under src/gateway is internal.
export { createGateway, ExposureError, type Gateway, type GatewayOptions, type UpdateResult } from './gateway.js';
export { demoConfigYaml, DEMO_CALLER_KEY, DEMO_BLOCKED_WORD } from './demo-config.js';
