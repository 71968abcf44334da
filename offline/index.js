// Serverless loads plugins with require(). The local cloud is written in TypeScript like the rest of
// the project, so it is bundled here on the fly and its node_modules stay external; the bundle is
// reused while none of the files it was built from changed (a build costs ~150 ms of every command).
const fs = require('node:fs');
const path = require('node:path');

// The SDK warns on every client that Node 20 loses support in 2027; Lambda runs nodejs22.x, and Node 20
// stays supported for local work, so the warning is only noise in the local cloud's output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const root = path.join(__dirname, '..');
const outdir = path.join(root, 'node_modules', '.cache', 'local-cloud');
// What the bundle was built from, with each file's size and modification time.
const INPUTS = 'inputs.json';

/** @param {string} file relative to the project */
const fingerprint = (file) => {
  try {
    const { size, mtimeMs } = fs.statSync(path.join(root, file));
    return `${size}:${mtimeMs}`;
  } catch {
    return 'missing';
  }
};

function upToDate() {
  try {
    const inputs = JSON.parse(fs.readFileSync(path.join(outdir, INPUTS), 'utf8'));
    return Object.entries(inputs).every(([file, seen]) => fingerprint(file) === seen);
  } catch {
    return false;
  }
}

function build() {
  const { buildSync } = require('esbuild');
  const startedAt = Date.now();
  // Built to a directory of this process's own, then renamed into place: two Serverless commands at
  // once never load half a file. cloud-process.js is the local cloud's own process (see cloud-client.ts).
  const building = `${outdir}.${process.pid}.tmp`;
  const { metafile } = buildSync({
    // Flat names: cloud-client.ts forks cloud-process.js from beside plugin.js.
    entryPoints: { plugin: 'offline/plugin/plugin.ts', 'cloud-process': 'offline/cloud/cloud-process.ts' },
    absWorkingDir: root,
    outdir: building,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    packages: 'external',
    sourcemap: 'inline',
    metafile: true,
    logLevel: 'warning',
    // The console serves its page from the sources (cloud/console/console-page.ts), not from beside this bundle.
    define: { LOCAL_CLOUD_CONSOLE_PAGE: JSON.stringify(path.join(root, 'offline', 'cloud', 'console', 'page')) },
  });
  // Besides the sources: what else decides the output.
  const sources = [...Object.keys(metafile.inputs), 'offline/index.js', 'tsconfig.json', 'package.json', 'node_modules/esbuild/package.json'];
  const inputs = Object.fromEntries(sources.map((file) => [file, fingerprint(file)]));
  // A file saved while the build read it may be in the bundle in its older state: then no record, and
  // the next command builds again.
  const settled = sources.every((file) => (fs.statSync(path.join(root, file), { throwIfNoEntry: false })?.mtimeMs ?? 0) < startedAt);
  fs.mkdirSync(outdir, { recursive: true });
  fs.rmSync(path.join(outdir, INPUTS), { force: true });
  for (const file of fs.readdirSync(building)) fs.renameSync(path.join(building, file), path.join(outdir, file));
  fs.rmSync(building, { recursive: true, force: true });
  // Written last, so that it never vouches for bundles not yet in place.
  if (settled) writeAtomically(path.join(outdir, INPUTS), JSON.stringify(inputs));
}

/** @param {string} file @param {string} text */
function writeAtomically(file, text) {
  fs.writeFileSync(`${file}.${process.pid}`, text);
  fs.renameSync(`${file}.${process.pid}`, file);
}

if (!upToDate()) build();
module.exports = require(path.join(outdir, 'plugin.js')).LocalCloudPlugin;
