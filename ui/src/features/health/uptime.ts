import type { DayUptime } from "../../api";

/** The share of passing runs over the days given, as "99.5 %"; "—" without runs. */
export function uptimeLabel(days: DayUptime[]): string {
  const total = days.reduce((sum, day) => sum + day.total, 0);
  if (total === 0) return "—";
  const up = days.reduce((sum, day) => sum + day.up, 0);
  const share = (up / total) * 100;
  // Two decimals only where they tell 99.99 from 100.
  const shown = share === 100 || share < 99 ? share.toFixed(share === 100 ? 0 : 1) : share.toFixed(2);
  return `${shown} %`;
}
