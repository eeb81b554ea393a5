export type SizeName = 'small' | 'medium' | 'full' | 'large';

export interface Sizes {
  name: SizeName;
  /** Repetitions of each benchmark (the median and spread are taken over them). */
  runs: number;
  plannerDeadlines: number;
  deliveries: number;
  outboxRows: number;
  claimSamples: number;
  miniPrograms: number;
  apiSeconds: number;
  apiConnections: number;
  exportRows: number;
  coldStarts: number;
  /** Mini-programs of the one large organization (imported over HTTP), and requests timed per endpoint. */
  largeOrg: number;
  largeOrgSamples: number;
  /** Mini-programs of the organization whose console pages are timed (issue #15 names 100,000). */
  consoleOrg: number;
}

/** The sizes (full), a CI smoke size (small) and an intermediate one for a shared machine. */
const SIZE_TABLE: Record<Exclude<SizeName, 'large'>, Sizes> = {
  // A smoke test for CI: every benchmark runs end to end (seeding, app, baseline, report) in a minute or
  // two on a loaded 2-core machine; at the earlier sizes the whole run took 18 minutes. Its figures only
  // show that each path works, the goals are judged at `full`.
  small: {
    name: 'small',
    runs: 2,
    plannerDeadlines: 5_000,
    deliveries: 200,
    outboxRows: 20_000,
    claimSamples: 50,
    miniPrograms: 2_000,
    apiSeconds: 1,
    apiConnections: 16,
    exportRows: 1_000,
    coldStarts: 1,
    largeOrg: 1_000,
    largeOrgSamples: 5,
    consoleOrg: 1_000,
  },
  medium: {
    name: 'medium',
    runs: 3,
    plannerDeadlines: 250_000,
    deliveries: 10_000,
    outboxRows: 1_000_000,
    claimSamples: 300,
    miniPrograms: 100_000,
    apiSeconds: 8,
    apiConnections: 16,
    exportRows: 10_000,
    coldStarts: 3,
    largeOrg: 50_000,
    largeOrgSamples: 20,
    consoleOrg: 100_000,
  },
  full: {
    name: 'full',
    runs: 3,
    plannerDeadlines: 1_000_000,
    deliveries: 20_000,
    outboxRows: 5_000_000,
    claimSamples: 500,
    miniPrograms: 100_000,
    apiSeconds: 10,
    apiConnections: 16,
    exportRows: 10_000,
    coldStarts: 3,
    largeOrg: 50_000,
    largeOrgSamples: 20,
    consoleOrg: 100_000,
  },
};

/** `large` is `full` under the name an idle-machine run of the large-organization goals asks for. */
export const SIZES: Record<SizeName, Sizes> = {
  ...SIZE_TABLE,
  large: { ...SIZE_TABLE.full, name: 'large' },
};

export const BENCHMARKS = [
  'planner',
  'delivery',
  'claim',
  'registry',
  'large-org',
  'console',
  'exports',
  'cold-start',
] as const;
export type BenchmarkName = (typeof BENCHMARKS)[number];

export interface Options {
  sizes: Sizes;
  only: BenchmarkName[];
  /** Where the report goes; docs/benchmarks.md unless --out is given. */
  out: string;
}

export function parseArgs(argv: string[]): Options {
  let size: SizeName = 'small';
  let only: BenchmarkName[] = [...BENCHMARKS];
  let out = 'docs/benchmarks.md';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    if (arg === '--size') {
      const v = value();
      if (!(v in SIZES)) throw new Error(`--size must be one of: ${Object.keys(SIZES).join(', ')}`);
      size = v as SizeName;
    } else if (arg === '--only') {
      const names = value().split(',');
      for (const n of names)
        if (!(BENCHMARKS as readonly string[]).includes(n))
          throw new Error(`--only takes a comma-separated list of: ${BENCHMARKS.join(', ')}`);
      only = names as BenchmarkName[];
    } else if (arg === '--out') {
      out = value();
    } else if (arg === '--help' || arg === '-h') {
      throw new Error(
        `usage: npm run bench -- [--size small|medium|full|large] [--only ${BENCHMARKS.join(',')}] [--out FILE]`,
      );
    } else {
      throw new Error(`unknown argument ${arg} (try --help)`);
    }
  }
  return { sizes: SIZES[size], only, out };
}
