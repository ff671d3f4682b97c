// Decoding a JWT payload, without verifying it: enough to tell a public Supabase anon key or an
// expired token from a live bearer credential.

function base64UrlDecode(part: string): string | undefined {
  try {
    const b64 = part.replace(/-/g, '+').replace(/_/g, '/');
    const padded = b64 + '='.repeat((4 - (b64.length % 4)) % 4);
    const binary = atob(padded);
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/** The JSON payload of a `header.payload.signature` token, or undefined when it is not a JWT. */
export function decodeJwtPayload(token: string): Record<string, unknown> | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const header = base64UrlDecode(parts[0]!);
  const payload = base64UrlDecode(parts[1]!);
  if (header === undefined || payload === undefined) return undefined;
  try {
    const h: unknown = JSON.parse(header);
    const p: unknown = JSON.parse(payload);
    if (typeof h !== 'object' || h === null || typeof p !== 'object' || p === null || Array.isArray(p)) {
      return undefined;
    }
    return p as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
