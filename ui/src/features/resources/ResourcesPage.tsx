import { useState, type ComponentType } from "react";
import { NavLink, Navigate, useParams } from "react-router";
import { useQueryClient } from "@tanstack/react-query";
import { Eraser, RefreshCw } from "lucide-react";
import { queryKeys } from "../../api/queryKeys";
import { PageHeader } from "../../components/PageHeader";
import { ContainersTab } from "./ContainersTab";
import { ImagesTab } from "./ImagesTab";
import { NetworksTab } from "./NetworksTab";
import { PortsTab } from "./PortsTab";
import { ProcessesTab } from "./ProcessesTab";
import { PruneDialog } from "./PruneDialog";
import { VolumesTab } from "./VolumesTab";
import "./resources.css";

const tabs: { id: string; label: string; Tab: ComponentType }[] = [
  { id: "ports", label: "Ports", Tab: PortsTab },
  { id: "processes", label: "Processes", Tab: ProcessesTab },
  { id: "containers", label: "Containers", Tab: ContainersTab },
  { id: "images", label: "Images", Tab: ImagesTab },
  { id: "volumes", label: "Volumes", Tab: VolumesTab },
  { id: "networks", label: "Networks", Tab: NetworksTab },
];

/**
 * The machine's resources in one place, each view at its own URL (`/resources/ports`, …): who
 * holds each port, the processes, and everything Docker holds, with a prune that previews.
 */
export default function ResourcesPage() {
  const { tab = "ports" } = useParams();
  const queryClient = useQueryClient();
  const [pruning, setPruning] = useState(false);
  const current = tabs.find((candidate) => candidate.id === tab);
  if (!current) return <Navigate to="/resources/ports" replace />;
  const { Tab } = current;
  return (
    <div className="page resources-page" data-testid="resources-page">
      <PageHeader
        title="Resources"
        description="Ports, processes and everything Docker holds on this machine, not only the app's."
        actions={
          <>
            <button
              type="button"
              className="button button-secondary"
              onClick={() => void queryClient.invalidateQueries({ queryKey: queryKeys.resources })}
              data-testid="resources-refresh"
            >
              <RefreshCw size={14} aria-hidden />
              Refresh
            </button>
            <button type="button" className="button button-secondary" onClick={() => setPruning(true)} data-testid="resources-prune">
              <Eraser size={14} aria-hidden />
              Clean up…
            </button>
          </>
        }
      />
      <nav className="tabs" aria-label="Resources">
        {tabs.map(({ id, label }) => (
          <NavLink key={id} to={`/resources/${id}`} className={({ isActive }) => (isActive ? "tab active" : "tab")} data-testid={`resources-tab-${id}`}>
            {label}
          </NavLink>
        ))}
      </nav>
      <Tab />
      {pruning && <PruneDialog onClose={() => setPruning(false)} />}
    </div>
  );
}
