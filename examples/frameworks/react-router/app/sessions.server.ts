// React Router's SessionStorage over Django's sessions: the `sessionid`
// cookie and the stored dict are what a Django site with the same
// SECRET_KEY reads and writes. SESSION_ENGINE picks where the data lives:
// "cache" (a server store, here in memory) or "signed_cookies" (in the cookie).
import type { SessionStorage } from "react-router";
import { memoryCache, type SessionOptions } from "edge-sessions";
import { createDjangoSessionStorage } from "edge-sessions/react-router";

export const engine = process.env.SESSION_ENGINE === "signed_cookies" ? "signed_cookies" : "cache";

const cache = memoryCache({ maxEntries: 10_000 });

type Data = { visits: number };
type Flash = { message: string };

// A function: read at the first request, from the server's environment.
const storage = createDjangoSessionStorage<Data, Flash>((): SessionOptions =>
  engine === "cache"
    ? { secretKey: process.env.SECRET_KEY ?? "", engine: "cache", cache }
    : { secretKey: process.env.SECRET_KEY ?? "", engine: "signed_cookies" });

// React Router's own SessionStorage type, and Django's full headers besides.
export const { getSession, commitSession, destroySession }: SessionStorage<Data, Flash> = storage;
export const { commitHeaders, destroyHeaders } = storage;
