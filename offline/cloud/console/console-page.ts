import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Set by offline/index.js when it bundles the cloud's process: where the page's sources are. */
declare const LOCAL_CLOUD_CONSOLE_PAGE: string | undefined;

export type ConsolePage = { files: Map<string, { type: string; content: string }> };

/** The page's folder: beside this file, or where offline/index.js says when this file runs from its bundle. */
export const consolePageDir = () => (typeof LOCAL_CLOUD_CONSOLE_PAGE === 'string' ? LOCAL_CLOUD_CONSOLE_PAGE : join(__dirname, 'page'));

/**
 * The console's page: its HTML and CSS as they are, its TypeScript compiled for the browser by the
 * esbuild the local cloud already uses (in memory, once per start, ~20 ms): nothing for a user to build.
 */
export async function loadConsolePage(dir = consolePageDir()): Promise<ConsolePage> {
  const { build } = await import('esbuild');
  const [html, css, script] = await Promise.all([
    readFile(join(dir, 'index.html'), 'utf8'),
    readFile(join(dir, 'console.css'), 'utf8'),
    build({ entryPoints: [join(dir, 'console.ts')], bundle: true, write: false, format: 'iife', target: 'es2020', platform: 'browser', logLevel: 'silent' }),
  ]);
  return {
    files: new Map([
      ['/index.html', { type: 'text/html; charset=utf-8', content: html }],
      ['/console.css', { type: 'text/css; charset=utf-8', content: css }],
      ['/console.js', { type: 'text/javascript; charset=utf-8', content: script.outputFiles[0].text }],
    ]),
  };
}
