/** uPlot glue: theme colours from the page's CSS variables, sizes from the container. */
import uPlot from 'uplot';

export function cssVar(name: string, fallback: string): string {
  const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return v || fallback;
}

/** Line colours, readable on the light and the dark background; as many as a split draws lines (split.ts). */
export const PALETTE = ['#2f6fdf', '#d9822b', '#2ba84a', '#b84fd1', '#c23b3b', '#17a2b8', '#a0784a', '#d6338a'];

export function axis(extra: Partial<uPlot.Axis> = {}): uPlot.Axis {
  const fg = cssVar('--fg', '#222');
  const grid = cssVar('--grid', '#ddd');
  return { stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 }, ...extra };
}

export function chartWidth(el: HTMLElement): number {
  return Math.max(320, Math.min(1400, (el.clientWidth || document.body.clientWidth) - 16));
}

/** Redraws a chart at its container's width when the window is resized; returns the detach function. */
export function followWidth(plot: uPlot, el: HTMLElement, height: number): () => void {
  const onResize = () => plot.setSize({ width: chartWidth(el), height });
  window.addEventListener('resize', onResize);
  return () => window.removeEventListener('resize', onResize);
}

export { uPlot };
