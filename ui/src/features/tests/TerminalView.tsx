import { useEffect, useRef } from "react";
import { FitAddon } from "@xterm/addon-fit";
import { Terminal } from "@xterm/xterm";
import "@xterm/xterm/css/xterm.css";
import { pacedWriter, TERMINAL_LINES } from "./pacedWriter";

/**
 * A terminal that shows a run's output with its colours: `follow` hands it the output so far,
 * then each new piece, and returns how to stop.
 */
export function TerminalView({
  follow,
  testId,
}: {
  follow: (write: (text: string) => void, clear: () => void) => () => void;
  testId?: string;
}) {
  const host = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!host.current) return;
    const terminal = new Terminal({
      convertEol: true,
      disableStdin: true,
      // As many lines as the core sends per batch of a flood (TERMINAL_LINES in commands/testruns.rs).
      scrollback: TERMINAL_LINES,
      fontSize: 12,
      fontFamily: "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace",
      theme: { background: "#0f1115", foreground: "#d7dae0" },
    });
    const fit = new FitAddon();
    terminal.loadAddon(fit);
    terminal.open(host.current);
    fit.fit();
    const resize = new ResizeObserver(() => fit.fit());
    resize.observe(host.current);
    const stop = follow(pacedWriter(terminal, TERMINAL_LINES), () => terminal.reset());
    return () => {
      stop();
      resize.disconnect();
      terminal.dispose();
    };
  }, [follow]);

  return <div ref={host} className="test-terminal" data-testid={testId} />;
}
