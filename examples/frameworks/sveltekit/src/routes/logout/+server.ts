import { redirect } from "@sveltejs/kit";
import type { RequestHandler } from "./$types";

// Django's logout(): data, stored copy and cookie go.
export const POST: RequestHandler = async ({ locals }) => {
  await locals.session.flush();
  redirect(303, "/");
};
