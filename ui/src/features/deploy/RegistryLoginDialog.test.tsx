import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { api, ApiError } from "../../api";
import type * as ApiModule from "../../api";
import { renderWithApp } from "../../test/render";
import { RegistryLoginDialog } from "./RegistryLoginDialog";

vi.mock("../../api", async (importOriginal) => {
  const actual = await importOriginal<typeof ApiModule>();
  return { ...actual, api: { deployRegistryLogin: vi.fn(), deploySetRegistryLogin: vi.fn() } };
});

describe("RegistryLoginDialog", () => {
  beforeEach(() => {
    vi.mocked(api.deployRegistryLogin).mockReset().mockResolvedValue({ registry: "registry.example.com", username: null });
    vi.mocked(api.deploySetRegistryLogin).mockReset();
  });

  it("keeps a login the registry accepted, and closes", async () => {
    const user = userEvent.setup();
    vi.mocked(api.deploySetRegistryLogin).mockResolvedValue({ registry: "registry.example.com", username: "ada" });
    const onClose = vi.fn();
    renderWithApp(<RegistryLoginDialog projectId={1} environment="prod" onClose={onClose} />);

    expect(await screen.findByText(/the Docker CLI's is used/)).toBeVisible();
    await user.type(screen.getByLabelText("User name"), " ada ");
    await user.type(screen.getByLabelText("Password or access token"), "s3cret");
    await user.click(screen.getByRole("button", { name: "Log in and keep" }));
    expect(api.deploySetRegistryLogin).toHaveBeenCalledWith(1, "prod", { username: "ada", password: "s3cret" });
    await waitFor(() => expect(onClose).toHaveBeenCalled());
  });

  it("shows why a login was refused, and stays open", async () => {
    const user = userEvent.setup();
    vi.mocked(api.deploySetRegistryLogin).mockRejectedValue(
      new ApiError({ code: "deploy.registry_failed", message: "The registry registry.example.com refused: the user name or password of ada is wrong.", field: null }),
    );
    const onClose = vi.fn();
    renderWithApp(<RegistryLoginDialog projectId={1} environment="prod" onClose={onClose} />);

    await user.type(screen.getByLabelText("User name"), "ada");
    await user.type(screen.getByLabelText("Password or access token"), "wrong");
    await user.click(screen.getByRole("button", { name: "Log in and keep" }));
    expect(await screen.findByTestId("deploy-registry-error")).toHaveTextContent("password of ada is wrong");
    expect(onClose).not.toHaveBeenCalled();
  });
});
