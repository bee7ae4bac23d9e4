import { useState } from "react";
import type { Datasource } from "../../api";
import { Dialog } from "../../components/Dialog";
import { rememberStartChoice } from "./startChoice";

/** Asks once whether to start the project's stopped databases first; can remember the answer. */
export function StartDatasourcesDialog({
  projectId,
  datasources,
  onChoose,
  onClose,
}: {
  projectId: number;
  datasources: Datasource[];
  onChoose: (start: boolean) => void;
  onClose: () => void;
}) {
  const [remember, setRemember] = useState(true);
  const choose = (start: boolean) => {
    if (remember) rememberStartChoice(projectId, start);
    onChoose(start);
  };
  const names = datasources.map((d) => d.name).join(", ");
  return (
    <Dialog
      open
      title="Start the project's databases first?"
      description={`${names} ${datasources.length === 1 ? "is" : "are"} not running: the tests would get no variables for ${datasources.length === 1 ? "it" : "them"} (DATABASE_URL and the like).`}
      onClose={onClose}
      testId="tests-start-datasources"
    >
      <label className="checkbox">
        <input type="checkbox" checked={remember} onChange={(event) => setRemember(event.target.checked)} />
        Remember for this project
      </label>
      <div className="dialog-footer">
        <button type="button" className="button button-secondary" onClick={() => choose(false)} data-testid="tests-run-without">
          Run without them
        </button>
        <button type="button" className="button button-primary" onClick={() => choose(true)} data-autofocus data-testid="tests-start-and-run">
          Start them and run
        </button>
      </div>
    </Dialog>
  );
}
