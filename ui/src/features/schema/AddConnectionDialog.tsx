import { useState, type FormEvent } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { toast } from "sonner";
import { api, ApiError, errorMessage, type Connection, type ConnectionInput, type ConnectionKind, type TlsMode } from "../../api";
import { queryKeys } from "../../api/queryKeys";
import { Dialog } from "../../components/Dialog";
import { Field } from "../../components/Field";
import { PathInput } from "../../components/PathInput";

type Props = {
  open: boolean;
  projectId: number;
  onClose: () => void;
  onAdded: (connection: Connection) => void;
};

const kinds: { kind: ConnectionKind; label: string; port: string }[] = [
  { kind: "postgres", label: "PostgreSQL server", port: "5432" },
  { kind: "mysql", label: "MySQL or MariaDB server", port: "3306" },
  { kind: "redis", label: "Redis server", port: "6379" },
  { kind: "mongodb", label: "MongoDB server", port: "27017" },
  { kind: "sqlite", label: "SQLite file", port: "" },
];

/** Redis and MongoDB encrypt from the first byte or not at all: they have no "prefer". */
const negotiatesTls = (kind: ConnectionKind) => kind === "postgres" || kind === "mysql";

const tlsModes: { mode: TlsMode; label: string }[] = [
  { mode: "prefer", label: "When the server offers it" },
  { mode: "require", label: "Always (certificate not checked)" },
  { mode: "verifyFull", label: "Always, certificate and host checked" },
  { mode: "disable", label: "Never" },
];

/**
 * A database the app did not start: a server (its password goes to the keychain) or a SQLite file
 * (chosen in the native dialog or typed). "Test" connects once without saving; errors land on
 * their fields.
 */
export function AddConnectionDialog({ open, projectId, onClose, onAdded }: Props) {
  return (
    <Dialog open={open} title="Add a connection" onClose={onClose} testId="add-connection-dialog">
      {open && <ConnectionForm projectId={projectId} onClose={onClose} onAdded={onAdded} />}
    </Dialog>
  );
}

function ConnectionForm({ projectId, onClose, onAdded }: Omit<Props, "open">) {
  const queryClient = useQueryClient();
  const [kind, setKind] = useState<ConnectionKind>("postgres");
  const [values, setValues] = useState({ name: "", host: "", port: "", databaseName: "", username: "", password: "", path: "" });
  const [tlsMode, setTlsMode] = useState<TlsMode>("prefer");
  const offeredTls = tlsModes.filter((m) => negotiatesTls(kind) || m.mode !== "prefer");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [tested, setTested] = useState<string | null>(null);

  const input = (): ConnectionInput => ({
    projectId,
    name: values.name,
    kind,
    host: kind === "sqlite" ? null : values.host,
    port: kind === "sqlite" || values.port.trim() === "" ? null : Number(values.port),
    databaseName: kind === "sqlite" || kind === "redis" ? null : values.databaseName,
    username: kind === "sqlite" ? null : values.username,
    password: kind === "sqlite" ? null : values.password,
    tlsMode: kind === "sqlite" ? null : tlsMode,
    path: kind === "sqlite" ? values.path : null,
  });
  const showError = (error: unknown) => {
    if (error instanceof ApiError && error.field) setErrors({ [error.field]: error.message });
    else setErrors({ form: errorMessage(error) });
  };
  const test = useMutation({
    mutationFn: () => api.connectionTest(input()),
    onSuccess: () => {
      setErrors({});
      setTested("Connected: the database answered.");
    },
    onError: (error) => {
      setTested(null);
      showError(error);
    },
  });
  const create = useMutation({
    mutationFn: () => api.connectionCreate(input()),
    onSuccess: (connection) => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.connections });
      toast.success(`Connection “${connection.name}” added`);
      onAdded(connection);
      onClose();
    },
    onError: showError,
  });
  const set = (key: keyof typeof values) => (value: string) => {
    setValues((current) => ({ ...current, [key]: value }));
    setErrors(({ [key]: _dropped, ...rest }) => rest);
    setTested(null);
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  const text = (key: keyof typeof values, label: string, extra: { placeholder?: string; type?: string; optional?: boolean } = {}) => (
    <Field label={label} error={errors[key]} optional={extra.optional} errorTestId={`connection-${key}-error`}>
      {(control) => (
        <input
          {...control}
          className="input"
          type={extra.type ?? "text"}
          value={values[key]}
          placeholder={extra.placeholder}
          autoComplete="off"
          onChange={(event) => set(key)(event.target.value)}
          data-testid={`connection-${key}`}
        />
      )}
    </Field>
  );

  return (
    <form className="form" onSubmit={submit} noValidate data-testid="add-connection-form">
      <div className="dialog-body">
        <Field label="Kind" error={errors.kind}>
          {(control) => (
            <select
              {...control}
              className="input"
              value={kind}
              onChange={(event) => {
                const next = event.target.value as ConnectionKind;
                setKind(next);
                if (!negotiatesTls(next) && tlsMode === "prefer") setTlsMode("disable");
                setErrors({});
                setTested(null);
              }}
              data-testid="connection-kind"
            >
              {kinds.map((k) => (
                <option key={k.kind} value={k.kind}>
                  {k.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        {text("name", "Name", { placeholder: kind === "sqlite" ? "app data" : "staging" })}
        {kind === "sqlite" ? (
          <Field label="File" error={errors.path} errorTestId="connection-path-error">
            {(control) => (
              <PathInput
                {...control}
                value={values.path}
                placeholder="/home/you/code/shop/data/app.db"
                browse={{ kind: "openFile", title: "Choose the SQLite database file" }}
                onValueChange={set("path")}
                data-testid="connection-path"
              />
            )}
          </Field>
        ) : (
          <>
            {text("host", "Host", { placeholder: "db.example.com" })}
            {text("port", "Port", { placeholder: kinds.find((k) => k.kind === kind)?.port, optional: true })}
            {kind !== "redis" && text("databaseName", "Database", { placeholder: "shop" })}
            {text("username", "User", { placeholder: kind === "redis" ? "default" : "reader", optional: kind === "redis" || kind === "mongodb" })}
            {text("password", "Password", { type: "password", optional: true })}
            <Field label="TLS" hint="The password is kept in the system keychain, never in the app's database.">
              {(control) => (
                <select {...control} className="input" value={tlsMode} onChange={(event) => setTlsMode(event.target.value as TlsMode)} data-testid="connection-tls">
                  {offeredTls.map((m) => (
                    <option key={m.mode} value={m.mode}>
                      {m.label}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          </>
        )}
        {errors.form && (
          <p className="field-error" role="alert" data-testid="connection-error">
            {errors.form}
          </p>
        )}
        {tested && (
          <p className="field-hint" role="status" data-testid="connection-tested">
            {tested}
          </p>
        )}
      </div>
      <footer className="dialog-footer">
        <button type="button" className="button button-secondary" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="button button-secondary" onClick={() => test.mutate()} disabled={test.isPending} data-testid="connection-test">
          {test.isPending ? "Testing…" : "Test"}
        </button>
        <button type="submit" className="button button-primary" disabled={create.isPending} data-testid="connection-save">
          Add
        </button>
      </footer>
    </form>
  );
}
