// Starts a media worker thread. The media code is TypeScript run without a build step, and a
// worker thread does not inherit the parent's tsx loader (Node 20 starts it without one, even when
// the parent runs under tsx), so the worker registers tsx itself before loading its entry.
import { register } from 'tsx/esm/api';

register();
await import('./media-worker-entry.ts');
