import type { CliOutput } from './command.js';

/**
 * A one-line progress bar on stderr, redrawn at most 10 times a second, drawn only
 * on a terminal (logs and pipes stay clean).
 */
export function createProgressBar(output: CliOutput, label: string): { update(done: number, total: number | undefined): void; done(): void } {
  let lastDraw = 0;
  let drawn = false;
  const stream = process.stderr;
  return {
    update(done, total) {
      if (!output.isTerminal) return;
      const now = Date.now();
      if (now - lastDraw < 100 && !(total !== undefined && done >= total)) return;
      lastDraw = now;
      const width = 30;
      let line: string;
      if (total && total > 0) {
        const share = Math.min(1, done / total);
        const filled = Math.round(share * width);
        line = `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(share * 100).toFixed(0).padStart(3)}%`;
      } else {
        line = `${label} ${(done / 1e6).toFixed(1)} MB`;
      }
      stream.write(`\r${line}`);
      drawn = true;
    },
    done() {
      if (drawn) stream.write('\r\x1b[K');
      drawn = false;
    },
  };
}
