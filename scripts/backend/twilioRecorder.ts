/**
 * A stand-in for Twilio's Messages API on 127.0.0.1. It answers
 * POST /2010-04-01/Accounts/:sid/Messages.json the way Twilio does, keeps
 * and prints each SMS instead of sending it, and can be told to fail the
 * next requests so retry paths can be tested:
 *
 *   POST /__recorder/fail      {"count":1,"status":500}  (a 4xx answers Twilio's 21211, invalid 'To')
 *   GET  /__recorder/messages  the messages kept so far
 *   POST /__recorder/reset     forget messages and pending failures
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export interface RecordedSms {
  sid: string;
  accountSid: string;
  to: string;
  from: string | null;
  messagingServiceSid: string | null;
  body: string;
  statusCallback: string | null;
  at: string;
}

export interface TwilioRecorder {
  url: string;
  accountSid: string;
  authToken: string;
  messages: RecordedSms[];
  /** The next `count` message requests answer `status` (default 500). */
  failNext(count?: number, status?: number): void;
  reset(): void;
  stop(): Promise<void>;
}

export interface TwilioRecorderOptions {
  port?: number;
  accountSid?: string;
  authToken?: string;
  /** Where each SMS is reported; defaults to stdout. */
  print?: (line: string) => void;
}

/** +919812344567 → +91******4567, as the functions log numbers. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  if (digits.length < 8) return '*'.repeat(phone.length);
  return `+${digits.slice(0, 2)}${'*'.repeat(digits.length - 6)}${digits.slice(-4)}`;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

function twilioError(res: ServerResponse, status: number, code: number, message: string): void {
  send(res, status, { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status });
}

const MESSAGES_PATH = /^\/2010-04-01\/Accounts\/([A-Za-z0-9]+)\/Messages\.json$/;

export async function startTwilioRecorder(options: TwilioRecorderOptions = {}): Promise<TwilioRecorder> {
  const accountSid = options.accountSid ?? 'AC' + '0'.repeat(32);
  const authToken = options.authToken ?? 'local-twilio-auth-token';
  const print = options.print ?? ((line: string) => console.log(line));
  const messages: RecordedSms[] = [];
  const failures: number[] = [];

  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const body = await readBody(req);

      if (url.pathname === '/__recorder/messages' && req.method === 'GET') return send(res, 200, { messages });
      if (url.pathname === '/__recorder/reset' && req.method === 'POST') {
        messages.length = 0;
        failures.length = 0;
        return send(res, 200, { ok: true });
      }
      if (url.pathname === '/__recorder/fail' && req.method === 'POST') {
        const { count = 1, status = 500 } = body ? (JSON.parse(body) as { count?: number; status?: number }) : {};
        for (let i = 0; i < count; i++) failures.push(status);
        return send(res, 200, { pending: failures.length });
      }

      const match = MESSAGES_PATH.exec(url.pathname);
      if (!match || req.method !== 'POST') return twilioError(res, 404, 20404, 'The requested resource was not found');
      const expected = 'Basic ' + Buffer.from(`${accountSid}:${authToken}`).toString('base64');
      if (match[1] !== accountSid || req.headers.authorization !== expected) {
        return twilioError(res, 401, 20003, 'Authenticate');
      }
      const failWith = failures.shift();
      if (failWith && failWith < 500) return twilioError(res, failWith, 21211, "The 'To' number is not a valid phone number.");
      if (failWith) return twilioError(res, failWith, 20500, 'Internal Server Error (recorder told to fail)');

      const form = new URLSearchParams(body);
      const to = form.get('To');
      const from = form.get('From');
      const messagingServiceSid = form.get('MessagingServiceSid');
      const text = form.get('Body');
      if (!to) return twilioError(res, 400, 21604, "A 'To' phone number is required.");
      if (!from && !messagingServiceSid) return twilioError(res, 400, 21603, "A 'From' phone number is required.");
      if (!text) return twilioError(res, 400, 21602, 'Message body is required.');

      const sms: RecordedSms = {
        sid: 'SM' + randomBytes(16).toString('hex'),
        accountSid,
        to,
        from,
        messagingServiceSid,
        body: text,
        statusCallback: form.get('StatusCallback'),
        at: new Date().toISOString(),
      };
      messages.push(sms);
      print(`[twilio] SMS to ${maskPhone(to)}: ${text}`);
      const now = new Date().toUTCString();
      send(res, 201, {
        sid: sms.sid,
        account_sid: accountSid,
        to,
        from,
        messaging_service_sid: messagingServiceSid,
        body: text,
        status: 'queued',
        num_segments: String(Math.max(1, Math.ceil(text.length / 160))),
        direction: 'outbound-api',
        api_version: '2010-04-01',
        date_created: now,
        date_updated: now,
        date_sent: null,
        error_code: null,
        error_message: null,
        price: null,
        uri: `/2010-04-01/Accounts/${accountSid}/Messages/${sms.sid}.json`,
      });
    })().catch((err: unknown) => {
      if (!res.headersSent) twilioError(res, 500, 20500, String(err));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no TCP address');

  return {
    url: `http://127.0.0.1:${address.port}`,
    accountSid,
    authToken,
    messages,
    failNext(count = 1, status = 500) {
      for (let i = 0; i < count; i++) failures.push(status);
    },
    reset() {
      messages.length = 0;
      failures.length = 0;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
