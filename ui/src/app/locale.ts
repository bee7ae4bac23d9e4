// WebKitGTK takes navigator.language from LANG, which is "C" (or "C.UTF-8") on minimal systems
// and containers: not a language tag, and Intl (uPlot's number format, for one) throws on it.
// Such a system gets "en-US", which is what "C" means in practice; a real tag is left alone.
function isValidTag(tag: string): boolean {
  try {
    return Intl.NumberFormat.supportedLocalesOf([tag]).length > 0;
  } catch {
    return false;
  }
}

if (typeof navigator !== "undefined" && !isValidTag(navigator.language)) {
  Object.defineProperty(navigator, "language", { value: "en-US", configurable: true });
  Object.defineProperty(navigator, "languages", { value: ["en-US"], configurable: true });
}
