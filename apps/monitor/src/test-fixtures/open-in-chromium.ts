import { existsSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

/** Debian's chromium (`.ci/run` installs it when missing), else Chrome as GitHub's runners ship it; FLEETSCORE_CHROMIUM overrides. */
export const CHROMIUM =
  process.env["FLEETSCORE_CHROMIUM"] ?? ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].find((p) => existsSync(p));

export interface OpenedReport {
  readonly consoleErrors: string[];
  /** Every request the page made other than loading the report file itself. */
  readonly requests: string[];
  /** Per canvas: its id, size, and how many of its pixels are painted (alpha > 0). */
  readonly canvases: { id: string; width: number; height: number; painted: number }[];
  readonly title: string;
}

/** Playwright's own defaults (30 s) are too short for a loaded 2-core machine: this is only a last guard. */
const GUARD_IN_MS = 240_000;

/** Opens an HTML file in headless Chromium with no network, waits for its charts and saves a full-page screenshot. */
export async function openReport(htmlFile: string, screenshot: string): Promise<OpenedReport> {
  if (!CHROMIUM) throw new Error("chromium is not installed: apt-get install -y chromium (.ci/run does it), or set FLEETSCORE_CHROMIUM");
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--headless", "--no-sandbox", "--disable-gpu"], timeout: GUARD_IN_MS });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.setDefaultTimeout(GUARD_IN_MS);
    const url = pathToFileURL(htmlFile).href;
    const consoleErrors: string[] = [];
    const requests: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error") consoleErrors.push(m.text());
    });
    page.on("pageerror", (e) => consoleErrors.push(e.message));
    page.on("request", (r) => {
      if (r.url() !== url) requests.push(r.url());
    });
    await page.goto(url, { waitUntil: "load" });
    await page.waitForSelector("body[data-charts-ready=true]");
    const canvases = await page.$$eval("canvas", (els) =>
      els.map((el) => {
        // Runs in the page (the DOM types are not in this Node project's lib): a canvas, read back as RGBA.
        type Canvas = { id: string; width: number; height: number; getContext(k: "2d"): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } };
        const c = el as unknown as Canvas;
        const pixels = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
        let painted = 0;
        for (let i = 3; i < pixels.length; i += 4) if (pixels[i]! > 0) painted++;
        return { id: c.id, width: c.width, height: c.height, painted };
      }),
    );
    await page.screenshot({ path: screenshot, fullPage: true });
    return { consoleErrors, requests, canvases, title: await page.title() };
  } finally {
    await browser.close();
  }
}
