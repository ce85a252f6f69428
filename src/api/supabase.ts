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

export interface ClientOptions {
  /** A user's access token; without it the client calls as anon. */
  accessToken?: string;
  /** For runtimes without WebSocket (Node 20 in tests): nothing here opens a realtime channel. */
  realtimeTransport?: unknown;
}

export function createRollcallClient(config: BackendConfig, options: ClientOptions = {}): RollcallClient {
  return createClient<Database>(config.url, config.anonKey, {
    global: options.accessToken ? { headers: { Authorization: `Bearer ${options.accessToken}` } } : undefined,
    auth: { persistSession: false, autoRefreshToken: false },
    ...(options.realtimeTransport ? { realtime: { transport: options.realtimeTransport as never } } : {}),
  });
}
