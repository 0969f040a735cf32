// Runs once before all test files. Kept for suite-wide checks; servers are
// started per file by the harness so each file owns and stops its own.
export default function setup(): void {
  if (Number(process.versions.node.split('.')[0]) < 20) {
    throw new Error(`Switchboard's tests need Node 20 or newer, found ${process.versions.node}.`);
  }
}
