/**
 * For supabase-js clients in Node tests: Node 20 has no WebSocket for
 * supabase-js to find, and the app opens no realtime channel, so the
 * transport only has to say so if anything ever tries.
 */
export class NoRealtime {
  constructor() {
    throw new Error('realtime is not used');
  }
}
