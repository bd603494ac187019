import { data, Form, redirect } from "react-router";
import type { Route } from "./+types/home";
import { commitHeaders, commitSession, engine, getSession } from "../sessions.server";

export async function loader({ request }: Route.LoaderArgs) {
  const session = await getSession(request.headers.get("Cookie"));
  const visits = Number(session.get("visits") ?? 0) + 1;
  session.set("visits", visits);
  const message = session.get("message") ?? null; // a flash: shown once
  // Set-Cookie when Django would send one, and Vary: Cookie.
  return data({ visits, message, engine }, { headers: await commitHeaders(session) });
}

// A flash message for the next page view (React Router's session.flash).
export async function action({ request }: Route.ActionArgs) {
  const session = await getSession(request.headers.get("Cookie"));
  const form = await request.formData();
  session.flash("message", String(form.get("message") ?? ""));
  return redirect("/", { headers: { "Set-Cookie": await commitSession(session) } });
}

// The loader's headers (Set-Cookie, Vary) on the rendered document too.
export function headers({ loaderHeaders, actionHeaders }: Route.HeadersArgs) {
  return actionHeaders.has("set-cookie") ? actionHeaders : loaderHeaders;
}

export default function Home({ loaderData }: Route.ComponentProps) {
  return (
    <main>
      <h1>React Router with Django sessions ({loaderData.engine})</h1>
      <p id="visits" data-visits={loaderData.visits}>Visits in this session: {loaderData.visits}</p>
      {loaderData.message && <p id="message" data-message={loaderData.message}>{loaderData.message}</p>}
      <Form method="post">
        <input name="message" defaultValue="hello" />
        <button>Flash a message</button>
      </Form>
      <Form method="post" action="/logout">
        <button>Log out</button>
      </Form>
    </main>
  );
}
