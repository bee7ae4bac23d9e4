import { useCallback, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent, type ReactNode } from "react";
import { useVirtualizer } from "@tanstack/react-virtual";
import { ChevronDown, ChevronUp, Download, Regex, Search } from "lucide-react";
import clsx from "clsx";
import { findMatches, markMatches, parseAnsi, searchQuery, type AnsiSegment, type SearchQuery } from "./ansi";
import "./logView.css";

const ROW_HEIGHT = 18;
const estimateSize = () => ROW_HEIGHT;
const numberFormat = new Intl.NumberFormat();

/** A line as the view reads it: plain text to search and save, and the escapes to colour it. */
export type LogViewLine = {
  /** Stable over the log's life: the row's key and the current match's identity. */
  id: number;
  text: string;
  /** The line as received, kept only when it has escapes to render as colours. */
  raw: string | null;
};

type LogViewProps<L extends LogViewLine> = {
  /** Every line, in order: searched and saved by Export, hidden ones included. */
  lines: readonly L[];
  /** The lines on screen, in order, a subset of `lines` (all of them when omitted). */
  shown?: readonly L[];
  /** The current match is not on screen: show it (unfold its group). It is scrolled to then. */
  onReveal?: (line: L) => void;
  /** The scroller's accessible name. */
  label: string;
  /** The file name Export offers. */
  exportName: string;
  testId: string;
  lineTestId: string;
  lineClassName?: (line: L) => string | false | null | undefined;
  /** Wraps a line's coloured text (a fold toggle, a mark); the text alone when omitted. */
  renderLine?: (line: L, text: ReactNode) => ReactNode;
  /** Controls of the toolbar's end, before Export. */
  tools?: ReactNode;
  /** The status bar under the lines; none when omitted. */
  footer?: ReactNode;
  /** Said over the empty scroller (waiting, empty log). */
  placeholder?: ReactNode;
  /** Keeps the last line in view while true; scrolling up reports false, back to the end true. */
  following?: boolean;
  onFollowingChange?: (following: boolean) => void;
  /** Offers a toggle that reads the search as a regular expression. */
  regexSearch?: boolean;
  /** Saves the log another way than the lines in memory as a text file (the core's export). */
  onExport?: () => void;
};

/**
 * A log: only the rows in view are in the DOM, so a few hundred thousand lines scroll freely.
 * ANSI colours, search with match navigation (Enter, Shift+Enter), Export of the lines as text.
 */
export function LogView<L extends LogViewLine>({
  lines,
  shown = lines,
  onReveal,
  label,
  exportName,
  testId,
  lineTestId,
  lineClassName,
  renderLine,
  tools,
  footer,
  placeholder,
  following = false,
  onFollowingChange,
  regexSearch = false,
  onExport,
}: LogViewProps<L>) {
  const [typed, setTyped] = useState("");
  const [regex, setRegex] = useState(false);
  const [currentMatchId, setCurrentMatchId] = useState<number | null>(null);
  const scroller = useRef<HTMLDivElement>(null);
  // A match being revealed: scrolled to once the owner shows it.
  const pendingScroll = useRef<number | null>(null);

  const search = useMemo(() => searchQuery(typed, regex), [typed, regex]);
  const query: SearchQuery = "query" in search ? search.query : "";
  const matches = useMemo(() => findMatches(lines, query), [lines, query]);
  const matchPosition = matches.findIndex((index) => lines[index].id === currentMatchId);

  const getItemKey = useCallback((index: number) => shown[index].id, [shown]);
  const virtualizer = useVirtualizer({
    count: shown.length,
    getScrollElement: () => scroller.current,
    estimateSize,
    // The same function while the lines are: a new one makes the virtualizer measure every line
    // again, on every scroll.
    getItemKey,
    overscan: 30,
  });

  useLayoutEffect(() => {
    const element = scroller.current;
    if (following && element) element.scrollTop = element.scrollHeight;
  }, [following, shown]);

  useLayoutEffect(() => {
    if (pendingScroll.current === null) return;
    const index = shown.findIndex((line) => line.id === pendingScroll.current);
    if (index === -1) return;
    pendingScroll.current = null;
    virtualizer.scrollToIndex(index, { align: "center" });
  }, [shown, virtualizer]);

  const onScroll = () => {
    const element = scroller.current;
    if (!element || !onFollowingChange) return;
    onFollowingChange(element.scrollHeight - element.scrollTop - element.clientHeight < ROW_HEIGHT);
  };

  const goToMatch = (step: 1 | -1) => {
    if (matches.length === 0) return;
    const position =
      matchPosition === -1 ? (step === 1 ? 0 : matches.length - 1) : (matchPosition + step + matches.length) % matches.length;
    const line = lines[matches[position]];
    setCurrentMatchId(line.id);
    onFollowingChange?.(false);
    const index = shown.findIndex((candidate) => candidate.id === line.id);
    if (index !== -1) {
      virtualizer.scrollToIndex(index, { align: "center" });
    } else {
      pendingScroll.current = line.id;
      onReveal?.(line);
    }
  };

  const onSearchKeyDown = (event: KeyboardEvent) => {
    if (event.key === "Enter") {
      event.preventDefault();
      goToMatch(event.shiftKey ? -1 : 1);
    } else if (event.key === "Escape" && typed !== "") {
      // Clears the search first; a second Escape reaches the dialog or page around the log.
      event.preventDefault();
      event.stopPropagation();
      setTyped("");
    }
  };

  const exportLog = () => {
    const text = lines.map((line) => `${line.text}\n`).join("");
    const url = URL.createObjectURL(new Blob([text], { type: "text/plain" }));
    const link = document.createElement("a");
    link.href = url;
    link.download = exportName;
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 0);
  };

  return (
    <div className="log-viewer" data-testid={testId}>
      <div className="log-toolbar" role="toolbar" aria-label="Log">
        <div className="search log-search">
          <Search size={14} className="search-icon" aria-hidden />
          <input
            className="input search-input"
            type="search"
            value={typed}
            placeholder={regex ? "Search the log (regular expression)" : "Search the log"}
            aria-label="Search the log"
            spellCheck={false}
            onChange={(event) => {
              setTyped(event.target.value);
              setCurrentMatchId(null);
            }}
            onKeyDown={onSearchKeyDown}
            data-testid="log-search-input"
          />
        </div>
        {regexSearch && (
          <button
            type="button"
            className={clsx("icon-button", regex && "icon-button-active")}
            aria-label="Regular expression"
            aria-pressed={regex}
            title="Read the search as a regular expression"
            onClick={() => {
              setRegex(!regex);
              setCurrentMatchId(null);
            }}
            data-testid="log-search-regex"
          >
            <Regex size={15} aria-hidden />
          </button>
        )}
        {"error" in search && (
          <span className="log-match-count log-search-error" role="alert" data-testid="log-search-error">
            Not a regular expression: {search.error}
          </span>
        )}
        {query !== "" && (
          <>
            <span className="log-match-count" aria-live="polite" data-testid="log-match-count">
              {matches.length === 0
                ? "No matches"
                : matchPosition === -1
                  ? `${numberFormat.format(matches.length)} matches`
                  : `${numberFormat.format(matchPosition + 1)} of ${numberFormat.format(matches.length)}`}
            </span>
            <button
              type="button"
              className="icon-button"
              aria-label="Previous match"
              title="Previous match (Shift+Enter)"
              disabled={matches.length === 0}
              onClick={() => goToMatch(-1)}
              data-testid="log-previous-match"
            >
              <ChevronUp size={15} aria-hidden />
            </button>
            <button
              type="button"
              className="icon-button"
              aria-label="Next match"
              title="Next match (Enter)"
              disabled={matches.length === 0}
              onClick={() => goToMatch(1)}
              data-testid="log-next-match"
            >
              <ChevronDown size={15} aria-hidden />
            </button>
          </>
        )}
        <div className="log-toolbar-end">
          {tools}
          <button
            type="button"
            className="button button-secondary button-small"
            onClick={onExport ?? exportLog}
            disabled={lines.length === 0}
            title={onExport ? "Save the lines shown to a file" : `Save the lines as ${exportName}`}
            data-testid="log-export"
          >
            <Download size={13} aria-hidden />
            Export
          </button>
        </div>
      </div>
      <div className="log-scroller" ref={scroller} onScroll={onScroll} tabIndex={0} aria-label={label}>
        <div className="log-lines" style={{ height: virtualizer.getTotalSize() }}>
          {virtualizer.getVirtualItems().map((item) => {
            const line = shown[item.index];
            const current = line.id === currentMatchId;
            const text = <LogLineText line={line} query={query} />;
            return (
              <div
                key={item.key}
                className={clsx("log-line", lineClassName?.(line), current && "log-line-current")}
                style={{ transform: `translateY(${item.start}px)` }}
                data-testid={lineTestId}
                data-current-match={current ? "true" : undefined}
              >
                {renderLine ? renderLine(line, text) : text}
              </div>
            );
          })}
        </div>
        {placeholder && <p className="log-waiting">{placeholder}</p>}
      </div>
      {footer && (
        <div className="log-status" data-testid="log-status">
          {footer}
        </div>
      )}
    </div>
  );
}

const segmentClass = (segment: AnsiSegment & { match?: boolean }) =>
  clsx(
    segment.fg !== null && `ansi-fg-${segment.fg}`,
    segment.bg !== null && `ansi-bg-${segment.bg}`,
    segment.bold && "ansi-bold",
    segment.match && "log-match",
  ) || undefined;

function LogLineText({ line, query }: { line: LogViewLine; query: SearchQuery }) {
  if (line.raw === null && query === "") return line.text || " ";
  const segments = line.raw === null ? [{ text: line.text, fg: null, bg: null, bold: false }] : parseAnsi(line.raw);
  return markMatches(segments, query).map((segment, index) => (
    <span key={index} className={segmentClass(segment)}>
      {segment.text}
    </span>
  ));
}
