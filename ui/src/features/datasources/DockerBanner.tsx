import { useQuery } from "@tanstack/react-query";
import { CircleAlert, RotateCw } from "lucide-react";
import { dockerStatusQuery } from "./queries";

/** Says so when Docker is down; everything but the databases keeps working. */
export function DockerBanner() {
  const docker = useQuery(dockerStatusQuery);
  if (docker.data?.available !== false) return null;
  return (
    <div className="banner" role="status" data-testid="docker-banner">
      <CircleAlert size={15} aria-hidden className="banner-icon" />
      <span className="banner-text" title={docker.data.message ?? undefined}>
        Docker is not running — databases are unavailable.
        {docker.data.endpoint ? <span className="banner-detail"> Tried {docker.data.endpoint}.</span> : null}
      </span>
      <button
        type="button"
        className="button button-secondary button-small"
        disabled={docker.isFetching}
        onClick={() => void docker.refetch()}
        data-testid="docker-retry"
      >
        {docker.isFetching ? <span className="spinner spinner-small" aria-hidden /> : <RotateCw size={13} aria-hidden />}
        Retry
      </button>
    </div>
  );
}
