import { useMemo, useState, type FormEvent } from "react";
import { useNavigate } from "react-router";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { toast } from "sonner";
import { api, ApiError, errorMessage, type NewProject, type TemplateSummary } from "../../api";
import { Dialog } from "../../components/Dialog";
import { ErrorState } from "../../components/ErrorState";
import { Field } from "../../components/Field";
import { PathInput } from "../../components/PathInput";
import { SkeletonRows } from "../../components/Skeleton";
import { useDebounced } from "../../lib/useDebounced";
import { projectNameProblem } from "../projects/validation";
import { defaultValues, optionProblem, slug, templateKey, type OptionValues } from "./options";
import { OptionFields } from "./OptionFields";
import { TemplateFiles } from "./TemplateFiles";
import { TemplatePicker } from "./TemplatePicker";
import { templatesQuery, useCreateFromTemplate } from "./queries";
import "./templates.css";

/**
 * A new project from a template: the template and its options, the project's name and folder,
 * then every file it will write (its text a click away) before anything is written. A folder that
 * already holds files is refused unless the user ticks "Write into this folder".
 */
export function NewFromTemplateDialog({ onClose }: { onClose: () => void }) {
  return (
    <Dialog
      open
      title="New project from a template"
      onClose={onClose}
      testId="template-dialog"
      size="large"
      description={<p>A project folder that runs on the first try: its quantum.toml, Dockerfile, README, migrations and tests.</p>}
    >
      <TemplateDialogContent onDone={onClose} />
    </Dialog>
  );
}

function TemplateDialogContent({ onDone }: { onDone: () => void }) {
  const templates = useQuery(templatesQuery);
  const [chosenKey, setChosenKey] = useState<string | null>(null);
  const usable = (templates.data ?? []).filter((t) => t.problem === null);
  const chosen = usable.find((t) => templateKey(t) === chosenKey) ?? usable[0] ?? null;

  return (
    <div className="dialog-body">
      {templates.isPending ? (
        <SkeletonRows label="Loading templates" />
      ) : templates.isError ? (
        <ErrorState title="Templates could not be listed" error={templates.error} onRetry={() => void templates.refetch()} />
      ) : (
        <div className="template-layout">
          <TemplatePicker templates={templates.data} chosen={chosen} onChoose={(t) => setChosenKey(templateKey(t))} />
          {chosen ? (
            <TemplateForm key={templateKey(chosen)} template={chosen} onDone={onDone} />
          ) : (
            <p className="muted">No template can be used.</p>
          )}
        </div>
      )}
    </div>
  );
}

function TemplateForm({ template, onDone }: { template: TemplateSummary; onDone: () => void }) {
  const navigate = useNavigate();
  const [name, setName] = useState("");
  const [folder, setFolder] = useState("");
  const [values, setValues] = useState<OptionValues>(() => defaultValues(template));
  const [force, setForce] = useState(false);
  const [createDatasources, setCreateDatasources] = useState(true);
  const [fieldErrors, setFieldErrors] = useState<{ name?: string; folder?: string; options?: string }>({});
  const create = useCreateFromTemplate();

  const nameProblem = name.trim() === "" ? null : projectNameProblem(name);
  const optionProblems = Object.fromEntries(
    template.options.map((option) => [option.key, optionProblem(option, values[option.key])]),
  );
  const ready = name.trim() !== "" && !nameProblem && folder.trim() !== "" && Object.values(optionProblems).every((p) => !p);
  const input: NewProject = useMemo(
    () => ({ template: template.reference, name: name.trim(), folder: folder.trim(), options: values, force }),
    [template.reference, name, folder, values, force],
  );
  // The preview follows the form once typing pauses.
  const settled = useDebounced(ready ? input : null, 300);
  const preview = useQuery({
    queryKey: ["templates", "preview", settled],
    queryFn: () => api.templatesPreview(settled as NewProject),
    enabled: settled !== null,
    retry: false,
    // A change that only re-checks (ticking "write into it anyway") keeps the listed files while
    // the new preview comes: Create stayed disabled for that moment, and a click then was lost.
    placeholderData: keepPreviousData,
  });
  const folderState = preview.data?.folderState;
  const blocked = folderState?.state === "notEmpty" && !force;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!ready || blocked) return;
    create.mutate(
      { input, createDatasources },
      {
        onSuccess: (created) => {
          const databases = created.datasources.length;
          toast.success(`Project “${created.project.name}” created`, {
            description: `${created.files} files written${databases ? `; ${databases === 1 ? "its database is" : `${databases} databases are`} being set up` : ""}.`,
          });
          for (const missing of created.notCreated) {
            toast.error(`Database “${missing.name}” was not created`, { description: missing.error.message });
          }
          onDone();
          void navigate(`/projects/${created.project.id}`);
        },
        onError: (error) => {
          if (error instanceof ApiError && (error.field === "name" || error.field === "folder" || error.field === "options")) {
            setFieldErrors({ [error.field]: error.message });
          } else {
            toast.error("The project was not created", { description: errorMessage(error) });
          }
        },
      },
    );
  };

  const previewError = preview.error instanceof ApiError ? preview.error : null;
  return (
    <form className="template-form" onSubmit={submit} noValidate>
      <div className="template-fields">
        <Field label="Project name" error={fieldErrors.name ?? nameProblem} errorTestId="template-name-error">
          {(control) => (
            <input
              {...control}
              className="input"
              value={name}
              onChange={(event) => {
                setName(event.target.value);
                setFieldErrors({});
              }}
              data-autofocus
              data-testid="template-name-input"
            />
          )}
        </Field>
        <Field
          label="Folder"
          hint={`A new or empty folder, e.g. …/${slug(name || "my-project")}; created when missing.`}
          error={fieldErrors.folder ?? (previewError?.field === "folder" ? previewError.message : null)}
          errorTestId="template-folder-error"
        >
          {(control) => (
            <PathInput
              {...control}
              value={folder}
              onValueChange={(value) => {
                setFolder(value);
                setFieldErrors({});
              }}
              browse={{ kind: "folder", title: "Choose the new project's folder" }}
              data-testid="template-folder-input"
            />
          )}
        </Field>
        <OptionFields
          options={template.options}
          values={values}
          problems={optionProblems}
          onChange={(key, value) => setValues((old) => ({ ...old, [key]: value }))}
        />
        {fieldErrors.options && <p className="field-error">{fieldErrors.options}</p>}
        <label className="checkbox">
          <input
            type="checkbox"
            checked={createDatasources}
            onChange={(event) => setCreateDatasources(event.target.checked)}
            data-testid="template-create-datasources"
          />
          Create the databases its quantum.toml declares
        </label>
        {folderState?.state === "notEmpty" && (
          <label className="checkbox template-force" data-testid="template-folder-not-empty">
            <input type="checkbox" checked={force} onChange={(event) => setForce(event.target.checked)} data-testid="template-force" />
            This folder holds {folderState.entries} {folderState.entries === 1 ? "entry" : "entries"}: write into it anyway (files of
            the same names are replaced)
          </label>
        )}
      </div>
      <TemplateFiles ready={ready} preview={preview} previewError={previewError?.field === "folder" ? null : preview.error} />
      <footer className="template-actions">
        <button type="button" className="button button-secondary" onClick={onDone}>
          Cancel
        </button>
        <button
          type="submit"
          className="button button-primary"
          disabled={!ready || blocked || !preview.isSuccess || create.isPending}
          data-testid="template-create-button"
        >
          {create.isPending && <span className="spinner spinner-small" aria-hidden />}
          Create project
        </button>
      </footer>
    </form>
  );
}
