/**
 * The school backend for the e2e specs that need one: the stack of
 * `npm run backend` on free ports (the notify job every second), a direct
 * Postgres query for setting up and checking, and the app's own steps to
 * connect a phone and sign in by SMS code.
 */
import { expect, type Page } from '@playwright/test';
import { TOTP } from 'otpauth';
import pg from 'pg';
import { startStack, type Stack } from '../../scripts/backend/stack';

export function startBackend(): Promise<Stack> {
  return startStack({ ports: { db: 0, functions: 0, twilio: 0 }, sendDueEveryMs: 1_000, onLog: () => {} });
}

export async function query<T extends Record<string, unknown>>(stack: Stack, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: stack.dbUrl });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** Settings → School server, as an admin would set up a phone. */
export async function connect(page: Page, stack: Stack) {
  await page.goto('/sign-in');
  await page.getByTestId('server-url').fill(stack.url);
  await page.getByTestId('server-key').fill(stack.anonKey);
  await page.getByRole('button', { name: 'Connect' }).click();
}

/** A one-time code by SMS, read from the Twilio recorder. */
export async function signInBySms(page: Page, stack: Stack, phone: string) {
  await page.getByRole('tab', { name: 'Code by SMS' }).click();
  await page.getByTestId('phone').fill(phone);
  const before = stack.twilio.messages.length;
  await page.getByTestId('code-submit').click();
  await expect.poll(() => stack.twilio.messages.length, { timeout: 15_000 }).toBeGreaterThan(before);
  const code = /(\d{6})/.exec(stack.twilio.messages.at(-1)!.body)![1]!;
  await page.getByTestId('code').fill(code);
  await page.getByTestId('code-submit').click();
}

/** An admin's second step on the School page: the code their authenticator app would show for this setup key. */
export async function giveSecondFactor(page: Page, secret: string) {
  await expect(page.getByTestId('second-factor')).toBeVisible({ timeout: 15_000 });
  await page.getByTestId('second-factor-code').fill(new TOTP({ secret }).generate());
  await page.getByTestId('second-factor-submit').click();
  await expect(page.getByTestId('second-factor')).toBeHidden({ timeout: 15_000 });
}
