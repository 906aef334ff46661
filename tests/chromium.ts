/**
 * Headless Chromium for the plot tests: find Debian's `chromium` on PATH and screenshot an SVG
 * embedded in an HTML page (fresh profile, no network services, no GPU), returning the decoded PNG.
 */

import { decode } from "fast-png";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

/** The first Chromium on PATH, or undefined. */
export async function findChromium(): Promise<string | undefined> {
  for (const name of ["chromium", "chromium-browser"]) {
    try {
      const out = await new Deno.Command(name, { args: ["--version"], stdout: "null", stderr: "null" })
        .output();
      if (out.success) return name;
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
  }
  return undefined;
}

/** A decoded screenshot. */
export interface Screenshot {
  readonly width: number;
  readonly height: number;
  readonly channels: number;
  readonly data: ArrayLike<number>;
}

/** Screenshots `svg` on a white page of `width` × `height` pixels with `chromium`. */
export async function screenshotSvg(
  chromium: string,
  svg: string,
  width = 800,
  height = 500,
): Promise<Screenshot> {
  const dir = await Deno.makeTempDir();
  try {
    const page = join(dir, "plot.html");
    await Deno.writeTextFile(
      page,
      `<!DOCTYPE html><html><body style="margin:0;background:#fff">${svg}</body></html>`,
    );
    const png = join(dir, "plot.png");
    const out = await new Deno.Command(chromium, {
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        `--user-data-dir=${join(dir, "profile")}`,
        "--hide-scrollbars",
        `--window-size=${width},${height}`,
        `--screenshot=${png}`,
        pathToFileURL(page).href,
      ],
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(60_000),
    }).output();
    if (!out.success) {
      throw new Error(`chromium failed: ${new TextDecoder().decode(out.stderr).slice(-2000)}`);
    }
    const image = decode(await Deno.readFile(png));
    return { width: image.width, height: image.height, channels: image.channels, data: image.data };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Pixels that are not (near-)white. */
export function inkPixels(image: Screenshot): number {
  let ink = 0;
  for (let i = 0; i < image.data.length; i += image.channels) {
    if (image.data[i] < 235 || image.data[i + 1] < 235 || image.data[i + 2] < 235) ink++;
  }
  return ink;
}
