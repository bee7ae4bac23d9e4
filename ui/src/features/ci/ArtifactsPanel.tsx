import { useMutation, useQuery } from "@tanstack/react-query";
import { Download } from "lucide-react";
import { api, type CiArtifact, type ProviderKind } from "../../api";
import { queryKeys } from "../../api/queryKeys";
import { ErrorState } from "../../components/ErrorState";
import { SkeletonRows } from "../../components/Skeleton";
import { formatBytes } from "../../lib/bytes";
import { downloadZip } from "./download";

/** What the run uploaded, each saved as a zip where the user chooses. */
export function ArtifactsPanel({ projectId, runId, provider }: { projectId: number; runId: number; provider: ProviderKind | null }) {
  const artifacts = useQuery({ queryKey: queryKeys.ciArtifacts(projectId, runId), queryFn: () => api.ciArtifacts(projectId, runId) });

  let body;
  if (artifacts.isPending) body = <SkeletonRows rows={2} label="Reading the artifacts" />;
  else if (artifacts.isError)
    body = <ErrorState title="The artifacts could not be read" error={artifacts.error} onRetry={() => void artifacts.refetch()} />;
  else if (artifacts.data.length === 0)
    body = (
      <p className="muted" data-testid="ci-artifacts-empty">
        {provider === "gitlab" ? "GitLab's artifacts are downloaded from the job's page on GitLab." : "This run uploaded no artifacts."}
      </p>
    );
  else
    body = (
      <table className="table ci-artifact-table">
        <colgroup>
          <col />
          <col style={{ width: "110px" }} />
          <col style={{ width: "120px" }} />
        </colgroup>
        <thead>
          <tr>
            <th>Name</th>
            <th>Size</th>
            <th aria-label="Actions" />
          </tr>
        </thead>
        <tbody>
          {artifacts.data.map((artifact) => (
            <ArtifactRow key={artifact.id} projectId={projectId} runId={runId} artifact={artifact} />
          ))}
        </tbody>
      </table>
    );

  return (
    <section className="panel" aria-labelledby="ci-artifacts-title" data-testid="ci-artifacts">
      <h2 className="panel-title" id="ci-artifacts-title">
        Artifacts
      </h2>
      {body}
    </section>
  );
}

function ArtifactRow({ projectId, runId, artifact }: { projectId: number; runId: number; artifact: CiArtifact }) {
  const download = useMutation({ mutationFn: () => downloadZip(projectId, runId, artifact.id, artifact.name, `${artifact.name}.zip`) });
  return (
    <tr data-testid="ci-artifact" data-artifact-name={artifact.name} data-expired={artifact.expired}>
      <td>
        <span className="cell-truncate mono">{artifact.name}</span>
      </td>
      <td className="muted small">{artifact.expired ? "Expired" : artifact.size === null ? "" : formatBytes(artifact.size)}</td>
      <td>
        <button
          type="button"
          className="button button-small button-secondary"
          onClick={() => download.mutate()}
          disabled={artifact.expired || download.isPending}
          title={artifact.expired ? "The provider deleted it when it expired" : undefined}
          data-testid="ci-artifact-download"
        >
          <Download size={12} aria-hidden />
          Download
        </button>
      </td>
    </tr>
  );
}
