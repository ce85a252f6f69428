/**
 * Local only: serves every function from one process, the way the Supabase
 * gateway does, at /functions/v1/<name>. Each function's handler is the
 * same one its index.ts hands to Deno.serve in production.
 */
import { handler as modelArtifacts } from '../model-artifacts/handler.ts';
import { handler as notify } from '../notify/handler.ts';
import { handler as privacy } from '../privacy/handler.ts';
import { handler as reviews } from '../reviews/handler.ts';
import { handler as roles } from '../roles/handler.ts';
import { handler as sync } from '../sync/handler.ts';
import { corsHeaders } from '../_shared/cors.ts';
import { authHandler } from './auth.ts';

const functions: Record<string, (req: Request) => Promise<Response>> = { sync, 'model-artifacts': modelArtifacts, notify, roles, reviews, privacy };

const ROUTE = /^\/functions\/v1\/([a-z0-9-]+)(?:\/.*)?$/;

function notFound(message: string): Response {
  return new Response(JSON.stringify({ error: 'not_found', message }), {
    status: 404,
    headers: { ...corsHeaders, 'Content-Type': 'application/json' },
  });
}

Deno.serve(
  {
    hostname: Deno.env.get('FUNCTIONS_HOST') ?? '127.0.0.1',
    port: Number(Deno.env.get('FUNCTIONS_PORT') ?? 54321),
    // The stack reads this line to learn the port (0 picks a free one).
    onListen: ({ hostname, port }) => console.log(JSON.stringify({ listening: `http://${hostname}:${port}` })),
  },
  (req) => {
    const { pathname } = new URL(req.url);
    if (pathname === '/health') return new Response('ok');
    if (pathname.startsWith('/auth/v1/')) return authHandler(req, pathname.slice('/auth/v1'.length));
    const match = ROUTE.exec(pathname);
    if (!match) return notFound('Use /functions/v1/<name>.');
    const fn = functions[match[1]];
    return fn ? fn(req) : notFound(`No function named ${match[1]}.`);
  },
);
