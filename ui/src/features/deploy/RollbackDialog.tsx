import type { Release } from "../../api/deploy";
import { Dialog } from "../../components/Dialog";

/** Asks before a rollback, naming the version serving now and the one that will. */
export function RollbackDialog({ target, live, onConfirm, onClose }: { target: Release; live: Release | null; onConfirm: () => void; onClose: () => void }) {
  return (
    <Dialog open size="small" title={`Roll back ${target.environment} to ${target.version}?`} onClose={onClose} testId="deploy-rollback-dialog">
      <div className="dialog-body">
        <p>
          {live ? (
            <>
              <span className="mono">{live.version}</span> serves {target.environment} now.{" "}
            </>
          ) : null}
          Release {target.id} (<span className="mono">{target.version}</span>) starts from its kept image, takes traffic once its health check
          passes, and the current one is stopped and kept. No request is dropped.
        </p>
      </div>
      <footer className="dialog-footer">
        <button type="button" className="button button-secondary" onClick={onClose} data-autofocus>
          Cancel
        </button>
        <button type="button" className="button button-primary" onClick={onConfirm} data-testid="deploy-rollback-confirm">
          Roll back to {target.version}
        </button>
      </footer>
    </Dialog>
  );
}
