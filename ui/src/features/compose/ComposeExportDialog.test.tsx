import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError, api, type ComposeExportPreview } from "../../api";
import type * as ApiModule from "../../api";
import { renderWithApp } from "../../test/render";
import { ComposeExportDialog } from "./ComposeExportDialog";

vi.mock("../../api", async (importOriginal) => {
  const actual = await importOriginal<typeof ApiModule>();
  return { ...actual, api: { composeExportPreview: vi.fn(), composeExportWrite: vi.fn() } };
});

// As the core sends it: the compose file names the variable, `.env` shows the password masked.
const preview: ComposeExportPreview = {
  compose: {
    path: "/home/me/shop/compose.yaml",
    current: null,
    proposed: "services:\n  shop-postgres-1:\n    environment:\n      POSTGRES_PASSWORD: ${SHOP_POSTGRES_1_PASSWORD}\n",
  },
  env: { path: "/home/me/shop/.env", current: "LOG_LEVEL=info\n", proposed: 'LOG_LEVEL=info\nSHOP_POSTGRES_1_PASSWORD="••••••"\n' },
};

describe("ComposeExportDialog", () => {
  beforeEach(() => {
    vi.mocked(api.composeExportPreview).mockReset().mockResolvedValue(preview);
    vi.mocked(api.composeExportWrite).mockReset();
  });

  it("shows both files' changes, then writes against them as they were shown", async () => {
    const user = userEvent.setup();
    vi.mocked(api.composeExportWrite).mockResolvedValue(preview);
    const onClose = vi.fn();
    renderWithApp(<ComposeExportDialog projectId={7} open onClose={onClose} />);

    const [compose, env] = await screen.findAllByTestId("compose-export-file");
    expect(compose).toHaveTextContent("/home/me/shop/compose.yaml (new file)");
    expect(within(compose).getByLabelText("Changes to /home/me/shop/compose.yaml")).toHaveTextContent("${SHOP_POSTGRES_1_PASSWORD}");
    expect(within(env).getByLabelText("Changes to /home/me/shop/.env")).toHaveTextContent('SHOP_POSTGRES_1_PASSWORD="••••••"');

    await user.click(screen.getByRole("button", { name: "Write both files" }));
    expect(api.composeExportWrite).toHaveBeenCalledWith(7, preview, false);
    await waitFor(() => expect(onClose).toHaveBeenCalled());
  });

  it("reads the files again when one changed since the preview", async () => {
    const user = userEvent.setup();
    vi.mocked(api.composeExportWrite).mockRejectedValue(
      new ApiError({ code: "datasource.env_file_changed", message: "/home/me/shop/.env changed.", field: null }),
    );
    renderWithApp(<ComposeExportDialog projectId={7} open onClose={vi.fn()} />);
    await user.click(await screen.findByRole("button", { name: "Write both files" }));

    expect(await screen.findByText(/changed since it was read/)).toBeVisible();
    await waitFor(() => expect(api.composeExportPreview).toHaveBeenCalledTimes(2));
  });
});
