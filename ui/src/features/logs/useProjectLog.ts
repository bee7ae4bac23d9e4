import { useEffect, useState } from "react";
import { api, type LogSource } from "../../api";
import { ProjectLogBuffer, type ProjectLogLine } from "./projectLogBuffer";

type ProjectLogData = {
  buffer: ProjectLogBuffer;
  sources: LogSource[];
  lines: ProjectLogLine[];
  /** The history is all in; new lines come as they are written. */
  live: boolean;
  held: number;
  paused: boolean;
  error: unknown;
};

export type ProjectLogState = ProjectLogData & {
  /** Holds new lines (the history keeps coming in); resuming shows what was held. */
  setPaused: (paused: boolean) => void;
};

/**
 * Opens the project's log from `sinceMs` (null: all that is kept) for as long as the component
 * lives (key it by the range for a fresh stream). However fast batches come, the view changes
 * once a frame.
 */
export function useProjectLog(projectId: number, sinceMs: number | null): ProjectLogState {
  const [state, setState] = useState<ProjectLogData>(() => ({
    buffer: new ProjectLogBuffer(),
    sources: [],
    lines: [],
    live: false,
    held: 0,
    paused: false,
    error: null,
  }));

  const { buffer } = state;
  useEffect(() => {
    let frame: number | undefined;
    let closed = false;
    let streamId: number | null = null;
    let live = false;
    const show = () => {
      frame = undefined;
      const changed = buffer.flush();
      setState((current) => ({ ...current, lines: changed ? buffer.lines : current.lines, live, held: buffer.held }));
    };
    api
      .projectLogs(projectId, sinceMs, (event) => {
        if (closed) return;
        if (event.kind === "live") live = true;
        else buffer.receive(event.entries);
        frame ??= requestAnimationFrame(show);
      })
      .then(
        (opened) => {
          if (closed) {
            void api.streamStop(opened.streamId).catch(() => undefined);
            return;
          }
          streamId = opened.streamId;
          setState((current) => ({ ...current, sources: opened.sources }));
        },
        (error: unknown) => {
          if (!closed) setState((current) => ({ ...current, error }));
        },
      );
    return () => {
      closed = true;
      if (frame !== undefined) cancelAnimationFrame(frame);
      if (streamId !== null) void api.streamStop(streamId).catch(() => undefined);
    };
  }, [buffer, projectId, sinceMs]);

  const setPaused = (paused: boolean) => {
    buffer.setPaused(paused);
    const changed = buffer.flush();
    setState((current) => ({ ...current, paused, lines: changed ? buffer.lines : current.lines, held: buffer.held }));
  };

  return { ...state, setPaused };
}
