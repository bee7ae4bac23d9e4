/**
 * The lines of a log stream as a view shows them. Received lines wait in `incoming` until
 * {@link flush} (once per animation frame) or, while paused, until resumed; past `cap` lines the
 * oldest go. Subclasses turn what a stream sends into lines ({@link hold}).
 */
export class HeldLines<L> {
  lines: L[] = [];
  paused = false;
  private incoming: L[] = [];

  constructor(private readonly cap: number) {}

  /** Keeps received lines until the next flush, the newest `cap` of them. */
  protected hold(lines: L[]) {
    for (const line of lines) this.incoming.push(line);
    if (this.incoming.length > this.cap) this.incoming.splice(0, this.incoming.length - this.cap);
  }

  /** A method, not an assignment, for views that keep the buffer in React state. */
  setPaused(paused: boolean) {
    this.paused = paused;
  }

  /** Lines received but not shown yet, because the view is paused. */
  get held(): number {
    return this.paused ? this.incoming.length : 0;
  }

  /** Moves received lines into `lines` (a new array, for React state); whether they changed. */
  flush(): boolean {
    if (this.paused || this.incoming.length === 0) return false;
    const combined = this.lines.concat(this.incoming);
    this.incoming = [];
    this.lines = combined.length > this.cap ? combined.slice(combined.length - this.cap) : combined;
    return true;
  }
}
