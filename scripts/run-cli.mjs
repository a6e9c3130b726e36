#!/usr/bin/env node
/**
 * `pnpm dendrite …` and `pnpm train`: builds the CLI and what it depends on (turbo, cached), then runs
 * `packages/cli/dist/cli.js` with the remaining arguments. stdout carries only the command's own output,
 * so `pnpm dendrite summary resnet18 --json | python3 -m json.tool` works: the build's log is kept, and
 * shown on stderr only when the build fails (a slow, uncached build says so on stderr while it runs).
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const turbo = join(root, 'node_modules', '.bin', 'turbo');
const cli = join(root, 'packages', 'cli', 'dist', 'cli.js');

/** Runs turbo with its output captured; resolves with the exit code and the log. */
function build() {
  return new Promise((resolve) => {
    const child = spawn(
      turbo,
      ['run', 'build', '--filter=@dendrite/cli...', '--output-logs=errors-only', '--log-prefix=none'],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const log = [];
    child.stdout.on('data', (b) => log.push(b));
    child.stderr.on('data', (b) => log.push(b));
    // Cached builds take well under a second; only a real build is worth a word.
    const note = setTimeout(
      () => process.stderr.write('building @dendrite/cli and its dependencies…\n'),
      2000,
    );
    child.on('error', (e) => {
      clearTimeout(note);
      resolve({ code: 1, log: Buffer.from(`cannot run turbo (${turbo}): ${e.message}\n`) });
    });
    child.on('close', (code) => {
      clearTimeout(note);
      resolve({ code: code ?? 1, log: Buffer.concat(log) });
    });
  });
}

const built = await build();
if (built.code !== 0) {
  process.stderr.write(built.log);
  process.stderr.write(`\nthe build failed (turbo exit code ${built.code}); the command was not run\n`);
  process.exit(built.code);
}

// The CLI runs in a child with this process's terminal, so it sees whether stdout is a TTY.
const child = spawn(process.execPath, [cli, ...process.argv.slice(2)], { stdio: 'inherit' });
// Ctrl-C reaches the child through the terminal's process group: this process waits for it to end.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => {});
child.on('close', (code, signal) => {
  process.exitCode = code ?? (signal ? 1 : 0);
});
