import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { registerSipMetrics } from './sip-metrics';

const gauges = { bindings: () => 0, connections: () => ({}), bannedSources: () => 0 };

async function value(registry: Registry, name: string, labels: Record<string, string>): Promise<number> {
  const metric = await registry.getSingleMetric(name)?.get();
  const found = metric?.values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l));
  return found?.value ?? 0;
}

describe('SIP metrics', () => {
  it('counts received messages and sent responses by label set, once each across scrapes', async () => {
    const registry = new Registry();
    const metrics = registerSipMetrics(registry, gauges);
    metrics.received('UDP', 'request', 'INVITE');
    metrics.received('UDP', 'request', 'INVITE');
    metrics.received('UDP', 'request', 'FOO');
    metrics.received('TCP', 'response');
    metrics.responseSent(200);
    const invite = { transport: 'UDP', kind: 'request', method: 'INVITE' };
    expect(await value(registry, 'sip_messages_received_total', invite)).toBe(2);
    expect(await value(registry, 'sip_messages_received_total', { method: 'other' })).toBe(1);
    expect(await value(registry, 'sip_messages_received_total', { transport: 'TCP', method: '' })).toBe(1);
    expect(await value(registry, 'sip_responses_sent_total', { status: '200' })).toBe(1);

    metrics.received('UDP', 'request', 'INVITE');
    metrics.responseSent(200);
    metrics.responseSent(486);
    const text = await registry.metrics();
    expect(text).toContain('sip_messages_received_total{transport="UDP",kind="request",method="INVITE"} 3');
    expect(await value(registry, 'sip_messages_received_total', invite)).toBe(3);
    expect(await value(registry, 'sip_responses_sent_total', { status: '200' })).toBe(2);
    expect(await value(registry, 'sip_responses_sent_total', { status: '486' })).toBe(1);
  });
});
