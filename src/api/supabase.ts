/**
 * The app's only way to the school's Supabase project: a typed supabase-js
 * client. With no URL and key configured the app runs on the device alone,
 * so `backendConfig` answers null and this module (and supabase-js) is
 * never loaded: the app imports it dynamically.
 */
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { SESSION_KEY, type BackendConfig } from './backendConfig';
import type { Database } from './database.types';

export { backendConfig, type BackendConfig } from './backendConfig';

export type RollcallClient = SupabaseClient<Database>;

/** Where a signed-in session is kept; supabase-js accepts async storage. */
export interface SessionStorage {
  getItem(key: string): Promise<string | null> | string | null;
  setItem(key: string, value: string): Promise<void> | void;
  removeItem(key: string): Promise<void> | void;
}

export interface ClientOptions {
  /** A user's access token; without it the client calls as anon (or as the signed-in user, with `sessionStorage`). */
  accessToken?: string;
  /** Sign-in with Supabase Auth: the session is kept here and refreshed before it expires. */
  sessionStorage?: SessionStorage;
  /** For runtimes without WebSocket (Node 20 in tests): nothing here opens a realtime channel. */
  realtimeTransport?: unknown;
}

export function createRollcallClient(config: BackendConfig, options: ClientOptions = {}): RollcallClient {
  return createClient<Database>(config.url, config.anonKey, {
    global: options.accessToken ? { headers: { Authorization: `Bearer ${options.accessToken}` } } : undefined,
    auth: options.sessionStorage
      ? { persistSession: true, autoRefreshToken: true, detectSessionInUrl: true, storage: options.sessionStorage, storageKey: SESSION_KEY }
      : { persistSession: false, autoRefreshToken: false },
    ...(options.realtimeTransport ? { realtime: { transport: options.realtimeTransport as never } } : {}),
  });
}
