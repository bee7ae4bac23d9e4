import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { api, ApiError, type Project } from "../../api";
import type * as ApiModule from "../../api";
import { renderWithApp } from "../../test/render";
import { ProjectFormDialog } from "./ProjectFormDialog";

vi.mock("../../api", async (importOriginal) => {
  const actual = await importOriginal<typeof ApiModule>();
  return { ...actual, api: { projectCreate: vi.fn(), projectUpdate: vi.fn(), dialogPick: vi.fn() } };
});

const shop: Project = {
  id: 1,
  name: "shop",
  description: "The online shop",
  folder: null,
  createdAt: "2026-11-21T10:00:00.000Z",
  updatedAt: "2026-11-21T10:00:00.000Z",
};

describe("ProjectFormDialog", () => {
  beforeEach(() => {
    vi.mocked(api.projectCreate).mockReset();
    vi.mocked(api.projectUpdate).mockReset();
  });

  it("shows a taken name under the name field and keeps the form open", async () => {
    const user = userEvent.setup();
    const onClose = vi.fn();
    vi.mocked(api.projectCreate).mockRejectedValue(
      new ApiError({
        code: "project.name_taken",
        message: "A project named “Storefront” already exists; choose another name.",
        field: "name",
      }),
    );
    renderWithApp(<ProjectFormDialog open onClose={onClose} />);

    await user.type(screen.getByLabelText("Name"), "Storefront");
    await user.click(screen.getByRole("button", { name: "Create project" }));

    const error = await screen.findByText("A project named “Storefront” already exists; choose another name.");
    const name = screen.getByLabelText("Name");
    expect(name).toHaveAttribute("aria-invalid", "true");
    expect(name).toHaveAccessibleDescription(error.textContent!);
    expect(name).toHaveFocus();
    expect(onClose).not.toHaveBeenCalled();
    expect(api.projectCreate).toHaveBeenCalledWith({ name: "Storefront", description: "", folder: null });
  });

  it("refuses a name the core would refuse, without asking it", async () => {
    const user = userEvent.setup();
    renderWithApp(<ProjectFormDialog open onClose={vi.fn()} />);

    await user.type(screen.getByLabelText("Name"), "shop/admin");
    await user.click(screen.getByRole("button", { name: "Create project" }));

    expect(screen.getByText(/Remove “\/” from the name/)).toBeVisible();
    expect(api.projectCreate).not.toHaveBeenCalled();
  });

  it("saves an edit of the prefilled project and says so", async () => {
    const user = userEvent.setup();
    const onClose = vi.fn();
    vi.mocked(api.projectUpdate).mockResolvedValue({ ...shop, name: "storefront" });
    renderWithApp(<ProjectFormDialog open project={shop} onClose={onClose} />);

    const name = screen.getByLabelText("Name");
    expect(name).toHaveValue("shop");
    await user.clear(name);
    await user.type(name, "storefront");
    await user.click(screen.getByRole("button", { name: "Save changes" }));

    expect(await screen.findByText("Project “storefront” saved")).toBeVisible();
    expect(api.projectUpdate).toHaveBeenCalledWith(1, {
      name: "storefront",
      description: "The online shop",
      folder: null,
    });
    await waitFor(() => expect(onClose).toHaveBeenCalled());
  });

  it("shows an error that belongs to no field as a toast", async () => {
    const user = userEvent.setup();
    vi.mocked(api.projectCreate).mockRejectedValue(
      new ApiError({ code: "store.unavailable", message: "The database is locked by another program.", field: null }),
    );
    renderWithApp(<ProjectFormDialog open onClose={vi.fn()} />);

    await user.type(screen.getByLabelText("Name"), "shop");
    await user.click(screen.getByRole("button", { name: "Create project" }));

    expect(await screen.findByText("The database is locked by another program.")).toBeVisible();
    expect(screen.getByLabelText("Name")).toHaveAttribute("aria-invalid", "false");
  });

  it("takes the folder chosen with Browse in the native folder dialog", async () => {
    const user = userEvent.setup();
    vi.mocked(api.dialogPick).mockResolvedValue("/home/me/code/shop");
    vi.mocked(api.projectCreate).mockResolvedValue({ ...shop, folder: "/home/me/code/shop" });
    renderWithApp(<ProjectFormDialog open onClose={vi.fn()} />);
    await user.type(screen.getByLabelText("Name"), "shop");
    await user.click(screen.getByRole("button", { name: /Browse/ }));
    expect(api.dialogPick).toHaveBeenCalledWith(expect.objectContaining({ kind: "folder", defaultPath: null }));
    await waitFor(() => expect(screen.getByLabelText(/Folder/)).toHaveValue("/home/me/code/shop"));

    await user.click(screen.getByRole("button", { name: "Create project" }));
    expect(api.projectCreate).toHaveBeenCalledWith({ name: "shop", description: "", folder: "/home/me/code/shop" });
  });
});
