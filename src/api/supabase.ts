/**
 * The app's only way to the school's Supabase project: a typed supabase-js
 * client. With no URL and key configured the app runs on the device alone,
 * so `backendConfig` answers null and nothing here is loaded.
 */
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import type { Database } from './database.types';

export interface BackendConfig {
  url: string;
  anonKey: string;
}

export type RollcallClient = SupabaseClient<Database>;

/** The key of the signed-in session in its storage (read by the service worker too). */
export const SESSION_KEY = 'rollcall-auth';

/** The build-time settings (VITE_SUPABASE_URL, VITE_SUPABASE_ANON_KEY), checked; null when unset. */
export function backendConfig(env: Record<string, string | undefined>): BackendConfig | null {
  const url = env.VITE_SUPABASE_URL?.trim();
  const anonKey = env.VITE_SUPABASE_ANON_KEY?.trim();
  if (!url && !anonKey) return null;
  if (!url || !anonKey) throw new Error('Set both VITE_SUPABASE_URL and VITE_SUPABASE_ANON_KEY, or neither.');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`VITE_SUPABASE_URL is not a URL: ${url}`);
  }
  if (parsed.protocol !== 'https:' && !['127.0.0.1', 'localhost'].includes(parsed.hostname)) {
    throw new Error('VITE_SUPABASE_URL must use https (plain http only for a local stack).');
  }
  return { url: parsed.origin, anonKey };
}

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
