/**
 * The privacy function's check of a consent's date, in the words
 * private.client_time() uses for the same refusal.
 */
import assert from 'node:assert/strict';
import { clientTimeProblem, clientTimeRefusal, howFarAhead } from '../../privacy/logic.ts';

const NOW = new Date('2026-12-06T20:00:00Z');
const CHECK = ": check this phone's date and time";

Deno.test('clientTimeProblem: up to 5 minutes ahead and anything since 2020 is believed', () => {
  for (const at of ['2026-12-06T20:05:00Z', '2026-12-06T20:00:00Z', '2020-01-01T00:00:00Z', '2026-09-01T09:00:00+02:00']) {
    assert.equal(clientTimeProblem('givenAt', at, NOW), null, at);
  }
});

Deno.test('clientTimeProblem: further ahead, or before 2020, says why and what to check', () => {
  assert.equal(clientTimeProblem('givenAt', '2026-12-06T20:05:01Z', NOW), `givenAt is ahead of the server's clock by 5 minutes${CHECK}`);
  assert.equal(clientTimeProblem('givenAt', '2026-12-08T20:00:00Z', NOW), `givenAt is ahead of the server's clock by 2 days${CHECK}`);
  assert.equal(clientTimeProblem('givenAt', '2099-01-01T00:00:00Z', NOW), `givenAt is ahead of the server's clock by 72 years${CHECK}`);
  assert.equal(clientTimeProblem('givenAt', '2001-01-01T00:00:00Z', NOW), `givenAt is 2001-01-01, before 2020-01-01${CHECK}`);
  assert.equal(clientTimeProblem('givenAt', '2019-12-31T23:59:59Z', NOW), `givenAt is 2019-12-31, before 2020-01-01${CHECK}`);
});

Deno.test('howFarAhead: minutes, then hours from 2, days from 2, years from 2', () => {
  const minute = 60_000;
  assert.equal(howFarAhead(7 * minute), '7 minutes');
  assert.equal(howFarAhead(119 * minute), '119 minutes');
  assert.equal(howFarAhead(120 * minute), '2 hours');
  assert.equal(howFarAhead(47.6 * 60 * minute), '48 hours');
  assert.equal(howFarAhead(48 * 60 * minute), '2 days');
  assert.equal(howFarAhead(729 * 24 * 60 * minute), '729 days');
  assert.equal(howFarAhead(2 * 365.25 * 24 * 60 * minute), '2 years');
});

Deno.test("clientTimeRefusal: the database's 22008 is a 400 with its words; anything else is left to the other mappings", () => {
  const refused = clientTimeRefusal({ code: '22008', message: `given_at is ahead of the server's clock by 2 days${CHECK}` });
  assert.equal(refused?.status, 400);
  assert.equal(refused?.message, `given_at is ahead of the server's clock by 2 days${CHECK}`);
  assert.equal(clientTimeRefusal({ code: '23514', message: 'check' }), null);
  assert.equal(clientTimeRefusal(null), null);
});
