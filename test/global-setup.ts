import { execFileSync } from 'node:child_process';

/**
 * Tests spawn `bin/bounce.mjs`, which runs the bundled CLI in dist/ when it exists: build it from
 * the sources first, so a test never runs a CLI older than the code it tests (esbuild takes ~1 s).
 */
export default function buildCli(): void {
  execFileSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
}
