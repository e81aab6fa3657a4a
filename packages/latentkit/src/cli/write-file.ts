// Crash-safe file writes of the CLI: a temporary file in the same folder, flushed to disk, then
// renamed over the target. A rename within one file system is atomic, so a reader (or a run
// killed at any moment) sees the old file or the new one, never half of one.

import { chmodSync, closeSync, fsyncSync, openSync, realpathSync, renameSync, statSync, unlinkSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { CliError, oneLine } from "./errors.js";

/**
 * Writes `bytes` to `path` atomically. A symbolic link is written through (its target is
 * replaced, the link stays), and an existing file keeps its permissions. On failure the
 * temporary file is removed and the target is untouched.
 */
export function writeFileAtomic(path: string, bytes: Uint8Array | string): void {
  const target = resolveLink(path);
  // pid + random: two runs writing the same file never share a temporary file.
  const tmp = join(dirname(target), `.${basename(target)}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, "wx");
    const data = typeof bytes === "string" ? Buffer.from(bytes, "utf8") : bytes;
    for (let off = 0; off < data.length; ) off += writeSync(fd, data, off, data.length - off);
    // Flushed before the rename: otherwise a power cut can leave the new name on empty blocks.
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    const mode = existingMode(target);
    if (mode !== undefined) chmodSync(tmp, mode);
    renameSync(tmp, target);
  } catch (e) {
    if (fd !== undefined) closeQuietly(fd);
    try {
      unlinkSync(tmp);
    } catch {
      // never created, or already renamed
    }
    throw writeError(e, path);
  }
  syncFolder(dirname(target));
}

/** Whether `path` names an existing regular file (through links). */
export function fileExists(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function resolveLink(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path; // does not exist yet
  }
}

function existingMode(path: string): number | undefined {
  try {
    return statSync(path).mode & 0o7777;
  } catch {
    return undefined;
  }
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // already closed
  }
}

// The rename itself is durable only once the folder is flushed; not every platform can open
// a folder for that (Windows), and the file is complete either way.
function syncFolder(folder: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(folder, "r");
    fsyncSync(fd);
  } catch {
    // best effort
  } finally {
    if (fd !== undefined) closeQuietly(fd);
  }
}

function writeError(e: unknown, path: string): CliError {
  if (e instanceof CliError) return e;
  const code = (e as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return new CliError(`cannot write ${path}: no such directory`);
  if (code === "EISDIR") return new CliError(`cannot write ${path}: it is a directory`);
  if (code === "EACCES" || code === "EPERM") return new CliError(`cannot write ${path}: permission denied`);
  if (code === "ENOSPC") return new CliError(`cannot write ${path}: no space left on the device (the previous file, if any, is unchanged)`);
  return new CliError(`cannot write ${path}: ${oneLine(e instanceof Error ? e.message : String(e))}`);
}
