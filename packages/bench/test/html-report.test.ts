import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { allWorkloads, bareHttp2Target, httpTarget, inProcessTarget, runBench, type BenchReport } from '../src/index.js';
import { htmlReport } from '../src/report/html-report.js';

const chromiumPath = '/usr/bin/chromium';
const haveChromium = existsSync(chromiumPath);
// Under CI a missing browser is a failure, not a skip.
const skipBrowser = !haveChromium && !process.env.CI;
const artifacts = join(dirname(fileURLToPath(import.meta.url)), '..', 'test-artifacts');
const concurrencyPair = ['store-46b', 'store-46b-x64'];

/** What each chart should draw, counted from the report alone (not from the page script's logic). */
function expectedPoints(report: BenchReport): Record<string, number> {
  const ok = report.cells.filter((cell) => cell.status === 'ok');
  return {
    latency: ok.length,
    throughput: ok.length,
    concurrency: ok.filter((cell) => concurrencyPair.includes(cell.workload)).length,
    batches: report.batchSpeedups.length,
    cpu: 2 * ok.length,
    overheads: report.overheads.length,
  };
}

describe('the HTML report', () => {
  let report: BenchReport;
  beforeAll(async () => {
    const workloads = allWorkloads().filter((workload) => ['store-46b', 'store-46b-x64', 'batch-10'].includes(workload.name));
    const targets = [inProcessTarget(), httpTarget('2'), bareHttp2Target()];
    report = await runBench({ targets, workloads, mode: 'quick', repetitions: 1, opsScale: 0.02 });
  }, 120_000);

  it('is one file that names no network resource and carries the report as JSON', () => {
    const html = htmlReport(report);
    expect(html).not.toMatch(/\b(src|href)\s*=/i);
    expect(html).not.toMatch(/sourceMappingURL/);
    const json = /<script type="application\/json" id="bench-data">([^<]*)<\/script>/.exec(html);
    expect(JSON.parse(json![1]!)).toEqual(JSON.parse(JSON.stringify(report)));
    // The inlined library and the page script, each closed only once, by its own element.
    expect(html.match(/<\/script/gi)).toHaveLength(3);
  });

  it.skipIf(skipBrowser)(
    `opens offline in headless Chromium with every chart drawn from the JSON${skipBrowser ? ` (skipped: no ${chromiumPath})` : ''}`,
    { timeout: 60_000 },
    async () => {
      if (!haveChromium) throw new Error(`${chromiumPath} is missing: CI must install the Debian chromium package (.ci/run does)`);
      const dir = await mkdtemp(join(tmpdir(), 'govc-html-report-'));
      const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
      try {
        const file = join(dir, 'report.html');
        await writeFile(file, htmlReport(report));
        const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
        const errors: string[] = [];
        const requests: string[] = [];
        page.on('console', (message) => {
          if (message.type() === 'error') errors.push(`console: ${message.text()}`);
        });
        page.on('pageerror', (error) => errors.push(`page: ${error.message}`));
        page.on('request', (request) => requests.push(request.url()));
        await page.goto(pathToFileURL(file).href);
        const rendered = await page.waitForSelector('body[data-rendered="true"]', { timeout: 5_000 }).then(
          () => true,
          () => false,
        );

        // The errors first: when the page script threw, they say why it never finished.
        expect(errors).toEqual([]);
        expect(rendered).toBe(true);
        expect(requests).toEqual([pathToFileURL(file).href]);
        const drawn = await page.$$eval('canvas[data-chart]', (canvases) =>
          Object.fromEntries(canvases.map((canvas) => [canvas.getAttribute('data-chart'), Number(canvas.getAttribute('data-points'))])),
        );
        const expected = expectedPoints(report);
        expect(drawn).toEqual(expected);
        // The tiny run has something in every chart, so that each count is a real check.
        for (const count of Object.values(expected)) expect(count).toBeGreaterThan(0);
        expect(await page.locator('table').first().locator('tbody tr').count()).toBe(report.cells.length);

        await mkdir(artifacts, { recursive: true });
        await page.screenshot({ path: join(artifacts, 'html-report.png'), fullPage: true });
      } finally {
        await browser.close();
        await rm(dir, { recursive: true, force: true });
      }
    },
  );
});
