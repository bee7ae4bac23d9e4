import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError, api } from "../../../api";
import type * as ApiModule from "../../../api";
import { LINK_OUTSIDE_CODE } from "../../../components/LinkOutsideConfirm";
import { renderWithApp } from "../../../test/render";
import { SavedQueries } from "./SavedQueries";

vi.mock("../../../api", async (importOriginal) => {
  const actual = await importOriginal<typeof ApiModule>();
  return {
    ...actual,
    api: { consoleSavedList: vi.fn(), consoleSavedWrite: vi.fn(), consoleSavedRemove: vi.fn() },
  };
});

const SQL = "select id, email from users where active";
const saved = [
  { name: "active-users", sql: "select * from users where active" },
  { name: "orders-today", sql: "select * from orders where created_at > now() - interval '1 day'" },
];

function renderSaved({ current = null as string | null } = {}) {
  const onOpen = vi.fn();
  const onCurrent = vi.fn();
  renderWithApp(<SavedQueries projectId={7} sql={SQL} current={current} onOpen={onOpen} onCurrent={onCurrent} />);
  return { onOpen, onCurrent };
}

async function openSaveDialog(user: ReturnType<typeof userEvent.setup>) {
  await user.click(screen.getByRole("button", { name: "Saved" }));
  await user.click(await screen.findByRole("menuitem", { name: /Save as…/ }));
  return screen.findByRole("dialog", { name: "Save the query" });
}

describe("SavedQueries", () => {
  beforeEach(() => {
    vi.mocked(api.consoleSavedList).mockReset();
    vi.mocked(api.consoleSavedWrite).mockReset();
    vi.mocked(api.consoleSavedRemove).mockReset();
    vi.mocked(api.consoleSavedList).mockResolvedValue(saved);
  });

  it("lists the project's saved queries and opens the one chosen", async () => {
    const user = userEvent.setup();
    const { onOpen, onCurrent } = renderSaved();
    await user.click(screen.getByRole("button", { name: "Saved" }));

    const menu = await screen.findByRole("menu");
    expect(await within(menu).findByRole("menuitem", { name: "active-users" })).toBeVisible();
    expect(within(menu).getByRole("menuitem", { name: "orders-today" })).toBeVisible();
    expect(api.consoleSavedList).toHaveBeenCalledWith(7);

    await user.click(within(menu).getByRole("menuitem", { name: "orders-today" }));
    expect(onOpen).toHaveBeenCalledWith(saved[1]);
    expect(onCurrent).toHaveBeenCalledWith("orders-today");
    expect(screen.queryByRole("menu")).not.toBeInTheDocument();
  });

  it("saves the editor's script under the typed name, though the core answers nothing", async () => {
    const user = userEvent.setup();
    // The command returns unit: the API resolves to null.
    vi.mocked(api.consoleSavedWrite).mockResolvedValue(null);
    const { onCurrent } = renderSaved();
    const dialog = await openSaveDialog(user);

    await user.type(within(dialog).getByLabelText("Name"), " weekly-report ");
    expect(dialog).toHaveTextContent("queries/weekly-report.sql");
    await user.click(within(dialog).getByRole("button", { name: "Save" }));

    expect(api.consoleSavedWrite).toHaveBeenCalledWith(7, "weekly-report", SQL, false);
    await waitFor(() => expect(screen.queryByRole("dialog", { name: "Save the query" })).not.toBeInTheDocument());
    expect(onCurrent).toHaveBeenCalledWith("weekly-report");
    expect(await screen.findByText("Saved the query as queries/weekly-report.sql")).toBeVisible();
  });

  it("shows a name the core refuses under the field and keeps the dialog open", async () => {
    const user = userEvent.setup();
    vi.mocked(api.consoleSavedWrite).mockRejectedValue(
      new ApiError({ code: "validation.invalid_name", message: "A query name cannot contain “/”.", field: "name" }),
    );
    const { onCurrent } = renderSaved();
    const dialog = await openSaveDialog(user);

    await user.type(within(dialog).getByLabelText("Name"), "a/b");
    await user.click(within(dialog).getByRole("button", { name: "Save" }));

    const error = await within(dialog).findByText("A query name cannot contain “/”.");
    expect(within(dialog).getByLabelText("Name")).toHaveAccessibleDescription(error.textContent!);
    expect(within(dialog).getByLabelText("Name")).toBeInvalid();
    expect(screen.getByRole("dialog", { name: "Save the query" })).toBeVisible();
    expect(onCurrent).not.toHaveBeenCalled();
  });

  it("asks before writing through a link out of the project, and writes through it once confirmed", async () => {
    const user = userEvent.setup();
    vi.mocked(api.consoleSavedWrite)
      .mockRejectedValueOnce(
        new ApiError({
          code: LINK_OUTSIDE_CODE,
          message: "queries/weekly.sql is a link to /etc/weekly.sql, outside the project folder.",
          field: null,
        }),
      )
      .mockResolvedValueOnce(null);
    const { onCurrent } = renderSaved();
    const dialog = await openSaveDialog(user);
    await user.type(within(dialog).getByLabelText("Name"), "weekly");
    await user.click(within(dialog).getByRole("button", { name: "Save" }));

    const confirm = await screen.findByRole("dialog", { name: "Write through a link out of the project?" });
    expect(confirm).toHaveTextContent("is a link to /etc/weekly.sql");
    expect(api.consoleSavedWrite).toHaveBeenCalledTimes(1);
    expect(api.consoleSavedWrite).toHaveBeenLastCalledWith(7, "weekly", SQL, false);

    await user.click(within(confirm).getByRole("button", { name: "Write through the link" }));
    await waitFor(() => expect(api.consoleSavedWrite).toHaveBeenCalledTimes(2));
    expect(api.consoleSavedWrite).toHaveBeenLastCalledWith(7, "weekly", SQL, true);
    await waitFor(() => expect(screen.queryByRole("dialog", { name: "Save the query" })).not.toBeInTheDocument());
    expect(onCurrent).toHaveBeenCalledWith("weekly");
  });

  it("writes nothing more when the user declines the link out of the project", async () => {
    const user = userEvent.setup();
    vi.mocked(api.consoleSavedWrite).mockRejectedValue(
      new ApiError({ code: LINK_OUTSIDE_CODE, message: "queries/weekly.sql leads out of the project.", field: null }),
    );
    const { onCurrent } = renderSaved();
    const dialog = await openSaveDialog(user);
    await user.type(within(dialog).getByLabelText("Name"), "weekly");
    await user.click(within(dialog).getByRole("button", { name: "Save" }));

    const confirm = await screen.findByRole("dialog", { name: "Write through a link out of the project?" });
    await user.click(within(confirm).getByRole("button", { name: "Cancel" }));
    await waitFor(() =>
      expect(screen.queryByRole("dialog", { name: "Write through a link out of the project?" })).not.toBeInTheDocument(),
    );
    expect(api.consoleSavedWrite).toHaveBeenCalledTimes(1);
    expect(screen.getByRole("dialog", { name: "Save the query" })).toBeVisible();
    expect(onCurrent).not.toHaveBeenCalled();
  });

  it("deletes the open query once confirmed", async () => {
    const user = userEvent.setup();
    vi.mocked(api.consoleSavedRemove).mockResolvedValue(null);
    const { onCurrent } = renderSaved({ current: "active-users" });
    await user.click(screen.getByRole("button", { name: "Saved" }));
    await user.click(await screen.findByRole("menuitem", { name: "Delete “active-users”…" }));

    const confirm = await screen.findByRole("dialog", { name: "Delete the saved query “active-users”?" });
    expect(confirm).toHaveTextContent("queries/active-users.sql");
    expect(api.consoleSavedRemove).not.toHaveBeenCalled();

    await user.click(within(confirm).getByRole("button", { name: "Delete" }));
    expect(api.consoleSavedRemove).toHaveBeenCalledWith(7, "active-users");
    await waitFor(() => expect(onCurrent).toHaveBeenCalledWith(null));
    expect(await screen.findByText("Deleted the saved query “active-users”")).toBeVisible();
    await waitFor(() => expect(screen.queryByRole("dialog", { name: /Delete the saved query/ })).not.toBeInTheDocument());
  });

  it("deletes nothing when the confirmation is cancelled", async () => {
    const user = userEvent.setup();
    renderSaved({ current: "active-users" });
    await user.click(screen.getByRole("button", { name: "Saved" }));
    await user.click(await screen.findByRole("menuitem", { name: "Delete “active-users”…" }));
    const confirm = await screen.findByRole("dialog", { name: "Delete the saved query “active-users”?" });
    await user.click(within(confirm).getByRole("button", { name: "Cancel" }));

    expect(screen.queryByRole("dialog", { name: /Delete the saved query/ })).not.toBeInTheDocument();
    expect(api.consoleSavedRemove).not.toHaveBeenCalled();
  });

  it("offers no delete when no saved query is open", async () => {
    const user = userEvent.setup();
    renderSaved();
    await user.click(screen.getByRole("button", { name: "Saved" }));
    await screen.findByRole("menuitem", { name: "active-users" });
    expect(screen.queryByRole("menuitem", { name: /Delete/ })).not.toBeInTheDocument();
  });
});
