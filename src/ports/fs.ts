// The read side of the file system, as the audit sees it. Writes come with the fix engine.

export interface FileFacts {
  /** Permission bits (mode & 0o777); 0 where the platform has none (Windows). */
  mode: number;
  uid: number;
  size: number;
  isSymlink: boolean;
  isFile: boolean;
  /** Resolved path when the file is a symlink. */
  realPath?: string;
}

export type ReadResult =
  | { ok: true; text: string }
  | { ok: false; reason: 'missing' | 'unreadable' | 'not-a-file' | 'too-large'; message: string };

export interface ReadOnlyFs {
  /** Facts about a path without following a final symlink; null when nothing is there. */
  inspect(path: string): Promise<FileFacts | null>;
  /** Reads a text file (following symlinks). Never throws. */
  readText(path: string): Promise<ReadResult>;
  /** Names in a directory; empty when it does not exist or cannot be read. */
  list(dir: string): Promise<string[]>;
  /** The path with every symlink on the way resolved (its folders' too); null when it cannot be. */
  realPath(path: string): Promise<string | null>;
}
