/** The JSON lines (pino) written to stdout while capturing; anything else passes through. */
export interface StdoutCapture {
  lines: string[];
  restore(): void;
}

export function captureJsonStdout(): StdoutCapture {
  const lines: string[] = [];
  const original = process.stdout.write.bind(process.stdout);
  const spy = jest
    .spyOn(process.stdout, 'write')
    .mockImplementation((chunk: string | Uint8Array) => {
      if (typeof chunk === 'string' && chunk.startsWith('{')) {
        lines.push(chunk);
        return true;
      }
      return original(chunk);
    });
  return { lines, restore: () => spy.mockRestore() };
}
