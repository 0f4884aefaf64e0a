import type { TenantId } from '@switchboard/kernel';
import { describe, expect, it } from 'vitest';
import type { RegisteredContact } from '../telephony/registrar/registrar';
import { registrarAgentDevices } from './registrar-agent-devices';

const tenant = 'tenant-1' as TenantId;

function contact(uri: string, flow: RegisteredContact['flow']): RegisteredContact {
  return { uri, aor: 'sip:1001@switchboard', q: 1, expiresAt: 0, flow };
}

function devices(...contacts: RegisteredContact[]) {
  return registrarAgentDevices({ contactsFor: () => Promise.resolve(contacts) });
}

describe('registrarAgentDevices and browser softphones', () => {
  it('marks a contact registered over WebSocket as a WebRTC device rung over its connection', async () => {
    const ws = { protocol: 'WS' as const, address: '127.0.0.1', port: 50123, connectionId: 'ws-7' };
    const targets = await devices(contact('sip:1001@abc.invalid;transport=ws', ws)).targetsFor(tenant, 'u1');
    expect(targets).toHaveLength(1);
    expect(targets[0]).toMatchObject({ uri: 'sip:1001@abc.invalid;transport=ws', webrtc: true });
    expect(targets[0]?.destination?.flow).toMatchObject({ transport: 'WS', connectionId: 'ws-7' });
  });

  it('rings only the browser when the agent also has a desk phone registered', async () => {
    const desk = contact('sip:1001@10.0.0.5:5062', { protocol: 'UDP', address: '10.0.0.5', port: 5062 });
    const browser = contact('sip:1001@abc.invalid;transport=wss', {
      protocol: 'WSS',
      address: '198.51.100.9',
      port: 443,
      connectionId: 'wss-1',
    });
    const targets = await devices(desk, browser).targetsFor(tenant, 'u1');
    expect(targets.map((t) => [t.uri, t.webrtc])).toEqual([['sip:1001@abc.invalid;transport=wss', true]]);
  });

  it('rings desk phones with plain RTP when no browser is registered', async () => {
    const desk = contact('sip:1001@10.0.0.5:5062', { protocol: 'TCP', address: '10.0.0.5', port: 5062 });
    const targets = await devices(desk).targetsFor(tenant, 'u1');
    expect(targets).toHaveLength(1);
    expect(targets[0]?.webrtc).toBeUndefined();
  });
});
