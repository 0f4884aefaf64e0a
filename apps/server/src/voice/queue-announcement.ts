/**
 * What a waiting caller is told: their place in line and the expected wait, in the caller's
 * language, with a comfort prompt the first time and the callback offer when the queue makes one.
 * Pure, so wording, rounding and the estimate are tested without a call.
 */
import type { PromptLanguage } from '@switchboard/ivr';
import type { QueueStanding } from './voice-ports';

/** The live figures an estimate is made from. */
export interface WaitFigures {
  /** 1 = next to be served. */
  readonly position: number;
  /** Average handle time (talk + hold + wrap-up) today; null before the first call ended. */
  readonly ahtSeconds: number | null;
  /**
   * Agents of the queue who are taking calls (ready, reserved, busy or in wrap-up) and, for a
   * contact that requires skills, meet them; 0 when none does, which leaves the wait unannounced.
   */
  readonly staffedAgents: number;
}

/**
 * Expected wait = AHT × position ÷ agents staffed: each staffed agent frees up once per AHT, so the
 * caller's turn comes after `position` releases shared among them. Unknown (undefined) without an
 * AHT or without staffed agents: a figure made up from nothing would mislead the caller.
 */
export function expectedWaitSeconds(f: WaitFigures): number | undefined {
  if (f.ahtSeconds === null || !(f.ahtSeconds > 0) || f.staffedAgents <= 0 || f.position < 1)
    return undefined;
  return (f.ahtSeconds * f.position) / f.staffedAgents;
}

/**
 * Minutes as announced: whole minutes rounded up (never "0 minutes"), and past ten minutes rounded
 * up to five, since a precise-sounding long estimate is one the caller will hold against us.
 */
export function announcedMinutes(seconds: number): number {
  const minutes = Math.max(1, Math.ceil(seconds / 60));
  return minutes <= 10 ? minutes : Math.ceil(minutes / 5) * 5;
}

/** How one announcement is worded. */
export interface AnnouncementOptions {
  readonly language: PromptLanguage;
  /** The first announcement opens with a comfort prompt. */
  readonly comfort: boolean;
  /** Ends with "press 1 to keep your place and be called back". */
  readonly offerCallback: boolean;
}

/** An announcement and the minutes it names (null when the wait was not announced). */
export interface Announcement {
  readonly text: string;
  readonly expectedWaitMinutes: number | null;
}

/** The announcement for `standing`. */
export function queueAnnouncement(standing: QueueStanding, o: AnnouncementOptions): Announcement {
  const wait = standing.expectedWaitSeconds;
  const minutes = wait === undefined ? null : announcedMinutes(wait);
  const parts =
    o.language === 'en' ? english(standing.position, minutes, o) : chinese(standing.position, minutes, o);
  return { text: parts.join(' ').trim(), expectedWaitMinutes: minutes };
}

function chinese(position: number, minutes: number | null, o: AnnouncementOptions): string[] {
  const ahead = position - 1;
  return [
    o.comfort ? '您的来电对我们很重要，座席正忙，请您耐心等候。' : '',
    ahead === 0 ? '您是下一位，' : `您前面还有${ahead}位客户，`,
    minutes === null ? '请稍候。' : `预计等待${minutes}分钟。`,
    o.offerCallback ? '如需保留排队位置并等待回电，请按1。' : '',
  ].filter((p) => p !== '');
}

function english(position: number, minutes: number | null, o: AnnouncementOptions): string[] {
  return [
    o.comfort ? 'Thank you for calling. All our agents are busy; please stay on the line.' : '',
    minutes === null
      ? `You are number ${position} in the queue.`
      : `You are number ${position} in the queue; expected wait about ${minutes} ${minutes === 1 ? 'minute' : 'minutes'}.`,
    o.offerCallback ? 'To keep your place and be called back, press 1.' : '',
  ].filter((p) => p !== '');
}
