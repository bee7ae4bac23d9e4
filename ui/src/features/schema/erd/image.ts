import { toPng, toSvg } from "html-to-image";

/** Room around the tables, for the arrows that loop outside them (self-references). */
const PADDING = 40;
/** Beyond this, WebKit and Chromium refuse to draw a canvas; a larger diagram is scaled down. */
const MAX_SIDE = 8000;

type Bounds = { x: number; y: number; width: number; height: number };

/**
 * The flow-space box around the diagram's tables. React Flow places each node with an
 * inline `translate(x, y)`; offsetWidth/Height are its size before the viewport's zoom.
 */
function tablesBounds(root: HTMLElement): Bounds | null {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const node of root.querySelectorAll<HTMLElement>(".react-flow__node")) {
    const match = /translate\(\s*(-?[\d.]+)px\s*,\s*(-?[\d.]+)px\s*\)/.exec(node.style.transform);
    if (!match) continue;
    const x = Number(match[1]);
    const y = Number(match[2]);
    minX = Math.min(minX, x);
    minY = Math.min(minY, y);
    maxX = Math.max(maxX, x + node.offsetWidth);
    maxY = Math.max(maxY, y + node.offsetHeight);
  }
  return minX === Infinity ? null : { x: minX, y: minY, width: maxX - minX, height: maxY - minY };
}

/**
 * The whole diagram (not only what is on screen) as a PNG or SVG data URL, drawn from the
 * `.react-flow__viewport` of the ErdView inside `element`, as React Flow's "download image"
 * example does: the viewport is re-transformed so that every table fits the image.
 */
export async function erdImage(element: HTMLElement, kind: "png" | "svg"): Promise<string> {
  const viewport = element.querySelector<HTMLElement>(".react-flow__viewport");
  if (!viewport) throw new Error("There is no diagram to save.");
  const bounds = tablesBounds(element) ?? { x: 0, y: 0, width: 0, height: 0 };
  const zoom = Math.min(1, MAX_SIDE / (bounds.width + 2 * PADDING), MAX_SIDE / (bounds.height + 2 * PADDING));
  const width = Math.ceil((bounds.width + 2 * PADDING) * zoom);
  const height = Math.ceil((bounds.height + 2 * PADDING) * zoom);
  const flow = element.querySelector<HTMLElement>(".react-flow") ?? element;
  const options = {
    // The canvas's own background, so the image looks like the screen in either theme.
    backgroundColor: getComputedStyle(flow).backgroundColor,
    width,
    height,
    style: {
      width: `${width}px`,
      height: `${height}px`,
      transform: `translate(${(PADDING - bounds.x) * zoom}px, ${(PADDING - bounds.y) * zoom}px) scale(${zoom})`,
    },
  };
  return kind === "png" ? toPng(viewport, options) : toSvg(viewport, options);
}
