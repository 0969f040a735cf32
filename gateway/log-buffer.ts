/**
 * The log's way to stderr: lines are gathered and written together once the
 * event loop's current turn is over, not one synchronous write(2) each.
 * Issue 15: the request line written synchronously (pino to process.stderr,
 * a file or pipe, so `writeSync`) was about a third of the gateway's cost per
 * request over the pre-pipeline gateway; gathered, the lines of every
 * request that finished in one turn leave in one write.
 *
 * Still through `process.stderr.write`, at the time of the flush: lines keep
 * their order with one another, and whatever wraps process.stderr.write (a
 * test's capture, a host's hook) still sees them. A line is written before
 * the next turn of the loop reads a socket, so a caller who got an answer
 * finds the lines logged while it was being made.
 *
 * Nothing is lost on the way out: the gateway flushes on close (SIGTERM and
 * SIGINT close it, gateway/cli/start.ts), and the process's 'exit' event
 * (process.exit, an uncaught exception) flushes what is left, synchronously:
 * node writes stderr synchronously to files and pipes. Only a SIGKILL can
 * lose the lines of the last turn.
 */

/** Written at once past this many characters, whatever the turn: bounds the memory a burst can hold. */
const MAX_PENDING_CHARS = 64 * 1024;

export interface LogBuffer {
  /** Queues one chunk (a line with its newline) for stderr. */
  write(chunk: string): void;
  /** Writes out everything queued, now. */
  flush(): void;
}

// Private: one queue for the process, as stderr is one stream: the lines of
// several gateways in one process (tests) keep their order.
let pending = '';
let scheduled: NodeJS.Immediate | undefined;
let exitHooked = false;

function flush(): void {
  if (scheduled !== undefined) {
    clearImmediate(scheduled);
    scheduled = undefined;
  }
  if (pending === '') return;
  const out = pending;
  pending = '';
  process.stderr.write(out);
}

/** The process's stderr, gathered per turn of the event loop (see above). */
export function stderrLogBuffer(): LogBuffer {
  if (!exitHooked) {
    exitHooked = true;
    process.on('exit', flush);
  }
  return {
    write(chunk) {
      pending += chunk;
      if (pending.length >= MAX_PENDING_CHARS) flush();
      // Unreferenced: queued lines never keep a process alive; 'exit' writes them.
      else if (scheduled === undefined) scheduled = setImmediate(flush).unref();
    },
    flush,
  };
}
