import { Link } from "react-router";
import { useQuery } from "@tanstack/react-query";
import { CheckCircle2, XCircle } from "lucide-react";
import { api } from "../../api";
import { SkeletonRows } from "../../components/Skeleton";
import { formatBytes } from "../datasources/pullProgress";

/** Whether the parts the app stands on work: Docker, the secret store, disk space. */
export function SystemPanel() {
  const system = useQuery({ queryKey: ["dashboardSystem"], queryFn: api.dashboardSystem, refetchOnMount: "always" });
  let rows;
  if (!system.data) rows = <SkeletonRows rows={3} label="Checking Docker, the keychain and the disks" />;
  else {
    const { docker, secrets, dataDirFreeBytes } = system.data;
    const keychainOk = secrets.kind === "keychain" || secrets.vaultUnlocked;
    const items = [
      {
        ok: docker.available,
        label: "Docker",
        value: docker.available ? `Docker Engine ${docker.version ?? "?"} (API ${docker.apiVersion ?? "?"})` : docker.message ?? "Not reachable",
        detail: docker.endpoint,
        testId: "system-docker",
      },
      { ok: keychainOk, label: "Secrets", value: secrets.message, detail: null, testId: "system-secrets" },
      {
        ok: dataDirFreeBytes === null || dataDirFreeBytes > 1e9,
        label: "Data folder",
        value: dataDirFreeBytes === null ? "Free space unknown" : `${formatBytes(dataDirFreeBytes)} free`,
        detail: system.data.dataDir,
        testId: "system-data-disk",
      },
      {
        ok: docker.rootFreeBytes === null || docker.rootFreeBytes > 2e9,
        label: "Docker's disk",
        value:
          docker.rootFreeBytes !== null
            ? `${formatBytes(docker.rootFreeBytes)} free`
            : docker.available
              ? "Inside Docker's own VM: see Docker's settings"
              : "—",
        detail: docker.rootDir,
        testId: "system-docker-disk",
      },
    ];
    rows = (
      <ul className="system-list">
        {items.map((item) => (
          <li key={item.label} data-testid={item.testId} data-ok={item.ok}>
            {item.ok ? <CheckCircle2 size={15} className="system-ok" aria-label="Fine" /> : <XCircle size={15} className="system-bad" aria-label="Needs attention" />}
            <span className="system-label">{item.label}</span>
            <span>{item.value}</span>
            {item.detail && <span className="muted mono cell-truncate">{item.detail}</span>}
          </li>
        ))}
      </ul>
    );
  }
  return (
    <section className="panel" data-testid="system-health">
      <div className="panel-heading">
        <h2 className="panel-title">System</h2>
        <Link to="/settings" className="text-link">
          Settings
        </Link>
      </div>
      {rows}
    </section>
  );
}
