import { useNavigate } from "react-router";
import { toast } from "sonner";
import {
  Activity,
  ClipboardCopy,
  FileCode2,
  FilePen,
  Play,
  RotateCcw,
  RotateCw,
  ScrollText,
  Square,
  Terminal,
  Trash2,
  type LucideIcon,
} from "lucide-react";
import { ApiError, errorMessage, type Datasource } from "../../api";
import { Menu } from "../../components/Menu";
import { ProgressBar } from "../../components/ProgressBar";
import { DatasourceStatusBadge } from "./DatasourceStatusBadge";
import { EngineIcon } from "./EngineIcon";
import { describePullProgress, pullFraction } from "./pullProgress";
import { useDatasourceOperation, useMovePort, usePullProgress, type DatasourceOperation } from "./queries";
import { canRestart, canStart, canStop, engineLabels, statusLabels } from "./status";
import { useCopyConnection } from "./useCopyConnection";

type DatasourceItemProps = {
  datasource: Datasource;
  dockerAvailable: boolean;
  projectHasFolder: boolean;
  onWriteEnv: (datasource: Datasource) => void;
  onRemove: (datasource: Datasource) => void;
};

const DOCKER_DOWN = "Docker is not running";

const operationDone: Record<DatasourceOperation, (name: string) => string> = {
  start: (name) => `Starting “${name}”`,
  stop: (name) => `Database “${name}” stopped`,
  restart: (name) => `Restarting “${name}”`,
  recreate: (name) => `Recreating “${name}” with its data`,
};

export function DatasourceItem({ datasource, dockerAvailable, projectHasFolder, onWriteEnv, onRemove }: DatasourceItemProps) {
  const navigate = useNavigate();
  const operation = useDatasourceOperation(datasource.id);
  const copy = useCopyConnection(datasource);
  const { status } = datasource;

  const movePort = useMovePort(datasource.id);
  const moveToFreePort = () =>
    movePort.mutate(undefined, {
      onSuccess: (moved) => toast.success(`“${moved.name}” now listens on port ${moved.hostPort}`),
      onError: (error) => toast.error(`“${datasource.name}” did not move`, { description: errorMessage(error) }),
    });
  const run = (which: DatasourceOperation) =>
    operation.mutate(which, {
      onSuccess: () => toast.success(operationDone[which](datasource.name)),
      onError: (error) =>
        toast.error(`“${datasource.name}”: ${which} failed`, {
          description: errorMessage(error),
          // Its port is held by another program: the message names it and the next free port.
          action:
            error instanceof ApiError && error.code === "datasource.port_taken"
              ? { label: "Move and start", onClick: moveToFreePort }
              : undefined,
          duration: error instanceof ApiError && error.code === "datasource.port_taken" ? Infinity : undefined,
        }),
    });

  const operationButton = (which: DatasourceOperation, label: string, Icon: LucideIcon, enabled: boolean) => {
    const pending = operation.isPending && operation.variables === which;
    return (
      <button
        type="button"
        className="button button-secondary button-small"
        disabled={!dockerAvailable || !enabled || operation.isPending}
        title={dockerAvailable ? undefined : DOCKER_DOWN}
        aria-busy={pending}
        onClick={() => run(which)}
        data-testid={`datasource-${which}`}
      >
        {pending ? <span className="spinner spinner-small" aria-hidden /> : <Icon size={13} aria-hidden />}
        {label}
      </button>
    );
  };

  const monitor = (view: "logs" | "stats") =>
    void navigate(`/projects/${datasource.projectId}/databases/${datasource.id}/${view}`);

  return (
    <li className="datasource" data-testid="datasource-item" data-datasource-name={datasource.name}>
      <div className="datasource-main">
        <EngineIcon engine={datasource.engine} />
        <div className="datasource-text">
          <div className="datasource-title">
            <span className="datasource-name selectable" data-testid="datasource-name">
              {datasource.name}
            </span>
            <DatasourceStatusBadge status={status} />
          </div>
          <div className="datasource-meta">
            <span>{engineLabels[datasource.engine]}</span>
            <span aria-hidden>·</span>
            <span>
              port <span className="mono selectable" data-testid="datasource-port">{datasource.hostPort}</span>
            </span>
            <span aria-hidden>·</span>
            <span className="mono selectable datasource-image" title={datasource.image}>
              {datasource.image}
            </span>
          </div>
        </div>
        <div className="datasource-actions">
          {status !== "missing" && (
            <>
              {operationButton("start", "Start", Play, canStart(status))}
              {operationButton("stop", "Stop", Square, canStop(status))}
              {operationButton("restart", "Restart", RotateCw, canRestart(status))}
            </>
          )}
          <button
            type="button"
            className="button button-primary button-small"
            disabled={copy.isPending}
            onClick={() => copy.mutate("url")}
            data-testid="datasource-copy-url"
          >
            <ClipboardCopy size={13} aria-hidden />
            Copy connection URL
          </button>
          <Menu
            label={`More actions for ${datasource.name}`}
            testId="datasource-menu"
            items={[
              { label: "Copy .env snippet", icon: FileCode2, onSelect: () => copy.mutate("env"), testId: "datasource-menu-copy-env" },
              { label: "Copy CLI command", icon: Terminal, onSelect: () => copy.mutate("cli"), testId: "datasource-menu-copy-cli" },
              {
                label: "Write to .env…",
                icon: FilePen,
                onSelect: () => onWriteEnv(datasource),
                disabled: !projectHasFolder,
                title: projectHasFolder ? undefined : "Set the project's folder first",
                testId: "datasource-menu-write-env",
              },
              {
                label: "Logs",
                icon: ScrollText,
                onSelect: () => monitor("logs"),
                disabled: !dockerAvailable || status === "missing",
                testId: "datasource-menu-logs",
              },
              {
                label: "Stats",
                icon: Activity,
                onSelect: () => monitor("stats"),
                disabled: !dockerAvailable || status === "missing",
                testId: "datasource-menu-stats",
              },
              { label: "Remove…", icon: Trash2, onSelect: () => onRemove(datasource), danger: true, testId: "datasource-menu-remove" },
            ]}
          />
        </div>
      </div>
      {status === "pulling" && <PullProgressBar datasourceId={datasource.id} image={datasource.image} />}
      {status === "error" && datasource.statusReason && <ErrorReason reason={datasource.statusReason} />}
      {status === "stopped" && datasource.statusReason && (
        // Why it stopped without being asked to (exit code, out of memory), or that its creation
        // was cut short and Start finishes it.
        <div className="datasource-notice" data-testid="datasource-stopped-reason">
          <span className="selectable">{datasource.statusReason}</span>
        </div>
      )}
      {status === "missing" && (
        <div className="datasource-notice datasource-notice-warning" data-testid="datasource-missing">
          <span>
            Its container was removed outside Quantum Admin. The data volume{" "}
            <span className="mono">{datasource.volumeName}</span> is still there.
          </span>
          <button
            type="button"
            className="button button-secondary button-small"
            disabled={!dockerAvailable || operation.isPending}
            title={dockerAvailable ? undefined : DOCKER_DOWN}
            onClick={() => run("recreate")}
            data-testid="datasource-recreate"
          >
            {operation.isPending ? <span className="spinner spinner-small" aria-hidden /> : <RotateCcw size={13} aria-hidden />}
            Recreate with the same data
          </button>
        </div>
      )}
    </li>
  );
}

function PullProgressBar({ datasourceId, image }: { datasourceId: number; image: string }) {
  const progress = usePullProgress(datasourceId);
  const fraction = progress ? pullFraction(progress) : null;
  const text = progress ? describePullProgress(progress) : `Pulling ${image}…`;
  return (
    <div className="pull-progress" data-testid="datasource-pull-progress">
      <ProgressBar fraction={fraction} label={text} />
      <span className="pull-progress-text">{text}</span>
    </div>
  );
}

/** The core's reason, whose first line says what failed; the rest is usually log lines. */
function ErrorReason({ reason }: { reason: string }) {
  const [headline, ...rest] = reason.split("\n");
  const details = rest.join("\n").trim();
  return (
    <div className="datasource-notice datasource-notice-error" data-testid="datasource-error-reason">
      {details ? (
        <details className="error-reason">
          <summary>{headline}</summary>
          <pre className="error-reason-log selectable">{details}</pre>
        </details>
      ) : (
        <span className="selectable">{headline || statusLabels.error}</span>
      )}
    </div>
  );
}
