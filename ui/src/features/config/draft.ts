// The editor's state against the file on disk: what the user typed, the disk document the edits
// started from (its hash goes with the save), and a newer disk document that arrived while there
// were unsaved edits. Pure, so that every way the two can meet is tested without an editor.
import type { ConfigDocument, Diagnostic } from "../../api";

export type DraftState = {
  /** The disk document the edits are measured against. */
  base: ConfigDocument;
  /** The editor's text. */
  text: string;
  diagnostics: Diagnostic[];
  /** The text `diagnostics` were computed for; when it is not `text`, a check is due. */
  diagnosticsText: string;
  /** A newer disk document that came while there were unsaved edits, and why it is shown. */
  conflict: { document: ConfigDocument; reason: "changedOnDisk" | "saveRefused" } | null;
};

export type DraftAction =
  /** The disk document, on load and whenever it changes (the watcher, a restore, a refetch). */
  | { type: "disk"; document: ConfigDocument }
  /** The save was refused because the file changed since `base`; `document` is the file now. */
  | { type: "saveRefused"; document: ConfigDocument }
  | { type: "edited"; text: string }
  | { type: "validated"; text: string; diagnostics: Diagnostic[] }
  /** The core saved `sentText` (unformatted) as `document` (formatted). */
  | { type: "saved"; document: ConfigDocument; sentText: string }
  /** Take the disk's version and drop the edits. */
  | { type: "reload" }
  /** Keep the edits: they are now measured against the disk's version, so saving overwrites it. */
  | { type: "keepEdits" };

export const isDirty = (state: DraftState) => state.text !== state.base.text;

/** Saving makes sense when there are edits, or when the file does not exist yet (it creates it). */
export const canSave = (state: DraftState) => isDirty(state) || !state.base.exists;

function fromDocument(document: ConfigDocument): DraftState {
  return {
    base: document,
    text: document.text,
    diagnostics: document.diagnostics,
    diagnosticsText: document.text,
    conflict: null,
  };
}

export function draftReducer(state: DraftState | null, action: DraftAction): DraftState | null {
  if (action.type === "disk" || action.type === "saveRefused") {
    const { document } = action;
    if (state === null || !isDirty(state)) return fromDocument(document);
    if (document.contentHash === state.base.contentHash && document.exists === state.base.exists) {
      return { ...state, base: document };
    }
    // Already shown (a refused save fetches the file, and the fetch is then seen as a disk change).
    if (document.contentHash === state.conflict?.document.contentHash) return state;
    // The disk now holds exactly the edits: nothing is left to decide.
    if (document.text === state.text) return { ...fromDocument(document), conflict: null };
    return { ...state, conflict: { document, reason: action.type === "disk" ? "changedOnDisk" : "saveRefused" } };
  }
  if (state === null) return state;
  switch (action.type) {
    case "edited":
      return action.text === state.text ? state : { ...state, text: action.text };
    case "validated":
      return action.text === state.text ? { ...state, diagnostics: action.diagnostics, diagnosticsText: action.text } : state;
    case "saved":
      // Edits typed while the save was on its way stay, measured against what was saved.
      return state.text === action.sentText ? fromDocument(action.document) : { ...state, base: action.document, conflict: null };
    case "reload":
      return state.conflict ? fromDocument(state.conflict.document) : state;
    case "keepEdits":
      return state.conflict ? { ...state, base: state.conflict.document, conflict: null } : state;
  }
}
