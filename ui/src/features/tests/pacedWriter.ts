// A flood of output reaches the terminal at the pace it can parse: one write at a time, and what
// arrives meanwhile goes in the next write together, cut to the lines the terminal keeps (it would
// drop the rest at once). The terminal then parses what it shows, not the flood.

/** The lines the Tests page's terminal keeps; the core cuts each batch of a flood to as many. */
export const TERMINAL_LINES = 5_000;

const RESET = "\u001bc";

/** The last `lines` lines of `text` (whole lines ending with a newline, and what follows them). */
export function lastLines(text: string, lines: number): string {
  let at = text.length;
  // A text ending with a newline: its last line ends there, not after it.
  if (text.endsWith("\n")) at -= 1;
  for (let found = 0; found < lines; found++) {
    at = text.lastIndexOf("\n", at - 1);
    if (at < 0) return text;
  }
  const cut = text.slice(at + 1);
  // A reset of the terminal in the part left out still clears what came before it.
  return text.lastIndexOf(RESET, at) >= 0 ? RESET + cut : cut;
}

type Writable = { write(data: string, callback?: () => void): void };

/** A writer that hands `terminal` one piece at a time, those waiting joined and cut to `lines`. */
export function pacedWriter(terminal: Writable, lines: number): (text: string) => void {
  let busy = false;
  let waiting: string[] = [];
  const next = () => {
    if (waiting.length === 0) {
      busy = false;
      return;
    }
    const text = lastLines(waiting.join(""), lines);
    waiting = [];
    terminal.write(text, next);
  };
  return (text) => {
    if (busy) {
      waiting.push(text);
      return;
    }
    busy = true;
    terminal.write(text, next);
  };
}
