/** Where a progress bar draws: a terminal redraws one line, anything else gets a line per 10%. */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

const WIDTH = 30;
const REDRAW_MS = 100;

/** A plain-text progress bar for one task of `total` steps, written to `stream` (stderr). */
export function createProgressBar(stream: ProgressStream, label: string, total: number) {
  const started = performance.now();
  let lastDraw = 0;
  let lastTenth = -1;
  const format = (value: number) => value.toLocaleString('en-US');

  function line(done: number): string {
    const ratio = total === 0 ? 1 : Math.min(done / total, 1);
    const filled = Math.round(ratio * WIDTH);
    const seconds = (performance.now() - started) / 1000;
    const rate = seconds > 0 ? Math.round(done / seconds) : 0;
    const percent = String(Math.floor(ratio * 100)).padStart(3);
    return `${label} [${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${percent}% ${format(done)}/${format(total)} ${format(rate)}/s`;
  }

  return {
    /** Reports `done` steps so far. */
    update(done: number): void {
      if (stream.isTTY) {
        const now = performance.now();
        if (now - lastDraw < REDRAW_MS && done < total) return;
        lastDraw = now;
        stream.write(`\r${line(done)}`);
        return;
      }
      const tenth = total === 0 ? 10 : Math.floor((done / total) * 10);
      if (tenth > lastTenth) {
        lastTenth = tenth;
        stream.write(`${line(done)}\n`);
      }
    },
    /** Draws the final state and ends the line. */
    finish(done: number = total): void {
      if (stream.isTTY) stream.write(`\r${line(done)}\n`);
      else if (lastTenth < 10) stream.write(`${line(done)}\n`);
    },
  };
}
