import { SingleBar, Presets } from 'cli-progress';

export interface Progress {
  update(done: number, total: number): void;
  stop(): void;
}

/**
 * Progress of long work on stderr: a bar on a terminal, a plain line every 10 % when piped
 * (so logs stay readable), nothing for small jobs.
 */
export function createProgress(label: string, unit = 'runs'): Progress {
  if (process.stderr.isTTY) {
    let bar: SingleBar | undefined;
    return {
      update(done, total) {
        if (total < 20) return;
        if (!bar) {
          bar = new SingleBar({ format: `${label} [{bar}] {value}/{total} ${unit}`, stream: process.stderr, clearOnComplete: true }, Presets.shades_classic);
          bar.start(total, 0);
        }
        bar.update(done);
      },
      stop() {
        bar?.stop();
      },
    };
  }
  let lastDecile = 0;
  return {
    update(done, total) {
      if (total < 100) return;
      const decile = Math.floor((done / total) * 10);
      if (decile > lastDecile) {
        lastDecile = decile;
        process.stderr.write(`${label}: ${decile * 10}% (${done}/${total} ${unit})\n`);
      }
    },
    stop() {},
  };
}
