// The shared main program and ratio reporter of the benchmarks (bench_support.hpp).
#include "bench_support.hpp"

#include <unistd.h>  // isatty

#include <algorithm>
#include <cstdio>
#include <exception>

namespace crucible::bench {

RatioReporter::RatioReporter(std::vector<RatioPair> pairs)
    : ConsoleReporter(isatty(STDOUT_FILENO) ? OO_ColorTabular : OO_Tabular),
      pairs_(std::move(pairs)) {}

void RatioReporter::ReportRuns(const std::vector<Run>& runs) {
  for (const Run& run : runs) {
    if (run.run_type != Run::RT_Iteration) continue;
    if (run.error_occurred) {
      failed_.push_back(run.run_name.function_name + ": " + run.error_message);
      continue;
    }
    times_[run.run_name.function_name].push_back(run.GetAdjustedRealTime());
  }
  ConsoleReporter::ReportRuns(runs);
}

double RatioReporter::fastest_ms(const std::string& name) const {
  const auto it = times_.find(name);
  if (it == times_.end() || it->second.empty()) return 0;
  return *std::min_element(it->second.begin(), it->second.end());
}

bool RatioReporter::print_ratios() {
  bool complete = failed_.empty();
  std::printf("\nRatios crucible/raw of the fastest of %zu interleaved repetitions in this run:\n",
              times_.empty() ? std::size_t{0} : times_.begin()->second.size());
  for (const RatioPair& p : pairs_) {
    const double c = fastest_ms(p.crucible);
    const double r = fastest_ms(p.raw);
    if (c <= 0 || r <= 0) {
      std::printf("%s: not measured\n", p.label.c_str());
      complete = false;
      continue;
    }
    const double ratio = c / r;
    std::printf("%s: crucible/raw = %.2f", p.label.c_str(), ratio);
    if (p.target > 0)
      std::printf("  (target <= %.2f: %s)", p.target, ratio <= p.target ? "met" : "MISSED");
    if (p.max_crucible_ms > 0)
      std::printf("; crucible %.0f ms (target <= %.0f ms: %s)", c, p.max_crucible_ms,
                  c <= p.max_crucible_ms ? "met" : "MISSED");
    std::printf("\n");
  }
  for (const std::string& f : failed_) std::printf("error: %s\n", f.c_str());
  return complete;
}

int bench_main(int argc, char** argv, const char* program, const std::function<void()>& setup,
               const std::function<void()>& teardown, const std::vector<Registration>& benchmarks,
               std::vector<RatioPair> pairs) {
  // Defaults that the command line may override: 10 short repetitions, interleaved at random.
  std::vector<char*> args(argv, argv + argc);
  std::string repetitions = "--benchmark_repetitions=10";
  std::string min_time = "--benchmark_min_time=0.2";
  std::string interleave = "--benchmark_enable_random_interleaving=true";
  args.insert(args.begin() + 1, {repetitions.data(), min_time.data(), interleave.data()});
  int count = static_cast<int>(args.size());
  benchmark::Initialize(&count, args.data());
  if (benchmark::ReportUnrecognizedArguments(count, args.data())) return 2;

  try {
    setup();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: setting up: %s\n", program, e.what());
    return 1;
  }
  for (const auto& [name, fn] : benchmarks)
    benchmark::RegisterBenchmark(name.c_str(), fn)->Unit(benchmark::kMillisecond)->UseRealTime();

  RatioReporter reporter(std::move(pairs));
  benchmark::RunSpecifiedBenchmarks(&reporter);
  const bool complete = reporter.print_ratios();
  benchmark::Shutdown();
  try {
    teardown();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: tearing down: %s\n", program, e.what());
    return 1;
  }
  return complete ? 0 : 1;
}

}  // namespace crucible::bench
