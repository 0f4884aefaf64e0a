/**
 * Reading what sipp received from its `-trace_msg` log (`-message_file`): sipp writes each message
 * as it arrives, in blocks headed by a dashed line saying `message received` or `message sent`.
 */

/** The messages sipp received, in order, each as its SIP text. */
export function receivedMessages(log: string): string[] {
  return log
    .split(/^-{20,}.*$/m)
    .filter((block) => /message received/.test(block))
    .map((block) => block.slice(block.indexOf('\n', block.indexOf('message received')) + 1).trim());
}

/** The value of the first header field `name` in a message's text. */
export function headerOf(message: string, name: string): string | undefined {
  return new RegExp(`^${name}:\\s*(.*)$`, 'mi').exec(message)?.[1]?.trim();
}

/** The first INVITE sipp received; fails, quoting the log, when none arrived. */
export function receivedInvite(log: string): string {
  const invite = receivedMessages(log).find((m) => m.startsWith('INVITE '));
  if (invite === undefined) throw new Error(`no INVITE reached sipp:\n${log}`);
  return invite;
}
