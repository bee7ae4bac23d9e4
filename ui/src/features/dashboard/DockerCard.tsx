import { Link } from "react-router";
import { Container } from "lucide-react";
import { Skeleton } from "../../components/Skeleton";
import { formatBytes } from "../datasources/pullProgress";
import { useInventory } from "../resources/queries";

/** Docker's containers, images and volumes, and the disk they use, linking to Resources. */
export function DockerCard() {
  const inventory = useInventory();
  const data = inventory.data;
  const running = data?.containers.filter((row) => row.container.state === "running").length ?? 0;
  const disk = data
    ? data.images.reduce((sum, image) => sum + image.sizeBytes, 0) + data.volumes.reduce((sum, row) => sum + (row.volume.sizeBytes ?? 0), 0)
    : 0;
  const sizesKnown = data?.volumes.every((row) => row.volume.sizeBytes !== null) ?? true;
  return (
    <section className="stat-card" data-testid="stat-docker">
      <div className="stat-card-label">
        <Container size={15} aria-hidden />
        Docker
      </div>
      <div className="stat-card-value">
        {data ? `${running} / ${data.containers.length}` : inventory.isError ? "—" : <Skeleton width={60} height={28} />}
      </div>
      <div className="stat-card-note">
        {data ? (
          <span className="stat-card-breakdown">
            <span data-testid="stat-docker-counts">
              containers running · {data.images.length} images · {data.volumes.length} volumes
            </span>
            <span data-testid="stat-docker-disk" title={sizesKnown ? undefined : "This Docker Engine does not report volume sizes"}>
              {formatBytes(disk)} on disk{sizesKnown ? "" : " (images; volumes not reported)"}
            </span>
            <Link to="/resources/containers" className="text-link">
              Open resources
            </Link>
          </span>
        ) : inventory.isError ? (
          "Docker is not reachable."
        ) : null}
      </div>
    </section>
  );
}
