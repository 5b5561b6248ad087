// Vite replaces `import.meta.env.VITE_*` at build time; only the dev server's API origin is read.
interface ImportMeta {
  readonly env: { readonly VITE_TENET_API?: string };
}
