import { useState } from "react";
import type { Settings } from "../../api";
import { SettingRow } from "./SettingRow";

/** Test runs: how many are kept per project, and how a failure's file opens in the editor. */
export function TestsSection({ settings, onChange }: { settings: Settings; onChange: (patch: Partial<Settings>) => void }) {
  const [draft, setDraft] = useState<string | null>(null);
  const saved = settings.editorCommand ?? "";
  const commit = () => {
    if (draft !== null && draft.trim() !== saved) onChange({ editorCommand: draft.trim() === "" ? null : draft.trim() });
    setDraft(null);
  };
  return (
    <section className="panel settings-section" aria-labelledby="settings-tests">
      <h2 className="panel-title" id="settings-tests">
        Tests
      </h2>
      <SettingRow
        label={<label htmlFor="test-runs-kept">Test runs kept per project</label>}
        description="The history, the trend and the flaky tests look at these runs; a new run deletes the oldest."
        control={
          <select
            id="test-runs-kept"
            className="select"
            value={settings.testRunsKept}
            onChange={(event) => onChange({ testRunsKept: Number(event.target.value) })}
            data-testid="test-runs-kept-select"
          >
            {[...new Set([20, 50, 100, 200, 500, 1000, settings.testRunsKept])]
              .sort((a, b) => a - b)
              .map((kept) => (
                <option key={kept} value={kept}>
                  {kept}
                </option>
              ))}
          </select>
        }
      />
      <SettingRow
        label={<label htmlFor="editor-command">Editor command</label>}
        description={
          <>
            Opens a failure&apos;s file:line. <code>{"{file}"}</code> and <code>{"{line}"}</code> are replaced; empty means{" "}
            <code>{"code --goto {file}:{line}"}</code>. Saved when you leave the field.
          </>
        }
        control={
          <input
            id="editor-command"
            className="input mono"
            placeholder="code --goto {file}:{line}"
            value={draft ?? saved}
            onChange={(event) => setDraft(event.target.value)}
            onBlur={commit}
            onKeyDown={(event) => {
              if (event.key === "Enter") commit();
            }}
            data-testid="editor-command-input"
          />
        }
      />
    </section>
  );
}
