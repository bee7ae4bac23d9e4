import { useRef, useState, type FormEvent } from "react";
import { toast } from "sonner";
import { ApiError, errorMessage, type Project } from "../../api";
import { Dialog } from "../../components/Dialog";
import { Field } from "../../components/Field";
import { PathInput } from "../../components/PathInput";
import { useSaveProject } from "./queries";
import { DESCRIPTION_MAX_CHARS, NAME_MAX_CHARS, projectDescriptionProblem, projectNameProblem } from "./validation";

type FieldName = "name" | "description" | "folder";
type FieldErrors = Partial<Record<FieldName, string>>;

const isFieldName = (field: string | null): field is FieldName =>
  field === "name" || field === "description" || field === "folder";

type ProjectFormDialogProps = {
  open: boolean;
  /** The project to edit; none to create a new one. */
  project?: Project;
  onClose: () => void;
};

export function ProjectFormDialog({ open, project, onClose }: ProjectFormDialogProps) {
  return (
    <Dialog
      open={open}
      title={project ? "Edit project" : "New project"}
      onClose={onClose}
      testId="project-form-dialog"
    >
      <ProjectForm project={project} onDone={onClose} />
    </Dialog>
  );
}

function ProjectForm({ project, onDone }: { project?: Project; onDone: () => void }) {
  const [name, setName] = useState(project?.name ?? "");
  const [description, setDescription] = useState(project?.description ?? "");
  const [folder, setFolder] = useState(project?.folder ?? "");
  const [errors, setErrors] = useState<FieldErrors>({});
  const controls = {
    name: useRef<HTMLInputElement>(null),
    description: useRef<HTMLTextAreaElement>(null),
    folder: useRef<HTMLInputElement>(null),
  };
  const save = useSaveProject();

  const showErrors = (found: FieldErrors) => {
    setErrors(found);
    const first = (["name", "description", "folder"] as const).find((field) => found[field]);
    if (first) controls[first].current?.focus();
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found: FieldErrors = {};
    const nameProblem = projectNameProblem(name);
    const descriptionProblem = projectDescriptionProblem(description);
    if (nameProblem) found.name = nameProblem;
    if (descriptionProblem) found.description = descriptionProblem;
    if (nameProblem || descriptionProblem) return showErrors(found);

    setErrors({});
    const input = { name: name.trim(), description: description.trim(), folder: folder.trim() || null };
    save.mutate(
      { id: project?.id ?? null, input },
      {
        onSuccess: (saved) => {
          toast.success(project ? `Project “${saved.name}” saved` : `Project “${saved.name}” created`);
          onDone();
        },
        onError: (error) => {
          if (error instanceof ApiError && isFieldName(error.field)) {
            showErrors({ [error.field]: error.message });
          } else {
            toast.error(project ? "The project was not saved" : "The project was not created", {
              description: errorMessage(error),
            });
          }
        },
      },
    );
  };

  const clearError = (field: FieldName) => {
    if (errors[field]) setErrors(({ [field]: _cleared, ...rest }) => rest);
  };

  return (
    <form className="form" onSubmit={submit} noValidate data-testid="project-form">
      <div className="dialog-body">
        <Field label="Name" error={errors.name} errorTestId="project-name-error" hint="Letters, digits, spaces, “-”, “_” and “.”.">
          {(control) => (
            <input
              {...control}
              ref={controls.name}
              className="input"
              value={name}
              maxLength={NAME_MAX_CHARS * 2}
              autoComplete="off"
              spellCheck={false}
              placeholder="shop"
              data-autofocus
              data-testid="project-name-input"
              onChange={(event) => {
                setName(event.target.value);
                clearError("name");
              }}
            />
          )}
        </Field>
        <Field label="Description" optional error={errors.description} errorTestId="project-description-error">
          {(control) => (
            <textarea
              {...control}
              ref={controls.description}
              className="input textarea"
              rows={3}
              value={description}
              maxLength={DESCRIPTION_MAX_CHARS * 2}
              placeholder="What this project is for"
              data-testid="project-description-input"
              onChange={(event) => {
                setDescription(event.target.value);
                clearError("description");
              }}
            />
          )}
        </Field>
        <Field
          label="Folder"
          optional
          error={errors.folder}
          errorTestId="project-folder-error"
          hint="The project's source folder on this computer: its absolute path, or choose it with Browse…."
        >
          {(control) => (
            <PathInput
              {...control}
              ref={controls.folder}
              value={folder}
              placeholder="/home/you/code/shop"
              browse={{ kind: "folder", title: "Choose the project's folder" }}
              data-testid="project-folder-input"
              onValueChange={(value) => {
                setFolder(value);
                clearError("folder");
              }}
            />
          )}
        </Field>
      </div>
      <footer className="dialog-footer">
        <button type="button" className="button button-secondary" onClick={onDone}>
          Cancel
        </button>
        <button
          type="submit"
          className="button button-primary"
          disabled={save.isPending}
          data-testid="project-form-submit"
        >
          {project ? "Save changes" : "Create project"}
        </button>
      </footer>
    </form>
  );
}
