import type { Prompt } from '../flow/prompt';
import type { NodeContext, Next } from './node-module';

/**
 * Plays an optional prompt before a node acts (hang up, route, voicemail, transfer). Without a
 * prompt the node acts at once; with one, it acts when the prompt ends or a key cuts it short.
 */
export function announceThen(cx: NodeContext, prompt: Prompt | undefined, act: () => Next): Next {
  if (!prompt) return act();
  cx.play(prompt);
  cx.wait = { kind: 'announce' };
  return null;
}
