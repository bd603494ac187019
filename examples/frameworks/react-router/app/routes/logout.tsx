import { redirect } from "react-router";
import type { Route } from "./+types/logout";
import { destroyHeaders, getSession } from "../sessions.server";

// Django's logout(): data, stored copy and cookie go.
export async function action({ request }: Route.ActionArgs) {
  const session = await getSession(request.headers.get("Cookie"));
  return redirect("/", { headers: await destroyHeaders(session) });
}

export async function loader() {
  return redirect("/");
}
