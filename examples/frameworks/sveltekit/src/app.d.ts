// See https://svelte.dev/docs/kit/types#app.d.ts
// `App.Locals.session` is declared by edge-sessions/sveltekit.
declare global {
  namespace App {}
}

export {};
