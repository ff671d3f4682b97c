// The policy's file name and format version, apart from the policy code: reading them must not load
// the catalog (the audit's start-up is benchmarked; the policy check loads only when a policy exists).
export const POLICY_FILE = 'mcp-harden.policy.json';
export const POLICY_VERSION = 1;
