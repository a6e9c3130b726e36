#!/usr/bin/env node
// Keeps every published package standing alone: a LICENSE, `files` that ship dist + README + LICENSE, a
// `prepack` that builds, and a `require` export condition for each entry point that points to a small
// CommonJS file (esm-only/*.cjs). The packages are ES modules only; Node ≥ 20.19 / ≥ 22.12 can require()
// an ES module, so the file hands require() the module `import` gets, and on an older Node (or with
// --no-experimental-require-module) it throws an error that says the package is ESM only and how to import
// it, instead of Node's ERR_PACKAGE_PATH_NOT_EXPORTED / ERR_REQUIRE_ESM.
//
//   node scripts/standalone-packages.mjs          rewrite package.json fields and the esm-only/ files
//   node scripts/standalone-packages.mjs --check  exit 1 (listing what differs) if anything is out of date
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const check = process.argv.includes('--check');
const problems = [];

/** The file Node's `import` picks for one export target: conditions node, import, default, in key order. */
function importTarget(target) {
  if (typeof target === 'string') return target;
  if (target === null || typeof target !== 'object') return undefined;
  for (const [condition, value] of Object.entries(target)) {
    if (['node', 'import', 'default'].includes(condition)) {
      const picked = importTarget(value);
      if (picked !== undefined) return picked;
    }
  }
  return undefined;
}

/** The file a bundler's `import` picks (import, default, then node): the entry TypeDoc documents. */
function documentedTarget(target) {
  if (typeof target === 'string') return target;
  if (target === null || typeof target !== 'object') return undefined;
  for (const condition of ['import', 'default', 'node']) {
    if (condition in target) {
      const picked = documentedTarget(target[condition]);
      if (picked !== undefined) return picked;
    }
  }
  return undefined;
}

/** esm-only/<entry>.cjs: "." → index, "./node" → node, "./a/b" → a-b. */
function shimName(subpath) {
  return subpath === '.' ? 'index' : subpath.slice(2).replaceAll('/', '-');
}

function shimSource(specifier, target) {
  return `'use strict';
// ${specifier} is published as ES modules only. Node >= 20.19 / >= 22.12 can require() an ES module, so
// require() gets the same module as \`import\`; where it cannot, the error says how to load the package.
try {
  module.exports = require('../${target.replace(/^\.\//, '')}');
} catch (error) {
  if (error && (error.code === 'ERR_REQUIRE_ESM' || error.code === 'ERR_REQUIRE_ASYNC_MODULE')) {
    const specifier = '${specifier}';
    const message =
      \`\${specifier} is an ES module only package (ESM only): this Node cannot require() it. \` +
      \`Load it with \\\`import { ... } from '\${specifier}'\\\` in an ES module (a .mjs file, or "type": "module" \` +
      \`in your package.json), or with \\\`await import('\${specifier}')\\\` from CommonJS. \` +
      'Node >= 20.19 or >= 22.12 can also require() it.';
    throw Object.assign(new Error(message, { cause: error }), { code: 'ERR_DENDRITE_ESM_ONLY' });
  }
  throw error;
}
`;
}

/** Puts `require` first after `types` (Node picks the first matching key, and `node` matches require too). */
function withRequire(target, shimPath) {
  if (typeof target === 'string') return { require: shimPath, default: target };
  const out = {};
  if ('types' in target) out.types = target.types;
  out.require = shimPath;
  for (const [key, value] of Object.entries(target))
    if (key !== 'types' && key !== 'require') out[key] = value;
  return out;
}

function updatePackage(dir) {
  const file = join(dir, 'package.json');
  const before = readFileSync(file, 'utf8');
  const pkg = JSON.parse(before);
  if (pkg.private) return;
  const name = pkg.name;
  const where = relative(root, dir);

  if (pkg.license !== 'MIT')
    problems.push(`${where}: "license" is ${JSON.stringify(pkg.license)}, expected "MIT"`);
  if (!existsSync(join(dir, 'LICENSE'))) {
    if (check) problems.push(`${where}: no LICENSE file`);
    else writeFileSync(join(dir, 'LICENSE'), readFileSync(join(root, 'LICENSE')));
  }

  const shims = new Map();
  const exportsField = {};
  for (const [subpath, target] of Object.entries(pkg.exports ?? {})) {
    const importFile = importTarget(target);
    // package.json and file patterns (./datasets/*) are data, not modules: require() reads those fine.
    if (subpath === './package.json' || subpath.includes('*') || !importFile?.endsWith('.js')) {
      exportsField[subpath] = target;
      continue;
    }
    const shimPath = `./esm-only/${shimName(subpath)}.cjs`;
    shims.set(shimPath, shimSource(subpath === '.' ? name : `${name}/${subpath.slice(2)}`, importFile));
    exportsField[subpath] = withRequire(target, shimPath);
  }
  pkg.exports = exportsField;

  const files = new Set(pkg.files ?? []);
  for (const f of ['dist', 'README.md', 'LICENSE', ...(shims.size ? ['esm-only'] : [])]) files.add(f);
  pkg.files = [...files];

  pkg.scripts ??= {};
  // Builds the package and what it depends on (turbo caches), so `pnpm pack` in a fresh clone ships dist.
  pkg.scripts.prepack = `turbo run build --filter=${name}... --output-logs=errors-only`;

  const after = `${JSON.stringify(pkg, null, 2)}\n`;
  if (after !== before) {
    if (check) problems.push(`${where}/package.json is out of date`);
    else writeFileSync(file, after);
  }

  // TypeDoc documents each published entry point from its source (typedoc.json at the root merges them).
  const typedocFile = join(dir, 'typedoc.json');
  const typedoc = existsSync(typedocFile) ? JSON.parse(readFileSync(typedocFile, 'utf8')) : {};
  const entryPoints = [];
  for (const [subpath, target] of Object.entries(pkg.exports ?? {})) {
    const file = documentedTarget(target);
    if (subpath === './package.json' || subpath.includes('*') || !file?.startsWith('./dist/')) continue;
    const source = `src/${file.slice('./dist/'.length).replace(/\.js$/, '.ts')}`;
    if (existsSync(join(dir, source)) && !entryPoints.includes(source)) entryPoints.push(source);
  }
  const typedocText = `${JSON.stringify({ $schema: 'https://typedoc.org/schema.json', ...typedoc, entryPoints }, null, 2)}\n`;
  if (!existsSync(typedocFile) || readFileSync(typedocFile, 'utf8') !== typedocText) {
    if (check) problems.push(`${where}/typedoc.json is out of date`);
    else writeFileSync(typedocFile, typedocText);
  }

  const shimDir = join(dir, 'esm-only');
  const wanted = new Set([...shims.keys()].map((p) => p.slice('./esm-only/'.length)));
  const present = existsSync(shimDir) ? readdirSync(shimDir) : [];
  for (const stale of present.filter((f) => !wanted.has(f))) {
    if (check) problems.push(`${where}/esm-only/${stale} is not an entry point any more`);
    else rmSync(join(shimDir, stale));
  }
  for (const [shimPath, source] of shims) {
    const target = join(dir, shimPath);
    if (existsSync(target) && readFileSync(target, 'utf8') === source) continue;
    if (check) problems.push(`${where}/${shimPath.slice(2)} is missing or out of date`);
    else {
      mkdirSync(shimDir, { recursive: true });
      writeFileSync(target, source);
    }
  }
}

for (const entry of readdirSync(join(root, 'packages'))) {
  const dir = join(root, 'packages', entry);
  if (existsSync(join(dir, 'package.json'))) updatePackage(dir);
}

if (problems.length > 0) {
  console.error(
    `Packages that do not stand alone (run \`node scripts/standalone-packages.mjs\` to fix the generated parts):\n  ${problems.join('\n  ')}`,
  );
  process.exit(1);
}
