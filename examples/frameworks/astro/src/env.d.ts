// `App.Locals.session` is declared by edge-sessions/astro.
/// <reference types="astro/client" />
