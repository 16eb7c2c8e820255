// Upstream connection pools, one undici agent per provider key (an EnvHttpProxyAgent when
// HTTP(S)_PROXY is set, so NO_PROXY is honoured too), reference-counted across runtimes: a reload
// hands an unchanged key's agent to the next runtime, and a replaced agent closes only when the
// last runtime holding it is released — after the last request that took that runtime has ended.
import { Agent, EnvHttpProxyAgent, type Dispatcher } from 'undici';
import type { ProviderKey } from '../../config/types.js';

export class AgentHandle {
  private holders = 0;
  private closing: Promise<void> | null = null;

  constructor(
    readonly dispatcher: Dispatcher,
    /** what makes two provider keys share a pool */
    readonly identity: string,
  ) {}

  hold(): this {
    this.holders++;
    return this;
  }

  /** drops one holder; the last one closes the pool (requests still on it are done by then) */
  release(): Promise<void> {
    if (--this.holders > 0) return Promise.resolve();
    this.closing ??= this.dispatcher.close().catch(() => undefined);
    return this.closing;
  }

  get closed(): boolean {
    return this.closing !== null;
  }
}

function usesProxyEnv(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.HTTPS_PROXY || env.https_proxy || env.HTTP_PROXY || env.http_proxy);
}

export function identityOf(key: ProviderKey): string {
  return JSON.stringify([key.provider, key.apiBase, key.apiKey]);
}

export function createAgent(key: ProviderKey, env: NodeJS.ProcessEnv): AgentHandle {
  const options = { keepAliveTimeout: 4_000, connections: null, headersTimeout: 0, bodyTimeout: 0 };
  const dispatcher = usesProxyEnv(env) ? new EnvHttpProxyAgent(options) : new Agent(options);
  return new AgentHandle(dispatcher, identityOf(key));
}
