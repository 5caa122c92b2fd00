// The admin API as the console uses it: every call with the pasted bearer token, a time limit, and
// failures sorted into what the operator needs to know (token rejected, API off, server gone).

const TIMEOUT_MS = 5000;

/** A failed call: kind is "rejected" (401), "off" (404 from the API itself), "unreachable" or "http". */
export class ApiFailure extends Error {
  constructor(kind, status, message) {
    super(message);
    this.kind = kind;
    this.status = status;
  }
}

/** The API root next to the console page: /dashboard/ -> /api/, whatever the context root. */
const ROOT = new URL("../api/", window.location.href);

export function createApi(tokenOf) {
  async function call(method, path, body) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
    const headers = { "Authorization": "Bearer " + tokenOf() };
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
    }
    let response;
    try {
      response = await fetch(new URL(path.replace(/^\//, ""), ROOT), {
        method, headers, body: body === undefined ? undefined : JSON.stringify(body),
        cache: "no-store", signal: controller.signal
      });
    } catch (e) {
      throw new ApiFailure("unreachable", 0, e.name === "AbortError"
        ? "no answer within " + TIMEOUT_MS / 1000 + " s" : "the server cannot be reached");
    } finally {
      clearTimeout(timer);
    }
    let json = null;
    const text = await response.text().catch(() => "");
    try {
      json = text ? JSON.parse(text) : null;
    } catch (e) {
      json = null;
    }
    if (!response.ok) {
      const said = json && json.message ? json.message : "HTTP " + response.status;
      if (response.status === 401) {
        throw new ApiFailure("rejected", 401, "the server rejected this admin token");
      }
      if (response.status === 404 && json && json.error === "not_found" && /admin API is off/.test(said)) {
        throw new ApiFailure("off", 404, said);
      }
      if (response.status === 404 && !json) {
        throw new ApiFailure("off", 404, "no admin API here (HTTP 404)");
      }
      if (response.status >= 502 && response.status <= 504 && !json) {
        throw new ApiFailure("unreachable", response.status, "the server is not answering (HTTP " + response.status + ")");
      }
      throw new ApiFailure("http", response.status, said);
    }
    const total = response.headers.get("X-Total-Count");
    return { json, total: total === null ? null : Number(total) };
  }
  return {
    get: (path) => call("GET", path),
    post: (path, body) => call("POST", path, body),
    del: (path) => call("DELETE", path)
  };
}
