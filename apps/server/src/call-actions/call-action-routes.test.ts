import { afterEach, describe, expect, it } from 'vitest';
import { ok } from '@switchboard/kernel';
import { addTenantWithAdmin } from '../../test/support/test-server';
import { callActionsRig, type CallActionsRig } from './call-actions-test-rig';

let rig: CallActionsRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const names = (r: CallActionsRig, user: string) =>
  r.pushed.filter((p) => p.userId === r.userId(user)).map((p) => p.name);

async function types(r: CallActionsRig, contactId: string): Promise<string[]> {
  return (await r.contactEvents(contactId)).map((e) => e.type);
}

describe('agent call controls over HTTP', () => {
  it('holds and resumes the caller: re-INVITEs reach the trunk, routing counts the hold, events are pushed', async () => {
    rig = await callActionsRig();
    await rig.logIn('agent1');
    const contactId = await rig.callAnsweredBy('agent1');
    rig.subscribe('agent1', 'agent');
    rig.subscribe('agent2', 'agent');
    rig.subscribe('supervisor', 'tenant');

    const held = await rig.request('agent1', 'POST', `/api/v1/calls/${contactId}/hold`);
    expect(held.statusCode).toBe(200);
    expect(held.json()).toMatchObject({ contactId, held: true, agentId: rig.userId('agent1') });
    expect(rig.trunk.lastOfferedDirection()).toBe('sendonly');
    expect(await rig.contactStatus(contactId)).toBe('held');

    const again = await rig.request('agent1', 'POST', `/api/v1/calls/${contactId}/hold`);
    expect(again.statusCode).toBe(409);
    expect(again.headers['content-type']).toContain('application/problem+json');
    expect(again.json()).toMatchObject({ code: 'CALL.ALREADY_HELD', detail: 'The call is already on hold' });

    const resumed = await rig.request('agent1', 'POST', `/api/v1/calls/${contactId}/resume`);
    expect(resumed.statusCode).toBe(200);
    expect(resumed.json().held).toBe(false);
    expect(rig.trunk.lastOfferedDirection()).toBe('sendrecv');
    expect(await rig.contactStatus(contactId)).toBe('connected');

    const notHeld = await rig.request('agent1', 'POST', `/api/v1/calls/${contactId}/resume`);
    expect(notHeld.statusCode).toBe(409);
    expect(notHeld.json()).toMatchObject({ code: 'CALL.NOT_HELD', detail: 'The call is not on hold' });

    expect(await types(rig, contactId)).toEqual(
      expect.arrayContaining(['CallHeld', 'ContactHeld', 'CallResumed', 'ContactRetrieved']),
    );
    expect(names(rig, 'agent1')).toEqual(
      expect.arrayContaining(['call.held', 'contact.held', 'call.resumed', 'contact.retrieved']),
    );
    expect(names(rig, 'supervisor')).toEqual(expect.arrayContaining(['call.held', 'call.resumed']));
    expect(names(rig, 'agent2')).toEqual([]);
  });

  it('hangs up from the agent side: the agent wraps up and is ready again by itself, the caller gets the survey, then BYE', async () => {
    rig = await callActionsRig();
    await rig.logIn('agent1');
    const contactId = await rig.callAnsweredBy('agent1');
    const res = await rig.request('agent1', 'POST', `/api/v1/calls/${contactId}/hang-up`);
    expect(res.statusCode).toBe(200);
    expect(await rig.agentStatus('agent1')).toBe('wrap-up');
    // The demo hotline keeps the caller on the line for its satisfaction survey, without the agent.
    expect(rig.trunk.ended).toEqual([]);
    const talk = (await rig.contactEvents(contactId)).find((e) => e.type === 'CallConversationEnded');
    expect(talk?.data).toMatchObject({ party: 'agent', cause: 'normal' });
    expect(rig.index.ofContact(rig.tenantId, contactId)?.agentId).toBeNull();
    // Auto-ready: the queue's timed wrap-up (30 s) ends by itself and the agent is offered calls again.
    await rig.advance(31_000);
    expect(await rig.agentStatus('agent1')).toBe('ready');
    // Unanswered, the survey said goodbye and the flow hung up.
    expect(rig.trunk.ended).toContain('bye-received');
    const ended = (await rig.contactEvents(contactId)).find((e) => e.type === 'CallEnded');
    expect(ended?.data).toMatchObject({ party: 'system', cause: 'normal', stage: 'after-call' });
    expect(rig.index.size).toBe(0);
    const gone = await rig.request('agent1', 'POST', `/api/v1/calls/${contactId}/hold`);
    expect(gone.statusCode).toBe(404);
    expect(gone.json().code).toBe('CALL.NOT_FOUND');
  });

  it('checks who acts: a colleague is refused, another tenant finds nothing, a supervisor may and is audited', async () => {
    rig = await callActionsRig();
    await rig.logIn('agent1');
    const contactId = await rig.callAnsweredBy('agent1');
    const colleague = await rig.request('agent2', 'POST', `/api/v1/calls/${contactId}/hold`);
    expect(colleague.statusCode).toBe(403);
    expect(colleague.json().code).toBe('CALL.NOT_YOUR_CALL');
    await addTenantWithAdmin(rig.server, 'other', 'boss', 'boss-password-1');
    const boss = await rig.server.login('boss', 'boss-password-1', 'other');
    const foreign = await rig.request(boss, 'POST', `/api/v1/calls/${contactId}/hold`);
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json().code).toBe('CALL.NOT_FOUND');
    expect((await rig.request(boss, 'GET', '/api/v1/calls/live')).json().items).toEqual([]);
    const anonymous = await rig.server.app.inject({ method: 'POST', url: `/api/v1/calls/${contactId}/hold` });
    expect(anonymous.statusCode).toBe(401);
    const unknown = await rig.request('agent1', 'POST', '/api/v1/calls/no-such-call/hold');
    expect(unknown.statusCode).toBe(404);

    const supervised = await rig.request('supervisor', 'POST', `/api/v1/calls/${contactId}/hold`);
    expect(supervised.statusCode).toBe(200);
    const audit = await rig.server.identity.audit.list(rig.tenantId, { limit: 10 });
    expect(audit.find((a) => a.action === 'call.controlled')).toMatchObject({
      targetId: contactId,
      details: { action: 'hold', outcome: 'done' },
    });
    // The agent sees their own call; the supervisor sees every call of the tenant.
    expect((await rig.request('agent1', 'GET', '/api/v1/calls/live')).json().items).toHaveLength(1);
    expect((await rig.request('agent2', 'GET', '/api/v1/calls/live')).json().items).toEqual([]);
    const live = await rig.request('supervisor', 'GET', '/api/v1/calls/live');
    expect(live.json().items[0]).toMatchObject({ contactId, held: true, callerNumber: '138****8000' });
  });

  it('is documented in the OpenAPI document with the other routes', async () => {
    rig = await callActionsRig();
    const doc = (await rig.server.app.inject('/docs/json')).json() as {
      paths: Record<string, Record<string, { tags?: string[]; responses: Record<string, unknown> }>>;
    };
    for (const path of ['hold', 'resume', 'hang-up', 'transfer', 'consultation', 'recording/pause'])
      expect(doc.paths[`/api/v1/calls/{contactId}/${path}`]?.['post']?.tags).toEqual(['calls']);
    for (const path of ['monitor', 'monitor/mode', 'force-release', 'take-over'])
      expect(doc.paths[`/api/v1/calls/{contactId}/${path}`]?.['post']?.tags).toEqual(['supervisor']);
    expect(Object.keys(doc.paths['/api/v1/calls/{contactId}/transfer']!['post']!.responses)).toEqual(
      expect.arrayContaining(['202', '400', '403', '404', '409', '503']),
    );
    expect(doc.paths['/api/v1/calls']?.['get']).toBeDefined();
    expect(doc.paths['/api/v1/calls/{contactId}']?.['get']).toBeDefined();
  });

  it('refuses bad input with the fields named', async () => {
    rig = await callActionsRig();
    await rig.logIn('agent1');
    const contactId = await rig.callAnsweredBy('agent1');
    const noAgent = await rig.request('agent1', 'POST', `/api/v1/calls/${contactId}/transfer`, {
      target: { kind: 'agent' },
    });
    expect(noAgent.statusCode).toBe(400);
    expect(noAgent.json().code).toBe('HTTP.VALIDATION_FAILED');
    expect(JSON.stringify(noAgent.json().errors)).toContain('target');
    const letters = await rig.request('agent1', 'POST', `/api/v1/calls/${contactId}/transfer`, {
      target: { kind: 'number', number: '13x' },
    });
    expect(letters.statusCode).toBe(400);
    const queueConsult = await rig.request('agent1', 'POST', `/api/v1/calls/${contactId}/consultation`, {
      target: { kind: 'queue', queueId: 'q' },
    });
    expect(queueConsult.statusCode).toBe(400);
    const unknownQueue = await rig.request('agent1', 'POST', `/api/v1/calls/${contactId}/transfer`, {
      target: { kind: 'queue', queueId: 'no-such-queue' },
    });
    expect(unknownQueue.statusCode).toBe(404);
    expect(unknownQueue.json().code).toBe('ROUTING.UNKNOWN_QUEUE');
    const self = await rig.request('agent1', 'POST', `/api/v1/calls/${contactId}/transfer`, {
      target: { kind: 'agent', agentId: rig.userId('agent1') },
    });
    expect(self.json().code).toBe('CALL.SAME_AGENT');
    const away = await rig.request('agent1', 'POST', `/api/v1/calls/${contactId}/transfer`, {
      target: { kind: 'agent', agentId: rig.userId('agent2') },
    });
    expect(away.statusCode).toBe(409);
    expect(away.json().code).toBe('CALL.AGENT_NOT_AVAILABLE');
    const outside = await rig.request('agent1', 'POST', `/api/v1/calls/${contactId}/transfer`, {
      target: { kind: 'number', number: '02087654321' },
    });
    expect(outside.statusCode).toBe(503);
    expect(outside.json().code).toBe('CALL.NO_OUTBOUND_TRUNK');
    // Nothing of that reached the call: the caller still talks to agent1.
    expect(rig.index.ofContact(rig.tenantId, contactId)?.agentId).toBe(rig.userId('agent1'));
    const paused = await rig.request('agent1', 'POST', `/api/v1/calls/${contactId}/recording/pause`);
    expect(paused.json().code).toBe('CALL.NOT_RECORDED');
  });
});

describe('recording pause', () => {
  it('pauses and resumes the recording while a card number is read out, recorded as facts', async () => {
    // The recorder's pause, as the media layer would expose it for the call's bridge.
    const paused = new Map<string, boolean>();
    rig = await callActionsRig({
      ports: {
        recordingSwitch: {
          state: (call) => ({ paused: paused.get(call.contactId) ?? false }),
          setPaused: (call, value) => {
            paused.set(call.contactId, value);
            return ok(undefined);
          },
        },
      },
    });
    await rig.logIn('agent1');
    const contactId = await rig.callAnsweredBy('agent1');
    rig.subscribe('supervisor', 'tenant');
    const pause = await rig.request('agent1', 'POST', `/api/v1/calls/${contactId}/recording/pause`);
    expect(pause.statusCode).toBe(200);
    expect(pause.json().recording).toEqual({ paused: true });
    expect(paused.get(contactId)).toBe(true);
    const twice = await rig.request('agent1', 'POST', `/api/v1/calls/${contactId}/recording/pause`);
    expect(twice.statusCode).toBe(409);
    expect(twice.json().code).toBe('CALL.ALREADY_PAUSED');
    const resume = await rig.request('agent1', 'POST', `/api/v1/calls/${contactId}/recording/resume`);
    expect(resume.json().recording).toEqual({ paused: false });
    const notPaused = await rig.request('agent1', 'POST', `/api/v1/calls/${contactId}/recording/resume`);
    expect(notPaused.json().code).toBe('CALL.NOT_PAUSED');
    expect(await types(rig, contactId)).toEqual(
      expect.arrayContaining(['CallRecordingPaused', 'CallRecordingResumed']),
    );
    expect(names(rig, 'supervisor')).toEqual(['call.recording_paused', 'call.recording_resumed']);
  });
});

describe('transfers', () => {
  it('blind to a colleague: the agent wraps up, the colleague is rung, reserved, bridged and freed after', async () => {
    rig = await callActionsRig();
    await rig.logIn('agent1');
    const contactId = await rig.callAnsweredBy('agent1');
    await rig.logIn('agent2');
    rig.subscribe('agent1', 'agent');
    rig.subscribe('agent2', 'agent');
    const agent2 = rig.userId('agent2');
    const res = await rig.request('agent1', 'POST', `/api/v1/calls/${contactId}/transfer`, {
      target: { kind: 'agent', agentId: agent2 },
    });
    expect(res.statusCode).toBe(202);
    expect(await rig.agentStatus('agent1')).toBe('wrap-up');
    await rig.advance(500);
    expect(rig.phones.agent2!.methods()).toContain('INVITE');
    expect(rig.index.ofContact(rig.tenantId, contactId)).toMatchObject({
      agentId: agent2,
      routingContactId: null,
    });
    // Out of rotation while on the transferred call: routing does not offer agent2 anything else.
    expect(await rig.agentReason('agent2')).toBe('direct-call');
    const events = await rig.contactEvents(contactId);
    expect(events.find((e) => e.type === 'CallTransferCompleted')?.data).toMatchObject({
      kind: 'blind',
      agentId: rig.userId('agent1'),
      toAgentId: agent2,
      target: { kind: 'agent', agentId: agent2 },
    });
    expect(names(rig, 'agent2')).toEqual(
      expect.arrayContaining(['call.transfer_started', 'call.transfer_completed']),
    );
    expect(names(rig, 'agent1')).toEqual(
      expect.arrayContaining(['call.transfer_started', 'call.transfer_completed']),
    );

    // agent2 now controls the call, and is ready again once it ends.
    const heldBy2 = await rig.request('agent2', 'POST', `/api/v1/calls/${contactId}/hold`);
    expect(heldBy2.statusCode).toBe(200);
    const byFirst = await rig.request('agent1', 'POST', `/api/v1/calls/${contactId}/resume`);
    expect(byFirst.statusCode).toBe(403);
    rig.trunk.hangUp();
    await rig.advance(500);
    expect(rig.index.size).toBe(0);
    expect(await rig.agentStatus('agent2')).toBe('ready');
    expect(rig.actions.activity()).toEqual({ transfers: 0, queueTransfers: 0, monitors: 0 });
  });

  it('a transfer the colleague declines sends the caller back to the queue, where the next free agent takes it', async () => {
    rig = await callActionsRig({ phones: { agent1: {}, agent2: { behaviour: 'decline' } } });
    await rig.logIn('agent1');
    const contactId = await rig.callAnsweredBy('agent1');
    await rig.logIn('agent2');
    const res = await rig.request('agent1', 'POST', `/api/v1/calls/${contactId}/transfer`, {
      target: { kind: 'agent', agentId: rig.userId('agent2') },
    });
    expect(res.statusCode).toBe(202);
    await rig.advance(1000);
    const events = await rig.contactEvents(contactId);
    expect(events.find((e) => e.type === 'CallTransferFailed')?.data).toMatchObject({ sipStatus: 603 });
    const requeued = events.find(
      (e) => e.type === 'CallTransferStarted' && (e.data as { requestedBy: string }).requestedBy === 'system',
    );
    expect(requeued?.data).toMatchObject({ target: { kind: 'queue' } });
    // agent1's wrap-up ends after 30 s; the caller, still waiting, is then answered by agent1.
    await rig.advance(31_000);
    const call = rig.index.ofContact(rig.tenantId, contactId);
    expect(call).toMatchObject({ agentId: rig.userId('agent1') });
    expect(call?.routingContactId).toBe((requeued!.data as { routingContactId: string }).routingContactId);
    expect(await rig.agentStatus('agent2')).toBe('ready');
    rig.trunk.hangUp();
    await rig.advance(500);
    expect(await rig.agentStatus('agent1')).toBe('wrap-up');
    expect(rig.actions.activity()).toEqual({ transfers: 0, queueTransfers: 0, monitors: 0 });
  });

  it('to a queue: the caller waits there as a new contact and is answered by an agent of that queue', async () => {
    rig = await callActionsRig();
    await rig.logIn('agent1');
    const contactId = await rig.callAnsweredBy('agent1');
    await rig.logIn('agent3');
    const afterSales = (await rig.request('agent3', 'GET', '/api/v1/agent/state')).json().queues[0] as string;
    const res = await rig.request('agent1', 'POST', `/api/v1/calls/${contactId}/transfer`, {
      target: { kind: 'queue', queueId: afterSales },
    });
    expect(res.statusCode).toBe(202);
    expect(await rig.agentStatus('agent1')).toBe('wrap-up');
    await rig.advance(1000);
    const call = rig.index.ofContact(rig.tenantId, contactId)!;
    expect(call.agentId).toBe(rig.userId('agent3'));
    expect(call.routingContactId).toMatch(new RegExp(`^${contactId}\\.`));
    expect(await rig.agentStatus('agent3')).toBe('busy');
    const routed = (await rig.contactEvents(call.routingContactId!)).map((e) => e.type);
    expect(routed).toEqual(expect.arrayContaining(['ContactQueued', 'ContactOffered', 'ContactAnswered']));
    expect(
      (await rig.contactEvents(contactId)).find((e) => e.type === 'CallTransferCompleted')?.data,
    ).toMatchObject({
      target: { kind: 'queue', queueId: afterSales },
      toAgentId: rig.userId('agent3'),
    });
    rig.trunk.hangUp();
    await rig.advance(500);
    expect(await rig.agentStatus('agent3')).toBe('wrap-up');
    expect(rig.actions.activity()).toEqual({ transfers: 0, queueTransfers: 0, monitors: 0 });
  });

  it('a caller hanging up while waiting in the transfer queue abandons that contact', async () => {
    rig = await callActionsRig();
    await rig.logIn('agent1');
    const contactId = await rig.callAnsweredBy('agent1');
    const afterSales = (await rig.request('agent1', 'GET', '/api/v1/agent/state')).json().queues[0] as string;
    await rig.request('agent1', 'POST', `/api/v1/calls/${contactId}/transfer`, {
      target: { kind: 'queue', queueId: afterSales },
    });
    const waiting = rig.index.ofContact(rig.tenantId, contactId)!.routingContactId!;
    expect(await rig.contactStatus(waiting)).toBe('waiting');
    rig.trunk.hangUp();
    await rig.advance(500);
    expect((await rig.contactEvents(waiting)).map((e) => e.type)).toContain('ContactAbandoned');
    expect(rig.actions.activity().queueTransfers).toBe(0);
  });

  it('consults a colleague and completes the attended transfer', async () => {
    rig = await callActionsRig();
    await rig.logIn('agent1');
    const contactId = await rig.callAnsweredBy('agent1');
    await rig.logIn('agent2');
    rig.subscribe('agent1', 'agent');
    const agent2 = rig.userId('agent2');
    const res = await rig.request('agent1', 'POST', `/api/v1/calls/${contactId}/consultation`, {
      target: { kind: 'agent', agentId: agent2 },
    });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({
      held: true,
      consultation: { target: { kind: 'agent', agentId: agent2 } },
    });
    expect(rig.trunk.lastOfferedDirection()).toBe('sendonly');
    const early = await rig.request('agent1', 'POST', `/api/v1/calls/${contactId}/hang-up`);
    expect(early.json().code).toBe('CALL.CONSULTING');
    await rig.advance(500);
    const view = await rig.request('agent1', 'GET', `/api/v1/calls/live/${contactId}`);
    expect(view.json().consultation).toMatchObject({ connected: true });
    expect(names(rig, 'agent1')).toContain('call.consultation_connected');
    const done = await rig.request('agent1', 'POST', `/api/v1/calls/${contactId}/consultation/complete`);
    expect(done.statusCode).toBe(200);
    await rig.advance(500);
    expect(rig.trunk.lastOfferedDirection()).toBe('sendrecv');
    expect(rig.index.ofContact(rig.tenantId, contactId)?.agentId).toBe(agent2);
    expect(
      (await rig.contactEvents(contactId)).find((e) => e.type === 'CallTransferCompleted')?.data,
    ).toMatchObject({
      kind: 'attended',
      toAgentId: agent2,
    });
    expect(await rig.agentStatus('agent1')).toBe('wrap-up');
  });

  it('cancels a consultation: the consulted phone is hung up and the caller taken off hold', async () => {
    rig = await callActionsRig();
    await rig.logIn('agent1');
    const contactId = await rig.callAnsweredBy('agent1');
    await rig.logIn('agent2');
    await rig.request('agent1', 'POST', `/api/v1/calls/${contactId}/consultation`, {
      target: { kind: 'agent', agentId: rig.userId('agent2') },
    });
    await rig.advance(500);
    const cancelled = await rig.request('agent1', 'POST', `/api/v1/calls/${contactId}/consultation/cancel`);
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json()).toMatchObject({ held: false, consultation: null });
    expect(rig.phones.agent2!.ended).toContain('bye-received');
    expect(rig.trunk.lastOfferedDirection()).toBe('sendrecv');
    await rig.advance(200);
    expect(
      (await rig.contactEvents(contactId)).find((e) => e.type === 'CallConsultationEnded')?.data,
    ).toMatchObject({
      reason: 'cancelled',
    });
    expect(await rig.agentStatus('agent2')).toBe('ready');
    const none = await rig.request('agent1', 'POST', `/api/v1/calls/${contactId}/consultation/complete`);
    expect(none.json().code).toBe('CALL.NO_CONSULTATION');
  });

  it('joins the consulted colleague into a three-way call', async () => {
    rig = await callActionsRig();
    await rig.logIn('agent1');
    const contactId = await rig.callAnsweredBy('agent1');
    await rig.logIn('agent2');
    await rig.request('agent1', 'POST', `/api/v1/calls/${contactId}/consultation`, {
      target: { kind: 'agent', agentId: rig.userId('agent2') },
    });
    await rig.advance(500);
    const joined = await rig.request('agent1', 'POST', `/api/v1/calls/${contactId}/conference`);
    expect(joined.statusCode).toBe(200);
    expect(joined.json().held).toBe(false);
    expect(rig.trunk.lastOfferedDirection()).toBe('sendrecv');
    expect((await rig.contactEvents(contactId)).map((e) => e.type)).toContain('CallConferenceStarted');
    const twice = await rig.request('agent1', 'POST', `/api/v1/calls/${contactId}/conference`);
    expect(twice.json().code).toBe('CALL.CONFERENCING');
    // agent1 leaves the three-way call; the caller and agent2 talk on.
    await rig.request('agent1', 'POST', `/api/v1/calls/${contactId}/hang-up`);
    await rig.advance(500);
    expect(rig.index.ofContact(rig.tenantId, contactId)?.agentId).toBe(rig.userId('agent2'));
    expect(rig.trunk.ended).toEqual([]);
  });

  it('transfers to an outside number through the outbound trunk', async () => {
    const dialled: string[] = [];
    rig = await callActionsRig({
      phones: { agent1: {}, outside: { host: '198.51.100.30' } },
      ports: {
        trunks: {
          route: async (_tenantId, number) => {
            dialled.push(number);
            return ok({
              target: {
                uri: `sip:${number}@198.51.100.30`,
                destination: { host: '198.51.100.30', port: 5060 },
              },
              callerId: { number: '4008001234' },
            });
          },
        },
      },
    });
    await rig.logIn('agent1');
    const contactId = await rig.callAnsweredBy('agent1');
    const res = await rig.request('agent1', 'POST', `/api/v1/calls/${contactId}/transfer`, {
      target: { kind: 'number', number: '02087654321' },
    });
    expect(res.statusCode).toBe(202);
    await rig.advance(500);
    expect(dialled).toEqual(['02087654321']);
    expect(rig.phones.outside!.methods()).toContain('INVITE');
    expect(
      (await rig.contactEvents(contactId)).find((e) => e.type === 'CallTransferCompleted')?.data,
    ).toMatchObject({
      target: { kind: 'number', number: '02087654321' },
      toAgentId: null,
    });
  });
});
