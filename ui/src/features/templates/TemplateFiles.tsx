import { useState } from "react";
import type { UseQueryResult } from "@tanstack/react-query";
import type { TemplatePreview } from "../../api";
import { errorMessage } from "../../api";

type Props = {
  /** The form is complete enough to ask for a preview. */
  ready: boolean;
  preview: UseQueryResult<TemplatePreview>;
  previewError: Error | null;
};

const sizeLabel = (bytes: number) => (bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KB`);

/** Every file the template will write; the chosen one's text beside the list. */
export function TemplateFiles({ ready, preview, previewError }: Props) {
  const [shown, setShown] = useState<string | null>(null);
  if (!ready) return <p className="muted template-files-empty">Name the project and choose its folder to see the files it gets.</p>;
  if (previewError) return <p className="field-error" data-testid="template-preview-error">{errorMessage(previewError)}</p>;
  if (!preview.data) return <p className="muted template-files-empty">Rendering the files…</p>;
  const files = preview.data.files;
  const current = files.find((file) => file.path === shown) ?? files.find((file) => file.path === "README.md") ?? files[0];
  return (
    <section className="template-files" aria-label="Files it will write" data-testid="template-files">
      <p className="small muted">
        {files.length} files into <span className="mono">{preview.data.folder}</span>
        {preview.data.folderState.state === "missing" && " (a new folder)"}
      </p>
      <div className="template-files-body">
        <ul className="template-file-list">
          {files.map((file) => (
            <li key={file.path}>
              <button
                type="button"
                className={`template-file${file === current ? " template-file-selected" : ""}`}
                aria-pressed={file === current}
                onClick={() => setShown(file.path)}
                data-testid="template-file"
              >
                <span className="mono template-file-path" title={file.path}>
                  {file.path}
                </span>
                <span className="small muted template-file-size">
                  {file.replaces && <strong className="template-replaces">replaces</strong>} {sizeLabel(file.size)}
                </span>
              </button>
            </li>
          ))}
        </ul>
        <pre className="template-file-text selectable" data-testid="template-file-text" tabIndex={0} aria-label={current ? `Text of ${current.path}` : undefined}>
          {current ? (current.text ?? "(binary file)") : ""}
        </pre>
      </div>
    </section>
  );
}
