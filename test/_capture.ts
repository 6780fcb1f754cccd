/** Runs a command line in-process and returns its exit code and what it printed. */
export function capture(run: () => number): { code: number; stdout: string; stderr: string } {
  let stdout = '';
  let stderr = '';
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: any) => { stdout += String(chunk); return true; });
  const err = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: any) => { stderr += String(chunk); return true; });
  try {
    return { code: run(), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}
