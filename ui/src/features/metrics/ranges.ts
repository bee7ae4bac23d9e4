import type { History } from "../../api";

/** The time ranges a datasource's charts offer: live (the stream) or the kept history. */
export const ranges = [
  { id: "live", label: "Live", seconds: 0 },
  { id: "1h", label: "1 hour", seconds: 3600 },
  { id: "24h", label: "24 hours", seconds: 24 * 3600 },
  { id: "7d", label: "7 days", seconds: 7 * 24 * 3600 },
  { id: "30d", label: "30 days", seconds: 30 * 24 * 3600 },
] as const;

export type RangeId = (typeof ranges)[number]["id"];

/** The columns uPlot draws: times (Unix seconds) and one array per series. */
export type Columns = { times: number[]; cpu: (number | null)[]; memory: (number | null)[]; rx: number[]; tx: number[]; read: number[]; write: number[] };

/**
 * History points as chart columns. A gap longer than two steps (the app was closed, the
 * container stopped) gets an empty point, so the line breaks there instead of bridging it.
 */
export function historyColumns(history: History): Columns {
  const columns: Columns = { times: [], cpu: [], memory: [], rx: [], tx: [], read: [], write: [] };
  let previous: number | null = null;
  for (const point of history.points) {
    if (previous !== null && point.at - previous > 2 * history.stepSecs) {
      columns.times.push(previous + history.stepSecs);
      columns.cpu.push(null);
      columns.memory.push(null);
      columns.rx.push(0);
      columns.tx.push(0);
      columns.read.push(0);
      columns.write.push(0);
    }
    columns.times.push(point.at);
    columns.cpu.push(point.cpuPercent);
    columns.memory.push(point.memoryBytes);
    columns.rx.push(point.netRxRate ?? 0);
    columns.tx.push(point.netTxRate ?? 0);
    columns.read.push(point.blockReadRate ?? 0);
    columns.write.push(point.blockWriteRate ?? 0);
    previous = point.at;
  }
  return columns;
}

/** "every 10 s", "every 5 min", "every 1 h": what one point of the chart averages. */
export function stepLabel(seconds: number): string {
  if (seconds < 60) return `every ${seconds} s`;
  if (seconds < 3600) return `every ${Math.round(seconds / 60)} min`;
  return `every ${Math.round(seconds / 3600)} h`;
}
