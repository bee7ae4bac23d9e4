import type { Datasource, Project } from "../../api";

export const project = (id: number, name: string, description = ""): Project => ({
  id,
  name,
  description,
  folder: null,
  createdAt: "2026-11-21T10:00:00.000Z",
  updatedAt: "2026-11-21T10:00:00.000Z",
});

export const datasource = (id: number, projectId: number, name: string, status: Datasource["status"]): Datasource => ({
  id,
  projectId,
  name,
  engine: "postgres",
  image: "postgres:16-alpine",
  hostPort: 5432 + id,
  databaseName: "shop",
  username: "shop",
  volumeName: `${name}-data`,
  autoStart: false,
  readyTimeoutSecs: 60,
  status,
  statusReason: null,
  createdAt: "2026-11-21T10:00:00.000Z",
  updatedAt: "2026-11-21T10:00:00.000Z",
});
