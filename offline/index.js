// Serverless loads plugins with require(). The local cloud is written in TypeScript like the rest of
// the project, so it is bundled here on the fly (~50 ms) and its node_modules stay external.
const path = require('node:path');
const { buildSync } = require('esbuild');

const outfile = path.join(__dirname, '..', 'node_modules', '.cache', 'orderflow-offline', 'plugin.js');
buildSync({
  entryPoints: [path.join(__dirname, 'plugin.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  packages: 'external',
  sourcemap: 'inline',
  logLevel: 'warning',
});

module.exports = require(outfile).LocalCloudPlugin;
