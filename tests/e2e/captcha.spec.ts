/**
 * Sign-in when the school's project has Supabase Auth's captcha on. The
 * suite's own build has no site key, so this spec builds the app once more
 * with one (about 10 s, in parallel with the backend starting) and serves it
 * on a free port. The provider's script is a fake served with page.route: a
 * button that hands the widget's callback a fresh token. The backend is the
 * local stack with LOCAL_CAPTCHA_SECRET set, whose Auth stand-in refuses a
 * request without a token and takes a token once.
 */
import { test, expect, type Route } from '@playwright/test';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { preview, type PreviewServer } from 'vite';
import { REPO_ROOT, startStack, type Stack } from '../../scripts/backend/stack';
import { DEMO_PASSWORD, USERS } from '../../supabase/local/seed-ids';
import { connect } from './backend';

const SITE_KEY = '10000000-ffff-ffff-ffff-000000000001';
const HCAPTCHA = 'https://js.hcaptcha.com/1/api.js?render=explicit';

/** hCaptcha's explicit-render API, faked: render() adds a button; a tap passes a new token to the callback. */
const FAKE_HCAPTCHA = `(() => {
  let n = 0;
  const widgets = new Map();
  window.hcaptcha = {
    render(el, params) {
      const id = 'fake-' + ++n;
      const button = document.createElement('button');
      button.type = 'button';
      button.dataset.testid = 'fake-captcha';
      button.dataset.size = params.size;
      button.style.cssText = 'min-height:64px;border:1px solid #888;border-radius:4px;background:#f9f9f9;color:#333;text-align:left;padding:8px 12px';
      const idle = () => { button.textContent = '☐ I am a person (fake check, ' + params.sitekey.slice(0, 8) + '…)'; button.setAttribute('aria-pressed', 'false'); };
      button.onclick = () => { button.textContent = '☑ Checked'; button.setAttribute('aria-pressed', 'true'); params.callback(id + '-' + crypto.randomUUID()); };
      idle();
      el.append(button);
      widgets.set(id, { button, idle });
      return id;
    },
    reset(id) { widgets.get(id)?.idle(); },
    remove(id) { widgets.get(id)?.button.remove(); widgets.delete(id); },
  };
})();`;

// The page is cross-origin isolated (COEP require-corp): a script from elsewhere loads only if it says it may.
const serveFake = (route: Route) =>
  route.fulfill({ status: 200, contentType: 'text/javascript', headers: { 'Cross-Origin-Resource-Policy': 'cross-origin' }, body: FAKE_HCAPTCHA });

let stack: Stack;
let withKey: PreviewServer;
let withKeyUrl: string;
let outDir: string;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function buildWithSiteKey(dir: string) {
  await promisify(execFile)(process.execPath, [join(REPO_ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--outDir', dir, '--logLevel', 'warn'], {
    cwd: REPO_ROOT,
    env: { ...process.env, VITE_CAPTCHA_PROVIDER: 'hcaptcha', VITE_CAPTCHA_SITE_KEY: SITE_KEY, VITE_SUPABASE_URL: '', VITE_SUPABASE_ANON_KEY: '' },
    maxBuffer: 16 * 1024 * 1024,
  });
}

test.beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'rollcall-captcha-'));
  [stack] = await Promise.all([
    startStack({ ports: { db: 0, functions: 0, twilio: 0 }, functionsEnv: { LOCAL_CAPTCHA_SECRET: 'e2e-captcha-secret' }, onLog: () => {} }),
    buildWithSiteKey(outDir),
  ]);
  withKey = await preview({
    root: REPO_ROOT,
    configFile: join(REPO_ROOT, 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir },
    preview: { host: '127.0.0.1', port: await freePort(), strictPort: true },
  });
  withKeyUrl = withKey.resolvedUrls!.local[0]!.replace(/\/$/, '');
});

test.afterAll(async () => {
  await withKey?.close();
  await stack?.stop();
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

test('without a site key the sign-in form has no check and asks nothing of another site', async ({ browser, baseURL }) => {
  const context = await browser.newContext({ baseURL, serviceWorkers: 'block' });
  try {
    const page = await context.newPage();
    const elsewhere: string[] = [];
    page.on('request', (req) => {
      const origin = new URL(req.url()).origin;
      if (origin !== new URL(baseURL!).origin && origin !== new URL(stack.url).origin) elsewhere.push(req.url());
    });
    await connect(page, stack);
    await expect(page.getByTestId('password-form')).toBeVisible();
    await expect(page.getByTestId('captcha')).toHaveCount(0);
    await page.getByRole('tab', { name: 'Code by SMS' }).click();
    await expect(page.getByTestId('code-form')).toBeVisible();
    await expect(page.getByTestId('captcha')).toHaveCount(0);
    expect(elsewhere).toEqual([]);
  } finally {
    await context.close();
  }
});

test('with a site key: refused without the check, a code and a sign-in with it, the check reset after each try', async ({ browser }) => {
  const context = await browser.newContext({ baseURL: withKeyUrl, serviceWorkers: 'block', viewport: { width: 360, height: 800 } });
  const page = await context.newPage();
  const passwordRequests: (string | null)[] = [];
  page.on('request', (req) => {
    if (req.url().includes('/auth/v1/token?grant_type=password')) passwordRequests.push(req.postDataJSON()?.gotrue_meta_security?.captcha_token ?? null);
  });

  await test.step("offline for the provider: the check can't load, and the server refuses the sign-in without it", async () => {
    await context.route(HCAPTCHA, (route) => route.abort('internetdisconnected'));
    await connect(page, stack);
    await expect(page.getByTestId('captcha-problem')).toHaveText('Sign-in needs the check to load; connect to the internet and try again.');
    await page.getByTestId('email').fill(USERS.tomas.email);
    await page.getByTestId('password').fill(DEMO_PASSWORD);
    await page.getByTestId('sign-in').click();
    await expect(page.getByTestId('sign-in-error')).toHaveText('The server turned the sign-in down without the check. Once the check shows above, do it, then try again.');
    expect(passwordRequests).toEqual([null]);
    await expect(page).toHaveURL(/\/sign-in$/);
    await page.screenshot({ path: 'test-results/screens/sign-in-captcha-offline-360.png', fullPage: true });
  });

  await test.step('back online: the check loads on asking, in its compact size at 360 px, and a try before it is done goes nowhere', async () => {
    await context.unrouteAll();
    await context.route(HCAPTCHA, serveFake);
    await page.getByTestId('captcha-retry').click();
    const widget = page.getByTestId('fake-captcha');
    await expect(widget).toHaveAttribute('aria-pressed', 'false');
    await expect(widget).toContainText(SITE_KEY.slice(0, 8));
    await expect(widget).toHaveAttribute('data-size', 'compact');
    await expect(page.getByTestId('captcha-problem')).toHaveCount(0);
    await page.getByTestId('sign-in').click();
    await expect(page.getByTestId('sign-in-error')).toHaveText('Do the check above first, then try again.');
    expect(passwordRequests).toHaveLength(1);
    await page.getByTestId('sign-in-error').scrollIntoViewIfNeeded();
    await page.screenshot({ path: 'test-results/screens/sign-in-captcha-360.png', fullPage: true });
  });

  await test.step('a code by SMS needs the check too', async () => {
    await page.getByRole('tab', { name: 'Code by SMS' }).click();
    await page.getByTestId('phone').fill('+447700900101');
    const before = stack.twilio.messages.length;
    await page.getByTestId('fake-captcha').click();
    await page.getByTestId('code-submit').click();
    await expect(page.getByText('We sent a 6-digit code by SMS.')).toBeVisible();
    expect(stack.twilio.messages.length).toBe(before + 1);
  });

  await test.step('a wrong password spends the token and resets the check; the next try, checked again, signs in', async () => {
    await page.getByRole('tab', { name: 'E-mail and password' }).click();
    const widget = page.getByTestId('fake-captcha');
    await page.getByTestId('email').fill(USERS.tomas.email);
    await page.getByTestId('password').fill('wrong password');
    await widget.click();
    await page.getByTestId('sign-in').click();
    await expect(page.getByTestId('sign-in-error')).toContainText('do not match');
    await expect(widget).toHaveAttribute('aria-pressed', 'false');
    await page.getByTestId('password').fill(DEMO_PASSWORD);
    await widget.click();
    await page.getByTestId('sign-in').click();
    await expect(page).toHaveURL(/\/$/);
    // Each try carried its own token: none was sent twice.
    const sent = passwordRequests.slice(1);
    expect(sent).toHaveLength(2);
    expect(sent.every((t) => typeof t === 'string' && t.length > 0)).toBe(true);
    expect(new Set(sent).size).toBe(2);
  });
  await context.close();
});
