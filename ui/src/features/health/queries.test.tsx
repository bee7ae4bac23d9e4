import { render } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { describe, expect, it, vi } from "vitest";
import { queryKeys } from "../../api/queryKeys";
import type * as ApiModule from "../../api";
import { api } from "../../api";
import type { HealthEvent } from "../../bindings";
import { useHealthEvents, useRefetchOnIncidents } from "./queries";

vi.mock("../../api", async (importOriginal) => {
  const actual = await importOriginal<typeof ApiModule>();
  return { ...actual, api: { onHealthChanged: vi.fn(() => Promise.resolve(() => undefined)) } };
});

function Probe({ projectId }: { projectId: number }) {
  useHealthEvents(projectId);
  return null;
}

function setVisibility(state: DocumentVisibilityState) {
  Object.defineProperty(document, "visibilityState", { configurable: true, get: () => state });
  document.dispatchEvent(new Event("visibilitychange"));
}

describe("useHealthEvents", () => {
  it("reads the project's health afresh when the window comes back from the tray, not when it hides", () => {
    const client = new QueryClient();
    const invalidate = vi.spyOn(client, "invalidateQueries");
    const { unmount } = render(
      <QueryClientProvider client={client}>
        <Probe projectId={7} />
      </QueryClientProvider>,
    );
    setVisibility("hidden");
    expect(invalidate).not.toHaveBeenCalled();
    setVisibility("visible");
    expect(invalidate).toHaveBeenCalledWith({ queryKey: queryKeys.health(7) });
    unmount();
    invalidate.mockClear();
    setVisibility("visible");
    expect(invalidate).not.toHaveBeenCalled();
  });
});

function IncidentsProbe() {
  useRefetchOnIncidents(queryKeys.openIncidents);
  return null;
}

describe("useRefetchOnIncidents", () => {
  it("refetches when an incident opens or closes, not at each check, and stops listening when gone", async () => {
    const unlisten = vi.fn();
    let listener: ((event: HealthEvent) => void) | undefined;
    vi.mocked(api.onHealthChanged).mockImplementation((l) => {
      listener = l;
      return Promise.resolve(unlisten);
    });
    const client = new QueryClient();
    const invalidate = vi.spyOn(client, "invalidateQueries");
    const { unmount } = render(
      <QueryClientProvider client={client}>
        <IncidentsProbe />
      </QueryClientProvider>,
    );
    listener?.({ kind: "checked" } as HealthEvent);
    expect(invalidate).not.toHaveBeenCalled();
    listener?.({ kind: "incidentOpened" } as HealthEvent);
    expect(invalidate).toHaveBeenCalledWith({ queryKey: queryKeys.openIncidents });
    unmount();
    await vi.waitFor(() => expect(unlisten).toHaveBeenCalled());
  });
});
