// Monaco ships its SQL grammar without types; the console reads only its keyword list.
declare module "monaco-editor/languages/definitions/sql/sql" {
  export const language: { keywords: string[] };
}
