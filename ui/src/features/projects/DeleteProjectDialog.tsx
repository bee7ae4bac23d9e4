import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { toast } from "sonner";
import { errorMessage, type Project } from "../../api";
import { Dialog } from "../../components/Dialog";
import { datasourcesQuery } from "../datasources/queries";
import { useDeleteProject } from "./queries";

type DeleteProjectDialogProps = {
  /** The project to delete; none keeps the dialog closed. */
  project: Project | null;
  onClose: () => void;
  onDeleted?: () => void;
};

export function DeleteProjectDialog({ project, onClose, onDeleted }: DeleteProjectDialogProps) {
  const remove = useDeleteProject();
  const { data: datasources = [] } = useQuery({ ...datasourcesQuery(project?.id ?? null), enabled: project !== null });
  // A project with databases goes only with the user's explicit consent to remove them too.
  const [removeDatasources, setRemoveDatasources] = useState(false);
  const blocked = datasources.length > 0 && !removeDatasources;

  const close = () => {
    setRemoveDatasources(false);
    onClose();
  };

  const confirm = () => {
    if (!project) return;
    remove.mutate(
      { project, removeDatasources: datasources.length > 0 && removeDatasources },
      {
        onSuccess: () => {
          toast.success(`Project “${project.name}” deleted`);
          close();
          onDeleted?.();
        },
        onError: (error) => toast.error(`“${project.name}” was not deleted`, { description: errorMessage(error) }),
      },
    );
  };

  return (
    <Dialog
      open={project !== null}
      size="small"
      title="Delete project?"
      onClose={close}
      testId="delete-project-dialog"
      description={
        <p>
          <strong>“{project?.name}”</strong> will be removed from Quantum Admin. Its folder on disk is left as it
          is, and the activity log keeps a record of the project.
        </p>
      }
    >
      {datasources.length > 0 && (
        <div className="dialog-body" data-testid="delete-project-datasources">
          <p>
            It has {datasources.length === 1 ? "a database" : `${datasources.length} databases`}:{" "}
            {datasources.map((d) => d.name).join(", ")}.
          </p>
          <label className="checkbox">
            <input
              type="checkbox"
              checked={removeDatasources}
              onChange={(event) => setRemoveDatasources(event.target.checked)}
              data-testid="delete-project-remove-datasources"
            />
            Also remove {datasources.length === 1 ? "it" : "them"} (the data volumes are kept and can be reused)
          </label>
        </div>
      )}
      <footer className="dialog-footer">
        <button type="button" className="button button-secondary" onClick={close} data-autofocus>
          Cancel
        </button>
        <button
          type="button"
          className="button button-danger"
          onClick={confirm}
          disabled={remove.isPending || blocked}
          data-testid="delete-project-confirm"
        >
          Delete project
        </button>
      </footer>
    </Dialog>
  );
}
