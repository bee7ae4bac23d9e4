import { useMutation, useQuery } from "@tanstack/react-query";
import { toast } from "sonner";
import { api, type ComposeExportPreview } from "../../api";
import { Dialog } from "../../components/Dialog";
import { ErrorState } from "../../components/ErrorState";
import { useLinkOutsideConfirm, writeShown } from "../../components/LinkOutsideConfirm";
import { SkeletonRows } from "../../components/Skeleton";
import { FileChanges } from "./FileChanges";
import "./compose.css";

type Props = {
  projectId: number;
  open: boolean;
  onClose: () => void;
};

/**
 * The project's databases as `compose.yaml` in its folder, their passwords added to `.env` (the
 * file reads them from there): both files' changes shown first, then written if neither changed
 * meanwhile. The passwords' write is recorded in the activity log, without them.
 */
export function ComposeExportDialog({ projectId, open, onClose }: Props) {
  return (
    <Dialog
      open={open}
      title="Export as compose file"
      onClose={onClose}
      testId="compose-export-dialog"
      description={
        <p>
          Writes <span className="mono">compose.yaml</span> with one service per database, on the same data volumes, and adds their
          passwords to <span className="mono">.env</span>. Stop the databases here before <span className="mono">docker compose up</span>: one
          server per volume.
        </p>
      }
    >
      <ComposeExportContent projectId={projectId} onDone={onClose} />
    </Dialog>
  );
}

function ComposeExportContent({ projectId, onDone }: { projectId: number; onDone: () => void }) {
  const preview = useQuery({ queryKey: ["composeExport", projectId], queryFn: () => api.composeExportPreview(projectId), gcTime: 0 });
  const write = useMutation({
    mutationFn: ({ expected, allowOutside }: { expected: ComposeExportPreview; allowOutside: boolean }) =>
      api.composeExportWrite(projectId, expected, allowOutside),
  });
  const linkOutside = useLinkOutsideConfirm();

  const confirm = async () => {
    if (!preview.data) return;
    const expected = preview.data;
    const written = await writeShown(linkOutside.withConsent, (allowOutside) => write.mutateAsync({ expected, allowOutside }), {
      changed: "A file changed since it was read; check the changes again",
      failed: "The files were not written",
      refetch: () => void preview.refetch(),
    });
    if (!written) return;
    toast.success(`Wrote ${expected.compose.path}`, { description: `The passwords it reads are in ${expected.env.path}.` });
    onDone();
  };

  return (
    <>
      <div className="dialog-body">
        {preview.isPending ? (
          <SkeletonRows rows={4} label="Preparing the compose file" />
        ) : preview.isError ? (
          <ErrorState title="The export could not be prepared" error={preview.error} onRetry={() => void preview.refetch()} />
        ) : (
          <>
            {[preview.data.compose, preview.data.env].map((file) => (
              <FileChanges key={file.path} file={file} testId="compose-export-file" />
            ))}
            <p className="field-hint">Passwords show as •••••• here; the files get the real values in .env only.</p>
          </>
        )}
      </div>
      <footer className="dialog-footer">
        <button type="button" className="button button-secondary" onClick={onDone}>
          Cancel
        </button>
        <button
          type="button"
          className="button button-primary"
          onClick={() => void confirm()}
          disabled={!preview.data || write.isPending}
          data-autofocus
          data-testid="compose-export-write"
        >
          Write both files
        </button>
      </footer>
      {linkOutside.dialog}
    </>
  );
}
