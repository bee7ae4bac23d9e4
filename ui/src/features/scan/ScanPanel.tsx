import { useEffect, useState } from "react";
import { Link } from "react-router";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { RefreshCw } from "lucide-react";
import { toast } from "sonner";
import { api, errorMessage } from "../../api";
import { queryKeys } from "../../api/queryKeys";
import type { ProjectScan } from "../../api";
import { ErrorState } from "../../components/ErrorState";
import { SkeletonRows } from "../../components/Skeleton";
import { ComposeImportDialog } from "../compose/ComposeImportDialog";
import { AdoptMigrations } from "./AdoptMigrations";
import { formatMigrationFormat, scanSummary } from "./summary";
import "./scan.css";

interface Props {
  projectId: number;
}

/**
 * What the project's folder holds, each kind with the section that acts on it: found test suites
 * run or are declared on Tests, migration folders open on Migrations, `.env` files import on
 * Environment, git remotes set up CI. The core's watcher keeps it current; Rescan scans again.
 */
export function ScanPanel({ projectId }: Props) {
  const queryClient = useQueryClient();
  const key = queryKeys.projectScan(projectId);
  const scan = useQuery({ queryKey: key, queryFn: () => api.projectScan(projectId, false) });

  useEffect(() => {
    let stopped = false;
    const unlisten = api.onProjectScanChanged((changed) => {
      if (changed === projectId) void queryClient.invalidateQueries({ queryKey: key });
    });
    unlisten.catch((error: unknown) => {
      if (!stopped) console.error("The folder's scan will not refresh by itself.", error);
    });
    return () => {
      stopped = true;
      void unlisten.then((stop) => stop()).catch(() => undefined);
    };
    // `key` is derived from projectId.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [projectId, queryClient]);

  const rescan = async () => {
    try {
      queryClient.setQueryData(key, await api.projectScan(projectId, true));
    } catch (error) {
      toast.error("The folder could not be scanned", { description: errorMessage(error) });
    }
  };

  if (scan.isPending) return <SkeletonRows rows={3} label="Scanning the folder" />;
  if (scan.isError) return <ErrorState title="The folder could not be scanned" error={scan.error} onRetry={() => void scan.refetch()} />;
  if (scan.data === null) return null;
  return <ScanView projectId={projectId} scan={scan.data} onRescan={rescan} />;
}

function ScanView({ projectId, scan, onRescan }: { projectId: number; scan: ProjectScan; onRescan: () => Promise<void> }) {
  const section = (path: string) => `/projects/${projectId}/${path}`;
  const [importing, setImporting] = useState<string | null>(null);
  // The override file is read with the file it overrides.
  const importable = scan.composeFiles.find((path) => !/\.override\.ya?ml$/.test(path)) ?? null;
  return (
    <section className="panel scan" aria-labelledby="scan-title" data-testid="project-scan">
      <div className="panel-heading">
        <h2 className="panel-title" id="scan-title">
          Found in the folder
        </h2>
        <span className="muted small" data-testid="scan-summary">
          {scanSummary(scan)}
        </span>
        <button type="button" className="button button-secondary button-small" onClick={() => void onRescan()} data-testid="scan-rescan">
          <RefreshCw size={13} aria-hidden />
          Rescan
        </button>
      </div>
      <dl className="scan-list">
        <Row label="Languages" testId="scan-languages" empty="No source files">
          {scan.languages.map((language) => (
            <span key={language.name} className="scan-chip" data-testid="scan-language">
              {language.name} <span className="muted">{language.files}</span>
            </span>
          ))}
        </Row>
        <Row label="Packages" testId="scan-package-managers" empty="No package manager">
          {scan.packageManagers.map((found) => (
            <span key={found.path} className="scan-chip" title={found.path}>
              {found.name} <span className="muted mono">{found.path}</span>
            </span>
          ))}
        </Row>
        <Row label="Frameworks" testId="scan-frameworks" empty="None recognised">
          {scan.frameworks.map((found) => (
            <span key={`${found.name} ${found.path}`} className="scan-chip" title={found.path} data-testid="scan-framework">
              {found.name}
            </span>
          ))}
        </Row>
        <Row label="Tests" testId="scan-tests" empty="No test command found" action={
            <Link to={section("tests")} className="text-link" data-testid="scan-tests-action">
              {scan.testSuites.length > 0 ? "Run or declare on Tests" : "Declare a suite on Tests"}
            </Link>
          }
        >
          {scan.testSuites.map((suite) => (
            <span key={suite.name} className="scan-chip mono" title={suite.command.join(" ")} data-testid="scan-test-suite">
              {suite.command.join(" ")}
            </span>
          ))}
        </Row>
        <Row label="Migrations" testId="scan-migrations" empty="No migration folder" action={scan.migrationFolders.length > 0 && <Link to={section("migrations")} className="text-link">Open Migrations</Link>}>
          {scan.migrationFolders.map((folder) => (
            <span key={folder.path} className="scan-chip" data-testid="scan-migration-folder" data-path={folder.path}>
              <span className="mono">{folder.path}</span> <span className="muted">{formatMigrationFormat(folder)}</span>
              {folder.format && <AdoptMigrations projectId={projectId} folder={folder} />}
            </span>
          ))}
        </Row>
        <Row
          label="Containers"
          testId="scan-containers"
          empty="No Dockerfile or compose file"
          action={
            importable && (
              <button type="button" className="text-link" onClick={() => setImporting(importable)} data-testid="scan-compose-import">
                Import its databases
              </button>
            )
          }
        >
          {[...scan.dockerfiles, ...scan.composeFiles].map((path) => (
            <span key={path} className="scan-chip mono" data-testid="scan-container-file">
              {path}
            </span>
          ))}
        </Row>
        <Row label=".env files" testId="scan-env-files" empty="None" action={scan.envFiles.length > 0 && <Link to={section("environment")} className="text-link">Import on Environment</Link>}>
          {scan.envFiles.map((path) => (
            <span key={path} className="scan-chip mono" data-testid="scan-env-file">
              {path}
            </span>
          ))}
        </Row>
        <Row label="Git" testId="scan-git" empty="Not a git repository" action={scan.git && scan.git.remotes.length > 0 && <Link to={section("ci")} className="text-link">See its CI</Link>}>
          {scan.git && (
            <>
              <span className="scan-chip" data-testid="scan-git-branch">
                {scan.git.branch ?? "detached HEAD"}
              </span>
              {scan.git.remotes.map((remote) => (
                <span key={remote.name} className="scan-chip" title={remote.url}>
                  {remote.name} <span className="muted mono">{remote.url}</span>
                </span>
              ))}
            </>
          )}
        </Row>
      </dl>
      {importing && <ComposeImportDialog projectId={projectId} file={importing} onClose={() => setImporting(null)} />}
    </section>
  );
}

function Row({ label, testId, empty, action, children }: { label: string; testId: string; empty: string; action?: React.ReactNode; children: React.ReactNode }) {
  const items = Array.isArray(children) ? children.filter(Boolean) : children ? [children] : [];
  return (
    <div className="scan-row" data-testid={testId}>
      <dt>{label}</dt>
      <dd>
        {items.length > 0 ? <span className="scan-chips">{children}</span> : <span className="muted">{empty}</span>}
        {action}
      </dd>
    </div>
  );
}
