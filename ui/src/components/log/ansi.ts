// Logs (a container's, a CI job's) keep the colours their programs print. This turns ANSI SGR
// escapes into styled segments (16 colours, bright variants, bold, reset) and drops every other
// escape sequence; it also finds and marks search matches in the text as read.

/** A run of text in one style. Colours are 0–15: the eight normal ones, then their bright forms. */
export type AnsiSegment = { text: string; fg: number | null; bg: number | null; bold: boolean };

type AnsiStyle = Omit<AnsiSegment, "text">;

const PLAIN: AnsiStyle = { fg: null, bg: null, bold: false };
const ESC = String.fromCharCode(0x1b);
const BEL = String.fromCharCode(0x07);

// CSI (ESC [ params intermediates final), OSC (ESC ] … BEL or ESC \), any other two-byte
// escape, a lone ESC, and the carriage returns of progress output.
const ESCAPE_PATTERN = new RegExp(
  `${ESC}\\[([0-?]*)[ -/]*([@-~])|${ESC}\\][^${BEL}${ESC}]*(?:${BEL}|${ESC}\\\\)?|${ESC}[@-_]?|\\r`,
  "g",
);

function applySgr(style: AnsiStyle, parameters: string): AnsiStyle {
  // Private sequences (`ESC [ ? … m`) are not SGR.
  if (/^[<=>?]/.test(parameters)) return style;
  const codes = parameters === "" ? [0] : parameters.split(/[;:]/).map((code) => Number(code || 0));
  let next = { ...style };
  for (let index = 0; index < codes.length; index += 1) {
    const code = codes[index];
    if (code === 0) next = { ...PLAIN };
    else if (code === 1) next.bold = true;
    else if (code === 22) next.bold = false;
    else if (code >= 30 && code <= 37) next.fg = code - 30;
    else if (code === 39) next.fg = null;
    else if (code >= 40 && code <= 47) next.bg = code - 40;
    else if (code === 49) next.bg = null;
    else if (code >= 90 && code <= 97) next.fg = code - 90 + 8;
    else if (code >= 100 && code <= 107) next.bg = code - 100 + 8;
    else if (code === 38 || code === 48) {
      // Extended colours: `5;n` from the 256-colour palette (its first 16 are ours), `2;r;g;b`.
      const mode = codes[index + 1];
      if (mode === 5) {
        const colour = codes[index + 2];
        if (colour !== undefined && colour < 16) {
          if (code === 38) next.fg = colour;
          else next.bg = colour;
        }
        index += 2;
      } else if (mode === 2) {
        index += 4;
      }
    }
  }
  return next;
}

const sameStyle = (a: AnsiStyle, b: AnsiStyle) => a.fg === b.fg && a.bg === b.bg && a.bold === b.bold;

/** The text's styled runs, in order; adjacent runs of one style are merged. */
export function parseAnsi(input: string): AnsiSegment[] {
  const segments: AnsiSegment[] = [];
  let style = PLAIN;
  let start = 0;
  const push = (text: string) => {
    if (text === "") return;
    const last = segments.at(-1);
    if (last && sameStyle(last, style)) last.text += text;
    else segments.push({ text, ...style });
  };
  for (const match of input.matchAll(ESCAPE_PATTERN)) {
    push(input.slice(start, match.index));
    start = match.index + match[0].length;
    if (match[2] === "m") style = applySgr(style, match[1] ?? "");
  }
  push(input.slice(start));
  return segments;
}

/** The text without any escape sequence. */
export function stripAnsi(input: string): string {
  return input.replace(ESCAPE_PATTERN, "");
}

export const hasEscapes = (input: string) => input.includes(ESC) || input.includes("\r");

/** A segment, and whether it lies inside a search match. */
export type MarkedSegment = AnsiSegment & { match: boolean };

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** What a search looks for: a literal text (case-insensitive), or a regular expression. */
export type SearchQuery = string | RegExp;

/** The expression of a query, case-insensitive; null for "". */
function patternOf(query: SearchQuery, flags: string): RegExp | null {
  if (typeof query === "string") return query === "" ? null : new RegExp(escapeRegExp(query), flags);
  return new RegExp(query.source, [...new Set(`${query.flags}${flags}`)].join(""));
}

/**
 * The search a user typed: the text as is, or with `regex` its regular expression
 * (case-insensitive), or why it is not one.
 */
export function searchQuery(text: string, regex: boolean): { query: SearchQuery } | { error: string } {
  if (!regex || text === "") return { query: text };
  try {
    return { query: new RegExp(text, "i") };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

/** The indexes of the lines whose text matches `query`, case-insensitively; none for "". */
export function findMatches(lines: readonly { text: string }[], query: SearchQuery): number[] {
  const needle = patternOf(query, "i");
  if (!needle) return [];
  const found: number[] = [];
  lines.forEach((line, index) => {
    if (needle.test(line.text)) found.push(index);
  });
  return found;
}

/**
 * Splits the segments where case-insensitive matches of `query` begin and end, so a match that
 * spans two colours is still marked as a whole.
 */
export function markMatches(segments: AnsiSegment[], query: SearchQuery): MarkedSegment[] {
  const needle = patternOf(query, "gi");
  if (!needle) return segments.map((segment) => ({ ...segment, match: false }));
  const plain = segments.map((segment) => segment.text).join("");
  // An empty match (`x*`) marks nothing.
  const ranges = [...plain.matchAll(needle)]
    .filter((match) => match[0].length > 0)
    .map((match) => [match.index, match.index + match[0].length] as const);
  const marked: MarkedSegment[] = [];
  let offset = 0;
  for (const segment of segments) {
    const end = offset + segment.text.length;
    // Every point inside this segment where a match starts or ends.
    const cuts = ranges
      .flatMap(([from, to]) => [from, to])
      .filter((cut) => cut > offset && cut < end)
      .sort((a, b) => a - b);
    let piece = offset;
    for (const cut of [...cuts, end]) {
      if (cut > piece) {
        const inMatch = ranges.some(([from, to]) => piece >= from && piece < to);
        marked.push({ ...segment, text: plain.slice(piece, cut), match: inMatch });
      }
      piece = cut;
    }
    offset = end;
  }
  return marked;
}
