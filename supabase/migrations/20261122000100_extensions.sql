-- Extensions live in their own schema, as on Supabase, so that public holds
-- only Rollcall's tables and functions.
create schema if not exists extensions;

-- citext: e-mail addresses compare case-insensitively.
create extension if not exists citext with schema extensions;

-- pg_trgm: admins find students by part of a name.
create extension if not exists pg_trgm with schema extensions;
