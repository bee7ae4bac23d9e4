// Deploys: a project's environments and their history; a deploy or rollback streamed stage by stage.
import { Channel } from "@tauri-apps/api/core";
import { commands, type DeployEvent, type DockerTarget, type RegistryLogin } from "../bindings";
import { unwrap } from "./unwrap";

export type {
  DatasourceChoice,
  DatasourceState,
  DataRestoreOffer,
  DeployDecl,
  DeployEnvironment,
  DeployEvent,
  DeployStage,
  DockerContext,
  DockerTarget,
  KubeContext,
  RegistryLogin,
  RegistryLoginInfo,
  Release,
  ReleaseData,
  ReleaseKind,
  ReleaseStatus,
  ServingRelease,
} from "../bindings";

function channel(onEvent: (event: DeployEvent) => void) {
  const events = new Channel<DeployEvent>();
  events.onmessage = onEvent;
  return events;
}

export const deployApi = {
  /** Every project's live releases with their checks' state (the Dashboard). */
  dashboardDeploys: () => unwrap(commands.dashboardDeploys()),
  deployEnvironments: (projectId: number) => unwrap(commands.deployEnvironments(projectId)),
  /** Newest first; one environment's when given. */
  deployHistory: (projectId: number, environment: string | null) => unwrap(commands.deployHistory(projectId, environment)),
  deployLog: (releaseId: number) => unwrap(commands.deployLog(releaseId)),
  /** Builds and releases; resolves with the release once live, rejects with why it failed. */
  deployStart: (projectId: number, environment: string, onEvent: (event: DeployEvent) => void) =>
    unwrap(commands.deployStart(projectId, environment, channel(onEvent))),
  /** With `restoreData`, each datasource the releases gone back past migrated returns to its snapshot. */
  deployRollback: (projectId: number, releaseId: number, restoreData: boolean, onEvent: (event: DeployEvent) => void) =>
    unwrap(commands.deployRollback(projectId, releaseId, restoreData, channel(onEvent))),
  /** What a rollback to the release can restore with the code (one offer per datasource). */
  deployRollbackData: (projectId: number, releaseId: number) => unwrap(commands.deployRollbackData(projectId, releaseId)),
  /** Connects to the environment's Docker Engine; resolves with its name. `trustFingerprint`: an SSH host key the user confirmed. */
  deployConnect: (projectId: number, environment: string, trustFingerprint: string | null) =>
    unwrap(commands.deployConnect(projectId, environment, trustFingerprint)),
  /** Logs in with the passphrase, then keeps it in the keychain. */
  deploySetSshPassphrase: (projectId: number, environment: string, passphrase: string) =>
    unwrap(commands.deploySetSshPassphrase(projectId, environment, passphrase)),
  /** Writes the environment's target into quantum.toml. */
  deploySetTarget: (projectId: number, environment: string, target: DockerTarget, sshIdentity: string | null) =>
    unwrap(commands.deploySetTarget(projectId, environment, target, sshIdentity)),
  /** The project's datasources the environment can run on its engine, and which it runs. */
  deployDatasourceChoices: (projectId: number, environment: string) => unwrap(commands.deployDatasourceChoices(projectId, environment)),
  /** Writes the datasources the environment runs into quantum.toml. */
  deploySetDatasources: (projectId: number, environment: string, names: string[]) =>
    unwrap(commands.deploySetDatasources(projectId, environment, names)),
  /** The environment's datasources as its engine has them (connects to it). */
  deployDatasourceStates: (projectId: number, environment: string) => unwrap(commands.deployDatasourceStates(projectId, environment)),
  /** Makes them run now, as the next deploy would; resolves with their states. */
  deployDatasourcesStart: (projectId: number, environment: string, onLine: (line: string) => void) => {
    const lines = new Channel<string>();
    lines.onmessage = onLine;
    return unwrap(commands.deployDatasourcesStart(projectId, environment, lines));
  },
  /** Removes one from the environment's engine; its data volume too with `withData`. Resolves with the states after. */
  deployDatasourceRemove: (projectId: number, environment: string, name: string, withData: boolean) =>
    unwrap(commands.deployDatasourceRemove(projectId, environment, name, withData)),
  /** The registry the environment pushes to, and who the app logs in to it as. */
  deployRegistryLogin: (projectId: number, environment: string) => unwrap(commands.deployRegistryLogin(projectId, environment)),
  /** Checks the login against the registry, then keeps it in the keychain; null forgets it. */
  deploySetRegistryLogin: (projectId: number, environment: string, login: RegistryLogin | null) =>
    unwrap(commands.deploySetRegistryLogin(projectId, environment, login)),
  /** Writes a Kubernetes target into quantum.toml: a kubeconfig context, and a namespace unless the context's. */
  deploySetKubernetes: (projectId: number, environment: string, context: string, namespace: string | null) =>
    unwrap(commands.deploySetKubernetes(projectId, environment, context, namespace)),
  /** The user's Docker contexts, as `docker context ls` lists them. */
  dockerContexts: () => unwrap(commands.dockerContexts()),
  /** The contexts of the user's kubeconfig, as `kubectl config get-contexts` lists them. */
  kubeContexts: () => unwrap(commands.kubeContexts()),
};
