-- A guardian's SMS reply is acted on once. Twilio retries a webhook it did
-- not hear back from, and a signed request can be replayed by whoever
-- captured it (after a teacher rejected the excuse, each replay made a new
-- pending one). The reply's MessageSid names it: the first delivery records
-- what was done and the answer sent; any later one with the same sid gets
-- the same answer and changes nothing.
create table private.sms_replies (
  message_sid text primary key check (length(message_sid) between 1 and 64),
  received_at timestamptz not null default now(),
  -- The TwiML text answered, once decided (in the same transaction).
  answer text
);
alter table private.sms_replies enable row level security;
revoke all on table private.sms_replies from public, anon, authenticated;
grant select, insert, update on table private.sms_replies to service_role;
