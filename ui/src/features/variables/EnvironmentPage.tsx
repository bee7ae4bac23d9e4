import { useCallback, useState } from "react";
import { Link, useParams, useSearchParams } from "react-router";
import { useQuery } from "@tanstack/react-query";
import { ArrowLeft, FileDown, FileUp, FolderSearch, PackageOpen, Plus } from "lucide-react";
import { ApiError, type Variable } from "../../api";
import { EmptyState } from "../../components/EmptyState";
import { ErrorState } from "../../components/ErrorState";
import { PageHeader } from "../../components/PageHeader";
import { SkeletonRows } from "../../components/Skeleton";
import { projectQuery } from "../projects/queries";
import { AddEnvironmentDialog } from "./AddEnvironmentDialog";
import { ExportBundleDialog } from "./BundleDialogs";
import { ExportDotenvDialog } from "./ExportDotenvDialog";
import { ImportDotenvDialog } from "./ImportDotenvDialog";
import { secretStoreQuery, secretStoreState, variablesQuery } from "./queries";
import { RemoveVariableDialog } from "./RemoveVariableDialog";
import { SecretStoreNotice } from "./SecretStoreNotice";
import { VariableFormDialog, type VariableFormTarget } from "./VariableFormDialog";
import { VariablesTable } from "./VariablesTable";
import "./variables.css";

type OpenDialog = "addEnvironment" | "importDotenv" | "exportDotenv" | "exportBundle" | null;

/** Joins a folder and a file name with the folder's own separator. */
const inFolder = (folder: string, file: string) => `${folder.replace(/[\\/]+$/, "")}${folder.includes("\\") ? "\\" : "/"}${file}`;

/** A project's variables per environment, and its secrets, masked until revealed. */
export function EnvironmentPage() {
  const projectId = Number(useParams().projectId);
  const valid = Number.isInteger(projectId);
  const project = useQuery({ ...projectQuery(projectId), enabled: valid });
  const variables = useQuery({ ...variablesQuery(projectId), enabled: valid });
  const secretStore = secretStoreState(useQuery(secretStoreQuery).data);
  const [searchParams, setSearchParams] = useSearchParams();
  const [dialog, setDialog] = useState<OpenDialog>(null);
  const [form, setForm] = useState<VariableFormTarget | null>(null);
  const [removing, setRemoving] = useState<Variable | null>(null);

  const onEdit = useCallback((variable: Variable) => setForm({ mode: "edit", variable }), []);
  const onRemove = useCallback((variable: Variable) => setRemoving(variable), []);

  const backLink = (
    <Link to={valid ? `/projects/${projectId}` : "/projects"} className="back-link">
      <ArrowLeft size={14} aria-hidden />
      {project.data?.name ?? "Project"}
    </Link>
  );

  if (!valid || (project.error instanceof ApiError && project.error.code === "project.not_found")) {
    return (
      <div className="page">
        <EmptyState
          icon={FolderSearch}
          title="This project no longer exists"
          description="It may have been deleted. Its history stays in the activity log."
          action={
            <Link to="/projects" className="button button-secondary">
              Open projects
            </Link>
          }
        />
      </div>
    );
  }
  if (project.isError || variables.isError) {
    const retry = () => void (project.isError ? project.refetch() : variables.refetch());
    return (
      <div className="page">
        {backLink}
        <ErrorState title="The variables could not be loaded" error={project.error ?? variables.error} onRetry={retry} />
      </div>
    );
  }
  if (project.isPending || variables.isPending) {
    return (
      <div className="page">
        {backLink}
        <SkeletonRows rows={4} label="Loading the variables" />
      </div>
    );
  }

  const { environments } = variables.data;
  const requested = searchParams.get("env");
  // An environment removed meanwhile (say, by editing quantum.toml) falls back to the shared tab.
  const environment = requested !== null && environments.includes(requested) ? requested : null;
  const shown = variables.data.variables.filter((variable) => variable.environment === environment);
  const showEnvironment = (name: string | null) => setSearchParams(name === null ? {} : { env: name }, { replace: true });
  const folder = project.data.folder;

  return (
    <div className="page" data-testid="environment-page">
      {backLink}
      <PageHeader
        title="Environment"
        description={`Variables and secrets of “${project.data.name}”. Plain values are kept in quantum.toml, secret values only in this machine's secret store.`}
        actions={
          <>
            <button type="button" className="button button-secondary" onClick={() => setDialog("importDotenv")} data-testid="import-dotenv-button">
              <FileUp size={14} aria-hidden />
              Import .env
            </button>
            <button type="button" className="button button-secondary" onClick={() => setDialog("exportDotenv")} data-testid="export-dotenv-button">
              <FileDown size={14} aria-hidden />
              Export .env
            </button>
            <button type="button" className="button button-secondary" onClick={() => setDialog("exportBundle")} data-testid="export-bundle-button">
              <PackageOpen size={14} aria-hidden />
              Export bundle
            </button>
          </>
        }
      />
      <SecretStoreNotice />
      <section className="panel" aria-label="Variables" data-testid="variables-section">
        <div className="environment-tabs" role="tablist" aria-label="Environment">
          {[null, ...environments].map((name) => (
            <button
              key={name ?? ""}
              type="button"
              role="tab"
              className="environment-tab"
              aria-selected={name === environment}
              onClick={() => showEnvironment(name)}
              data-testid={name === null ? "environment-tab-shared" : `environment-tab-${name}`}
            >
              {name ?? "Shared"}
            </button>
          ))}
          <button
            type="button"
            className="button button-secondary button-small"
            onClick={() => setDialog("addEnvironment")}
            data-testid="add-environment-button"
          >
            <Plus size={14} aria-hidden />
            Add environment
          </button>
        </div>
        <div className="panel-toolbar">
          <span className="muted small">
            {environment === null
              ? "Shared by every environment. Secrets belong to one environment."
              : `Variables of “${environment}”; they override shared ones of the same name.`}
          </span>
          <button
            type="button"
            className="button button-primary button-small"
            onClick={() => setForm({ mode: "add", environment })}
            data-testid="add-variable-button"
          >
            <Plus size={14} aria-hidden />
            Add variable
          </button>
        </div>
        {shown.length === 0 ? (
          <p className="panel-empty" data-testid="variables-empty">
            {environment === null ? "No shared variables yet." : `No variables in “${environment}” yet.`}
          </p>
        ) : (
          // Keyed by environment: switching tabs masks every revealed secret again.
          <VariablesTable
            key={environment ?? ""}
            projectId={projectId}
            variables={shown}
            secretStore={secretStore}
            onEdit={onEdit}
            onRemove={onRemove}
          />
        )}
      </section>
      <VariableFormDialog
        projectId={projectId}
        target={form}
        environments={environments}
        secretStore={secretStore}
        onClose={() => setForm(null)}
      />
      <RemoveVariableDialog projectId={projectId} variable={removing} onClose={() => setRemoving(null)} />
      <AddEnvironmentDialog
        projectId={projectId}
        open={dialog === "addEnvironment"}
        onClose={() => setDialog(null)}
        onAdded={(name) => {
          setDialog(null);
          showEnvironment(name);
        }}
      />
      <ImportDotenvDialog
        projectId={projectId}
        open={dialog === "importDotenv"}
        defaultPath={folder ? inFolder(folder, ".env") : ""}
        environments={environments}
        environment={environment}
        secretStore={secretStore}
        onClose={() => setDialog(null)}
      />
      <ExportDotenvDialog
        projectId={projectId}
        open={dialog === "exportDotenv"}
        environments={environments}
        environment={environment}
        projectHasFolder={folder !== null}
        onClose={() => setDialog(null)}
      />
      <ExportBundleDialog
        projectId={projectId}
        projectName={project.data.name}
        open={dialog === "exportBundle"}
        onClose={() => setDialog(null)}
      />
    </div>
  );
}
