// The mock as a server: its request log (API and /_mock/requests), stats, connection counts
// (back to 0 once clients close), close() with sockets still open, and /v1/models against the docs.
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMock, type MockServer, type RecordedRequest } from '../../src/mock/index.js';
import { eventually, postJson, sdk } from './helpers.js';

let mock: MockServer;
beforeAll(async () => {
  mock = await startMock();
});
afterAll(async () => {
  await mock.close();
});

function openSocket(server: MockServer): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(server.port, '127.0.0.1', () => resolve(socket));
    socket.on('error', reject);
  });
}

describe('request log', () => {
  it('records method, path with query, lower-case headers, body, parsed JSON and time', async () => {
    mock.clearRequests();
    const before = Date.now();
    const body = { model: 'mock-echo', input: 'logged words' };
    await postJson(mock, '/v1/responses?beta=true', body, { Authorization: 'Bearer sk-provider', 'X-Custom-Thing': 'yes' });
    await fetch(mock.url + '/v1/models');
    const log = mock.requests();
    expect(log.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /v1/responses?beta=true', 'GET /v1/models']);
    const first = log[0] as RecordedRequest;
    expect(first.headers.authorization).toBe('Bearer sk-provider');
    expect(first.headers['x-custom-thing']).toBe('yes');
    expect(first.body).toBe(JSON.stringify(body));
    expect(first.json).toEqual(body);
    expect(first.time).toBeGreaterThanOrEqual(before);
    expect(first.time).toBeLessThanOrEqual(Date.now());
    expect(log[1]?.json).toBeUndefined();
  });

  it('serves the same log on GET /_mock/requests, without logging that call', async () => {
    mock.clearRequests();
    await postJson(mock, '/v1/chat/completions', { model: 'mock-echo', messages: [{ role: 'user', content: 'x' }] });
    const served = (await (await fetch(mock.url + '/_mock/requests')).json()) as RecordedRequest[];
    expect(served).toEqual(JSON.parse(JSON.stringify(mock.requests())));
    expect(served).toHaveLength(1);
    expect(served[0]?.path).toBe('/v1/chat/completions');
    expect(mock.requests()).toHaveLength(1);
  });

  it('clears through the API and through DELETE /_mock/requests', async () => {
    await fetch(mock.url + '/v1/models');
    mock.clearRequests();
    expect(mock.requests()).toEqual([]);
    await fetch(mock.url + '/v1/models');
    await fetch(mock.url + '/v1/models');
    const cleared = (await (await fetch(mock.url + '/_mock/requests', { method: 'DELETE' })).json()) as { cleared: number };
    expect(cleared.cleared).toBe(2);
    expect(mock.requests()).toEqual([]);
  });
});

describe('connections', () => {
  it('counts open sockets and sees them go back to 0 when clients close', async () => {
    const fresh = await startMock();
    try {
      const sockets = await Promise.all([openSocket(fresh), openSocket(fresh), openSocket(fresh)]);
      expect(await eventually(() => fresh.openConnections() === 3)).toBe(true);
      const stats = (await (await fetch(fresh.url + '/_mock/stats')).json()) as { open_connections: number; connections_seen: number };
      expect(stats.open_connections).toBe(4);
      expect(stats.connections_seen).toBe(4);
      for (const socket of sockets) socket.destroy();
      expect(await eventually(() => fresh.openConnections() <= 1)).toBe(true);
      expect(fresh.connectionsSeen()).toBe(4);
    } finally {
      await fresh.close();
    }
  });

  it('keeps connections alive and releases them when the client pool closes', async () => {
    const fresh = await startMock();
    const agent = new Agent();
    try {
      for (let i = 0; i < 10; i++) {
        const body = JSON.stringify({ model: 'mock-echo', input: `call ${i}` });
        const res = await request(fresh.url + '/v1/responses', { method: 'POST', body, dispatcher: agent });
        expect(((await res.body.json()) as { status: string }).status).toBe('completed');
      }
      // undici may open a second socket while the first is being released; never one per request
      expect(fresh.connectionsSeen()).toBeLessThanOrEqual(2);
      expect(fresh.openConnections()).toBe(fresh.connectionsSeen());
      await agent.close();
      expect(await eventually(() => fresh.openConnections() === 0)).toBe(true);
    } finally {
      await fresh.close();
    }
  });

  it('close() destroys sockets that are still waiting for an answer', async () => {
    const fresh = await startMock();
    const pending = postJson(fresh, '/v1/responses', { model: 'mock-hang', input: 'x' }).then(
      () => 'answered',
      () => 'failed',
    );
    expect(await eventually(() => fresh.requests().length === 1)).toBe(true);
    await fresh.close();
    expect(fresh.openConnections()).toBe(0);
    expect(await pending).toBe('failed');
    const refused = await fetch(fresh.url + '/v1/models').then(
      () => 'answered',
      () => 'refused',
    );
    expect(refused).toBe('refused');
  });
});

describe('GET /v1/models', () => {
  it('lists exactly the model names documented in README-models.md', async () => {
    const doc = readFileSync(new URL('../../src/mock/README-models.md', import.meta.url), 'utf8');
    const documented = [...doc.matchAll(/^\| `(mock-[a-z0-9-]+)` \|/gm)].map((m) => m[1]);
    expect(documented.length).toBeGreaterThan(15);
    const page = await sdk(mock).models.list();
    expect(page.data.map((m) => m.id).sort()).toEqual([...documented].sort());
    expect(page.data.every((m) => m.object === 'model' && m.owned_by === 'aisix-mock')).toBe(true);
  });
});
