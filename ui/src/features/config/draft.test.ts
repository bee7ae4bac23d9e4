import { describe, expect, it } from "vitest";
import type { ConfigDocument, Diagnostic } from "../../api";
import { canSave, draftReducer, isDirty, type DraftAction, type DraftState } from "./draft";

const document = (text: string, overrides: Partial<ConfigDocument> = {}): ConfigDocument => ({
  projectId: 1,
  path: "/home/dev/shop/quantum.toml",
  location: "projectFolder",
  exists: true,
  text,
  contentHash: `hash of ${text}`,
  diagnostics: [],
  pendingDatasources: [],
  ...overrides,
});

const warning: Diagnostic = {
  line: 1,
  column: 1,
  endLine: 1,
  endColumn: 5,
  severity: "warning",
  message: "a warning",
  code: "config.test",
};

const run = (actions: DraftAction[], from: DraftState | null = null) =>
  actions.reduce<DraftState | null>((state, action) => draftReducer(state, action), from);

/** The state after loading `loaded` and typing `typed`. */
const edited = (loaded: string, typed: string) =>
  run([
    { type: "disk", document: document(loaded) },
    { type: "edited", text: typed },
  ])!;

describe("draftReducer", () => {
  it("starts from the disk document, clean, with its diagnostics", () => {
    const state = run([{ type: "disk", document: document("a = 1\n", { diagnostics: [warning] }) }])!;
    expect(state.text).toBe("a = 1\n");
    expect(state.diagnostics).toEqual([warning]);
    expect(state.diagnosticsText).toBe("a = 1\n");
    expect(isDirty(state)).toBe(false);
    expect(canSave(state)).toBe(false);
  });

  it("lets a file that does not exist yet be saved unchanged, which creates it", () => {
    const state = run([{ type: "disk", document: document("# generated\n", { exists: false }) }])!;
    expect(isDirty(state)).toBe(false);
    expect(canSave(state)).toBe(true);
  });

  it("is dirty once the text differs from the file, and clean again when typed back", () => {
    const state = edited("a = 1\n", "a = 2\n");
    expect(isDirty(state)).toBe(true);
    expect(state.diagnosticsText).toBe("a = 1\n");
    expect(isDirty(draftReducer(state, { type: "edited", text: "a = 1\n" })!)).toBe(false);
  });

  it("takes diagnostics for the current text only", () => {
    const state = edited("a = 1\n", "a = 2\n");
    expect(draftReducer(state, { type: "validated", text: "a = 9\n", diagnostics: [warning] })).toBe(state);
    const validated = draftReducer(state, { type: "validated", text: "a = 2\n", diagnostics: [warning] })!;
    expect(validated.diagnostics).toEqual([warning]);
    expect(validated.diagnosticsText).toBe("a = 2\n");
  });

  it("reloads silently when the file changes on disk and there are no edits", () => {
    const state = run([
      { type: "disk", document: document("a = 1\n") },
      { type: "disk", document: document("a = 5\n") },
    ])!;
    expect(state.text).toBe("a = 5\n");
    expect(state.base.contentHash).toBe("hash of a = 5\n");
    expect(state.conflict).toBeNull();
  });

  it("keeps the edits and shows a notice when the file changes on disk under them", () => {
    const state = draftReducer(edited("a = 1\n", "a = 2\n"), { type: "disk", document: document("a = 5\n") })!;
    expect(state.text).toBe("a = 2\n");
    expect(state.base.text).toBe("a = 1\n");
    expect(state.conflict).toEqual({ document: document("a = 5\n"), reason: "changedOnDisk" });
  });

  it("ignores a refetch of the file the edits started from", () => {
    const state = edited("a = 1\n", "a = 2\n");
    const refetched = document("a = 1\n");
    const next = draftReducer(state, { type: "disk", document: refetched })!;
    expect(next.conflict).toBeNull();
    expect(next.base).toBe(refetched);
    expect(next.text).toBe("a = 2\n");
  });

  it("needs no decision when the disk now holds exactly the edits", () => {
    const state = draftReducer(edited("a = 1\n", "a = 2\n"), { type: "disk", document: document("a = 2\n") })!;
    expect(state.conflict).toBeNull();
    expect(isDirty(state)).toBe(false);
  });

  it("Reload takes the disk's version and drops the edits", () => {
    const conflicted = draftReducer(edited("a = 1\n", "a = 2\n"), { type: "disk", document: document("a = 5\n") })!;
    const state = draftReducer(conflicted, { type: "reload" })!;
    expect(state.text).toBe("a = 5\n");
    expect(state.conflict).toBeNull();
    expect(isDirty(state)).toBe(false);
  });

  it("Keep my edits measures them against the disk's version, so that saving overwrites it", () => {
    const conflicted = draftReducer(edited("a = 1\n", "a = 2\n"), { type: "disk", document: document("a = 5\n") })!;
    const state = draftReducer(conflicted, { type: "keepEdits" })!;
    expect(state.text).toBe("a = 2\n");
    expect(state.base.contentHash).toBe("hash of a = 5\n");
    expect(state.conflict).toBeNull();
    expect(isDirty(state)).toBe(true);
  });

  it("says a refused save was refused, and keeps saying so when the fetched file comes back as a disk change", () => {
    const current = document("a = 5\n");
    const state = run(
      [
        { type: "saveRefused", document: current },
        { type: "disk", document: current },
      ],
      edited("a = 1\n", "a = 2\n"),
    )!;
    expect(state.conflict).toEqual({ document: current, reason: "saveRefused" });
    expect(state.text).toBe("a = 2\n");
  });

  it("takes the saved (formatted) text when nothing was typed during the save", () => {
    const saved = document("a = 2\n", { diagnostics: [warning] });
    const state = draftReducer(edited("a = 1\n", "a  =  2\n"), { type: "saved", document: saved, sentText: "a  =  2\n" })!;
    expect(state.text).toBe("a = 2\n");
    expect(state.diagnostics).toEqual([warning]);
    expect(isDirty(state)).toBe(false);
  });

  it("keeps what was typed during the save, measured against what was saved", () => {
    const saved = document("a = 2\n");
    const state = draftReducer(edited("a = 1\n", "a = 23\n"), { type: "saved", document: saved, sentText: "a = 2\n" })!;
    expect(state.text).toBe("a = 23\n");
    expect(state.base).toBe(saved);
    expect(isDirty(state)).toBe(true);
  });

  it("sees its own save come back from the cache as nothing new", () => {
    const saved = document("a = 2\n");
    const state = run(
      [
        { type: "saved", document: saved, sentText: "a = 2\n" },
        { type: "disk", document: saved },
      ],
      edited("a = 1\n", "a = 2\n"),
    )!;
    expect(state.conflict).toBeNull();
    expect(state.text).toBe("a = 2\n");
  });

  it("ignores edits before the file is loaded", () => {
    expect(draftReducer(null, { type: "edited", text: "x" })).toBeNull();
  });
});
