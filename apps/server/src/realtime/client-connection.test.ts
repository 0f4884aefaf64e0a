import { describe, expect, it } from 'vitest';
import { ClientConnection, type SendingSocket } from './client-connection';

/** A socket whose writes complete only when the test flushes them: a slow consumer. */
function slowSocket() {
  const written: string[] = [];
  const pending: (() => void)[] = [];
  const socket: SendingSocket = {
    readyState: 1,
    send: (data, callback) => {
      written.push(data);
      pending.push(() => callback());
    },
    close: () => undefined,
  };
  const flush = () => {
    while (pending.length > 0) pending.shift()!();
  };
  return { socket, written, flush };
}

describe('a client connection', () => {
  it('writes in order while the client keeps up', () => {
    const { socket, written, flush } = slowSocket();
    const connection = new ClientConnection(socket, { maxQueued: 4, maxInFlight: 2 });
    for (let i = 0; i < 5; i++) connection.sendText(`m${i}`);
    expect(written).toEqual(['m0', 'm1']);
    flush();
    flush();
    flush();
    expect(written).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
  });

  it('drops what a slow client cannot take, never blocks the sender, then sends one resync', () => {
    const { socket, written, flush } = slowSocket();
    const connection = new ClientConnection(socket, { maxQueued: 3, maxInFlight: 1 });
    for (let i = 0; i < 100; i++) connection.sendText(`m${i}`);
    expect(written).toEqual(['m0']);
    expect(connection.droppedSinceResync).toBe(99);
    flush();
    expect(JSON.parse(written[1]!)).toEqual({ type: 'resync', reason: 'slow-consumer', dropped: 99 });
    flush();
    connection.sendText('fresh');
    expect(written.at(-1)).toBe('fresh');
  });
});
