/**
 * Serves one PGlite database to several Postgres clients over TCP.
 *
 * PGlite is a single backend, so clients take turns. pglite-socket's own
 * queue hands the backend over between any two protocol messages, which
 * breaks the extended query protocol: postgres.js sends Parse, Bind,
 * Execute and Sync as separate messages, and another client's Parse in
 * between replaces the unnamed statement. Here a client keeps the backend
 * from its first message until a Sync or simple Query completes outside a
 * transaction block, so exchanges and whole transactions never interleave.
 *
 * Session settings are still shared by every client (one backend): the
 * functions only use transaction-local settings (SET LOCAL, set_config(...,
 * true)), which is also what keeps them safe behind Supabase's pooler.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketHandler } from '@electric-sql/pglite-socket';

const SYNC = 0x53; // 'S'
const QUERY = 0x51; // 'Q'
const TERMINATE = 0x58; // 'X'

/** True when `message` ends a request/response exchange. Startup messages have no type byte and start with 0. */
function endsExchange(message: Uint8Array): boolean {
  const type = message[0];
  return type === SYNC || type === QUERY || type === TERMINATE || type === 0;
}

interface Waiter {
  owner: number;
  resume: () => void;
  fail: (err: Error) => void;
}

/** Which client holds the backend, and who waits for it, in arrival order. */
export class BackendTurns {
  private owner: number | null = null;
  private waiters: Waiter[] = [];

  constructor(private readonly db: PGlite) {}

  private acquire(owner: number): Promise<void> {
    if (this.owner === null || this.owner === owner) {
      this.owner = owner;
      return Promise.resolve();
    }
    return new Promise((resume, fail) => this.waiters.push({ owner, resume, fail }));
  }

  private release(owner: number): void {
    if (this.owner !== owner) return;
    this.owner = null;
    const next = this.waiters.shift();
    if (next) {
      this.owner = next.owner;
      next.resume();
    }
  }

  /** Called by PGLiteSocketHandler for every protocol message. */
  async enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    await this.acquire(handlerId);
    let bytes = 0;
    try {
      await this.db.runExclusive(() =>
        this.db.execProtocolRawStream(message, {
          onRawData: (data) => {
            bytes += data.length;
            onData(data);
          },
        }),
      );
    } finally {
      if (endsExchange(message) && !this.db.isInTransaction()) this.release(handlerId);
    }
    return bytes;
  }

  getQueueLength(): number {
    return this.waiters.length;
  }

  clearQueueForHandler(handlerId: number): void {
    const gone = this.waiters.filter((w) => w.owner === handlerId);
    this.waiters = this.waiters.filter((w) => w.owner !== handlerId);
    for (const w of gone) w.fail(new Error('Handler disconnected'));
  }

  /** A client that disconnects mid-transaction leaves nothing half-done behind. */
  async clearTransactionIfNeeded(handlerId: number): Promise<void> {
    if (this.owner !== handlerId) return;
    if (this.db.isInTransaction()) await this.db.exec('rollback');
    this.release(handlerId);
  }

  /** In-process access (schema setup, test assertions) in turn with the socket clients. */
  async run<T>(fn: (db: PGlite) => Promise<T>): Promise<T> {
    const owner = -1;
    await this.acquire(owner);
    try {
      return await fn(this.db);
    } finally {
      if (this.db.isInTransaction()) await this.db.exec('rollback');
      this.release(owner);
    }
  }
}

export interface PgServer {
  host: string;
  port: number;
  turns: BackendTurns;
  stop(): Promise<void>;
}

export async function servePglite(db: PGlite, options: { host?: string; port?: number } = {}): Promise<PgServer> {
  const host = options.host ?? '127.0.0.1';
  const turns = new BackendTurns(db);
  const handlers = new Set<PGLiteSocketHandler>();
  await db.waitReady;

  const server: Server = createServer((socket: Socket) => {
    const handler = new PGLiteSocketHandler({
      // The handler only calls enqueue/clear* on its queue; BackendTurns provides them.
      queryQueue: turns as unknown as ConstructorParameters<typeof PGLiteSocketHandler>[0]['queryQueue'],
      closeOnDetach: true,
    });
    handlers.add(handler);
    const forget = () => handlers.delete(handler);
    handler.addEventListener('close', forget);
    handler.addEventListener('error', forget);
    handler.attach(socket).catch(() => {
      forget();
      socket.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no TCP address');

  return {
    host,
    port: address.port,
    turns,
    async stop() {
      for (const h of handlers) await h.detach(true);
      handlers.clear();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
