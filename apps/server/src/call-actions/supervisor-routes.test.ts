import { afterEach, describe, expect, it } from 'vitest';
import { callActionsRig, type CallActionsRig } from './call-actions-test-rig';

let rig: CallActionsRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const names = (r: CallActionsRig, user: string) =>
  r.pushed.filter((p) => p.userId === r.userId(user)).map((p) => p.name);

async function auditOf(r: CallActionsRig, action: string) {
  return (await r.server.identity.audit.list(r.tenantId, { limit: 50 })).filter((a) => a.action === action);
}

/** A call answered by agent1, watched by agent1's and the supervisor's event streams. */
async function answeredCall(r: CallActionsRig): Promise<string> {
  await r.logIn('agent1');
  const contactId = await r.callAnsweredBy('agent1');
  r.subscribe('agent1', 'agent');
  r.subscribe('supervisor', 'tenant');
  return contactId;
}

describe('supervisor actions on live calls', () => {
  it('listens without the agent learning of it, then whispers, and leaves; every step audited', async () => {
    rig = await callActionsRig();
    const contactId = await answeredCall(rig);
    const supervisorId = rig.userId('supervisor');
    const res = await rig.request('supervisor', 'POST', `/api/v1/calls/${contactId}/monitor`, {
      mode: 'listen',
    });
    expect(res.statusCode).toBe(202);
    expect(res.json().supervisors).toEqual([{ supervisorId, mode: 'listen', joined: false }]);
    await rig.advance(500);
    // The supervisor's own phone was rung and joined the call in listen mode.
    expect(rig.phones.supervisor!.methods()).toContain('INVITE');
    const joined = (await rig.contactEvents(contactId)).find((e) => e.type === 'SupervisorJoinedCall');
    expect(joined?.data).toMatchObject({ supervisorId, mode: 'listen', announced: false });
    expect(names(rig, 'supervisor')).toContain('supervisor.joined_call');
    expect(names(rig, 'agent1')).not.toContain('supervisor.joined_call');
    const agentView = await rig.request('agent1', 'GET', `/api/v1/calls/live/${contactId}`);
    expect(agentView.json().supervisors).toEqual([]);
    const supervisorView = await rig.request('supervisor', 'GET', `/api/v1/calls/live/${contactId}`);
    expect(supervisorView.json().supervisors).toEqual([{ supervisorId, mode: 'listen', joined: true }]);

    const again = await rig.request('supervisor', 'POST', `/api/v1/calls/${contactId}/monitor`, {
      mode: 'barge',
    });
    expect(again.json().code).toBe('CALL.ALREADY_MONITORING');
    const whisper = await rig.request('supervisor', 'POST', `/api/v1/calls/${contactId}/monitor/mode`, {
      mode: 'whisper',
    });
    expect(whisper.statusCode).toBe(200);
    // Heard by the agent now: from here on the agent is told.
    expect(names(rig, 'agent1')).toContain('supervisor.monitor_mode_changed');
    const stop = await rig.request('supervisor', 'POST', `/api/v1/calls/${contactId}/monitor/stop`);
    expect(stop.statusCode).toBe(200);
    await rig.advance(200);
    expect(rig.phones.supervisor!.ended).toContain('bye-received');
    expect((await rig.contactEvents(contactId)).map((e) => e.type)).toContain('SupervisorLeftCall');
    expect(names(rig, 'agent1')).toContain('supervisor.left_call');
    // The call itself goes on between caller and agent.
    expect(rig.index.ofContact(rig.tenantId, contactId)?.agentId).toBe(rig.userId('agent1'));
    expect(rig.actions.activity().monitors).toBe(0);
    const started = await auditOf(rig, 'call.monitor_started');
    expect(started.map((a) => [a.targetId, a.details?.['mode'], a.details?.['outcome']])).toEqual(
      expect.arrayContaining([
        [contactId, 'listen', 'done'],
        [contactId, 'barge', 'refused'],
      ]),
    );
    expect(await auditOf(rig, 'call.monitor_mode_changed')).toHaveLength(1);
    expect(await auditOf(rig, 'call.monitor_stopped')).toHaveLength(1);
  });

  it('barges in: the agent is told at once, and the supervisor leaves when the call ends', async () => {
    rig = await callActionsRig();
    const contactId = await answeredCall(rig);
    await rig.request('supervisor', 'POST', `/api/v1/calls/${contactId}/monitor`, { mode: 'barge' });
    await rig.advance(500);
    expect(names(rig, 'agent1')).toContain('supervisor.joined_call');
    rig.trunk.hangUp();
    await rig.advance(500);
    expect(rig.phones.supervisor!.ended).toContain('bye-received');
    expect(rig.actions.activity().monitors).toBe(0);
    expect(rig.control.activity().legs).toBe(0);
  });

  it('is for supervisors only, and refuses what cannot be done with a reason', async () => {
    rig = await callActionsRig();
    const contactId = await answeredCall(rig);
    const byAgent = await rig.request('agent1', 'POST', `/api/v1/calls/${contactId}/monitor`, {
      mode: 'listen',
    });
    expect(byAgent.statusCode).toBe(403);
    const badMode = await rig.request('supervisor', 'POST', `/api/v1/calls/${contactId}/monitor`, {
      mode: 'spy',
    });
    expect(badMode.statusCode).toBe(400);
    const notOn = await rig.request('supervisor', 'POST', `/api/v1/calls/${contactId}/monitor/mode`, {
      mode: 'barge',
    });
    expect(notOn.json().code).toBe('CALL.NOT_MONITORING');
    // The admin has no phone registered: nothing to ring.
    const noPhone = await rig.request('admin', 'POST', `/api/v1/calls/${contactId}/monitor`, {
      mode: 'listen',
    });
    expect(noPhone.statusCode).toBe(409);
    expect(noPhone.json().code).toBe('CALL.NO_DEVICE');
    const unknown = await rig.request('supervisor', 'POST', '/api/v1/calls/nothing/force-release');
    expect(unknown.statusCode).toBe(404);
    expect((await auditOf(rig, 'call.force_released'))[0]?.details).toMatchObject({
      outcome: 'refused',
      code: 'CALL.NOT_FOUND',
    });
  });

  it('force-releases a call (强拆): the caller and the agent are hung up, the agent wraps up', async () => {
    rig = await callActionsRig();
    const contactId = await answeredCall(rig);
    const res = await rig.request('supervisor', 'POST', `/api/v1/calls/${contactId}/force-release`);
    expect(res.statusCode).toBe(200);
    expect(rig.trunk.ended).toContain('bye-received');
    expect(rig.phones.agent1!.ended).toContain('bye-received');
    expect(await rig.agentStatus('agent1')).toBe('wrap-up');
    const types = (await rig.contactEvents(contactId)).map((e) => e.type);
    expect(types.indexOf('CallForceReleased')).toBeLessThan(types.indexOf('CallEnded'));
    expect(names(rig, 'agent1')).toContain('call.force_released');
    expect(await auditOf(rig, 'call.force_released')).toHaveLength(1);
  });

  it('takes a call over (强转/代接): the caller is moved to the supervisor’s phone, the agent leaves', async () => {
    rig = await callActionsRig();
    const contactId = await answeredCall(rig);
    const supervisorId = rig.userId('supervisor');
    const res = await rig.request('supervisor', 'POST', `/api/v1/calls/${contactId}/take-over`);
    expect(res.statusCode).toBe(202);
    await rig.advance(500);
    expect(await rig.agentStatus('agent1')).toBe('wrap-up');
    expect(rig.index.ofContact(rig.tenantId, contactId)?.agentId).toBe(supervisorId);
    const types = (await rig.contactEvents(contactId)).map((e) => e.type);
    expect(types).toEqual(
      expect.arrayContaining(['CallTransferStarted', 'CallTakenOver', 'CallTransferCompleted']),
    );
    expect(names(rig, 'agent1')).toContain('call.taken_over');
    // The supervisor now has the agent's controls on the call.
    const held = await rig.request('supervisor', 'POST', `/api/v1/calls/${contactId}/hold`);
    expect(held.statusCode).toBe(200);
    expect(await auditOf(rig, 'call.taken_over')).toHaveLength(1);
  });
});
