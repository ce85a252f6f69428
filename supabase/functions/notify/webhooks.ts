/**
 * What Twilio calls: its delivery reports (POST /notify/twilio-status) and
 * a guardian's SMS reply (POST /notify/twilio-inbound). Neither carries a
 * JWT; each must carry X-Twilio-Signature, which only Twilio and this
 * function can make.
 */
import { preflight } from '../_shared/cors.ts';
import { asService, type Tx } from '../_shared/db.ts';
import { errorResponse, HttpError, requireMethod } from '../_shared/http.ts';
import { log } from '../_shared/log.ts';
import { env, publicUrl, timeZone } from './config.ts';
import { excuseConfirmation, REPLY_HELP, REPLY_NO_ABSENCE } from './messages.ts';
import { absenceTextTo, answerSmsReply, auditAsService, claimSmsReply, recordDelivery, recordExcuse } from './queries.ts';
import { parseExcuseReply } from './replies.ts';
import { constantTimeEqual, statusFromCallback, twilioSignature, twimlMessage } from './twilio.ts';

const MAX_CALLBACK_BYTES = 64 * 1024;

/**
 * The form parameters of a request Twilio made to `route`, once its
 * X-Twilio-Signature proves it came from Twilio (403 otherwise).
 */
async function signedTwilioForm(req: Request, route: 'twilio-status' | 'twilio-inbound'): Promise<URLSearchParams> {
  requireMethod(req, 'POST');
  const token = env('TWILIO_AUTH_TOKEN');
  if (!token) throw new HttpError(503, 'unavailable', 'TWILIO_AUTH_TOKEN is not set');
  const text = await req.text();
  if (text.length > MAX_CALLBACK_BYTES) throw new HttpError(413, 'too_large', 'body: too large');
  const params = new URLSearchParams(text);
  const url = `${publicUrl(req)}/${route}${new URL(req.url).search}`;
  const expected = await twilioSignature(url, params, token);
  if (!constantTimeEqual(req.headers.get('X-Twilio-Signature') ?? '', expected)) {
    log.warn('twilio request with a bad signature', { url });
    throw new HttpError(403, 'forbidden', 'bad signature');
  }
  // Postgres text cannot hold NUL: a 400, not a failed query.
  for (const [k, v] of params) if (k.includes('\u0000') || v.includes('\u0000')) throw new HttpError(400, 'bad_request', 'text may not contain NUL characters');
  return params;
}

/** Twilio's status callback: no JWT, but a signature only Twilio and we can make. */
export async function twilioStatus(req: Request): Promise<Response> {
  const early = preflight(req);
  if (early) return early;
  try {
    const params = await signedTwilioForm(req, 'twilio-status');
    const sid = params.get('MessageSid') ?? params.get('SmsSid');
    const status = statusFromCallback(params.get('MessageStatus') ?? params.get('SmsStatus'));
    if (sid && status) {
      const error = status === 'failed' ? `twilio ${params.get('MessageStatus')}${params.get('ErrorCode') ? ` ${params.get('ErrorCode')}` : ''}` : null;
      // Only forward: a late "failed" never undoes "delivered".
      const updated = await asService((tx) => recordDelivery(tx, sid, status, error));
      log.info('twilio status', { sid, status, updated });
    }
    return new Response(null, { status: 204 });
  } catch (err) {
    return errorResponse(err, { fn: 'notify', route: 'twilio-status' });
  }
}

function twiml(text: string): Response {
  return new Response(twimlMessage(text), { status: 200, headers: { 'Content-Type': 'text/xml; charset=utf-8' } });
}

/**
 * A guardian's reply to an absence text. The number it came from is the
 * only proof of who sent it, so it is matched to the latest absence message
 * sent to that number (any school) whose mark is still an absence: the
 * reply excuses that mark. A reply
 * that is not a code gets the help text; a number that was sent no absence
 * message is told so, and nothing is recorded. Recorded as the service,
 * because the sender has no account here. Each MessageSid is acted on once
 * (private.sms_replies): Twilio's retries and replays get the first answer.
 */
export async function twilioInbound(req: Request): Promise<Response> {
  const early = preflight(req);
  if (early) return early;
  try {
    const params = await signedTwilioForm(req, 'twilio-inbound');
    // The sid is what makes a retry or a replay recognisable: without one, nothing is recorded.
    const sid = params.get('MessageSid') ?? params.get('SmsSid');
    if (!sid || sid.length > 64) throw new HttpError(400, 'bad_request', 'MessageSid: missing');
    const from = params.get('From') ?? '';
    const reply = parseExcuseReply(params.get('Body'));
    const answer = await asService(async (tx) => {
      const seen = await claimSmsReply(tx, sid);
      if (seen) {
        log.info('sms reply seen before', { sid });
        return seen.answer ?? REPLY_HELP;
      }
      const text = await answerReply(tx, from, reply);
      await answerSmsReply(tx, sid, text);
      return text;
    });
    return twiml(answer);
  } catch (err) {
    return errorResponse(err, { fn: 'notify', route: 'twilio-inbound' });
  }
}

/** What a first delivery of a reply does, and the text that answers it. */
async function answerReply(tx: Tx, from: string, reply: ReturnType<typeof parseExcuseReply>): Promise<string> {
  if (!reply) {
    log.info('sms reply without a code', { from });
    return REPLY_HELP;
  }
  const absence = await absenceTextTo(tx, from);
  if (!absence) {
    log.info('sms reply from a number with no absence message', { from });
    return REPLY_NO_ABSENCE;
  }
  const excuse = await recordExcuse(tx, absence, reply);
  await auditAsService(tx, {
    schoolId: absence.school_id,
    actor: null,
    action: 'excuse.received',
    entity: 'excuse_requests',
    entityId: excuse.id,
    details: { markId: absence.mark_id, reason: reply.reason, replaced: !excuse.created },
  });
  log.info('excuse request recorded', { from, excuseId: excuse.id, reason: reply.reason });
  return excuseConfirmation(absence.full_name as string, reply.reason, new Date(absence.starts_at), timeZone());
}
