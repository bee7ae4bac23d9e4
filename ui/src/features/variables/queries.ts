import { queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import { api, type DotenvImportRequest, type SecretStoreStatus, type VariableInput, type VaultKey } from "../../api";
import { queryKeys } from "../../api/queryKeys";

// Under the project's key, so that every data-changed event (quantum.toml edited on disk, say)
// refreshes them with the project.
const variablesKey = (projectId: number) => [...queryKeys.project(projectId), "variables"] as const;
const secretStoreKey = ["secretStore"] as const;

export const variablesQuery = (projectId: number) =>
  queryOptions({
    queryKey: variablesKey(projectId),
    queryFn: () => api.variablesList(projectId),
  });

export const secretStoreQuery = queryOptions({
  queryKey: secretStoreKey,
  queryFn: api.secretStoreStatus,
  // It changes only through the app's own vault actions, which set it.
  staleTime: Infinity,
});

export const dotenvExportPreviewQuery = (projectId: number, environment: string, path: string | null) =>
  queryOptions({
    queryKey: ["dotenvExportPreview", projectId, environment, path] as const,
    queryFn: () => api.dotenvExportPreview(projectId, environment, path),
    staleTime: 0,
    gcTime: 0,
  });

/** Runs `mutate` and then refetches the project's variables, on success or failure alike. */
function useVariablesMutation<Input, Output>(projectId: number, mutate: (input: Input) => Promise<Output>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: mutate,
    onSettled: () => queryClient.invalidateQueries({ queryKey: variablesKey(projectId) }),
  });
}

export const useAddEnvironment = (projectId: number) =>
  useVariablesMutation(projectId, (name: string) => api.environmentAdd(projectId, name));

export const useSetVariable = (projectId: number) =>
  useVariablesMutation(projectId, (input: VariableInput) => api.variableSet(projectId, input));

export const useRemoveVariable = (projectId: number) =>
  useVariablesMutation(projectId, ({ environment, name }: { environment: string | null; name: string }) =>
    api.variableRemove(projectId, environment, name),
  );

export const useDotenvImport = (projectId: number) =>
  useVariablesMutation(projectId, (request: DotenvImportRequest) => api.dotenvImport(projectId, request));

export function useDotenvExportWrite(projectId: number) {
  return useMutation({
    mutationFn: ({
      environment,
      path,
      expected,
      allowOutside,
    }: {
      environment: string;
      path: string | null;
      expected: string | null;
      allowOutside: boolean;
    }) => api.dotenvExportWrite(projectId, environment, path, expected, allowOutside),
  });
}

export function useBundleExport(projectId: number) {
  return useMutation({
    mutationFn: ({ path, passphrase }: { path: string; passphrase: string }) =>
      api.bundleExport(projectId, path, passphrase),
  });
}

export function useBundleImport() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ path, passphrase, projectName }: { path: string; passphrase: string; projectName: string | null }) =>
      api.bundleImport(path, passphrase, projectName),
    onSuccess: (project) => {
      queryClient.setQueryData(queryKeys.project(project.id), project);
      void queryClient.invalidateQueries({ queryKey: queryKeys.projects, exact: true });
    },
  });
}

/** Creates or unlocks the local vault; the answer is the store's new status. */
export function useVault(action: "create" | "unlock") {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (key: VaultKey) => (action === "create" ? api.vaultCreate(key) : api.vaultUnlock(key)),
    onSuccess: (status) => {
      queryClient.setQueryData<SecretStoreStatus>(secretStoreKey, status);
      // Secrets this machine could not read before may be readable now.
      void queryClient.invalidateQueries({ queryKey: queryKeys.projects });
    },
  });
}

/** Whether secrets can be read and written now, and if not, why and what would fix it. */
export type SecretStoreState =
  | { usable: true }
  | { usable: false; reason: string; fix: "createVault" | "unlockVault" | null };

export function secretStoreState(status: SecretStoreStatus | undefined): SecretStoreState {
  if (status === undefined) return { usable: false, reason: "Checking where secrets are kept…", fix: null };
  if (status.kind === "keychain" || (status.vaultExists && status.vaultUnlocked)) return { usable: true };
  if (status.vaultExists) {
    return { usable: false, reason: "The local vault is locked: unlock it to use secrets.", fix: "unlockVault" };
  }
  return {
    usable: false,
    reason: "No system keychain was found: set up the encrypted local vault to use secrets.",
    fix: "createVault",
  };
}
