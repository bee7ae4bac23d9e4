import type { Release } from "../../api/deploy";
import { Dialog } from "../../components/Dialog";
import { releaseDiff } from "./releaseDiff";

/** What changed from the release that went live before to this one. */
export function ReleaseDiffDialog({ from, to, onClose }: { from: Release; to: Release; onClose: () => void }) {
  const changes = releaseDiff(from, to);
  return (
    <Dialog open size="medium" title={`${from.version} → ${to.version} on ${to.environment}`} onClose={onClose} testId="deploy-diff-dialog">
      <div className="dialog-body">
        {changes.length === 0 ? (
          <p className="muted">The two releases ran the same image with the same settings and variables.</p>
        ) : (
          <table className="table" data-testid="deploy-diff">
            <thead>
              <tr>
                <th>What</th>
                <th>Release {from.id}</th>
                <th>Release {to.id}</th>
              </tr>
            </thead>
            <tbody>
              {changes.map((change) => (
                <tr key={change.field} data-testid="deploy-diff-row" data-field={change.field}>
                  <td>{change.field}</td>
                  <td className="mono">{change.from}</td>
                  <td className="mono">{change.to}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </Dialog>
  );
}
