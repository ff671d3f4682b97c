// The OS keychain behind one small interface (DESIGN §8). Implementations: keytar (native module),
// the OS command-line tools (`secret-tool`, `security`), and an in-memory double for tests.
//
// Every method may throw KeychainUnavailableError (exit 10) with the reason: 'missing-backend',
// 'locked', 'refused' or 'timeout'. A missing item is never an error: `get` gives null and `delete`
// gives false, and only once the store has made sure the keychain is usable (a locked keychain
// otherwise looks exactly like an empty one).

export interface SecretStore {
  /** Which backend this is, e.g. 'keytar', 'secret-tool', 'security', 'memory'. */
  readonly backend: string;
  /** The stored value, or null when there is no such item. */
  get(service: string, account: string): Promise<string | null>;
  /** Creates the item or replaces its value. The value is never put in a process's arguments. */
  set(service: string, account: string, value: string): Promise<void>;
  /** Removes the item; false when there was none. */
  delete(service: string, account: string): Promise<boolean>;
  /** The accounts stored under `service` (never their values), sorted by account. */
  list(service: string): Promise<{ account: string }[]>;
  /**
   * Checks that the keychain can be used now, by a write/read/delete round trip of a throwaway
   * item under PROBE_SERVICE. Throws KeychainUnavailableError with the reason when it cannot.
   */
  probe(): Promise<void>;
}

/** The service of the throwaway item written by `probe()`. */
export const PROBE_SERVICE = 'mcp-harden-probe';
