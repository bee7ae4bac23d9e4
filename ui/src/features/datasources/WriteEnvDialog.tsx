import { useQuery } from "@tanstack/react-query";
import { toast } from "sonner";
import { ApiError, type Datasource } from "../../api";
import { Dialog } from "../../components/Dialog";
import { EnvDiff } from "../../components/EnvDiff";
import { ErrorState } from "../../components/ErrorState";
import { useLinkOutsideConfirm, writeShown } from "../../components/LinkOutsideConfirm";
import { SkeletonRows } from "../../components/Skeleton";
import { diffLines } from "../../lib/lineDiff";
import { envPreviewQuery, useWriteEnvFile } from "./queries";

type WriteEnvDialogProps = {
  /** The datasource whose variables to write; none keeps the dialog closed. */
  datasource: Datasource | null;
  onClose: () => void;
};

export function WriteEnvDialog({ datasource, onClose }: WriteEnvDialogProps) {
  return (
    <Dialog
      open={datasource !== null}
      title="Write to .env"
      onClose={onClose}
      testId="write-env-dialog"
      description={
        datasource && (
          <p>
            Adds the connection variables of <strong>“{datasource.name}”</strong> to the project's <span className="mono">.env</span>,
            replacing older values of the same variables. They include the password, shown here as ••••••.
          </p>
        )
      }
    >
      {datasource && <WriteEnvContent key={datasource.id} datasource={datasource} onDone={onClose} />}
    </Dialog>
  );
}

function WriteEnvContent({ datasource, onDone }: { datasource: Datasource; onDone: () => void }) {
  const preview = useQuery(envPreviewQuery(datasource.id));
  const write = useWriteEnvFile();
  const linkOutside = useLinkOutsideConfirm();
  const diff = preview.data ? diffLines(preview.data.current ?? "", preview.data.proposed) : [];
  const unchanged = preview.data !== undefined && diff.every((line) => line.kind === "same");

  const confirm = async () => {
    if (!preview.data) return;
    const { path, current } = preview.data;
    const written = await writeShown(
      linkOutside.withConsent,
      (allowOutside) => write.mutateAsync({ datasourceId: datasource.id, expected: current, allowOutside }),
      {
        changed: ".env changed since it was read; check the changes again",
        failed: ".env was not written",
        refetch: () => void preview.refetch(),
      },
    );
    if (!written) return;
    toast.success(`Wrote the variables of “${datasource.name}” to ${path}`);
    onDone();
  };

  return (
    <>
      <div className="dialog-body">
        {preview.isPending ? (
          <SkeletonRows rows={4} label="Reading .env" />
        ) : preview.isError ? (
          <ErrorState
            title={
              preview.error instanceof ApiError && preview.error.code === "project.no_folder"
                ? "This project has no folder"
                : ".env could not be read"
            }
            error={preview.error}
            onRetry={() => void preview.refetch()}
          />
        ) : (
          <>
            <p className="mono small muted selectable" data-testid="env-path">
              {preview.data.path}
              {preview.data.current === null && " (new file)"}
            </p>
            <EnvDiff current={preview.data.current ?? ""} proposed={preview.data.proposed} label="Changes to .env" />
            {unchanged && <p className="field-hint">.env already holds these values.</p>}
          </>
        )}
      </div>
      <footer className="dialog-footer">
        <button type="button" className="button button-secondary" onClick={onDone} data-autofocus>
          Cancel
        </button>
        <button
          type="button"
          className="button button-primary"
          onClick={() => void confirm()}
          disabled={!preview.data || unchanged || write.isPending}
          data-testid="write-env-confirm"
        >
          Write
        </button>
      </footer>
      {linkOutside.dialog}
    </>
  );
}
