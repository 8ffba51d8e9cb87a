import { randomBytes } from 'node:crypto';
import os from 'node:os';

/** Identifies this process as the owner of the runs it executes: `host:pid:instance`. */
export function createProcessOwner(): string {
  return `${os.hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

/**
 * Whether the process that owns a run is still alive. Only processes on this host can be
 * checked; a run owned by another host is assumed alive (a later issue adds heartbeats for that).
 */
export function isOwnerAlive(owner: string): boolean {
  const [host, pidText] = owner.split(':');
  if (host !== os.hostname()) return true;
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
