import { ok, reject, type Rejection, type Result } from '@switchboard/kernel';
import type { ConferenceRole, MediaEndpointId, MemberOptions } from './media-port';

/** How a conference member takes part, as {@link InMemoryConnections} keeps it. */
export interface InMemoryMember {
  role: ConferenceRole;
  whisperTo: MediaEndpointId | undefined;
  muted: boolean;
}

/** A conference: its members by endpoint. */
export type InMemoryConference = Map<MediaEndpointId, InMemoryMember>;

/**
 * Who hears whom among the endpoints of `InMemoryMedia`, with the media port's rules and no
 * audio: two-party connections, and conferences made from them when a third member joins or a
 * party is muted, turned back into a plain connection when two unmuted parties are left. The
 * caller checks that the endpoints exist.
 */
export class InMemoryConnections {
  /** Connected pairs, keyed `a|b` with the ids sorted. */
  readonly pairs = new Set<string>();
  /** The same connections by endpoint, so releasing one costs its own links, not every call's. */
  private readonly peers = new Map<MediaEndpointId, Set<MediaEndpointId>>();
  /** Conferences by member: every member of one conference maps to the same object. */
  private readonly conferences = new Map<MediaEndpointId, InMemoryConference>();

  /** The conference an endpoint is in (a mixed call of three or more, or with a mute). */
  conferenceOf(id: MediaEndpointId): ReadonlyMap<MediaEndpointId, Readonly<InMemoryMember>> | undefined {
    return this.conferences.get(id);
  }

  /** True when the two endpoints are connected. */
  areConnected(a: MediaEndpointId, b: MediaEndpointId): boolean {
    return this.pairs.has(pairKey(a, b));
  }

  /** True when `a` and `b` are members of one conference. */
  shareConference(a: MediaEndpointId, b: MediaEndpointId): boolean {
    const conference = this.conferences.get(b);
    return conference !== undefined && conference === this.conferences.get(a);
  }

  /** Connects `a` and `b`, each leaving what it was in. */
  connect(a: MediaEndpointId, b: MediaEndpointId): void {
    this.leave(a);
    this.leave(b);
    this.link(a, b);
  }

  /** Stops relaying between the two; a conference they share ends. */
  disconnect(a: MediaEndpointId, b: MediaEndpointId): void {
    this.unlink(a, b);
    const shared = this.conferences.get(a);
    if (shared !== undefined && shared === this.conferences.get(b))
      for (const id of shared.keys()) this.conferences.delete(id);
  }

  /** Adds `id` to the audio of `to`: another endpoint, not already in one conference with it. */
  join(id: MediaEndpointId, to: MediaEndpointId, options: MemberOptions): Result<void, Rejection> {
    const current = this.conferences.get(to);
    const members = new Set([to, ...(current?.keys() ?? []), ...this.pairedWith(to)]);
    if (options.role === 'whisper' && (options.whisperTo === undefined || !members.has(options.whisperTo)))
      return reject('MEDIA.BAD_WHISPER_TARGET', 'whisper needs a member of the same call to whisper to');
    this.leave(id);
    const conference = this.conferenceFor(to);
    conference.set(id, { role: 'party', whisperTo: undefined, muted: false });
    this.conferences.set(id, conference);
    apply(conference.get(id)!, options);
    this.settle(conference);
    return ok(undefined);
  }

  /** Changes how a connected endpoint takes part: mode switch, mute. */
  updateMember(id: MediaEndpointId, options: MemberOptions): Result<void, Rejection> {
    const paired = this.pairedWith(id);
    if (!this.conferences.has(id) && paired.length === 0)
      return reject('MEDIA.NOT_CONNECTED', 'The endpoint is not connected', { endpoint: id });
    const conference = this.conferenceFor(id);
    if (options.role === 'whisper' && (options.whisperTo === undefined || !conference.has(options.whisperTo)))
      return reject('MEDIA.BAD_WHISPER_TARGET', 'whisper needs a member of the same call to whisper to');
    apply(conference.get(id)!, options);
    this.settle(conference);
    return ok(undefined);
  }

  /** Takes the endpoint out of its connections and conference. */
  leave(id: MediaEndpointId): void {
    for (const peer of this.pairedWith(id)) this.unlink(id, peer);
    const conference = this.conferences.get(id);
    if (conference === undefined) return;
    conference.delete(id);
    this.conferences.delete(id);
    this.settle(conference);
  }

  private pairedWith(id: MediaEndpointId): MediaEndpointId[] {
    const peers = this.peers.get(id);
    return peers === undefined ? [] : [...peers];
  }

  private link(a: MediaEndpointId, b: MediaEndpointId): void {
    this.pairs.add(pairKey(a, b));
    this.peerSet(a).add(b);
    this.peerSet(b).add(a);
  }

  private unlink(a: MediaEndpointId, b: MediaEndpointId): void {
    this.pairs.delete(pairKey(a, b));
    this.dropPeer(a, b);
    this.dropPeer(b, a);
  }

  private peerSet(id: MediaEndpointId): Set<MediaEndpointId> {
    let peers = this.peers.get(id);
    if (peers === undefined) this.peers.set(id, (peers = new Set()));
    return peers;
  }

  private dropPeer(id: MediaEndpointId, peer: MediaEndpointId): void {
    const peers = this.peers.get(id);
    if (peers === undefined) return;
    peers.delete(peer);
    if (peers.size === 0) this.peers.delete(id);
  }

  /** The conference `id` is in, made from its two-party connection (or from `id` alone). */
  private conferenceFor(id: MediaEndpointId): InMemoryConference {
    const existing = this.conferences.get(id);
    if (existing !== undefined) return existing;
    const conference: InMemoryConference = new Map();
    for (const member of [id, ...this.pairedWith(id)]) {
      this.unlink(id, member);
      conference.set(member, { role: 'party', whisperTo: undefined, muted: false });
      this.conferences.set(member, conference);
    }
    return conference;
  }

  /** Two unmuted parties are a plain connection again; one member is no conference at all. */
  private settle(conference: InMemoryConference): void {
    if (conference.size > 2) return;
    const members = [...conference.entries()];
    const plain = members.every(([, m]) => (m.role === 'party' || m.role === 'barge') && !m.muted);
    if (members.length === 2 && !plain) return;
    for (const [id] of members) this.conferences.delete(id);
    if (members.length === 2) this.link(members[0]![0], members[1]![0]);
  }
}

function apply(member: InMemoryMember, options: MemberOptions): void {
  if (options.role !== undefined) {
    member.role = options.role;
    member.whisperTo = options.whisperTo;
  } else if (options.whisperTo !== undefined) member.whisperTo = options.whisperTo;
  if (options.muted !== undefined) member.muted = options.muted;
}

function pairKey(a: string, b: string): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}
