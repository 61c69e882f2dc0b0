/**
 * The web page in headless Chromium (Debian `chromium` + playwright-core) against the real local service: an fdr job
 * filled in through the schema-generated form shows live progress, the convergence plot and the heat map with its
 * jump set; a CSV file fills a bcd least-squares problem whose solution is shown; bad input lists the API's issues
 * with their paths and marks the fields. Skips with a message when Chromium is not installed.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalServer, type LocalServer } from '../../functions/local/server.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`[browser tests skipped] no Chromium at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);

const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const KEY = 'browser-test-key-0123456789';

describe.skipIf(!hasChromium)('web page in headless Chromium', () => {
  let server: LocalServer;
  let browser: Browser;
  let page: Page;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'solvent-web-'));
    server = await startLocalServer({ port: 0, dataRoot: dir, concurrency: 2, apiKey: KEY, log: { info() {}, warn() {}, error() {} } });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
    page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server.url);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 15_000 });
    expect(errors).toEqual([]);
    await page.fill('#api-key', KEY);
    await page.click('#save-key');
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('submits an fdr form, shows progress, the convergence plot and the jump set', async () => {
    // A 16×16 grid with a step at x-index 8 (plus a small deterministic ripple).
    const n = 16;
    const data: number[] = [];
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) data.push((i < n / 2 ? 0 : 1) + 0.05 * Math.sin(7 * i + 3 * j));
    await page.selectOption('#solver', 'fdr');
    await page.selectOption('#kind', 'grid');
    await page.fill('textarea[name="problem.values"]', JSON.stringify({ shape: [n, n], data }));
    await page.fill('input[name="options.lambda"]', '50');
    await page.fill('input[name="options.nu"]', '0.05');
    await page.fill('input[name="options.levels"]', '8');
    // long enough (≈ 2–8 s on the wasm path) for the page to see the job running between its polls
    await page.fill('input[name="options.maxIterations"]', '40000');
    await page.fill('input[name="options.tolerance"]', '0');
    expect(await page.textContent('#spec-preview')).toContain('"maxIterations": 40000');
    await page.click('#submit');
    await page.waitForSelector('#job-status[data-status="running"]', { timeout: 30_000 });
    await page.waitForSelector('#job-status[data-status="succeeded"]', { timeout: 45_000 });
    const live = Number(await page.getAttribute('#progress-plot', 'data-points'));
    expect(live).toBeGreaterThanOrEqual(1);
    await page.waitForSelector('#fdr-heatmap', { timeout: 10_000 });
    expect(Number(await page.getAttribute('#result-plot', 'data-points'))).toBeGreaterThan(2);
    expect(await page.locator('#result-plot path.series').count()).toBeGreaterThanOrEqual(1);
    expect(Number(await page.getAttribute('#fdr-heatmap', 'data-jumps'))).toBeGreaterThan(0);
    expect(await page.locator('#downloads button[data-artifact="u.npy"]').count()).toBe(1);
    // tolerance 0: the run stops at maxIterations, or earlier once the iterate stops moving at all (measure 0)
    expect(['max_iterations', 'converged']).toContain(await page.textContent('dd[data-field="stop"]'));
    await page.click('#refresh-jobs');
    await page.waitForSelector('#jobs-body tr[data-status="succeeded"]');
  });

  it('fills a bcd least-squares problem from a CSV file and shows the solution', async () => {
    await page.selectOption('#solver', 'bcd');
    await page.selectOption('#kind', 'least-squares');
    // Columns a1, a2, b: A = [[1,0],[0,1],[1,1]], b = [1,2,3] ⇒ x = [1, 2].
    await page.setInputFiles('#data-file', { name: 'lsq.csv', mimeType: 'text/csv', buffer: Buffer.from('a1,a2,b\n1,0,1\n0,1,2\n1,1,3\n') });
    await page.waitForFunction(() => (document.querySelector('textarea[name="problem.b"]') as HTMLTextAreaElement | null)?.value === '[1,2,3]');
    expect(JSON.parse(await page.inputValue('textarea[name="problem.A"]'))).toEqual({ shape: [3, 2], data: [1, 0, 0, 1, 1, 1] });
    await page.click('#submit');
    await page.waitForSelector('#job-status[data-status="succeeded"]', { timeout: 45_000 });
    await page.waitForSelector('#bcd-view svg');
    expect(Number(await page.getAttribute('#bcd-view svg', 'data-points'))).toBe(2);
    expect(Number(await page.textContent('dd[data-field="objective"]'))).toBeLessThan(1e-9);
  });

  it('lists the API issues with their paths for bad input and marks the fields', async () => {
    await page.selectOption('#solver', 'bcd');
    await page.selectOption('#kind', 'least-squares');
    await page.fill('textarea[name="problem.A"]', '{"shape":[2,2],"data":[1,2,3]}');
    await page.fill('textarea[name="problem.b"]', '[1,2]');
    await page.fill('input[name="options.maxIterations"]', '0');
    await page.click('#submit');
    await page.waitForSelector('#errors:not([hidden])');
    const issues = await page.locator('#issues li').allTextContents();
    expect(issues.some((t) => t.startsWith('problem.A.data'))).toBe(true);
    expect(issues.some((t) => t.startsWith('options.maxIterations'))).toBe(true);
    expect(await page.textContent('#error-message')).toContain('invalid_spec');
    expect(await page.getAttribute('textarea[name="problem.A"]', 'class')).toContain('invalid');
    expect(await page.getAttribute('input[name="options.maxIterations"]', 'class')).toContain('invalid');
    // A field that is not JSON is reported before anything is sent.
    await page.fill('textarea[name="problem.b"]', '[1,2');
    await page.click('#submit');
    await page.waitForFunction(() => [...document.querySelectorAll('#issues li')].some((li) => li.textContent?.startsWith('problem.b not valid JSON')));
  });
});
