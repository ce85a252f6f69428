/**
 * Where the school's Supabase project is, checked. Kept apart from the
 * client module so the app can read its settings without loading supabase-js.
 */
/** The key of the signed-in session in the device's settings (read by the service worker too). */
export const SESSION_KEY = 'rollcall-auth';

export interface BackendConfig {
  url: string;
  anonKey: string;
}

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
