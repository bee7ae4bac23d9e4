import { describe, expect, it } from "vitest";
import { buildEditorTheme, editorThemeName, longHexColor } from "./monacoTheme";

const variables: Record<string, string> = {
  "--surface": " #1c1c21",
  "--text": "#ececf1",
  "--accent": "#7C6FF5",
  "--border-strong": "#fff",
  "--danger": "color-mix(in srgb, red 50%, blue)",
};
const read = (name: string) => variables[name] ?? "";

describe("buildEditorTheme", () => {
  it("takes the app's colours over Monaco's dark base", () => {
    const theme = buildEditorTheme(true, read);
    expect(theme.base).toBe("vs-dark");
    expect(theme.inherit).toBe(true);
    expect(theme.colors["editor.background"]).toBe("#1c1c21");
    expect(theme.colors["editor.foreground"]).toBe("#ececf1");
    expect(theme.colors["editorCursor.foreground"]).toBe("#7c6ff5");
    expect(theme.colors["editorWidget.border"]).toBe("#ffffff");
  });

  it("leaves to Monaco what is missing or not a hex colour", () => {
    const theme = buildEditorTheme(false, read);
    expect(theme.base).toBe("vs");
    expect(theme.colors).not.toHaveProperty("editorError.foreground");
    expect(theme.colors).not.toHaveProperty("editorLineNumber.foreground");
  });

  it("names the light and dark themes apart", () => {
    expect(editorThemeName(false)).toBe("quantum-light");
    expect(editorThemeName(true)).toBe("quantum-dark");
  });
});

describe("longHexColor", () => {
  it.each([
    ["#fff", "#ffffff"],
    ["#0f08", "#00ff0088"],
    [" #1C1C21 ", "#1c1c21"],
    ["#1c1c2180", "#1c1c2180"],
    ["color-mix(in srgb, red 50%, blue)", null],
    ["rgb(0, 0, 0)", null],
    ["#12345", null],
    ["", null],
  ])("reads %j as %j", (value, color) => {
    expect(longHexColor(value)).toBe(color);
  });
});
