/**
 * Loaded into a Larder process under test with `node --expose-gc --import <this>`
 * (see larder-process.ts): every second it sends its parent, over the IPC channel,
 * the process's resident memory, heap in use and event-loop delay; asked with
 * `{type: 'gc-sample'}` it collects garbage first, for a heap figure without the
 * saw-tooth of the collector. It changes nothing in the process it watches.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';

const INTERVAL_MS = 1000;
const histogram = monitorEventLoopDelay({ resolution: 10 });
histogram.enable();

const sample = (): Record<string, number> => {
  const memory = process.memoryUsage();
  const ms = (ns: number) => Math.round(ns / 1e4) / 100;
  const result = {
    at: Date.now(),
    rssBytes: memory.rss,
    heapUsedBytes: memory.heapUsed,
    heapTotalBytes: memory.heapTotal,
    externalBytes: memory.external,
    lagP50Ms: ms(histogram.percentile(50)),
    lagP99Ms: ms(histogram.percentile(99)),
    lagMaxMs: ms(histogram.max),
  };
  histogram.reset();
  return result;
};

if (process.send) {
  const timer = setInterval(() => process.send?.({ type: 'sample', sample: sample() }), INTERVAL_MS);
  timer.unref();
  process.on('message', (message: { type?: string }) => {
    if (message.type !== 'gc-sample') return;
    const collect = (globalThis as { gc?: () => void }).gc;
    collect?.();
    process.send?.({ type: 'gc-sample', sample: { ...sample(), heapAfterGcBytes: process.memoryUsage().heapUsed } });
  });
  // The IPC channel must not keep a process alive that is shutting down.
  process.channel?.unref();
}
