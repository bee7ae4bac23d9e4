import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { api, type CopyProgress, type CopyReport, type Datasource } from "../../api";
import type * as ApiModule from "../../api";
import { renderWithApp } from "../../test/render";
import { CopyDialog } from "./CopyDialog";

vi.mock("../../api", async (importOriginal) => {
  const actual = await importOriginal<typeof ApiModule>();
  return { ...actual, api: { datasourceList: vi.fn(), copyPreview: vi.fn(), copyRun: vi.fn() } };
});

const target = { id: 4, projectId: 7, name: "blog-postgres-1", engine: "postgres", status: "ready" } as Datasource;
const redis = { id: 5, projectId: 7, name: "blog-redis-1", engine: "redis", status: "ready" } as Datasource;

const report: CopyReport = {
  tables: [
    { name: "posts", rowsRead: 1000, rowsCopied: 998, rowsRejected: 2, verified: true, checksum: "ab", notes: [] },
  ],
  rejected: [{ table: "posts", row: 10, column: "views", reason: "“many” is not an integer" }],
  elapsedMs: 1500,
  rowsPerSecond: 665,
};

describe("CopyDialog", () => {
  beforeEach(() => {
    vi.mocked(api.datasourceList).mockResolvedValue([target, redis]);
    vi.mocked(api.copyPreview).mockResolvedValue([
      {
        name: "posts",
        columns: [{ name: "views", sourceType: "INTEGER", targetType: "bigint", nullable: true, default: null, identity: false }],
        rowEstimate: 1000,
        notes: [],
      },
    ]);
    vi.mocked(api.copyRun).mockImplementation((_source, _id, onProgress: (p: CopyProgress) => void) => {
      onProgress({ phase: "loading", table: "posts", tableIndex: 1, tables: 1, rowsDone: 500, rowsTotal: 1000 });
      return Promise.resolve(report);
    });
  });

  it("plans into a SQL database of the project, copies, and lists the rows set aside", async () => {
    const user = userEvent.setup();
    renderWithApp(<CopyDialog source={{ kind: "connection", id: 2 }} sourceLabel="blog.db" projectId={7} open onClose={() => undefined} />);
    expect((await screen.findByTestId("copy-target")).textContent).not.toContain("redis");
    expect((await screen.findByTestId("copy-plan")).textContent).toContain("bigint");
    expect(api.copyPreview).toHaveBeenCalledWith({ kind: "connection", id: 2 }, 4);
    await user.click(screen.getByTestId("copy-run"));
    const summary = await screen.findByTestId("copy-report");
    expect(summary.textContent).toContain("998 rows copied");
    expect(screen.getByTestId("copy-report-table").dataset.verified).toBe("true");
    expect(screen.getByTestId("copy-rejected").textContent).toContain("posts row 10, views: “many” is not an integer");
  });
});
