import { headers } from "next/headers";

// Rendered per request: the middleware put this visit's count in x-visits.
export default async function Home() {
  const visits = (await headers()).get("x-visits");
  return (
    <main>
      <h1>Next.js with Django sessions</h1>
      <p id="visits" data-visits={visits ?? ""}>Visits in this session: {visits}</p>
      <form method="post" action="/logout">
        <button>Log out</button>
      </form>
    </main>
  );
}
