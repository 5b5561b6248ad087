import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';

/** A new opaque refresh token: 256 random bits. */
export function generateRefreshToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The only form in which a refresh token is stored: its SHA-256. */
export function hashRefreshToken(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

/** Seals a successor refresh token for the reuse grace window, and opens it again. */
export interface SuccessorCipher {
  seal(token: string): string;
  /** Returns the token, or `null` when the ciphertext was not sealed by this key. */
  open(ciphertext: string): string | null;
}

/**
 * AES-256-GCM under a key derived (HKDF) from the signing secret. The successor of a rotated token
 * is kept sealed, only for the grace window, so that concurrent refreshes from several tabs all
 * receive the same successor; a database dump alone does not reveal it.
 */
export function createSuccessorCipher(secret: string): SuccessorCipher {
  const key = Buffer.from(hkdfSync('sha256', secret, 'tenet', 'refresh-successor', 32));
  return {
    seal(token) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const sealed = Buffer.concat([cipher.update(token, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64url');
    },
    open(ciphertext) {
      const data = Buffer.from(ciphertext, 'base64url');
      if (data.length < 29) return null;
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, 12));
        decipher.setAuthTag(data.subarray(12, 28));
        return Buffer.concat([decipher.update(data.subarray(28)), decipher.final()]).toString('utf8');
      } catch {
        return null;
      }
    },
  };
}
