// Preloaded by the benchmark (`node --require scripts/bench-rss.js ...`): at exit, writes the
// process's peak resident set size (KiB) to the file named by BENCH_RSS_FILE.
'use strict';
process.on('exit', () => {
  if (process.env.BENCH_RSS_FILE) require('fs').writeFileSync(process.env.BENCH_RSS_FILE, String(process.resourceUsage().maxRSS));
});
