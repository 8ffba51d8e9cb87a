/** What the CLI needs from its process; injectable so commands can be tested in-process. */
export interface CliIo {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  writeOut(text: string): void;
  writeError(text: string): void;
  /** Whether stderr is a terminal (progress lines use colour only then). */
  readonly interactive: boolean;
}

export function processIo(): CliIo {
  return {
    cwd: process.cwd(),
    env: process.env,
    writeOut: (text) => process.stdout.write(text),
    writeError: (text) => process.stderr.write(text),
    interactive: process.stderr.isTTY,
  };
}
