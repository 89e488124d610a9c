'use strict'

// What the benches share: their numeric command-line options and the
// summary of a list of samples.

/** The positive integer after `name` on the command line, or `fallback`. */
function option(name, fallback) {
  const at = process.argv.indexOf(name)
  if (at === -1) return fallback
  const value = Number(process.argv[at + 1])
  if (!Number.isInteger(value) || value <= 0) {
    console.error(`${name} needs a positive integer`)
    process.exit(2)
  }
  return value
}

/** Median, 10th and 90th percentiles of `samples` (nearest rank). */
function summary(samples) {
  const sorted = Float64Array.from(samples).sort()
  const at = (p) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]
  return { median: at(0.5), p10: at(0.1), p90: at(0.9), n: sorted.length }
}

module.exports = { option, summary }
