import type { PageServerLoad } from "./$types";

export const load: PageServerLoad = async ({ locals }) => {
  const visits = Number(await locals.session.get("visits", 0)) + 1;
  await locals.session.set("visits", visits);
  return { visits };
};
