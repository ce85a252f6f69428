/**
 * A guardian's SMS reply to an absence text, read: the code that says why
 * the child was away, and their words for the teacher.
 */

export type ExcuseReason = 'sick' | 'family' | 'other';

const REPLY_CODES: Record<string, ExcuseReason> = { '1': 'sick', '2': 'family', '3': 'other' };
const MAX_EXCUSE_MESSAGE = 480;

/**
 * A guardian's reply to an absence text: "1", "2 at grandma's", "3. bus broke down".
 * The code must come first; what follows it is kept as the message. Null
 * for anything else, which gets the help text.
 */
export function parseExcuseReply(body: string | null): { reason: ExcuseReason; message: string } | null {
  const match = /^\s*([1-3])(?![0-9])[\s.,:;)-]*([\s\S]*)$/.exec(body ?? '');
  if (!match) return null;
  return { reason: REPLY_CODES[match[1]], message: match[2].trim().slice(0, MAX_EXCUSE_MESSAGE) };
}
