import { toast } from "sonner";
import { errorMessage, type Project } from "../../api";
import { Dialog } from "../../components/Dialog";
import { useDeleteProject } from "./queries";

type DeleteProjectDialogProps = {
  /** The project to delete; none keeps the dialog closed. */
  project: Project | null;
  onClose: () => void;
  onDeleted?: () => void;
};

export function DeleteProjectDialog({ project, onClose, onDeleted }: DeleteProjectDialogProps) {
  const remove = useDeleteProject();

  const confirm = () => {
    if (!project) return;
    remove.mutate(project, {
      onSuccess: () => {
        toast.success(`Project “${project.name}” deleted`);
        onClose();
        onDeleted?.();
      },
      onError: (error) => toast.error(`“${project.name}” was not deleted`, { description: errorMessage(error) }),
    });
  };

  return (
    <Dialog
      open={project !== null}
      size="small"
      title="Delete project?"
      onClose={onClose}
      testId="delete-project-dialog"
      description={
        <p>
          <strong>“{project?.name}”</strong> will be removed from Quantum Admin. Its folder on disk is left as it
          is, and the activity log keeps a record of the project.
        </p>
      }
    >
      <footer className="dialog-footer">
        <button type="button" className="button button-secondary" onClick={onClose} data-autofocus>
          Cancel
        </button>
        <button
          type="button"
          className="button button-danger"
          onClick={confirm}
          disabled={remove.isPending}
          data-testid="delete-project-confirm"
        >
          Delete project
        </button>
      </footer>
    </Dialog>
  );
}
