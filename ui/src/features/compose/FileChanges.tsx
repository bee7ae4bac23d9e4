import type { EnvFilePreview } from "../../api";
import { EnvDiff } from "../../components/EnvDiff";

/** One file a compose export or import would write: its path and its changes (secrets masked). */
export function FileChanges({ file, testId }: { file: EnvFilePreview; testId: string }) {
  return (
    <div className="compose-export-file" data-testid={testId}>
      <p className="mono small muted selectable">
        {file.path}
        {file.current === null && " (new file)"}
      </p>
      <EnvDiff current={file.current ?? ""} proposed={file.proposed} label={`Changes to ${file.path}`} />
    </div>
  );
}
