import { render } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { describe, expect, it, vi } from "vitest";
import { queryKeys } from "../../api/queryKeys";
import type * as ApiModule from "../../api";
import { useHealthEvents } from "./queries";

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
