import { sep } from 'node:path';

/**
 * Drops the function bundles under `buildDir` from Node's module cache. serverless-offline runs the
 * handlers in its own process (useInProcess), where require() would otherwise keep serving the code
 * it loaded first; after a rebuild, each function loads its new bundle at its next invocation.
 */
export function forgetLoadedBundles(buildDir: string, cache: NodeJS.Dict<NodeModule> = require.cache): number {
  const prefix = buildDir.endsWith(sep) ? buildDir : buildDir + sep;
  let forgotten = 0;
  for (const file of Object.keys(cache)) {
    if (!file.startsWith(prefix)) continue;
    delete cache[file];
    forgotten += 1;
  }
  return forgotten;
}
