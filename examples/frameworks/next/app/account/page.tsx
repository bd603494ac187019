// Reached only through the middleware, with a session that has been to "/".
export default function Account() {
  return (
    <main>
      <h1 id="account">Your account</h1>
    </main>
  );
}
