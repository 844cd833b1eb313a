/**
 * Runs `work` while capturing what this process writes to stdout and stderr (and so console.*), in case the
 * driver or a library prints on its own; everything captured is still written through.
 */
export async function printedDuring<T>(work: () => Promise<T>): Promise<{ result: T; printed: string }> {
  let printed = '';
  const streams = [process.stdout, process.stderr];
  const writes = streams.map((stream) => stream.write);
  streams.forEach((stream, i) => {
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      printed += String(chunk);
      return (writes[i] as (...a: unknown[]) => boolean).call(stream, chunk, ...rest);
    }) as typeof stream.write;
  });
  try {
    return { result: await work(), printed };
  } finally {
    streams.forEach((stream, i) => (stream.write = writes[i]));
  }
}
