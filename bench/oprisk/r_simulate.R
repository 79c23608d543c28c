# The R side of bench/oprisk/run.py: the same compound Poisson-lognormal model simulated with actuar's
# vectorised simulator actuar::rcompound (one rpois for the counts, one rlnorm for all losses, sums by year),
# in chunks of 100 000 years to bound memory (1 M years hold 197 M losses = 1.6 GB in one piece).
# aggregateDist(method = "simulation") is not used: it goes through actuar's general portfolio simulator
# simul() and is about 5x slower still (measured: ~0.9 M losses/s).
# Prints one JSON line: time of the simulation alone, losses per second, and the type-1 99.9% quantile.
#
# Usage: Rscript bench/oprisk/r_simulate.R YEARS LAMBDA MEANLOG SDLOG SEED [LEVEL]
suppressPackageStartupMessages(library(actuar))
args <- commandArgs(trailingOnly = TRUE)
years <- as.integer(args[1]); lambda <- as.numeric(args[2])
meanlog <- as.numeric(args[3]); sdlog <- as.numeric(args[4]); seed <- as.integer(args[5])
level <- if (length(args) >= 6) as.numeric(args[6]) else 0.999
chunk <- 100000L
set.seed(seed)
totals <- numeric(years)
losses <- 0
start <- proc.time()[["elapsed"]]
done <- 0L
while (done < years) {
  m <- min(chunk, years - done)
  sim <- rcompound(m, rpois(lambda), rlnorm(meanlog, sdlog), SIMPLIFY = FALSE)
  totals[(done + 1L):(done + m)] <- sim$aggregate
  losses <- losses + sum(sim$frequency)
  done <- done + m
}
seconds <- proc.time()[["elapsed"]] - start
var <- unname(quantile(totals, level, type = 1))
k <- floor(years * (1 - level))
es <- mean(sort(totals, decreasing = TRUE)[seq_len(k)])
cat(sprintf('{"years": %d, "losses": %.0f, "seconds": %.6f, "losses_per_second": %.6g, "level": %g, "var": %.10g, "es": %.10g, "mean": %.10g, "r": "%s", "actuar": "%s"}\n',
            years, losses, seconds, losses / seconds, level, var, es, mean(totals), R.version.string,
            as.character(packageVersion("actuar"))))
