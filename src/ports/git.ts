// What the audit asks git about the workspace's files (src/adapters/git.ts answers).
export interface GitFacts {
  isRepo: boolean;
  /** The given files that git tracks, as given (relative ones made absolute). */
  tracked: Set<string>;
  /** The given files that are git-ignored (and untracked), as given (relative ones made absolute). */
  ignored: Set<string>;
  /** Why the facts are missing or partial, in words for the report's notes. */
  note?: string;
}
