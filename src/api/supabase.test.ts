import { describe, expect, it } from 'vitest';
import { backendConfig, createRollcallClient } from './supabase';

describe('backend settings', () => {
  it('are optional: no URL and no key means the app runs on the device alone', () => {
    expect(backendConfig({})).toBeNull();
    expect(backendConfig({ VITE_SUPABASE_URL: ' ', VITE_SUPABASE_ANON_KEY: '' })).toBeNull();
  });

  it('need both values, a URL, and https except for a local stack', () => {
    expect(() => backendConfig({ VITE_SUPABASE_URL: 'https://x.supabase.co' })).toThrow('both');
    expect(() => backendConfig({ VITE_SUPABASE_URL: 'not a url', VITE_SUPABASE_ANON_KEY: 'k' })).toThrow('not a URL');
    expect(() => backendConfig({ VITE_SUPABASE_URL: 'http://school.example', VITE_SUPABASE_ANON_KEY: 'k' })).toThrow('https');
    expect(backendConfig({ VITE_SUPABASE_URL: 'http://127.0.0.1:54321/', VITE_SUPABASE_ANON_KEY: 'k' })).toEqual({ url: 'http://127.0.0.1:54321', anonKey: 'k' });
    expect(backendConfig({ VITE_SUPABASE_URL: 'https://abc.supabase.co', VITE_SUPABASE_ANON_KEY: ' k ' })).toEqual({ url: 'https://abc.supabase.co', anonKey: 'k' });
  });

  it('make a typed client that calls the functions under the project URL', () => {
    const client = createRollcallClient({ url: 'https://abc.supabase.co', anonKey: 'k' }, { accessToken: 't', realtimeTransport: class {} });
    expect(typeof client.functions.invoke).toBe('function');
    expect(typeof client.from).toBe('function');
  });
});
