import { ArrowDown, ArrowDownToLine, Pause, Play } from "lucide-react";

const numberFormat = new Intl.NumberFormat();

/** Pause (new lines held) and Follow (the newest line kept in view), for a live log's toolbar. */
export function PauseFollow({
  paused,
  onPausedChange,
  following,
  onFollow,
}: {
  paused: boolean;
  onPausedChange: (paused: boolean) => void;
  following: boolean;
  onFollow: () => void;
}) {
  return (
    <>
      <button type="button" className="button button-secondary button-small" aria-pressed={paused} onClick={() => onPausedChange(!paused)} data-testid="log-pause">
        {paused ? <Play size={13} aria-hidden /> : <Pause size={13} aria-hidden />}
        {paused ? "Resume" : "Pause"}
      </button>
      <button
        type="button"
        className="button button-secondary button-small"
        aria-pressed={following}
        disabled={following}
        onClick={onFollow}
        title="Keep the newest line in view"
        data-testid="log-follow"
      >
        <ArrowDownToLine size={13} aria-hidden />
        Follow
      </button>
    </>
  );
}

/** A live log's status bar: lines shown (of how many), the cap, what a pause holds, a way back to the newest. */
export function LiveLogFooter({
  shown,
  total,
  cap,
  paused,
  held,
  following,
  onFollow,
}: {
  shown: number;
  total: number;
  cap: number;
  paused: boolean;
  held: number;
  following: boolean;
  onFollow: () => void;
}) {
  return (
    <>
      <span data-testid="log-count">
        {numberFormat.format(shown)}
        {shown === total ? "" : ` of ${numberFormat.format(total)}`} lines
        {total >= cap && ` (the oldest are dropped past ${numberFormat.format(cap)})`}
      </span>
      {paused && (
        <span className="log-held" data-testid="log-held">
          Paused · {numberFormat.format(held)} new {held === 1 ? "line" : "lines"} held
        </span>
      )}
      {!following && !paused && (
        <button type="button" className="text-link log-jump" onClick={onFollow}>
          <ArrowDown size={12} aria-hidden />
          Jump to the newest
        </button>
      )}
    </>
  );
}
