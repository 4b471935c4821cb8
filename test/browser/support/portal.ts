import { expect } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { startStack, type Stack } from '../../support/stack.ts';
import { DEMO_PASSWORD } from '../../support/constants.ts';
import {
  ensurePortalBuilt,
  launchChromium,
  screenshot,
  seriousViolations,
  type AxeViolation,
} from './browser.ts';

/** A main page of the portal: where it is, its <h1> in both languages, and who it is checked as. */
export interface PageSpec {
  path: string;
  ko: string;
  en: string;
  /** screenshot name */
  name: string;
  /** employee number to sign in as; absent for citizen pages */
  as?: string;
}

/** A fresh browser context on the portal, in a time zone other than Korea's so Korea time is really shown. */
export async function newPage(
  browser: Browser,
  baseUrl: string,
  options: { viewport?: { width: number; height: number } } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    baseURL: baseUrl,
    viewport: options.viewport ?? { width: 1280, height: 900 },
    timezoneId: 'Europe/Berlin',
  });
  const page = await context.newPage();
  return { context, page };
}

export async function signIn(page: Page, employeeNo: string) {
  await page.goto('/signin');
  await page.getByLabel('사번').fill(employeeNo);
  await page.getByLabel('비밀번호').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: '로그인' }).click();
  await page.waitForURL('**/inbox');
  await page.getByTestId('signed-in-as').waitFor();
}

export const heading = (page: Page) => page.locator('h1').textContent();

/** Switches the portal language with the header control, as a person would. */
export async function switchTo(page: Page, language: 'ko' | 'en') {
  await page
    .getByTestId('language-switch')
    .getByText(language === 'en' ? 'English' : '한국어')
    .click();
}

/** Visits each page in order, signing in again whenever the next page is checked as someone else. */
export async function visitEach(
  page: Page,
  specs: PageSpec[],
  check: (page: Page, spec: PageSpec) => Promise<void>,
) {
  let signedInAs: string | undefined;
  for (const spec of specs) {
    if (spec.as !== signedInAs) {
      await page.context().clearCookies();
      if (spec.as) await signIn(page, spec.as);
      signedInAs = spec.as;
    }
    await check(page, spec);
  }
}

/** The page switches Korean → English → (reload keeps English) → Korean, with <html lang> following. */
export async function expectLanguageSwitch(page: Page, spec: PageSpec) {
  await page.goto(spec.path);
  await expect.poll(() => heading(page), { message: spec.path }).toBe(spec.ko);
  expect(await page.getAttribute('html', 'lang')).toBe('ko');
  await switchTo(page, 'en');
  await expect.poll(() => heading(page), { message: spec.path }).toBe(spec.en);
  expect(await page.getAttribute('html', 'lang')).toBe('en');
  await page.reload();
  await expect.poll(() => heading(page), { message: `${spec.path} after reload` }).toBe(spec.en);
  await switchTo(page, 'ko');
  await expect.poll(() => heading(page), { message: spec.path }).toBe(spec.ko);
}

/** axe-core's serious and critical violations on the page in both languages; saves a screenshot of each. */
export async function accessibilityViolations(page: Page, spec: PageSpec): Promise<AxeViolation[]> {
  await page.goto(spec.path);
  await expect.poll(() => heading(page), { message: spec.path }).toBe(spec.ko);
  await page.waitForLoadState('networkidle').catch(() => undefined);
  await page.waitForTimeout(300);
  const ko = await seriousViolations(page);
  await screenshot(page, `page-${spec.name}`);
  await switchTo(page, 'en');
  await expect.poll(() => heading(page), { message: spec.path }).toBe(spec.en);
  const en = await seriousViolations(page);
  await screenshot(page, `page-${spec.name}-en`);
  await switchTo(page, 'ko');
  return [...ko, ...en];
}

/** The real stack serving the built portal on a loopback port, and a Chromium to drive it. */
export interface PortalUnderTest {
  stack: Stack;
  baseUrl: string;
  newPage(options?: { viewport?: { width: number; height: number } }): Promise<{
    context: BrowserContext;
    page: Page;
  }>;
  stop(): Promise<void>;
}

export async function startPortal(env: Record<string, string> = {}): Promise<PortalUnderTest> {
  ensurePortalBuilt();
  const stack = await startStack(env);
  const baseUrl = await stack.app.listen({ port: 0, host: '127.0.0.1' });
  const browser = await launchChromium();
  return {
    stack,
    baseUrl,
    newPage: (options) => newPage(browser, baseUrl, options),
    async stop() {
      await browser.close();
      await stack.stop();
    },
  };
}

/** The validation message shown next to a form field (linked by aria-describedby), once the field is invalid. */
export async function fieldError(page: Page, field: Locator): Promise<string> {
  await expect.poll(() => field.getAttribute('aria-invalid')).toBe('true');
  const describedBy = (await field.getAttribute('aria-describedby')) ?? '';
  const errorId = describedBy.split(' ').find((id) => id.includes('error'));
  return (await page.locator(`[id="${errorId}"]`).textContent()) ?? '';
}
