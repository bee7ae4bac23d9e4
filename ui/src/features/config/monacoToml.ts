// TOML for Monaco: a small Monarch tokenizer (keys, table headers, strings, numbers, dates,
// booleans, comments) and the editing rules (comments, brackets, auto-closing quotes).
import type { languages } from "monaco-editor/editor";

export const tomlLanguageId = "toml";

export const tomlLanguageConfiguration: languages.LanguageConfiguration = {
  comments: { lineComment: "#" },
  brackets: [
    ["{", "}"],
    ["[", "]"],
  ],
  autoClosingPairs: [
    { open: "{", close: "}" },
    { open: "[", close: "]" },
    { open: '"', close: '"', notIn: ["string", "comment"] },
    { open: "'", close: "'", notIn: ["string", "comment"] },
  ],
  surroundingPairs: [
    { open: "{", close: "}" },
    { open: "[", close: "]" },
    { open: '"', close: '"' },
    { open: "'", close: "'" },
  ],
};

export const tomlTokens: languages.IMonarchLanguage = {
  defaultToken: "",
  tokenPostfix: ".toml",
  tokenizer: {
    root: [
      [/^(\s*)(\[\[?)([^\]]*)(\]\]?)/, ["white", "delimiter.bracket", "type", "delimiter.bracket"]],
      { include: "@whitespace" },
      // A key is what stands before `=` or a `.` of a dotted key.
      [/[A-Za-z0-9_-]+(?=\s*[.=])/, "variable"],
      [/"[^"\\]*"(?=\s*[.=])/, "variable"],
      [/'[^']*'(?=\s*[.=])/, "variable"],
      [/"""/, "string", "@multilineString"],
      [/'''/, "string", "@multilineLiteral"],
      [/"/, "string", "@string"],
      [/'[^']*'/, "string"],
      [/\b(true|false)\b/, "keyword"],
      [/\d{4}-\d{2}-\d{2}([Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?([Zz]|[+-]\d{2}:\d{2})?/, "number"],
      [/\d{2}:\d{2}:\d{2}(\.\d+)?/, "number"],
      [/[+-]?(0x[0-9A-Fa-f_]+|0o[0-7_]+|0b[01_]+)/, "number.hex"],
      [/[+-]?(inf|nan)\b/, "number"],
      [/[+-]?\d[\d_]*(\.\d[\d_]*)?([eE][+-]?\d[\d_]*)?/, "number"],
      [/[{}[\]]/, "delimiter.bracket"],
      [/[=,.]/, "delimiter"],
    ],
    whitespace: [
      [/[ \t\r\n]+/, "white"],
      [/#.*$/, "comment"],
    ],
    // A basic string ends at its closing quote or, unterminated, at the end of the line.
    string: [
      [/[^\\"]+$/, "string", "@pop"],
      [/[^\\"]+/, "string"],
      [/\\./, "string.escape"],
      [/"/, "string", "@pop"],
    ],
    multilineString: [
      [/[^\\"]+/, "string"],
      [/\\./, "string.escape"],
      [/"""/, "string", "@pop"],
      [/"/, "string"],
    ],
    multilineLiteral: [
      [/[^']+/, "string"],
      [/'''/, "string", "@pop"],
      [/'/, "string"],
    ],
  },
};
