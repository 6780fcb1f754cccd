/**
 * What a Dockerfile's final stage runs: its ENTRYPOINT and CMD as words (the exec form as
 * written, the shell form as `/bin/sh -c <text>`), for recognizing the app's server when the
 * compose file does not say. Only what the file states: no base image is looked at.
 */
export function dockerfileProcess(text: string): { entrypoint?: string[]; command?: string[] } {
  let entrypoint: string[] | undefined;
  let command: string[] | undefined;
  // Continuation lines joined (a trailing backslash), comments and blank lines left out.
  const instructions = text.replace(/\\\r?\n/g, ' ').split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  for (const line of instructions) {
    const match = /^(\w+)\s+([\s\S]*)$/.exec(line);
    if (!match) continue;
    const [, keyword, rest] = match;
    switch (keyword.toUpperCase()) {
      case 'FROM':
        entrypoint = undefined;
        command = undefined;
        break;
      case 'ENTRYPOINT':
        entrypoint = words(rest);
        break;
      case 'CMD':
        command = words(rest);
        break;
      default:
        break;
    }
  }
  return { entrypoint, command };
}

function words(argument: string): string[] {
  const text = argument.trim();
  if (text.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (Array.isArray(parsed) && parsed.every((w) => typeof w === 'string')) return parsed;
    } catch {
      // Not JSON: Docker runs it in the shell form, as below.
    }
  }
  return ['/bin/sh', '-c', text];
}
