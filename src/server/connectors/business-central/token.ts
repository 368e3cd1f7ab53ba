import { type HttpAuth, type HttpClient } from "../http";
import { AuthError, ConnectorError, RequestRejectedError } from "../errors";
import { type BusinessCentralCredentials } from "../credentials";
import { tokenResponseSchema } from "./schemas";

/**
 * Bearer auth for Business Central: either a token the caller already holds, or the OAuth
 * client-credentials flow against the tenant's token endpoint, cached until shortly before
 * it expires and refreshed once when the API answers 401.
 */
const EXPIRY_MARGIN_MS = 60_000;

export function businessCentralAuth(credentials: BusinessCentralCredentials, tokenClient: HttpClient): HttpAuth {
  if ("accessToken" in credentials) return { headers: () => ({ authorization: `Bearer ${credentials.accessToken}` }) };
  const oauth = credentials;
  let cached: { token: string; expiresAt: number } | undefined;

  async function fetchToken(): Promise<string> {
    const form = new URLSearchParams({
      grant_type: "client_credentials",
      client_id: oauth.clientId,
      client_secret: oauth.clientSecret,
      scope: oauth.scope,
    });
    try {
      const { data } = await tokenClient.request({
        method: "POST",
        path: oauth.tokenUrl,
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: form.toString(),
        schema: tokenResponseSchema,
        idempotent: true,
      });
      cached = { token: data.access_token, expiresAt: tokenClient.now() + data.expires_in * 1000 - EXPIRY_MARGIN_MS };
      return data.access_token;
    } catch (error) {
      // The identity platform answers a wrong secret with 400/401 invalid_client.
      if (error instanceof RequestRejectedError || (error instanceof ConnectorError && error.status === 401)) {
        throw new AuthError(`Business Central token request was refused: ${error.message}`, {
          status: error.status,
          cause: error,
        });
      }
      throw error;
    }
  }

  return {
    async headers() {
      const token = cached && cached.expiresAt > tokenClient.now() ? cached.token : await fetchToken();
      return { authorization: `Bearer ${token}` };
    },
    async refresh() {
      cached = undefined;
      return true;
    },
  };
}
