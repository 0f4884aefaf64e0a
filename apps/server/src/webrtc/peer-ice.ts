import type { Timers } from '@switchboard/kernel';
import type { PeerConfig, RTCPeerConnection } from 'werift';

/** ICE addresses of this host; unset means werift's defaults (every non-loopback interface). */
export interface PeerIceOptions {
  /** Host candidates (RFC 8445 §5.1.1.1) on these addresses too, e.g. 127.0.0.1 in tests. */
  readonly additionalHostAddresses?: readonly string[];
  /** Bind the ICE sockets to this IPv4 address only (a multi-homed server's media address). */
  readonly bindAddress?: string;
  /** UDP ports for host candidates, e.g. the firewall's WebRTC range. */
  readonly portRange?: readonly [number, number];
  /** Also gather IPv6 host candidates; default false. */
  readonly ipv6?: boolean;
}

/** werift's peer connection settings for {@link PeerIceOptions}. */
export function iceConfig(ice: PeerIceOptions | undefined): Partial<PeerConfig> {
  // werift drops loopback and unknown addresses from its interface scan, so the bound address
  // is added explicitly or it would have no candidate at all.
  const extra = [...(ice?.additionalHostAddresses ?? []), ...(ice?.bindAddress ? [ice.bindAddress] : [])];
  return {
    ...(extra.length > 0 ? { iceAdditionalHostAddresses: [...new Set(extra)] } : {}),
    ...(ice?.bindAddress ? { iceInterfaceAddresses: { udp4: ice.bindAddress } } : {}),
    ...(ice?.portRange ? { icePortRange: [ice.portRange[0], ice.portRange[1]] as [number, number] } : {}),
  };
}

/**
 * werift binds its ICE sockets to `bindAddress` but still lists a host candidate for every
 * interface; those can never answer a check, so the answer leaves them out (RFC 8445 §5.1.1.1:
 * a host candidate is an address the agent actually listens on).
 */
export function keepCandidatesOn(sdp: string, address: string): string {
  return sdp
    .split('\r\n')
    .filter((line) => !line.startsWith('a=candidate:') || line.split(' ')[4] === address)
    .join('\r\n');
}

/**
 * Resolves true when werift reports gathering complete, false after `timeoutMs`: SIP carries one
 * description and no trickle (RFC 8829 §4.1.8.1), so ours waits for every candidate.
 */
export function waitForGathering(pc: RTCPeerConnection, timers: Timers, timeoutMs: number): Promise<boolean> {
  if (pc.iceGatheringState === 'complete') return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = timers.set(timeoutMs, () => {
      subscription.unSubscribe();
      resolve(false);
    });
    const subscription = pc.iceGatheringStateChange.subscribe((s) => {
      if (s !== 'complete') return;
      timers.clear(timer);
      subscription.unSubscribe();
      resolve(true);
    });
  });
}
