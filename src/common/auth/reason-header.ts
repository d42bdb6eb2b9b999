/** The longest reason kept in the audit log: a sentence or two, not a document. */
export const MAX_REASON_LENGTH = 500;

/**
 * `X-Reason: <text>` says why a change was made. HTTP headers carry ASCII, so a reason with
 * accents is sent percent-encoded (encodeURIComponent); plain ASCII may be sent as is.
 */
export function readReasonHeader(header: string | string[] | undefined): { text: string | null; problem?: string } {
  if (header === undefined) return { text: null };
  if (Array.isArray(header)) return { text: null, problem: 'Send X-Reason once' };
  let text = header;
  try {
    text = decodeURIComponent(header);
  } catch {
    // Not percent-encoding after all (a literal '%'): keep the header as sent.
  }
  text = text.trim();
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(text)) return { text: null, problem: 'X-Reason must not contain control characters' };
  if (text.length > MAX_REASON_LENGTH) return { text: null, problem: `X-Reason is at most ${MAX_REASON_LENGTH} characters (it has ${text.length})` };
  return { text: text.length > 0 ? text : null };
}
