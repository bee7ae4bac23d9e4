import { useRef, useState, type FormEvent, type KeyboardEvent } from "react";
import { useQuery } from "@tanstack/react-query";
import { toast } from "sonner";
import clsx from "clsx";
import { ApiError, errorMessage, type DatasourceInput, type Engine, type EngineInfo } from "../../api";
import { Dialog } from "../../components/Dialog";
import { ErrorState } from "../../components/ErrorState";
import { Field } from "../../components/Field";
import { SkeletonRows } from "../../components/Skeleton";
import { EngineIcon } from "./EngineIcon";
import { enginesQuery, orphanVolumesQuery, useCreateDatasource } from "./queries";
import {
  datasourceNameProblem,
  hostPortProblem,
  identifierProblem,
  READY_TIMEOUT_MAX_SECS,
  READY_TIMEOUT_MIN_SECS,
  readyTimeoutProblem,
} from "./validation";

type AddDatasourceDialogProps = { open: boolean; projectId: number; onClose: () => void };

export function AddDatasourceDialog({ open, projectId, onClose }: AddDatasourceDialogProps) {
  return (
    <Dialog open={open} title="Add database" onClose={onClose} testId="add-datasource-dialog">
      <AddDatasourceContent projectId={projectId} onDone={onClose} />
    </Dialog>
  );
}

function AddDatasourceContent({ projectId, onDone }: { projectId: number; onDone: () => void }) {
  const engines = useQuery(enginesQuery);
  if (engines.isPending) {
    return (
      <div className="dialog-body">
        <SkeletonRows rows={3} label="Loading the engines" />
      </div>
    );
  }
  if (engines.isError) {
    return (
      <div className="dialog-body">
        <ErrorState title="The engines could not be loaded" error={engines.error} onRetry={() => void engines.refetch()} />
      </div>
    );
  }
  return <AddDatasourceForm projectId={projectId} engines={engines.data} onDone={onDone} />;
}

type FieldName = "name" | "image" | "hostPort" | "databaseName" | "username" | "readyTimeoutSecs" | "volumeName";
type FieldErrors = Partial<Record<FieldName, string>>;
const FIELD_ORDER: FieldName[] = ["name", "image", "hostPort", "databaseName", "username", "readyTimeoutSecs", "volumeName"];

/** The form field a core error names; the core calls the host port "port". */
function fieldOf(error: ApiError): FieldName | null {
  if (error.field === "port") return "hostPort";
  return FIELD_ORDER.find((field) => field === error.field) ?? null;
}

type Mode = "express" | "advanced";

const DEFAULT_ENGINE: Engine = "postgres";

function AddDatasourceForm({ projectId, engines, onDone }: { projectId: number; engines: EngineInfo[]; onDone: () => void }) {
  const [engine, setEngine] = useState<Engine>(
    engines.some((info) => info.engine === DEFAULT_ENGINE) ? DEFAULT_ENGINE : engines[0].engine,
  );
  const [mode, setMode] = useState<Mode>("express");
  const [values, setValues] = useState({
    name: "",
    image: "",
    hostPort: "",
    databaseName: "",
    username: "",
    readyTimeoutSecs: "",
    volumeName: "",
  });
  const [autoStart, setAutoStart] = useState(true);
  const [errors, setErrors] = useState<FieldErrors>({});
  const controls = useRef<Partial<Record<FieldName, HTMLInputElement | HTMLSelectElement | null>>>({});
  const create = useCreateDatasource();
  const info = engines.find((candidate) => candidate.engine === engine) ?? engines[0];
  const orphans = useQuery({ ...orphanVolumesQuery, enabled: mode === "advanced" });
  const reusable = orphans.data?.filter((volume) => volume.engine === engine) ?? [];
  const reusing = values.volumeName !== "";
  const asksDatabaseAndUser = info.hasDatabaseAndUser && !reusing;

  const showErrors = (found: FieldErrors) => {
    setErrors(found);
    const first = FIELD_ORDER.find((field) => found[field]);
    // The control renders in the next commit when the error switched to advanced mode.
    if (first) requestAnimationFrame(() => controls.current[first]?.focus());
  };

  const setValue = (field: FieldName, value: string) => {
    setValues((current) => ({ ...current, [field]: value }));
    if (errors[field]) setErrors(({ [field]: _cleared, ...rest }) => rest);
  };

  const chooseEngine = (next: Engine) => {
    setEngine(next);
    // A volume holds one engine's data.
    setValue("volumeName", "");
  };

  const advancedProblems = (): FieldErrors => {
    const found: FieldErrors = {};
    const name = datasourceNameProblem(values.name.trim());
    const port = hostPortProblem(values.hostPort.trim());
    const timeout = readyTimeoutProblem(values.readyTimeoutSecs.trim());
    if (name) found.name = name;
    if (port) found.hostPort = port;
    if (timeout) found.readyTimeoutSecs = timeout;
    if (asksDatabaseAndUser) {
      const database = identifierProblem("database", values.databaseName.trim());
      const user = identifierProblem("user", values.username.trim());
      if (database) found.databaseName = database;
      if (user) found.username = user;
    }
    return found;
  };

  const input = (): DatasourceInput => {
    const express: DatasourceInput = {
      projectId,
      engine,
      name: null,
      image: null,
      hostPort: null,
      databaseName: null,
      username: null,
      autoStart: null,
      readyTimeoutSecs: null,
      volumeName: null,
    };
    if (mode === "express") return express;
    const text = (value: string) => value.trim() || null;
    const number = (value: string) => (value.trim() ? Number(value.trim()) : null);
    return {
      ...express,
      name: text(values.name),
      image: text(values.image),
      hostPort: number(values.hostPort),
      databaseName: asksDatabaseAndUser ? text(values.databaseName) : null,
      username: asksDatabaseAndUser ? text(values.username) : null,
      autoStart,
      readyTimeoutSecs: number(values.readyTimeoutSecs),
      volumeName: text(values.volumeName),
    };
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (mode === "advanced") {
      const found = advancedProblems();
      if (Object.keys(found).length > 0) return showErrors(found);
    }
    setErrors({});
    create.mutate(input(), {
      onSuccess: (created) => {
        toast.success(`Database “${created.name}” is being set up`);
        onDone();
      },
      onError: (error) => {
        const field = error instanceof ApiError ? fieldOf(error) : null;
        if (field) {
          setMode("advanced");
          showErrors({ [field]: error.message });
        } else {
          toast.error("The database was not created", { description: errorMessage(error) });
        }
      },
    });
  };

  const textField = (
    field: Exclude<FieldName, "volumeName">,
    label: string,
    { placeholder, hint, mono = false, numeric = false }: { placeholder: string; hint?: string; mono?: boolean; numeric?: boolean },
  ) => (
    <Field label={label} optional hint={hint} error={errors[field]} errorTestId={`datasource-${field}-error`}>
      {(control) => (
        <input
          {...control}
          ref={(element) => {
            controls.current[field] = element;
          }}
          className={clsx("input", mono && "input-mono")}
          value={values[field]}
          inputMode={numeric ? "numeric" : undefined}
          autoComplete="off"
          spellCheck={false}
          placeholder={placeholder}
          data-testid={`datasource-${field}-input`}
          onChange={(event) => setValue(field, event.target.value)}
        />
      )}
    </Field>
  );

  return (
    <form className="form" onSubmit={submit} noValidate data-testid="add-datasource-form">
      <div className="dialog-body">
        <EngineChooser engines={engines} value={engine} onChange={chooseEngine} />
        <div className="segmented mode-switch" role="radiogroup" aria-label="Set-up">
          {(["express", "advanced"] as const).map((option) => (
            <button
              key={option}
              type="button"
              role="radio"
              aria-checked={mode === option}
              className={clsx("segment", mode === option && "segment-selected")}
              onClick={() => setMode(option)}
              data-testid={`datasource-mode-${option}`}
            >
              {option === "express" ? "Express" : "Advanced"}
            </button>
          ))}
        </div>
        {mode === "express" ? (
          <p className="express-summary" data-testid="datasource-express-summary">
            {info.label} from <span className="mono">{info.defaultImage}</span> on the next free port from{" "}
            {info.defaultPort}
            {info.hasDatabaseAndUser ? ", with a database named after the project and a generated user and password." : ", with a generated password."}
          </p>
        ) : (
          <div className="advanced-fields">
            {textField("name", "Name", {
              placeholder: "Named after the project",
              hint: "Also the container's name. 2 to 63 letters, digits, “_”, “.” or “-”.",
              mono: true,
            })}
            {textField("image", "Image", { placeholder: info.defaultImage, mono: true })}
            {textField("hostPort", "Host port", {
              placeholder: `Next free from ${info.defaultPort}`,
              hint: "The port on this computer that reaches the database.",
              numeric: true,
            })}
            <Field
              label="Reuse data of a removed database"
              optional
              error={errors.volumeName}
              errorTestId="datasource-volumeName-error"
              hint={
                orphans.isError
                  ? `The volumes could not be listed: ${errorMessage(orphans.error)}`
                  : reusable.length === 0 && !orphans.isPending
                    ? `No ${info.label} data is left by a removed database.`
                    : undefined
              }
            >
              {(control) => (
                <select
                  {...control}
                  ref={(element) => {
                    controls.current.volumeName = element;
                  }}
                  className="select select-wide"
                  value={values.volumeName}
                  disabled={reusable.length === 0}
                  onChange={(event) => setValue("volumeName", event.target.value)}
                  data-testid="datasource-volumeName-select"
                >
                  <option value="">Start with empty data</option>
                  {reusable.map((volume) => (
                    <option key={volume.volumeName} value={volume.volumeName}>
                      {volume.databaseName
                        ? `${volume.volumeName} (database ${volume.databaseName}, user ${volume.username})`
                        : volume.volumeName}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            {asksDatabaseAndUser && (
              <div className="field-row">
                {textField("databaseName", "Database name", { placeholder: "Named after the project", mono: true })}
                {textField("username", "User", { placeholder: "Generated", mono: true })}
              </div>
            )}
            {reusing && info.hasDatabaseAndUser && (
              <p className="field-hint">The database, user and password are those of the reused data.</p>
            )}
            {textField("readyTimeoutSecs", "Start-up timeout (seconds)", {
              placeholder: "120",
              hint: `How long to wait for the database to accept connections, ${READY_TIMEOUT_MIN_SECS} to ${READY_TIMEOUT_MAX_SECS}.`,
              numeric: true,
            })}
            <label className="checkbox">
              <input
                type="checkbox"
                checked={autoStart}
                onChange={(event) => setAutoStart(event.target.checked)}
                data-testid="datasource-autostart-checkbox"
              />
              Start it when Quantum Admin starts
            </label>
          </div>
        )}
      </div>
      <footer className="dialog-footer">
        <button type="button" className="button button-secondary" onClick={onDone}>
          Cancel
        </button>
        <button type="submit" className="button button-primary" disabled={create.isPending} data-testid="datasource-create-submit">
          {create.isPending && <span className="spinner spinner-small spinner-on-accent" aria-hidden />}
          {mode === "express" ? `Create ${info.label}` : "Create database"}
        </button>
      </footer>
    </form>
  );
}

type EngineChooserProps = { engines: EngineInfo[]; value: Engine; onChange: (engine: Engine) => void };

/** One card per engine, as a radio group: arrow keys move the choice, Tab leaves the group. */
function EngineChooser({ engines, value, onChange }: EngineChooserProps) {
  const group = useRef<HTMLDivElement>(null);
  const onKeyDown = (event: KeyboardEvent) => {
    const step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[event.key];
    if (step === undefined) return;
    event.preventDefault();
    const index = engines.findIndex((info) => info.engine === value);
    const next = engines[(index + step + engines.length) % engines.length].engine;
    onChange(next);
    group.current?.querySelector<HTMLElement>(`[data-engine="${next}"]`)?.focus();
  };
  return (
    <div className="engine-chooser" role="radiogroup" aria-label="Engine" ref={group} onKeyDown={onKeyDown}>
      {engines.map((info) => {
        const selected = info.engine === value;
        return (
          <button
            key={info.engine}
            type="button"
            role="radio"
            aria-checked={selected}
            tabIndex={selected ? 0 : -1}
            className={clsx("engine-card", selected && "engine-card-selected")}
            onClick={() => onChange(info.engine)}
            data-engine={info.engine}
            data-testid={`engine-option-${info.engine}`}
            data-autofocus={selected ? true : undefined}
          >
            <EngineIcon engine={info.engine} size={30} />
            <span className="engine-card-label">{info.label}</span>
          </button>
        );
      })}
    </div>
  );
}
