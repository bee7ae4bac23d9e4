import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Datasource } from "../../api";
import { renderWithApp } from "../../test/render";
import { StartDatasourcesDialog } from "./StartDatasourcesDialog";
import { forgetStartChoice, startChoice, startDecision } from "./startChoice";

const stopped = [{ id: 3, name: "shop-postgres-1", status: "stopped" } as Datasource];

describe("starting stopped databases before a test run", () => {
  beforeEach(() => localStorage.clear());

  it("asks once, then remembers the answer for the project until Ask again", async () => {
    const user = userEvent.setup();
    expect(startDecision(1, startChoice(7))).toBe("ask");
    const onChoose = vi.fn();
    renderWithApp(<StartDatasourcesDialog projectId={7} datasources={stopped} onChoose={onChoose} onClose={vi.fn()} />);
    expect(screen.getByTestId("tests-start-datasources")).toHaveTextContent("shop-postgres-1 is not running");

    await user.click(screen.getByRole("button", { name: "Start them and run" }));
    expect(onChoose).toHaveBeenCalledWith(true);
    expect(startDecision(1, startChoice(7))).toBe("start");
    expect(startDecision(1, startChoice(8)), "another project is asked").toBe("ask");
    expect(startDecision(0, startChoice(7)), "nothing stopped: nothing to do").toBe("none");

    forgetStartChoice(7);
    expect(startDecision(1, startChoice(7))).toBe("ask");
  });

  it("asks again next time when the answer is not to be remembered", async () => {
    const user = userEvent.setup();
    const onChoose = vi.fn();
    renderWithApp(<StartDatasourcesDialog projectId={7} datasources={stopped} onChoose={onChoose} onClose={vi.fn()} />);
    await user.click(screen.getByRole("checkbox", { name: "Remember for this project" }));
    await user.click(screen.getByRole("button", { name: "Run without them" }));
    expect(onChoose).toHaveBeenCalledWith(false);
    expect(startDecision(1, startChoice(7))).toBe("ask");
  });

  it("remembers a no as a no", async () => {
    const user = userEvent.setup();
    renderWithApp(<StartDatasourcesDialog projectId={7} datasources={stopped} onChoose={vi.fn()} onClose={vi.fn()} />);
    await user.click(screen.getByRole("button", { name: "Run without them" }));
    expect(startDecision(1, startChoice(7))).toBe("skip");
  });
});
