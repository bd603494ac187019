import type { APIRoute } from "astro";

// Django's logout(): data, stored copy and cookie go.
export const POST: APIRoute = async ({ locals, redirect }) => {
  await locals.session.flush();
  return redirect("/", 303);
};
