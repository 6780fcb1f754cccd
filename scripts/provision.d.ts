// Types of scripts/provision.js (plain JavaScript: it runs before anything is built).

/** One entry of scripts/test-needs.json. */
export interface TestNeed {
  /** A program, looked up at `paths` and then on PATH. */
  readonly program?: string;
  /** Debian paths of the program; `*` is any version (the highest wins). */
  readonly paths?: readonly string[];
  /** A Python module, looked up with Debian's /usr/bin/python3. */
  readonly python?: string;
  /** The Debian package that provides it. */
  readonly package: string;
  /** Which tests need it, and why. */
  readonly for: string;
}

/** Where the lookup looks; by default the machine's PATH and `/`. */
export interface LookupOptions {
  readonly PATH?: string;
  readonly root?: string;
}

export const NEEDS: readonly TestNeed[];
export function findProgram(program: string, opts?: LookupOptions): string | undefined;
export function requireProgram(program: string, opts?: LookupOptions): string;
export function missingNeeds(opts?: LookupOptions): TestNeed[];
export function installCommand(packages: readonly string[], asRoot: boolean): string;
export function provision(opts?: LookupOptions, log?: (line: string) => void): number;
