import { useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { FolderX, RotateCw, Unplug } from "lucide-react";
import { toast } from "sonner";
import clsx from "clsx";
import { api, ApiError, errorMessage, type CiRepository, type CiSetup, type ProviderKind, type RemoteCandidate, type TokenSource } from "../../api";
import { queryKeys } from "../../api/queryKeys";
import { Dialog } from "../../components/Dialog";
import { Field } from "../../components/Field";
import { defaultApiUrls, providerLabels } from "./status";
import { useDebounced } from "../../lib/useDebounced";

type Props = {
  projectId: number;
  setup: CiSetup;
  /** Called once the repository is saved. */
  onSaved: () => void;
  /** Back to the overview without saving; null when there is no repository to go back to. */
  onCancel: (() => void) | null;
};

const cliNames: Record<ProviderKind, { label: string; login: string }> = {
  github: { label: "The GitHub CLI's token (gh auth token)", login: "gh auth login" },
  gitlab: { label: "The GitLab CLI's token (glab)", login: "glab auth login" },
};

const samePlace = (a: CiRepository, b: { provider: ProviderKind; apiUrl: string; path: string }) =>
  a.provider === b.provider && a.apiUrl === b.apiUrl && a.path === b.path;

/**
 * Where the project's CI lives and the token that reads it. The repositories the folder's git
 * remotes name fill the form in one click. The core checks the token against the repository
 * before keeping anything, and says what is missing; the typed token goes only to that call.
 */
export function CiSetupForm({ projectId, setup, onSaved, onCancel }: Props) {
  const queryClient = useQueryClient();
  const initial = setup.repository ?? setup.candidates[0]?.repository ?? null;
  const [provider, setProvider] = useState<ProviderKind>(initial?.provider ?? "github");
  const [apiUrl, setApiUrl] = useState(initial?.apiUrl ?? defaultApiUrls.github);
  const [apiUrlTouched, setApiUrlTouched] = useState(false);
  const [path, setPath] = useState(initial?.path ?? "");
  const [tokenSource, setTokenSource] = useState<TokenSource>(setup.repository?.tokenSource ?? "keychain");
  const [token, setToken] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [disconnecting, setDisconnecting] = useState(false);

  const checkedUrl = useDebounced(apiUrl.trim(), 400);
  const tokenStatus = useQuery({
    queryKey: queryKeys.ciTokenStatus(provider, checkedUrl),
    queryFn: () => api.ciTokenStatus(provider, checkedUrl),
    enabled: /^https?:\/\/./.test(checkedUrl),
    staleTime: 0,
  });
  const cliAvailable = tokenStatus.data?.cli === true;
  // A CLI without a token for this host cannot be the source, whatever was chosen before.
  const source: TokenSource = tokenSource === "cli" && tokenStatus.data && !cliAvailable ? "keychain" : tokenSource;

  const clearError = (field: string) => setErrors(({ [field]: _dropped, form: _form, ...rest }) => rest);

  const choose = (candidate: RemoteCandidate) => {
    setProvider(candidate.repository.provider);
    setApiUrl(candidate.repository.apiUrl);
    setApiUrlTouched(false);
    setPath(candidate.repository.path);
    setErrors({});
  };

  const save = useMutation({
    // The token is read here, not passed as the mutation's variables, which the cache would keep.
    mutationFn: () =>
      api.ciRepositorySet({
        projectId,
        provider,
        apiUrl: apiUrl.trim(),
        path: path.trim(),
        tokenSource: source,
        token: source === "keychain" && token.trim() !== "" ? token : null,
      }),
    onSuccess: (repository) => {
      setToken("");
      queryClient.setQueryData<CiSetup>(queryKeys.ciSetup(projectId), (current) => current && { ...current, repository });
      // Another repository or token: what was read with the old one goes.
      for (const queryKey of [queryKeys.ciOverview(projectId), queryKeys.ciRunLists(projectId), queryKeys.ciStatus(projectId)]) {
        void queryClient.resetQueries({ queryKey });
      }
      void queryClient.invalidateQueries({ queryKey: queryKeys.ciTokens });
      // Saving starts a new watch, as if no page were open: this one is.
      void api.ciWatch(projectId, { pageOpen: true, runId: null }).catch(() => undefined);
      toast.success(`Connected to ${repository.path}`, { description: `${providerLabels[repository.provider]} · ${repository.apiUrl}` });
      onSaved();
    },
    onError: (error) => {
      // A refused CLI token has no field on screen: its message goes under the form.
      const fields = source === "keychain" ? ["apiUrl", "path", "token"] : ["apiUrl", "path"];
      if (error instanceof ApiError && error.field && fields.includes(error.field)) setErrors({ [error.field]: error.message });
      else setErrors({ form: errorMessage(error) });
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };

  const cli = cliNames[provider];
  return (
    <section className="panel ci-setup" aria-labelledby="ci-setup-title" data-testid="ci-setup">
      <h2 className="panel-title" id="ci-setup-title">
        Repository
      </h2>
      {!setup.folder ? (
        <p className="ci-setup-note" data-testid="ci-no-folder">
          <FolderX size={14} aria-hidden />
          This project has no folder: the app finds the repository from the folder's git remotes. Choose the folder in the project's settings, or
          type the repository below.
        </p>
      ) : setup.candidates.length === 0 ? (
        <p className="muted small" data-testid="ci-no-candidates">
          No GitHub or GitLab remote in the git remotes of <span className="mono">{setup.folder}</span>: type the repository below.
        </p>
      ) : (
        <div className="ci-candidates" role="group" aria-label="Repositories of the folder's git remotes">
          {setup.candidates.map((candidate) => {
            const selected = samePlace(candidate.repository, { provider, apiUrl: apiUrl.trim(), path: path.trim() });
            return (
              <button
                key={`${candidate.remote}:${candidate.url}`}
                type="button"
                className={clsx("ci-candidate", selected && "selected")}
                aria-pressed={selected}
                title={candidate.url}
                onClick={() => choose(candidate)}
                data-testid="ci-candidate"
                data-path={candidate.repository.path}
              >
                <span className="ci-candidate-provider">{providerLabels[candidate.repository.provider]}</span>
                <span className="mono">{candidate.repository.path}</span>
                <span className="muted small">{candidate.remote}</span>
              </button>
            );
          })}
        </div>
      )}
      <form className="ci-setup-form" onSubmit={submit} noValidate>
        <div className="field-row">
          <Field label="Provider">
            {(control) => (
              <select
                {...control}
                className="select"
                value={provider}
                onChange={(event) => {
                  const next = event.target.value as ProviderKind;
                  setProvider(next);
                  if (!apiUrlTouched) setApiUrl(defaultApiUrls[next]);
                  setErrors({});
                }}
                data-testid="ci-provider"
              >
                <option value="github">GitHub</option>
                <option value="gitlab">GitLab</option>
              </select>
            )}
          </Field>
          <Field label="API URL" error={errors.apiUrl} errorTestId="ci-api-url-error" hint="Another for GitHub Enterprise or a self-managed GitLab.">
            {(control) => (
              <input
                {...control}
                className="input"
                value={apiUrl}
                spellCheck={false}
                autoComplete="off"
                onChange={(event) => {
                  setApiUrl(event.target.value);
                  setApiUrlTouched(true);
                  clearError("apiUrl");
                }}
                data-testid="ci-api-url"
              />
            )}
          </Field>
        </div>
        <Field label="Repository" error={errors.path} errorTestId="ci-path-error">
          {(control) => (
            <input
              {...control}
              className="input"
              value={path}
              spellCheck={false}
              autoComplete="off"
              placeholder={provider === "github" ? "owner/name" : "group/name"}
              onChange={(event) => {
                setPath(event.target.value);
                clearError("path");
              }}
              data-testid="ci-path"
            />
          )}
        </Field>
        <fieldset className="ci-token-source">
          <legend className="field-label">Token</legend>
          <label className="checkbox">
            <input
              type="radio"
              name="ci-token-source"
              checked={source === "keychain"}
              onChange={() => setTokenSource("keychain")}
              data-testid="ci-token-keychain"
            />
            A token kept in the keychain
          </label>
          <label className={clsx("checkbox", !cliAvailable && "ci-disabled")}>
            <input
              type="radio"
              name="ci-token-source"
              checked={source === "cli"}
              disabled={!cliAvailable}
              onChange={() => setTokenSource("cli")}
              data-testid="ci-token-cli"
            />
            {cli.label}
          </label>
          {tokenStatus.data && !cliAvailable && (
            <p className="field-hint" data-testid="ci-cli-missing">
              The CLI has no token for this host: run <code>{cli.login}</code>, then{" "}
              <button type="button" className="text-link ci-inline-button" onClick={() => void tokenStatus.refetch()} data-testid="ci-token-recheck">
                <RotateCw size={12} aria-hidden />
                check again
              </button>
              .
            </p>
          )}
          {source === "cli" && <p className="field-hint">Read from the CLI each time it is needed; the app never stores it.</p>}
        </fieldset>
        {source === "keychain" && (
          <Field
            label="Token"
            optional={tokenStatus.data?.stored}
            error={errors.token}
            errorTestId="ci-token-error"
            hint={
              tokenStatus.data?.stored
                ? "A token for this host is already kept in the keychain: leave this empty to use it, or paste a new one to replace it."
                : "Kept in the system keychain once the provider accepted it, never in the app's database."
            }
          >
            {(control) => (
              <input
                {...control}
                className="input input-mono"
                type="password"
                value={token}
                autoComplete="off"
                spellCheck={false}
                onChange={(event) => {
                  setToken(event.target.value);
                  clearError("token");
                }}
                data-testid="ci-token"
              />
            )}
          </Field>
        )}
        <div className="ci-scopes" data-testid="ci-scopes">
          {provider === "github" ? (
            <>
              <strong>Scopes:</strong> a classic token needs <code>repo</code> (and <code>workflow</code> to start workflows); a fine-grained one,
              Actions: read and write on the repository.
            </>
          ) : (
            <>
              <strong>Scopes:</strong> <code>api</code>, or <code>read_api</code> to only read (no re-run, cancel or start).
            </>
          )}
        </div>
        {errors.form && (
          <p className="field-error" role="alert" data-testid="ci-setup-error">
            {errors.form}
          </p>
        )}
        <footer className="ci-setup-footer">
          {setup.repository && (
            <button type="button" className="button button-danger-quiet" onClick={() => setDisconnecting(true)} data-testid="ci-disconnect">
              <Unplug size={14} aria-hidden />
              Disconnect
            </button>
          )}
          <span className="ci-setup-footer-end">
            {onCancel && (
              <button type="button" className="button button-secondary" onClick={onCancel} data-testid="ci-setup-cancel">
                Cancel
              </button>
            )}
            <button type="submit" className="button button-primary" disabled={save.isPending} data-testid="ci-setup-save">
              {save.isPending ? "Checking the token…" : "Save"}
            </button>
          </span>
        </footer>
      </form>
      {setup.repository && (
        <DisconnectDialog projectId={projectId} repository={setup.repository} open={disconnecting} onClose={() => setDisconnecting(false)} />
      )}
    </section>
  );
}

function DisconnectDialog({ projectId, repository, open, onClose }: { projectId: number; repository: CiRepository; open: boolean; onClose: () => void }) {
  const queryClient = useQueryClient();
  const remove = useMutation({
    mutationFn: () => api.ciRepositoryRemove(projectId),
    onSuccess: () => {
      queryClient.setQueryData<CiSetup>(queryKeys.ciSetup(projectId), (current) => current && { ...current, repository: null });
      toast.success(`Disconnected ${repository.path}`);
      onClose();
    },
    onError: (error) => toast.error("The repository was not disconnected", { description: errorMessage(error) }),
  });
  return (
    <Dialog open={open} size="small" title="Disconnect the repository?" onClose={() => !remove.isPending && onClose()} testId="ci-disconnect-dialog">
      <div className="dialog-body">
        <p>
          The app stops watching <span className="mono">{repository.path}</span> for this project. Its token stays in the keychain for the other
          projects of the host.
        </p>
      </div>
      <footer className="dialog-footer">
        <button type="button" className="button button-secondary" onClick={onClose} disabled={remove.isPending} data-autofocus>
          Cancel
        </button>
        <button type="button" className="button button-danger" onClick={() => remove.mutate()} disabled={remove.isPending} data-testid="ci-disconnect-confirm">
          Disconnect
        </button>
      </footer>
    </Dialog>
  );
}
