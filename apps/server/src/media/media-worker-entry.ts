// The entry of a media worker thread (started by MediaWorkerPool through media-worker-bootstrap.mjs):
// one MediaWorkerHost wired to the parent's port.
import { parentPort, workerData } from 'node:worker_threads';
import { MediaWorkerHost } from './media-worker-host';
import type { MediaWorkerCommand, MediaWorkerSetup } from './media-worker-protocol';

const port = parentPort;
if (port === null) throw new Error('media-worker-entry runs only as a worker thread');
const { setup } = workerData as { setup: MediaWorkerSetup };
const host = new MediaWorkerHost(setup, (event) => port.postMessage(event));
port.on('message', (command: MediaWorkerCommand) => host.handle(command));
