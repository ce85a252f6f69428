/**
 * What a phone user would see wrong on a screen, at 360 and 412 px wide,
 * light and dark: an element wider than the screen, text cut off by
 * `overflow: hidden` (or an ellipsis), labels on a photo that run off it or
 * into each other, content left under a fixed bar at the end of the page,
 * fixed bars taller than a fifth of the screen, and axe-core's critical and
 * serious violations. Each variant is saved to docs/screenshots/.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';
import { join } from 'node:path';

const SHOTS = join(import.meta.dirname, '../../docs/screenshots');
export const VARIANTS = [
  { width: 360, height: 780 },
  { width: 412, height: 915 },
].flatMap((size) => (['light', 'dark'] as const).map((scheme) => ({ ...size, scheme })));

/** Runs in the page: every layout problem, in words. */
function layoutProblems(): string[] {
  const vw = document.documentElement.clientWidth;
  const vh = window.innerHeight;
  const problems: string[] = [];
  const name = (el: Element) => {
    const id = el.getAttribute('data-testid');
    const text = (el.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 40);
    return `<${el.tagName.toLowerCase()}${id ? ` data-testid=${id}` : ''}${el.className && typeof el.className === 'string' ? ` class="${el.className}"` : ''}> "${text}"`;
  };
  // checkVisibility also sees what a closed <details> hides (content-visibility), which the computed display does not.
  const shown = (el: Element) => {
    const r = el.getBoundingClientRect();
    return el.checkVisibility({ visibilityProperty: true }) && r.width > 0 && r.height > 0 && !el.closest('.sr-only, dialog:not([open])');
  };
  const topbar = document.querySelector('.topbar');
  if (topbar && topbar.getBoundingClientRect().height > 64) problems.push(`the top bar is ${Math.round(topbar.getBoundingClientRect().height)} px tall: more than one row`);
  for (const link of document.querySelectorAll('main a.back')) {
    if (shown(link) && link.getBoundingClientRect().height < 44) problems.push(`a back link is ${Math.round(link.getBoundingClientRect().height)} px tall, under 44: ${name(link)}`);
  }
  if (document.documentElement.scrollWidth > vw + 1) problems.push(`the page scrolls sideways: ${document.documentElement.scrollWidth} px on a ${vw} px screen`);

  const scrollsSideways = (el: Element) => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX);
  const wide = new Set<Element>();
  for (const el of document.body.querySelectorAll('*')) {
    if (el.closest('svg') && el.tagName.toLowerCase() !== 'svg') continue;
    if (!shown(el)) continue;
    const r = el.getBoundingClientRect();
    let inScroller = false;
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) if (scrollsSideways(p)) inScroller = true;
    if (!inScroller && (r.right > vw + 1 || r.left < -1) && !(el.parentElement && wide.has(el.parentElement))) {
      wide.add(el);
      problems.push(`wider than the screen (${Math.round(r.left)}..${Math.round(r.right)} of ${vw}): ${name(el)}`);
    }
    const s = getComputedStyle(el);
    const clips = (o: string) => o === 'hidden' || o === 'clip';
    // A table may scroll sideways in its wrapper (the first columns say what matters); anything else that hides text is a bug.
    const deliberateScroller = el.classList.contains('table-wrap');
    if (!deliberateScroller && el.textContent?.trim() && (clips(s.overflowX) || scrollsSideways(el)) && el.scrollWidth > el.clientWidth + 1) {
      problems.push(`text cut off (${el.scrollWidth} px in ${el.clientWidth}): ${name(el)}`);
    }
    if (el.textContent?.trim() && clips(s.overflowY) && el.scrollHeight > el.clientHeight + 1 && !el.closest('.sr-only')) {
      problems.push(`text cut off at the bottom (${el.scrollHeight} px in ${el.clientHeight}): ${name(el)}`);
    }
  }

  // Labels drawn on photos and on the camera picture: inside the picture and clear of each other.
  for (const svg of document.querySelectorAll('svg')) {
    if (!shown(svg)) continue;
    const box = svg.getBoundingClientRect();
    const labels = [...svg.querySelectorAll('text')].filter((t) => t.textContent?.trim()).map((t) => ({ t, r: t.getBoundingClientRect() }));
    for (const { t, r } of labels) {
      if (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1) problems.push(`label runs off the picture: "${t.textContent}"`);
    }
    for (let i = 0; i < labels.length; i++) {
      for (let j = i + 1; j < labels.length; j++) {
        const a = labels[i]!.r;
        const b = labels[j]!.r;
        if (a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1) {
          problems.push(`labels overlap: "${labels[i]!.t.textContent}" and "${labels[j]!.t.textContent}"`);
        }
      }
    }
  }

  // Fixed and bottom-sticky bars: short, and nothing left under them once the page is scrolled to its end.
  const bars = [...document.body.querySelectorAll('*')].filter((el) => {
    const s = getComputedStyle(el);
    return shown(el) && (s.position === 'fixed' || (s.position === 'sticky' && s.bottom !== 'auto')) && !el.closest('.kiosk, dialog');
  });
  const barHeight = bars.reduce((sum, el) => sum + el.getBoundingClientRect().height, 0);
  if (barHeight > vh / 5) problems.push(`fixed bars take ${Math.round(barHeight)} px of a ${vh} px screen: ${bars.map(name).join(', ')}`);
  window.scrollTo(0, document.documentElement.scrollHeight);
  const main = document.querySelector('main');
  const fixedBottom = bars.filter((el) => getComputedStyle(el).position === 'fixed').map((el) => el.getBoundingClientRect().top).filter((top) => top > vh / 2);
  if (main && fixedBottom.length) {
    const last = [...main.querySelectorAll('*')].filter(shown).reduce<Element | null>((a, el) => (!a || el.getBoundingClientRect().bottom > a.getBoundingClientRect().bottom ? el : a), null);
    const bottom = last?.getBoundingClientRect().bottom ?? 0;
    if (bottom > Math.min(...fixedBottom) + 1) problems.push(`the end of the page stays under a fixed bar (${Math.round(bottom)} > ${Math.round(Math.min(...fixedBottom))}): ${name(last!)}`);
  }
  return problems;
}

/**
 * Checks the screen on show in every variant and saves each as
 * docs/screenshots/<name>-<width>-<scheme>.png; `readme` names the file the
 * README shows for this screen (its names), written from the 412 px capture of that scheme.
 */
export async function checkScreen(page: Page, name: string, readme: Partial<Record<'light' | 'dark', string[]>> = {}) {
  const problems: string[] = [];
  for (const v of VARIANTS) {
    await page.setViewportSize({ width: v.width, height: v.height });
    await page.emulateMedia({ colorScheme: v.scheme });
    // Judged once the screen has stopped growing (a sync or a lazy part can still be arriving).
    await expect
      .poll(async () => {
        const before = await page.evaluate(() => document.documentElement.scrollHeight);
        await page.waitForTimeout(300);
        return (await page.evaluate(() => document.documentElement.scrollHeight)) === before;
      })
      .toBe(true);
    const variant = `${name} at ${v.width} px, ${v.scheme}`;
    problems.push(...(await page.evaluate(layoutProblems)).map((p) => `${variant}: ${p}`));
    await page.evaluate(() => window.scrollTo(0, 0));
    // A full-page capture would paint the bottom bars in the middle of the page: they go where the page ends.
    const unstick = await page.addStyleTag({ content: '.sticky-actions, .tabbar { position: static !important; }' });
    await page.screenshot({ path: join(SHOTS, `${name}-${v.width}-${v.scheme}.png`), fullPage: true, animations: 'disabled' });
    for (const readmeName of v.width === 412 ? (readme[v.scheme] ?? []) : []) {
      await page.screenshot({ path: join(SHOTS, `${readmeName}.png`), fullPage: true, animations: 'disabled' });
    }
    await unstick.evaluate((el) => (el as Element).remove());
    const axe = await new AxeBuilder({ page }).analyze();
    for (const violation of axe.violations.filter((x) => x.impact === 'critical' || x.impact === 'serious')) {
      problems.push(`${variant}: axe ${violation.impact} ${violation.id} (${violation.nodes.length}): ${violation.help} — ${violation.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('; ')}`);
    }
  }
  await page.setViewportSize({ width: 412, height: 915 });
  await page.emulateMedia({ colorScheme: 'light' });
  expect.soft(problems, `${name}: what a phone user would see wrong`).toEqual([]);
}
